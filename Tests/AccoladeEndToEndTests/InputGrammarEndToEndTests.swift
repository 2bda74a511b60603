import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The CLI's `--data` and the HTTP API read JSON with the same parser: the same request sent both
/// ways is one message (same stored data, same idempotency fingerprint), and `50.0` stays `50.0`.
@Suite(.serialized) struct InputGrammarEndToEndTests {
    static let data = #"{"program":"Kudos Awards","reward":{"cash":{"amount":50.0,"currency":"EUR"},"points":1200,"code":"RW-7Q2K","expires_on":"2026-12-31"}}"#

    @Test func theSameRequestFromTheCLIAndTheAPIIsOneMessage() async throws {
        let ws = try Workspace(smtpPort: 9)
        let cli = try ws.call([
            "send", "reward-earned", "--to", "ana@example.test", "--name", "Ana Putri", "--locale", "id", "--timezone", "Asia/Jakarta",
            "--idempotency-key", "grammar-1", "--data", Self.data, "--json",
        ])
        #expect(cli.status == 0, "\(cli.stderr)")
        let id = try #require((try cli.json() as? [String: Any])?["id"] as? String)

        let (serve, port) = try ServeEndToEndTests.startServe(ws, extra: ["--no-worker"])
        defer { if serve.isRunning { serve.terminate() } }
        let driver = CurlMultiDriver()
        func call(_ method: String, _ path: String, body: String? = nil, key: String? = nil) async throws -> CurlResult {
            var headers = [CurlHeader("Content-Type", "application/json")]
            if let key { headers.append(CurlHeader("Idempotency-Key", key)) }
            let request = try CurlHTTPRequest(
                method: method, url: "http://127.0.0.1:\(port)\(path)", headers: headers, body: body.map { Array($0.utf8) })
            return await driver.perform(CurlTransfer(.http(request), connectTimeout: .seconds(2), timeout: .seconds(20)))
        }
        let body = #"{"template":"reward-earned","to":{"email":"ana@example.test","name":"Ana Putri","locale":"id","timezone":"Asia/Jakarta"},"data":\#(Self.data)}"#
        // Same key, same request: a replay of the CLI's message, not a conflict (409) — the
        // fingerprints of both are equal.
        let replay = try await call("POST", "/v1/messages", body: body, key: "grammar-1")
        #expect(replay.responseCode == 200, "\(replay.bodyText)")
        #expect(replay.bodyText.contains("\"id\":\"\(id)\""), "\(replay.bodyText)")
        // The stored data kept the double a double.
        let stored = try await call("GET", "/v1/messages/\(id)")
        #expect(stored.bodyText.contains(#""cash":{"amount":50.0,"currency":"EUR"}"#), "\(stored.bodyText)")
        #expect(stored.bodyText.contains(#""points":1200"#), "\(stored.bodyText)")

        // The other way round: the API first, then the CLI with the same key replays it.
        let first = try await call("POST", "/v1/messages", body: body, key: "grammar-2")
        #expect(first.responseCode == 202, "\(first.bodyText)")
        let again = try ws.call([
            "send", "reward-earned", "--to", "ana@example.test", "--name", "Ana Putri", "--locale", "id", "--timezone", "Asia/Jakarta",
            "--idempotency-key", "grammar-2", "--data", Self.data, "--json",
        ])
        #expect(again.status == 0, "\(again.stderr)")
        #expect((try again.json() as? [String: Any])?["status"] as? String == "replayed", "\(again.stdout)")

        // A date that does not exist is refused by both, naming the field.
        let badDate = Self.data.replacingOccurrences(of: "2026-12-31", with: "2026-02-31")
        let refusedCLI = try ws.call(["send", "reward-earned", "--to", "ana@example.test", "--data", badDate])
        #expect(refusedCLI.status == 2)
        #expect(refusedCLI.stderr.contains("data.reward.expires_on"), "\(refusedCLI.stderr)")
        let refusedAPI = try await call(
            "POST", "/v1/messages", body: #"{"template":"reward-earned","to":{"email":"ana@example.test"},"data":\#(badDate)}"#)
        #expect(refusedAPI.responseCode == 422)
        #expect(refusedAPI.bodyText.contains(#""field":"data.reward.expires_on""#), "\(refusedAPI.bodyText)")
        await driver.shutdown()
        kill(serve.processIdentifier, SIGTERM)
        serve.waitUntilExit()
    }
}
