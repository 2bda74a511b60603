import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

/// Bounces through the binary: a reward email goes out with a VERP return path, the bounce comes
/// back through `accolade bounce` (an MTA's pipe) or `POST /v1/webhooks/dsn`, and the address ends
/// up suppressed.
@Suite(.serialized) struct BounceEndToEndTests {
    static let token = "bounce-token-0123456789abcdef"

    func workspace(smtpPort: Int) throws -> Workspace {
        try Workspace(
            smtpPort: smtpPort, email: "    return_path: bounces+{delivery_id}@acme.example",
            extra: "bounces:\n  soft_limit: 2\n  window: 30d\n  webhook_token: \(Self.token)")
    }

    /// Sends one reward email and answers its message id and the envelope sender it went out with.
    func sendReward(_ ws: Workspace, mail: TemporaryDirectory, to address: String, number: Int) throws -> (String, String) {
        let sent = try ws.call(["send", "reward-earned", "--to", address, "--data", EmailEndToEndTests.rewardData, "--json"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let id = try #require((try JSONSerialization.jsonObject(with: Data(sent.stdout.utf8)) as? [String: Any])?["id"] as? String)
        #expect(try ws.call(["worker", "--drain"]).status == 0)
        let mailFrom = try #require(try Capture(directory: mail).message(number)["mail_from"] as? String)
        return (id, mailFrom)
    }

    func deliveryStates(_ ws: Workspace, _ id: String) throws -> [String] {
        let status = try ws.call(["status", id, "--json"])
        let view = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        return (view["deliveries"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String }
    }

    @Test("accolade bounce: a hard bounce piped in fails the delivery and suppresses the address; sysexits 0, 65, 75")
    func pipe() throws {
        let mail = try TemporaryDirectory()
        let server = try TestServer.python("smtp_capture.py", ["--dir", mail.path])
        defer { server.stop() }
        let ws = try workspace(smtpPort: server.port)
        let (id, mailFrom) = try sendReward(ws, mail: mail, to: "ana@example.com", number: 1)
        #expect(mailFrom.hasPrefix("bounces+") && mailFrom.hasSuffix("@acme.example"), "\(mailFrom)")

        let dsn = try ws.write("dsn.eml", String(decoding: BounceSamples.dsn(to: mailFrom, recipient: "ana@example.com", status: "5.1.1"), as: UTF8.self))
        let recorded = try ws.call(["bounce", "--recipient", mailFrom], stdin: dsn)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stdout.contains("hard bounce, suppressed on email"), "\(recorded.stdout)")
        #expect(try deliveryStates(ws, id) == ["failed"])
        let list = try ws.call(["suppress", "list", "--channel", "email"])
        #expect(list.stdout.contains("ana@example.com") && list.stdout.contains("hard bounce 5.1.1"), "\(list.stdout)")
        // The next reward to that address is skipped before the relay is called.
        let next = try ws.call(["send", "reward-earned", "--to", "ana@example.com", "--data", EmailEndToEndTests.rewardData, "--json"])
        let nextID = try #require((try JSONSerialization.jsonObject(with: Data(next.stdout.utf8)) as? [String: Any])?["id"] as? String)
        #expect(try ws.call(["worker", "--drain"]).status == 0)
        #expect(try deliveryStates(ws, nextID) == ["skipped"])
        #expect(try Capture(directory: mail).count == 1)

        let junk = try ws.write("junk.eml", "Subject: hello\r\n\r\nnot a report\r\n")
        let refused = try ws.call(["bounce"], stdin: junk)
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("not a delivery status notification"), "\(refused.stderr)")
        let later = try ws.call(["bounce", "--config", ws.directory.path + "/missing.yml"], stdin: dsn)
        #expect(later.status == 75, "\(later.stderr)")
    }

    @Test("POST /v1/webhooks/dsn: the token is required; soft bounces suppress at soft_limit; a non-report is 422")
    func webhook() async throws {
        let mail = try TemporaryDirectory()
        let server = try TestServer.python("smtp_capture.py", ["--dir", mail.path])
        defer { server.stop() }
        let ws = try workspace(smtpPort: server.port)
        let first = try sendReward(ws, mail: mail, to: "bo@example.com", number: 1)
        let second = try sendReward(ws, mail: mail, to: "bo@example.com", number: 2)
        let (serve, port) = try ServeEndToEndTests.startServe(ws, extra: ["--no-worker"])
        defer { if serve.isRunning { serve.terminate() } }
        let driver = CurlMultiDriver()
        func post(_ body: [UInt8], token: String?) async throws -> (Int, [String: Any]) {
            let request = try CurlHTTPRequest(
                method: "POST", url: "http://127.0.0.1:\(port)/v1/webhooks/dsn",
                headers: [CurlHeader("Content-Type", "message/rfc822")] + (token.map { [CurlHeader("Authorization", "Bearer \($0)")] } ?? []),
                body: body)
            let result = await driver.perform(CurlTransfer(.http(request), connectTimeout: .seconds(2), timeout: .seconds(20)))
            guard result.isSuccess else { throw TestFailure("no HTTP answer: \(result.curlError)") }
            return (result.responseCode, (try? JSONSerialization.jsonObject(with: Data(result.body)) as? [String: Any]) ?? [:])
        }
        let soft1 = BounceSamples.dsn(to: first.1, recipient: "bo@example.com", status: "4.2.2")
        #expect(try await post(soft1, token: nil).0 == 401)
        #expect(try await post(soft1, token: "wrong-token-0123456789").0 == 401)
        let (status1, body1) = try await post(soft1, token: Self.token)
        #expect(status1 == 200 && body1["kind"] as? String == "soft" && body1["soft_bounces"] as? Int == 1 && body1["suppressed"] as? Bool == false, "\(body1)")
        let (status2, body2) = try await post(BounceSamples.dsn(to: second.1, recipient: "bo@example.com", status: "4.2.2"), token: Self.token)
        #expect(status2 == 200 && body2["soft_bounces"] as? Int == 2 && body2["suppressed"] as? Bool == true, "\(body2)")
        #expect(try await post(Array("Subject: hi\r\n\r\nhello".utf8), token: Self.token).0 == 422)
        await driver.shutdown()
        serve.terminate()
        serve.waitUntilExit()
        #expect(try deliveryStates(ws, first.0) == ["failed"])
        #expect(try ws.call(["suppress", "list", "--channel", "email"]).stdout.contains("2 soft bounces within 30d"))
    }
}
