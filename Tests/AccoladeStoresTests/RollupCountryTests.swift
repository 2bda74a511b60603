import AccoladeCore
import Foundation
import GRDB
import PostgresNIO
import Testing

@testable import AccoladeStores

/// The rollups' country comes from SQL (`RollupSQL.country`, run by the triggers and the
/// rebuild), the costs' and the Swift side's from ``CallingCode/of(_:)``: both must name the same
/// calling code for every number, or a report's country would disagree with its prices.
@Suite("Report rollups: the SQL country equals CallingCode")
struct RollupCountryTests {
    /// Numbers from every code length, the one-digit codes, edge lengths and non-numbers.
    static let numbers: [String?] = [
        "+6281234567890", "+14155550100", "+79161234567", "+35312345678", "+4915112345678", "+447700900123", "+201001234567",
        "+27821234567", "+5511912345678", "+61412345678", "+8613812345678", "+9715012345678", "+2348031234567", "+62", "+1", "+",
        "", "ana@example.com", "6281234567890", nil, "+99", "+98", "+999123",
    ]

    @Test("SQLite evaluates the expression as CallingCode.of does")
    func sqlite() throws {
        let db = try DatabaseQueue()
        try db.read { db in
            for number in Self.numbers {
                let sql = "SELECT \(RollupSQL.country("?"))"
                let arguments = StatementArguments(Array(repeating: number, count: sql.components(separatedBy: "?").count - 1))
                let code = try String.fetchOne(db, sql: sql, arguments: arguments)
                #expect(code == CallingCode.of(number), "\(number ?? "nil")")
            }
        }
    }

    @Test("PostgreSQL evaluates the expression as CallingCode.of does")
    func postgres() async throws {
        guard let server = PostgresTestServer.forTest() else { return }  // recorded: a known issue, or a failure in CI
        let database = try await server.createDatabase()
        let store = try PostgresStore(url: server.url(database: database), logger: testLogger, maximumConnections: 2).started()
        do {
            for number in Self.numbers {
                let literal = number.map { "'\($0.replacingOccurrences(of: "'", with: "''"))'::text" } ?? "NULL::text"
                let rows = try await store.rows("country", PostgresQuery(unsafeSQL: "SELECT \(RollupSQL.country(literal))"))
                let code = try rows.first?.makeRandomAccess()[0].decode(String.self)
                #expect(code == CallingCode.of(number), "\(number ?? "nil")")
            }
        } catch {
            Issue.record(error)
        }
        await store.stop()
        await server.dropDatabase(database)
    }
}
