import AccoladeTestSupport
import Foundation
import Testing

/// Quiet hours with the real binary: a delivery claimed inside them waits `scheduled`, saying why,
/// and goes out once they are over (time moved by `ACCOLADE_TEST_CLOCK_FILE`, nobody sleeps).
@Suite(.serialized) struct QuietHoursEndToEndTests {
    /// `HH:MM` of `date` in UTC.
    static func wall(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", c.hour!, c.minute!)
    }

    @Test func aDeliveryDueInQuietHoursIsDeferredToTheirEndThenSent() throws {
        let mail = try TemporaryDirectory()
        let server = try TestServer.python("smtp_capture.py", ["--dir", mail.path])
        defer { server.stop() }
        // Quiet from an hour ago until an hour from now, on the UTC wall clock (no recipient zone).
        let now = Date()
        let ws = try Workspace(
            smtpPort: server.port,
            extra: """
                default_timezone: UTC
                quiet_hours: { start: "\(Self.wall(now.addingTimeInterval(-3600)))", end: "\(Self.wall(now.addingTimeInterval(3600)))" }
                """)
        let clock = try ws.write("clock-offset", "0")
        let environment = ["ACCOLADE_TEST_CLOCK_FILE": clock]
        func run(_ arguments: [String]) throws -> Workspace.Result {
            let process = try ws.start(arguments, environment: environment)
            process.waitUntilExit()
            let (out, err) = ws.output(of: process)
            return Workspace.Result(status: process.terminationStatus, stdout: out, stderr: err)
        }

        let sent = try run(["send", "reward-earned", "--to", "ana@example.co.id", "--data", EmailEndToEndTests.rewardData, "--json"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let id = try #require((try sent.json() as? [String: Any])?["id"] as? String)

        // Drained at once: nothing is available any more, and nothing went out.
        let first = try run(["worker", "--drain"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(Capture(directory: mail).count == 0)
        let waiting = try #require(try run(["status", id, "--json"]).json() as? [String: Any])
        #expect(waiting["category"] as? String == "rewards")
        let delivery = try #require((waiting["deliveries"] as? [[String: Any]])?.first)
        #expect(delivery["state"] as? String == "scheduled" && delivery["attempts"] as? Int == 0)
        let reason = delivery["last_error"] as? String ?? ""
        #expect(reason.hasPrefix("deferred to ") && reason.contains("by quiet hours") && reason.contains("(quiet_hours)"), "\(reason)")
        let text = try run(["status", id]).stdout
        #expect(text.contains("category  rewards") && text.contains("deferred to"), "\(text)")

        // Two hours later the quiet hours are over: the next worker sends it.
        try "7300".write(toFile: clock, atomically: true, encoding: .utf8)
        let second = try run(["worker", "--drain"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(Capture(directory: mail).count == 1)
        let done = try #require(try run(["status", id, "--json"]).json() as? [String: Any])
        #expect((done["deliveries"] as? [[String: Any]])?.first?["state"] as? String == "sent")
    }

    @Test func aTemplateNamingAnUndeclaredCategoryStopsTemplatesCheckAndSend() throws {
        let ws = try Workspace(smtpPort: 9)
        // One shipped template, copied, its manifest naming a category.
        let templates = ws.directory.url.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        let source = TestServer.repositoryRoot.appendingPathComponent("templates/reward-earned")
        let copy = templates.appendingPathComponent("reward-earned")
        try FileManager.default.copyItem(at: source, to: copy)
        let manifest = copy.appendingPathComponent("manifest.yml")
        try (try String(contentsOf: manifest, encoding: .utf8) + "category: news\n").write(to: manifest, atomically: true, encoding: .utf8)
        let base = try String(contentsOfFile: ws.configPath, encoding: .utf8)
            .replacingOccurrences(of: "templates: \(TestServer.repositoryRoot.appendingPathComponent("templates").path)", with: "templates: \(templates.path)")
        try base.write(toFile: ws.configPath, atomically: true, encoding: .utf8)

        let refused = try ws.call(["templates", "check"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("reward-earned/manifest.yml: category: unknown category \"news\""), "\(refused.stderr)")
        #expect(try ws.call(["send", "reward-earned", "--to", "ana@example.co.id", "--data", EmailEndToEndTests.rewardData]).status != 0)

        try (base + "\ncategories:\n  news: { names: { en: News } }\n").write(toFile: ws.configPath, atomically: true, encoding: .utf8)
        let checked = try ws.call(["templates", "check"])
        #expect(checked.status == 0, "\(checked.stderr)")
        let sent = try ws.call(["send", "reward-earned", "--to", "ana@example.co.id", "--data", EmailEndToEndTests.rewardData, "--json"])
        let id = try #require((try sent.json() as? [String: Any])?["id"] as? String, "\(sent.stderr)")
        #expect((try ws.call(["status", id, "--json"]).json() as? [String: Any])?["category"] as? String == "news")
        // The request's own category beats the manifest's; an undeclared one is refused (exit 2).
        let own = try ws.call(["send", "reward-earned", "--to", "ana@example.co.id", "--data", EmailEndToEndTests.rewardData, "--category", "rewards", "--json"])
        let ownID = try #require((try own.json() as? [String: Any])?["id"] as? String, "\(own.stderr)")
        #expect((try ws.call(["status", ownID, "--json"]).json() as? [String: Any])?["category"] as? String == "rewards")
        let unknown = try ws.call(["send", "reward-earned", "--to", "ana@example.co.id", "--data", EmailEndToEndTests.rewardData, "--category", "promo"])
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown category \"promo\""), "\(unknown.stderr)")
    }
}
