import AccoladeRuntime
import AccoladeTestSupport
import Foundation
import Testing

/// `sd_notify` datagrams, read from a test socket standing in for systemd's.
@Suite("systemd notifier")
struct SystemdNotifierTests {
    @Test("READY=1 with a status reaches a socket named by path and one in the abstract namespace")
    func sends() throws {
        let folder = try TemporaryDirectory()
        for address in [folder.path + "/notify.sock", "@accolade-notify-\(UUID().uuidString)"] {
            let socket = try NotifySocket(address)
            let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": address])
            #expect(notifier.ready(status: "listening on http://127.0.0.1:8080"))
            #expect(socket.receive(timeout: .seconds(5)) == "READY=1\nSTATUS=listening on http://127.0.0.1:8080")
            #expect(notifier.stopping())
            #expect(socket.receive(timeout: .seconds(5))?.hasPrefix("STOPPING=1\n") == true)
        }
    }

    @Test("without NOTIFY_SOCKET, or with an address it cannot use, nothing is sent", arguments: [[:], ["NOTIFY_SOCKET": ""], ["NOTIFY_SOCKET": "relative.sock"], ["NOTIFY_SOCKET": "/nonexistent/notify.sock"]])
    func silent(environment: [String: String]) {
        #expect(!SystemdNotifier(environment: environment).ready(status: "x"))
    }
}
