import AccoladeTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `Type=notify` units (config/accolade.service): systemd learns from `sd_notify` datagrams when
/// the process is ready and when it begins to stop. A test socket stands in for systemd's.
@Suite struct SystemdNotifyEndToEndTests {
    @Test("serve sends READY=1 once the API listens, and STOPPING=1 when SIGTERM begins the graceful shutdown")
    func serve() throws {
        let ws = try Workspace(smtpPort: try FreePort.pick())
        let systemd = try NotifySocket(ws.directory.path + "/notify.sock")
        let process = try ws.start(["serve", "--listen", "127.0.0.1:0"], environment: ["NOTIFY_SOCKET": systemd.address])
        defer { if process.isRunning { process.terminate() } }
        let ready = systemd.receive(timeout: .seconds(60))
        #expect(ready?.contains("READY=1") == true, "\(ready ?? "nothing") / \(ws.output(of: process).stderr)")
        #expect(ready?.contains("STATUS=listening on http://127.0.0.1:") == true)
        // systemd starts the unit's dependants on READY=1: the port must answer by then.
        let port = ws.output(of: process).stdout.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(port.map(FreePort.accepts) == true)
        kill(process.processIdentifier, SIGTERM)
        let stopping = systemd.receive(timeout: .seconds(30))
        #expect(stopping?.contains("STOPPING=1") == true, "\(stopping ?? "nothing")")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(ws.output(of: process).stderr)")
    }

    @Test("worker --drain (abstract socket name): READY=1 after the store opened, STOPPING=1 when the queue is empty")
    func worker() throws {
        let ws = try Workspace(smtpPort: try FreePort.pick())
        let systemd = try NotifySocket("@accolade-test-\(UUID().uuidString)")
        let process = try ws.start(["worker", "--drain"], environment: ["NOTIFY_SOCKET": systemd.address])
        defer { if process.isRunning { process.terminate() } }
        let ready = systemd.receive(timeout: .seconds(60))
        #expect(ready?.contains("READY=1") == true, "\(ready ?? "nothing") / \(ws.output(of: process).stderr)")
        let stopping = systemd.receive(timeout: .seconds(60))
        #expect(stopping?.contains("STOPPING=1") == true, "\(stopping ?? "nothing")")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(ws.output(of: process).stderr)")
    }
}
