import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

/// One-click unsubscribe with the real binary: the email carries RFC 8058's headers, a POST of
/// the one-click body to the link (as a mail provider sends it) opts the recipient out, and the
/// next message of that category on an [email, sms] fallback route skips email and goes by SMS.
@Suite(.serialized) struct PreferencesEndToEndTests {
    static let accountSID = "AC00000000000000000000000000000042"
    static let authToken = "twilio-auth-token-for-e2e"

    @Test func oneClickUnsubscribeMovesTheNextMessageToSMS() async throws {
        let mail = try TemporaryDirectory()
        let capture = Capture(directory: mail)
        let smtp = try TestServer.python("smtp_capture.py", ["--dir", mail.path])
        defer { smtp.stop() }
        let logs = try TemporaryDirectory()
        let twilioLog = logs.path + "/twilio.jsonl"
        let twilio = try TestServer.python(
            "twilio_standin.py", ["--account-sid", Self.accountSID, "--auth-token", Self.authToken, "--out", twilioLog])
        defer { twilio.stop() }
        let ws = try Workspace(
            smtpPort: smtp.port,
            channels: """
                  sms:
                    providers:
                      - { name: twilio, type: twilio, base_url: "http://127.0.0.1:\(twilio.port)", account_sid: \(Self.accountSID), auth_token: \(Self.authToken), from: "+15005550006" }
                """,
            extra: """
                server:
                  public_url: https://rewards.example.test
                preferences:
                  signing_secret: e2e-preferences-secret-0123456789abcdef
                  unsubscribe_mailto: unsubscribe@acme.example
                """)
        let serve = try ws.start(["serve", "--listen", "127.0.0.1:0"])
        defer { serve.terminate(); serve.waitUntilExit() }
        var port = 0
        let listening = try eventually(timeout: .seconds(30)) {
            let out = ws.output(of: serve).stdout
            if let line = out.split(separator: "\n").last(where: { $0.contains("listening on http://127.0.0.1:") }),
                let p = line.split(separator: ":").last.flatMap({ Int($0) })
            {
                port = p
                return true
            }
            return !serve.isRunning
        }
        #expect(listening && port > 0, "\(ws.output(of: serve).stderr)")
        guard port > 0 else { return }

        func send() throws -> String {
            let sent = try ws.call([
                "send", "reward-earned", "--to", "Ana@Example.co.id", "--to", "+6281234567890", "--channels", "email,sms",
                "--mode", "fallback", "--data", EmailEndToEndTests.rewardData, "--json",
            ])
            #expect(sent.status == 0, "\(sent.stderr)")
            return (try? sent.json() as? [String: Any])?["id"] as? String ?? ""
        }
        _ = try send()
        #expect(try eventually { capture.count == 1 })
        let raw = try String(contentsOf: mail.url.appendingPathComponent("1.eml"), encoding: .utf8)
        let headers = raw.components(separatedBy: "\r\n\r\n").first ?? ""
        let unsubscribe = try #require(headers.components(separatedBy: "\r\n").first { $0.hasPrefix("List-Unsubscribe: ") })
        #expect(headers.contains("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"))
        #expect(unsubscribe.contains(", <mailto:unsubscribe@acme.example?subject=unsubscribe%20"))
        let link = try #require(unsubscribe.split(separator: "<").dropFirst().first?.split(separator: ">").first.map(String.init))
        #expect(link.hasPrefix("https://rewards.example.test/v1/unsubscribe/"))
        let path = String(link.dropFirst("https://rewards.example.test".count))

        // As a mailbox provider posts it (RFC 8058): no cookies, no auth; 200 and no redirect.
        let driver = CurlMultiDriver()
        let request = try CurlHTTPRequest(
            method: "POST", url: "http://127.0.0.1:\(port)\(path)",
            headers: [CurlHeader("Content-Type", "application/x-www-form-urlencoded")], body: Array("List-Unsubscribe=One-Click".utf8))
        let answer = await driver.perform(CurlTransfer(.http(request), connectTimeout: .seconds(2), timeout: .seconds(20)))
        await driver.shutdown()
        #expect(answer.isSuccess && answer.responseCode == 200, "\(answer.curlError) \(answer.responseCode)")
        let response = answer.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
        #expect(response.lowercased().contains("content-type") && !response.lowercased().contains("set-cookie") && !response.lowercased().contains("location:"), "\(response)")

        let shown = try ws.call(["preferences", "show", "ana@example.co.id", "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains(#""opted_in":false"#) && shown.stdout.contains(#""source":"unsubscribe""#), "\(shown.stdout)")

        let second = try send()
        var deliveries: [[String: Any]] = []
        let settled = try eventually {
            let status = try ws.call(["status", second, "--json"])
            deliveries = ((try? status.json() as? [String: Any])?["deliveries"] as? [[String: Any]]) ?? []
            return deliveries.map { $0["state"] as? String ?? "" } == ["skipped", "sent"]
        }
        #expect(settled, "\(deliveries)")
        let reason = deliveries.first?["last_error"] as? String ?? ""
        #expect(reason.hasPrefix("recipient opted out of rewards on email (unsubscribe link, "), "\(reason)")
        #expect(capture.count == 1)  // no second email
        #expect((try? String(contentsOfFile: twilioLog, encoding: .utf8))?.isEmpty == false)
    }
}
