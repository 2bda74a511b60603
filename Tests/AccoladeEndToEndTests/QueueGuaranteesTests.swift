import AccoladeTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Durability, idempotency and shutdown, proven with real processes.
@Suite(.serialized) struct QueueGuaranteesTests {
    @Test func fiftyConcurrentSendsWithOneKeyMakeOneMessage() throws {
        let ws = try Workspace(smtpPort: 9)
        let args = ["send", "reward-earned", "--to", "ana@example.com", "--idempotency-key", "deal-4711", "--data", EmailEndToEndTests.rewardData]
        let processes = try (0..<50).map { _ in try ws.start(args) }
        for p in processes { p.waitUntilExit() }
        let outputs = processes.map { ws.output(of: $0) }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "\(outputs.map(\.stderr).filter { !$0.isEmpty }.prefix(3))")
        let ids = Set(outputs.map { $0.stdout.trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(ids.count == 1)
        #expect(try ws.stats()["available"] == 1)

        let conflict = try ws.call(["send", "reward-earned", "--to", "ana@example.com", "--idempotency-key", "deal-4711", "--data", EmailEndToEndTests.rewardData.replacingOccurrences(of: "RW-7Q2K", with: "RW-OTHER")])
        #expect(conflict.status == 2)
        #expect(conflict.stderr.contains("already used"), "\(conflict.stderr)")
        #expect(try ws.stats()["available"] == 1)
    }

    @Test func csvBadRowsRejectOnlyThemselves() throws {
        let ws = try Workspace(smtpPort: 9)
        let csv = try ws.write("winners.csv", """
            email,name,locale,program,reward.code,reward.expires_on,reward.voucher.amount:number,reward.voucher.currency
            ana@example.com,Ana,id,Kudos,RW-1,2026-12-31,50000,IDR
            not-an-email,Bob,de,Kudos,RW-2,2026-12-31,50,EUR
            carla@example.com,Carla,es,Kudos,,2026-12-31,50,EUR
            dieter@example.com,Dieter,de,Kudos,RW-4,2026-12-31,50,EUR
            """)
        let r = try ws.call(["send", "reward-earned", "--csv", csv, "--json"])
        #expect(r.status == 3, "\(r.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(summary["accepted"] as? Int == 2)
        let rejected = try #require(summary["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["line"] as? Int } == [3, 4])
        #expect((rejected[1]["reason"] as? String ?? "").contains("reward.code"))
        #expect(try ws.stats()["available"] == 2)
    }

    /// 2,000 messages, the worker killed with SIGKILL mid-run, restarted with --drain:
    /// every message arrives at least once; duplicates (sent but not yet recorded) are counted.
    @Test func killedWorkerLosesNothing() throws {
        let mail = try TemporaryDirectory()
        let server = try TestServer.python("smtp_capture.py", ["--dir", mail.path])
        defer { server.stop() }
        let ws = try Workspace(smtpPort: server.port, lease: "2s")
        let total = 2000
        var rows = ["email,name,program,reward.code,reward.expires_on,reward.points:number"]
        for i in 0..<total { rows.append("user\(i)@example.com,User \(i),Kudos,RW-\(i),2026-12-31,\(100 + i)") }
        let csv = try ws.write("bulk.csv", rows.joined(separator: "\n"))
        let queued = try ws.call(["send", "reward-earned", "--csv", csv, "--json"])
        #expect(queued.status == 0, "\(queued.stderr)")

        let capture = Capture(directory: mail)
        let worker = try ws.start(["worker"])
        let midway = try eventually(timeout: .seconds(60)) { capture.count >= 300 }
        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()
        #expect(midway)
        let atKill = capture.count
        #expect(atKill < total, "the worker finished before it could be killed")

        let restarted = try ws.call(["worker", "--drain"])
        #expect(restarted.status == 0, "\(restarted.stderr)")

        var seen: [String: Int] = [:]
        for n in 1...capture.count {
            let rcpt = (try capture.message(n)["rcpt_tos"] as? [String])?.first ?? "?"
            seen[rcpt, default: 0] += 1
        }
        let missing = (0..<total).filter { seen["user\($0)@example.com"] == nil }
        let duplicates = seen.values.filter { $0 > 1 }.count
        print("crash test: \(total) queued, \(atKill) arrived before SIGKILL, \(capture.count) arrived in all, \(missing.count) missing, \(duplicates) arrived twice")
        #expect(missing.isEmpty)
        #expect(try ws.stats()["sent"] == total)
    }

    @Test func sigtermLetsInFlightFinishWithinGraceAndReturnsTheRest() throws {
        let server = try TestServer.python("smtp_scripted.py", ["--silent"])
        defer { server.stop() }
        let ws = try Workspace(smtpPort: server.port, timeout: "300s", grace: "1s")
        for i in 0..<3 {
            let r = try ws.call(["send", "reward-earned", "--to", "u\(i)@example.com", "--data", EmailEndToEndTests.rewardData])
            #expect(r.status == 0)
        }
        let worker = try ws.start(["worker"])
        #expect(try eventually { try ws.stats()["running"] == 3 })
        let began = ContinuousClock.now
        kill(worker.processIdentifier, SIGTERM)
        worker.waitUntilExit()
        #expect(ContinuousClock.now - began < .seconds(120))  // bounded by the 1 s grace, not the 300 s timeout
        #expect(worker.terminationStatus == 0, "\(ws.output(of: worker).stderr)")
        let stats = try ws.stats()
        #expect(stats["available"] == 3)
        #expect(stats["running"] == 0)
    }

    @Test func configurationErrorsNameTheKeyAndHideSecrets() throws {
        let ws = try Workspace(smtpPort: 9)
        let bad = try ws.write("bad.yml", """
            channels:
              email:
                from: a@example.com
                smtp:
                  url: smtp://127.0.0.1:25
                  password: "hunter2"
                  pasword: typo
            """)
        let r = try ws.call(["stats", "--config", bad])
        #expect(r.status == 1)
        #expect(r.stderr.contains("channels.email.smtp.pasword"), "\(r.stderr)")
        #expect(!r.stderr.contains("hunter2"))
    }

    @Test func templatesCheckAndPreview() throws {
        let ws = try Workspace(smtpPort: 9)
        let check = try ws.call(["templates", "check"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains(" 0 failed"))
        let preview = try ws.call(["preview", "reward-earned", "--locale", "de", "--channel", "sms", "--json"])
        #expect(preview.status == 0, "\(preview.stderr)")
        let views = try #require(try JSONSerialization.jsonObject(with: Data(preview.stdout.utf8)) as? [[String: Any]])
        #expect(views.first?["encoding"] as? String == "gsm7")
        #expect((views.first?["segments"] as? Int ?? 0) >= 1)
    }
}
