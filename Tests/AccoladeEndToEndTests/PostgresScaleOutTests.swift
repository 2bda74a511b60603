import AccoladeTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The admin URL of the throw-away cluster started by scripts/test.sh.
let postgresAdminURL = ProcessInfo.processInfo.environment["ACCOLADE_TEST_POSTGRES_URL"]

/// Many `accolade worker` processes sharing one PostgreSQL database.
@Suite(.serialized, .enabled(if: postgresAdminURL != nil, "needs ACCOLADE_TEST_POSTGRES_URL (scripts/test.sh starts a cluster)"))
struct PostgresScaleOutTests {
    /// A fresh database on the test cluster, for one test.
    func freshDatabase() throws -> String {
        let admin = try #require(postgresAdminURL)
        let name = "accolade_e2e_\(UUID().uuidString.prefix(8).lowercased())"
        let psql = try ChildProcess("/usr/bin/psql", [admin, "-q", "-c", "CREATE DATABASE \(name)"])
        psql.waitUntilExit()
        guard psql.terminationStatus == 0 else { throw TestFailure("psql could not create \(name)") }
        let slash = try #require(admin.lastIndex(of: "/"))
        return String(admin[...slash]) + name
    }

    func queue(_ ws: Workspace, count: Int) throws {
        var rows = ["email,name,program,reward.code,reward.expires_on,reward.points:number"]
        for i in 0..<count { rows.append("user\(i)@example.com,User \(i),Kudos,RW-\(i),2026-12-31,\(100 + i)") }
        let r = try ws.call(["send", "reward-earned", "--csv", try ws.write("bulk.csv", rows.joined(separator: "\n")), "--json"])
        guard r.status == 0 else { throw TestFailure("queueing failed: \(r.stderr)") }
    }

    func arrivals(_ capture: Capture) throws -> [String: Int] {
        var seen: [String: Int] = [:]
        for n in 1...max(1, capture.count) where capture.count > 0 {
            let rcpt = (try capture.message(n)["rcpt_tos"] as? [String])?.first ?? "?"
            seen[rcpt, default: 0] += 1
        }
        return seen
    }

    @Test func fourWorkersSendEveryMessageExactlyOnce() throws {
        let mail = try TemporaryDirectory()
        let server = try TestServer.python("smtp_capture.py", ["--dir", mail.path])
        defer { server.stop() }
        // Leases only matter when a worker dies; a short one here would let a busy (not dead)
        // worker's claims be rescued and resent, which is the at-least-once path, not this test's.
        let ws = try Workspace(smtpPort: server.port, lease: "120s", postgresURL: try freshDatabase())
        let total = 10_000
        try queue(ws, count: total)
        let workers = try (0..<4).map { _ in try ws.start(["worker", "--drain"]) }
        for w in workers { w.waitUntilExit() }
        #expect(workers.allSatisfy { $0.terminationStatus == 0 }, "\(workers.map { ws.output(of: $0).stderr })")
        let seen = try arrivals(Capture(directory: mail))
        let missing = (0..<total).filter { seen["user\($0)@example.com"] == nil }.count
        let twice = seen.values.filter { $0 > 1 }.count
        print("postgres 4 workers: \(total) queued, \(seen.values.reduce(0, +)) arrived, \(missing) missing, \(twice) twice")
        #expect(missing == 0)
        #expect(twice == 0)
        #expect(try ws.stats()["sent"] == total)
    }

    @Test func aKilledWorkersLeasesAreRescuedByTheOthers() throws {
        let mail = try TemporaryDirectory()
        let server = try TestServer.python("smtp_capture.py", ["--dir", mail.path])
        defer { server.stop() }
        let ws = try Workspace(smtpPort: server.port, lease: "2s", postgresURL: try freshDatabase())
        let total = 4_000
        try queue(ws, count: total)
        let capture = Capture(directory: mail)
        let victim = try ws.start(["worker"])
        let others = try (0..<3).map { _ in try ws.start(["worker", "--drain"]) }
        let midway = try eventually(timeout: .seconds(60)) { capture.count >= 400 }
        #expect(midway, "the victim was killed before the run got going; the test proved little")
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        for w in others { w.waitUntilExit() }
        #expect(others.allSatisfy { $0.terminationStatus == 0 })
        let seen = try arrivals(capture)
        let missing = (0..<total).filter { seen["user\($0)@example.com"] == nil }.count
        print("postgres SIGKILL: \(total) queued, \(seen.values.reduce(0, +)) arrived, \(missing) missing, \(seen.values.filter { $0 > 1 }.count) twice")
        #expect(missing == 0)
        #expect(try ws.stats()["sent"] == total)
    }

    @Test func hundredConcurrentSendsWithOneKeyMakeOneMessage() throws {
        let ws = try Workspace(smtpPort: 9, postgresURL: try freshDatabase())
        _ = try ws.call(["stats"])  // migrate once before the race
        let args = ["send", "reward-earned", "--to", "ana@example.com", "--idempotency-key", "deal-1", "--data", EmailEndToEndTests.rewardData]
        let processes = try (0..<100).map { _ in try ws.start(args) }
        for p in processes { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "\(processes.map { ws.output(of: $0).stderr }.filter { !$0.isEmpty }.prefix(2))")
        #expect(Set(processes.map { ws.output(of: $0).stdout }).count == 1)
        #expect(try ws.stats()["available"] == 1)
    }
}
