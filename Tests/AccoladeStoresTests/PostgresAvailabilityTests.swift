import Foundation
import Testing

/// The PostgreSQL suites are skipped without a server, which is fine on a laptop and wrong in CI:
/// this test says so in every run's output, and fails when `ACCOLADE_REQUIRE_POSTGRES=1`
/// (`scripts/test.sh`, hence CI) and the server is missing or does not answer.
@Suite("PostgreSQL under test")
struct PostgresAvailabilityTests {
    @Test("ACCOLADE_TEST_POSTGRES_URL names a server that answers")
    func serverIsConfigured() async throws {
        guard let server = PostgresTestServer.forTest() else { return }  // recorded: a known issue, or a failure in CI
        try await server.admin.checkConnection()
    }
}
