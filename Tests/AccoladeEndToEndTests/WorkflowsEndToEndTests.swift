import AccoladeTestSupport
import Foundation
import Testing

/// `accolade workflows check` and the check at the start of `worker`, run as the built binary.
@Suite("End to end: workflows check")
struct WorkflowsEndToEndTests {
    static let good = """
        name: kudos
        on: kudos.given
        steps:
          - if: "data.points >= 10"
            send: { template: reward-earned, channels: [email] }
          - wait: { for: redeemed, within: 7d }
        """

    @Test("check passes, then names file, key path and column of each error; worker refuses to start and creates nothing")
    func checkAndStart() throws {
        // SMTP is never contacted: nothing is sent. `flows` is relative to the workspace, where the binary runs.
        let workspace = try Workspace(smtpPort: 9, extra: "workflows: flows")
        let folder = "flows"
        let absolute = workspace.directory.path + "/flows"
        try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
        try Self.good.write(toFile: absolute + "/kudos.yml", atomically: true, encoding: .utf8)

        let ok = try workspace.call(["workflows", "check", "--json"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let views = try #require(try ok.json() as? [[String: Any]])
        #expect(views.count == 1)
        #expect(views.first?["workflow"] as? String == "kudos" && views.first?["ok"] as? Bool == true)

        try """
            name: late
            on: deal.closed
            steps:
              - send: { template: reward-earned, channels: [sms] }
              - wait: { for: read, within: soon }
              - if: "data.amount >= "
                send: { template: reward-earned }
            """.write(toFile: absolute + "/late.yml", atomically: true, encoding: .utf8)
        try """
            name: unread
            on: deal.closed
            steps:
              - send: { template: reward-earned, channels: [email] }
              - wait: { for: read, within: 1d }
            """.write(toFile: absolute + "/unread.yml", atomically: true, encoding: .utf8)
        let bad = try workspace.call(["workflows", "check"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("ok   kudos (\(folder)/kudos.yml, on kudos.given)"), "\(bad.stdout)")
        #expect(bad.stdout.contains("\(folder)/late.yml: steps[1].wait.within: expected a duration like 30m, 24h or 3d; got \"soon\""), "\(bad.stdout)")
        #expect(bad.stdout.contains("\(folder)/unread.yml: steps[1].wait.for: read can never happen"), "\(bad.stdout)")
        #expect(bad.stdout.contains("1 passed, 2 failed"), "\(bad.stdout)")

        let worker = try workspace.call(["worker", "--drain"])
        #expect(worker.status == 1)
        #expect(worker.stderr.contains("\(folder)/unread.yml: steps[1].wait.for"), "\(worker.stderr)")
        #expect(!FileManager.default.fileExists(atPath: workspace.directory.path + "/queue.sqlite"))
    }

    @Test("a condition's syntax error names the column; a missing default folder (beside the config file) means no workflows; a named one must exist")
    func folders() throws {
        let plain = try Workspace(smtpPort: 9)
        let none = try plain.call(["workflows", "check"])
        let beside = plain.directory.url.appendingPathComponent("workflows").path
        #expect(none.status == 0 && none.stdout.contains("no workflows (\(beside) does not exist)"), "\(none.stdout) \(none.stderr)")

        let missing = try Workspace(smtpPort: 9, extra: "workflows: /nonexistent/flows")
        let result = try missing.call(["workflows", "check"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("configuration error at workflows: \"/nonexistent/flows\" is not a folder"), "\(result.stderr)")

        let folder = beside
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Self.good.replacingOccurrences(of: ">= 10\"", with: ">= 10 and\"").write(toFile: folder + "/kudos.yml", atomically: true, encoding: .utf8)
        let column = try plain.call(["workflows", "check"])
        #expect(column.status == 1)
        #expect(column.stdout.contains("\(folder)/kudos.yml: steps[0].if: column 22: expected a value"), "\(column.stdout)")
    }
}
