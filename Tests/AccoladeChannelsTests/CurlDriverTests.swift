import AccoladeTestSupport
import AccoladeCurl
import Foundation
import Testing

/// The multi driver itself: HTTP, connection reuse, shutdown, envelope safety.
@Suite(.serialized) struct CurlDriverTests {
    @Test func httpRequestRoundTrip() async throws {
        let server = try TestServer.python("http_echo.py")
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let request = try CurlHTTPRequest(
            method: "POST", url: "http://127.0.0.1:\(server.port)/v1/messages",
            headers: [CurlHeader("Content-Type", "application/json")], body: Array(#"{"to":"+6281234567890"}"#.utf8),
            basicAuth: ("AC123", "token"))
        let result = await driver.perform(CurlTransfer(.http(request), timeout: .seconds(5)))
        #expect(result.isSuccess)
        #expect(result.responseCode == 200)
        #expect(result.header("x-echo") == "yes")
        let echo = try JSONSerialization.jsonObject(with: Data(result.body)) as? [String: Any]
        #expect(echo?["method"] as? String == "POST")
        #expect(echo?["path"] as? String == "/v1/messages")
        #expect(echo?["body"] as? String == #"{"to":"+6281234567890"}"#)
        let headers = echo?["headers"] as? [String: String]
        #expect(headers?["authorization"] == "Basic QUMxMjM6dG9rZW4=")
        #expect(headers?["content-type"] == "application/json")

        let status = await driver.perform(CurlTransfer(.http(try CurlHTTPRequest(url: "http://127.0.0.1:\(server.port)/status/503"))))
        #expect(status.isSuccess)
        #expect(status.responseCode == 503)
        #expect(status.connectionsOpened == 0)  // keep-alive connection reused
        await driver.shutdown()
    }

    @Test func concurrentSMTPSendsShareFewConnections() async throws {
        let log = try TemporaryDirectory()
        let server = try TestServer.python("smtp_scripted.py", ["--log", log.path + "/log"])
        defer { server.stop() }
        let driver = CurlMultiDriver(configuration: .init(maxConnectionsPerHost: 4))
        let send = try CurlSMTPSend(
            url: "smtp://127.0.0.1:\(server.port)", tls: .none, mailFrom: "a@acme.example", recipients: ["b@example.com"],
            payload: Array("Subject: x\r\n\r\nhello\r\n".utf8))
        let results = await withTaskGroup(of: CurlResult.self) { group in
            for _ in 0..<40 { group.addTask { await driver.perform(CurlTransfer(.smtp(send), timeout: .seconds(10))) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.isSuccess && $0.responseCode == 250 })
        let lines = try String(contentsOfFile: log.path + "/log", encoding: .utf8).split(separator: "\n")
        #expect(lines.filter { $0 == "CONNECT" }.count <= 4)
        #expect(lines.filter { $0.hasPrefix("MESSAGE") }.count == 40)
        #expect(results.map(\.connectionsOpened).reduce(0, +) <= 4)
        await driver.shutdown()
    }

    @Test func shutdownAbortsInFlightAndRefusesNewWork() async throws {
        let log = try TemporaryDirectory()
        let server = try TestServer.python("smtp_scripted.py", ["--silent", "--log", log.path + "/log"])
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let send = try CurlSMTPSend(
            url: "smtp://127.0.0.1:\(server.port)", tls: .none, mailFrom: "a@acme.example", recipients: ["b@example.com"], payload: [])
        async let pending = driver.perform(CurlTransfer(.smtp(send), timeout: .seconds(30)))
        // Wait until the transfer is really in flight (the server logged the connection); within
        // the transfer's own 30 s timeout, with room for a crowded start of the suite.
        try await waitUntil("the server logged the connection", timeout: .seconds(25)) {
            (try? String(contentsOfFile: log.path + "/log", encoding: .utf8))?.contains("CONNECT") == true
        }
        await driver.shutdown(.abortInFlight)
        let result = await pending
        #expect(result.curlCode == CurlResult.Code.aborted)
        let late = await driver.perform(CurlTransfer(.smtp(send)))
        #expect(late.curlCode == CurlResult.Code.aborted)
        await driver.shutdown()  // idempotent
    }

    @Test func envelopeRejectsLineBreaks() {
        #expect(throws: CurlTransferError.controlCharacter(field: "smtp.mailFrom")) {
            try CurlSMTPSend(url: "smtp://127.0.0.1:25", tls: .none, mailFrom: "a@b.co\r\nRCPT TO:<x@y.co>", recipients: ["c@d.co"], payload: [])
        }
        #expect(throws: CurlTransferError.controlCharacter(field: "smtp.recipient")) {
            try CurlSMTPSend(url: "smtp://127.0.0.1:25", tls: .none, mailFrom: "a@b.co", recipients: ["c@d.co\n"], payload: [])
        }
        #expect(throws: CurlTransferError.controlCharacter(field: "smtp.recipient")) {
            try CurlSMTPSend(url: "smtp://127.0.0.1:25", tls: .none, mailFrom: "a@b.co", recipients: ["c@d.co\0"], payload: [])
        }
        #expect(throws: CurlTransferError.self) {
            try CurlSMTPSend(url: "http://127.0.0.1:25", tls: .none, mailFrom: "a@b.co", recipients: ["c@d.co"], payload: [])
        }
        #expect(throws: CurlTransferError.self) {
            try CurlHTTPRequest(url: "http://127.0.0.1/", headers: [CurlHeader("X-A", "1\r\nX-B: 2")])
        }
    }
}
