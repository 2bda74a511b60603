import AccoladeCore
import AccoladeTestSupport
import Foundation
import Testing

@testable import AccoladeStores

/// Claims from another *process* on the same file: Debian's Python runs the store's own claim
/// statement (``SQLiteStore/claimSQL(filtered:)``) in `BEGIN IMMEDIATE` transactions while this process
/// claims through the store, and no delivery may come out twice.
@Suite("SQLite store across processes", .enabled(if: FileManager.default.isExecutableFile(atPath: python)))
struct SQLiteCrossProcessTests {
    @Test("a second process claiming with the same statement never double-claims")
    func crossProcessClaims() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("shared.sqlite")
        let store = try SQLiteStore(path: path, logger: testLogger)
        try await store.migrate()
        for _ in 0..<4 { _ = try await store.enqueue((0..<500).map { _ in Fixtures.request() }) }

        let nowMillis = 1_760_000_001_123  // Fixtures.at(1000)
        async let pythonIDs = runPython(path: path, sql: SQLiteStore.claimSQL(filtered: false), now: nowMillis, output: folder.path("python.txt"))
        // Start competing once the other process has claimed its first batch, so the two really
        // overlap (Python takes ~50 ms to start). Bounded: at most 10 s.
        let started = ContinuousClock.now
        while !FileManager.default.fileExists(atPath: folder.path("python.txt")),
            ContinuousClock.now - started < .seconds(10)
        {
            try await Task.sleep(for: .milliseconds(5))
        }
        var swiftIDs: [String] = []
        for _ in 0..<1000 {
            let batch = try await store.claim(owner: "swift", limit: 16, now: Fixtures.at(1000), lease: 60)
            if batch.isEmpty { break }
            swiftIDs += batch.map(\.delivery.id)
        }
        let theirs = try await pythonIDs
        #expect(!theirs.isEmpty, "the other process claimed nothing; the test proved little")
        #expect(swiftIDs.count + theirs.count == 2000)
        #expect(Set(swiftIDs + theirs).count == 2000)
        try store.close()
    }

    /// Runs the claim loop in Python and returns the ids it claimed.
    private func runPython(path: String, sql: String, now: Int, output: String) async throws -> [String] {
        let script = """
            import sqlite3, sys
            path, sql, now = sys.argv[1], sys.argv[2], int(sys.argv[3])
            db = sqlite3.connect(path, timeout=10, isolation_level=None)
            out = None
            for _ in range(1000):
                db.execute("BEGIN IMMEDIATE")
                rows = db.execute(sql, ("python", now + 60000, now, now, 16)).fetchall()
                db.execute("COMMIT")
                if not rows:
                    break
                out = out or open(sys.argv[4], "w")
                for row in rows:
                    out.write(row[0] + "\\n")
                out.flush()
            if out:
                out.close()
            """
        // Output goes to a file: a pipe nobody reads until exit would fill up and stall Python.
        let status = try await ChildProcess(python, ["-c", script, path, sql, String(now), output]).exitStatus()
        try #require(status == 0, "python exited with \(status)")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }
}

/// Debian's Python, whose `sqlite3` module links the same libsqlite3 as the store.
private let python = "/usr/bin/python3"
