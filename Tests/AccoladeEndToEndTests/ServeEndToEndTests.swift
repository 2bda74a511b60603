import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `accolade serve` as a process: the API and the worker together, and SIGTERM with requests in flight.
@Suite(.serialized) struct ServeEndToEndTests {
    /// Starts `accolade serve --listen 127.0.0.1:0` (or `listen`) and returns it with its port.
    static func startServe(_ ws: Workspace, listen: String = "127.0.0.1:0", extra: [String] = []) throws -> (ChildProcess, Int) {
        let process = try ws.start(["serve", "--listen", listen] + extra)
        var port = 0
        let found = try eventually(timeout: .seconds(20)) {
            let out = ws.output(of: process).stdout
            guard let line = out.split(separator: "\n").first(where: { $0.contains("listening on http://127.0.0.1:") }),
                let p = line.split(separator: ":").last.flatMap({ Int($0) })
            else { return !process.isRunning }
            port = p
            return true
        }
        guard found, port > 0 else {
            process.terminate()
            throw TestServerError.notListening("accolade serve: \(ws.output(of: process).stderr)")
        }
        return (process, port)
    }

    static func post(_ driver: CurlMultiDriver, port: Int, email: String) async throws -> CurlResult {
        let body = #"{"template":"reward-earned","to":{"email":"\#(email)"},"data":\#(EmailEndToEndTests.rewardData)}"#
        let request = try CurlHTTPRequest(
            method: "POST", url: "http://127.0.0.1:\(port)/v1/messages",
            headers: [CurlHeader("Content-Type", "application/json")], body: Array(body.utf8))
        return await driver.perform(CurlTransfer(.http(request), connectTimeout: .seconds(2), timeout: .seconds(20)))
    }

    @Test func serveAcceptsOverHTTPAndDeliversThroughItsWorker() async throws {
        let mail = try TemporaryDirectory()
        let smtp = try TestServer.python("smtp_capture.py", ["--dir", mail.path])
        defer { smtp.stop() }
        let ws = try Workspace(smtpPort: smtp.port)
        let (serve, port) = try Self.startServe(ws)
        defer { if serve.isRunning { serve.terminate() } }
        let driver = CurlMultiDriver()
        let r = try await Self.post(driver, port: port, email: "ana@example.test")
        #expect(r.responseCode == 202, "\(r.bodyText)")
        #expect(try eventually { Capture(directory: mail).count == 1 })
        await driver.shutdown()
        kill(serve.processIdentifier, SIGTERM)
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0, "\(ws.output(of: serve).stderr)")
    }

    @Test func sigtermWithRequestsInFlightLosesNoAcceptedMessage() async throws {
        let mail = try TemporaryDirectory()
        let smtp = try TestServer.python("smtp_capture.py", ["--dir", mail.path])
        defer { smtp.stop() }
        let ws = try Workspace(smtpPort: smtp.port)
        let (serve, port) = try Self.startServe(ws, extra: ["--no-worker"])
        defer { if serve.isRunning { serve.terminate() } }
        let driver = CurlMultiDriver(configuration: .init(maxTotalConnections: 32, maxConnectionsPerHost: 32, maxCachedConnections: 32))
        let total = 400
        let results = try await withThrowingTaskGroup(of: CurlResult.self) { group in
            for i in 0..<total {
                group.addTask { try await Self.post(driver, port: port, email: "user\(i)@example.test") }
            }
            var results: [CurlResult] = []
            for try await r in group {
                results.append(r)
                // Stop the server while most requests are still queued or in flight.
                if results.count == 50 { kill(serve.processIdentifier, SIGTERM) }
            }
            return results
        }
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0, "\(ws.output(of: serve).stderr)")
        await driver.shutdown()
        // Every 202 names a delivery that must now be in the queue; deliver them all and compare.
        var accepted: Set<String> = []
        for r in results where r.responseCode == 202 {
            let body = try #require(try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
            let deliveries = try #require(body["deliveries"] as? [[String: Any]])
            accepted.insert(try #require(deliveries.first?["id"] as? String))
        }
        #expect(accepted.count >= 50)
        let drained = try ws.call(["worker", "--drain"])
        #expect(drained.status == 0, "\(drained.stderr)")
        let capture = Capture(directory: mail)
        var delivered: [String] = []
        for n in 1...max(capture.count, 1) where capture.count > 0 {
            let headers = try capture.message(n)["headers"] as? [String: String] ?? [:]
            if let id = headers["Message-ID"]?.dropFirst().split(separator: "@").first { delivered.append(String(id)) }
        }
        #expect(Set(delivered).count == delivered.count, "a message was delivered twice")
        #expect(accepted.isSubset(of: Set(delivered)), "accepted but lost: \(accepted.subtracting(delivered).count)")
    }
}
