import AccoladeTestSupport
import Foundation
import Testing

/// The `accolade` binary against real SMTP servers on 127.0.0.1: what a user of the CLI sees.
@Suite(.serialized) struct EmailEndToEndTests {
    static let rewardData = #"{"program":"Kudos Awards","reward":{"voucher":{"amount":50000,"currency":"IDR"},"code":"RW-7Q2K","expires_on":"2026-12-31"}}"#

    @Test func sendThenDrainDeliversToARealSMTPServer() throws {
        let mail = try TemporaryDirectory()
        let server = try TestServer.python("smtp_capture.py", ["--dir", mail.path])
        defer { server.stop() }
        let ws = try Workspace(smtpPort: server.port)

        let sent = try ws.call(["send", "reward-earned", "--to", "ana@example.co.id", "--name", "Ana Putri", "--locale", "id", "--data", Self.rewardData, "--json"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let accepted = try #require(try JSONSerialization.jsonObject(with: Data(sent.stdout.utf8)) as? [String: Any])
        let id = try #require(accepted["id"] as? String)
        #expect(accepted["status"] as? String == "accepted")

        let drained = try ws.call(["worker", "--drain"])
        #expect(drained.status == 0, "\(drained.stderr)")

        let capture = Capture(directory: mail)
        #expect(capture.count == 1)
        let message = try capture.message(1)
        #expect(message["rcpt_tos"] as? [String] == ["ana@example.co.id"])
        let headers = try #require(message["headers"] as? [String: String])
        #expect(headers["To"]?.contains("Ana Putri") == true)
        #expect(headers["From"] == "Acme Rewards <rewards@acme.example>")
        #expect(headers["Message-ID"]?.hasSuffix("@acme.example>") == true)
        #expect(message["content_type"] as? String == "multipart/alternative")
        let parts = try #require(message["parts"] as? [[String: Any]])
        #expect(parts.map { $0["content_type"] as? String } == ["text/plain", "text/html"])
        let text = parts[0]["content"] as? String ?? ""
        #expect(text.contains("Rp50.000"), "\(text)")
        #expect(text.contains("RW-7Q2K"))
        #expect((parts[1]["content"] as? String ?? "").contains("Rp50.000"))

        let status = try ws.call(["status", id, "--json"])
        let view = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let deliveries = try #require(view["deliveries"] as? [[String: Any]])
        #expect(deliveries.map { $0["state"] as? String } == ["sent"])
        // The reward code is a secret variable: masked in status output.
        #expect(!status.stdout.contains("RW-7Q2K"))

        let log = try ws.call(["log", id, "--json"])
        let attempts = try #require(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])
        #expect(attempts.map { $0["outcome"] as? String } == ["sent"])
        #expect(attempts.first?["code"] as? String == "250")
    }

    @Test func missingVariableIsAnErrorBeforeAnythingIsQueued() throws {
        let ws = try Workspace(smtpPort: 9)
        let r = try ws.call(["send", "reward-earned", "--to", "ana@example.com", "--data", #"{"program":"Kudos","reward":{"expires_on":"2026-12-31"}}"#])
        #expect(r.status == 2)
        #expect(r.stderr.contains("reward-earned"), "\(r.stderr)")
        #expect(r.stderr.contains("reward.code"), "\(r.stderr)")
        #expect(try ws.stats().values.reduce(0, +) == 0)
    }

    @Test(arguments: [
        (["--to", "not-an-address"], "--to"),
        (["--to", "+62 812-345", "--data", rewardData], "E.164"),
        (["--to", "ana@example.com", "--to", "bob@example.com", "--data", rewardData], "one recipient"),
        (["--to", "ana@example.com", "--data", "{broken"], "not valid JSON"),
        (["--to", "ana@example.com", "--name", "Ana\r\nBcc: evil@example.com", "--data", rewardData], "CR"),
        (["--to", "ana@exa mple.com", "--data", rewardData], "to.email"),
    ])
    func badInputIsRejectedAndQueuesNothing(arguments: [String], expected: String) throws {
        let ws = try Workspace(smtpPort: 9)
        let r = try ws.call(["send", "reward-earned"] + arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains(expected), "\(r.stderr)")
        #expect(try ws.stats().values.reduce(0, +) == 0)
    }

    @Test func unknownTemplateIsRejected() throws {
        let ws = try Workspace(smtpPort: 9)
        let r = try ws.call(["send", "no-such-template", "--to", "ana@example.com"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unknown template"))
    }

    @Test func transient451IsRetriedThenSent() throws {
        let server = try TestServer.python("smtp_scripted.py", ["--script", #"{"END": ["451 4.3.0 Temporary local problem"]}"#])
        defer { server.stop() }
        let ws = try Workspace(smtpPort: server.port)
        let id = try sendOne(ws)
        #expect(try ws.call(["worker", "--drain"]).status == 0)
        let attempts = try logOf(ws, id)
        #expect(attempts.map { $0["outcome"] as? String } == ["retry", "sent"])
        #expect(attempts.map { $0["code"] as? String } == ["451", "250"])
        let detail = attempts.first?["detail"] as? String ?? ""
        #expect(detail.contains("Temporary local problem"))
    }

    @Test func permanent550FailsWithTheReplyInTheLogAndCanBeRetried() throws {
        let server = try TestServer.python("smtp_scripted.py", ["--script", #"{"RCPT": ["550 5.1.1 No such user here"]}"#])
        defer { server.stop() }
        let ws = try Workspace(smtpPort: server.port)
        let id = try sendOne(ws)
        #expect(try ws.call(["worker", "--drain"]).status == 0)
        let attempts = try logOf(ws, id)
        #expect(attempts.map { $0["outcome"] as? String } == ["failed"])
        #expect(attempts.first?["code"] as? String == "550")
        let detail = attempts.first?["detail"] as? String ?? ""
        #expect(detail.contains("No such user here"))

        let dead = try ws.call(["dead", "list", "--json"])
        #expect(dead.stdout.contains(id))
        let retry = try ws.call(["dead", "retry", "--all", "--json"])
        #expect(retry.status == 0)
        #expect(try ws.stats()["available"] == 1)
        // The script is used up: the server now accepts, so the retried delivery is sent.
        #expect(try ws.call(["worker", "--drain"]).status == 0)
        #expect(try ws.stats()["sent"] == 1)
    }

    @Test func connectionRefusedIsRetriedUntilAttemptsRunOut() throws {
        let port = try FreePort.pick()  // nothing listens here
        let ws = try Workspace(smtpPort: port, maxAttempts: 3)
        let id = try sendOne(ws)
        #expect(try ws.call(["worker", "--drain"]).status == 0)
        let attempts = try logOf(ws, id)
        #expect(attempts.map { $0["outcome"] as? String } == ["retry", "retry", "failed"])
        #expect(attempts.allSatisfy { ($0["code"] as? String ?? "").hasPrefix("curl:") })
        #expect(try ws.stats()["failed"] == 1)
    }

    @Test func aServerThatNeverAnswersTimesOutAndIsRetried() throws {
        let server = try TestServer.python("smtp_scripted.py", ["--silent"])
        defer { server.stop() }
        let ws = try Workspace(smtpPort: server.port, timeout: "1s", maxAttempts: 2)
        let id = try sendOne(ws)
        #expect(try ws.call(["worker", "--drain"]).status == 0)
        let attempts = try logOf(ws, id)
        #expect(attempts.map { $0["outcome"] as? String } == ["retry", "failed"])
        let detail = (attempts.first?["detail"] as? String ?? "").lowercased()
        #expect(detail.contains("time"), "\(attempts)")
    }

    func sendOne(_ ws: Workspace) throws -> String {
        let r = try ws.call(["send", "reward-earned", "--to", "ana@example.com", "--data", Self.rewardData])
        guard r.status == 0 else { throw TestFailure("send failed: \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func logOf(_ ws: Workspace, _ id: String) throws -> [[String: Any]] {
        let r = try ws.call(["log", id, "--json"])
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
