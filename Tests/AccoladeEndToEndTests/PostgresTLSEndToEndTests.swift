import AccoladeTestSupport
import Foundation
import Testing

/// The certificates of the test cluster when scripts/test.sh started it with `--tls`.
let postgresTLSDirectory = ProcessInfo.processInfo.environment["ACCOLADE_TEST_POSTGRES_TLS_DIR"]

/// `store.postgres` over TLS, as an operator meets it: the commands start and work with a
/// certificate they can verify, and stop at start-up with a clear error when they cannot.
@Suite(.enabled(if: postgresAdminURL != nil && postgresTLSDirectory != nil, "needs the test cluster started with --tls"))
struct PostgresTLSEndToEndTests {
    /// The test cluster's URL for `host`, TLS `options` added, with a password the server never asks
    /// for (trust), so the tests can check it is not printed.
    func url(host: String, _ options: String) throws -> String {
        let admin = try #require(postgresAdminURL.flatMap { URLComponents(string: $0) })
        return "postgres://accolade:tls-secret-pw@\(host):\(try #require(admin.port))/accolade?\(options)"
    }

    @Test("verify-full by a name the certificate lists: migrate, send and stats work over TLS")
    func verifyFull() throws {
        let ca = try #require(postgresTLSDirectory) + "/ca.pem"
        let ws = try Workspace(smtpPort: try FreePort.pick(), postgresURL: try url(host: "localhost", "sslmode=verify-full&sslrootcert=\(ca)"))
        let migrate = try ws.call(["migrate"])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        let stats = try ws.call(["stats", "--json"])
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(!(stats.stdout + stats.stderr).contains("tls-secret-pw"))
    }

    @Test(
        "a certificate for another host, or from a CA not in sslrootcert, stops the command at start-up saying so, without the password",
        arguments: [("127.0.0.1", "ca.pem", "does not name the host"), ("localhost", "untrusted.pem", "not trusted")])
    func refused(host: String, rootCertificate: String, says: String) throws {
        let root = try #require(postgresTLSDirectory) + "/" + rootCertificate
        let ws = try Workspace(smtpPort: try FreePort.pick(), postgresURL: try url(host: host, "sslmode=verify-full&sslrootcert=\(root)"))
        let started = ContinuousClock.now
        let result = try ws.call(["stats"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("store.postgres: cannot connect to PostgreSQL at \(host):"), "\(result.stderr)")
        #expect(result.stderr.contains(says), "\(result.stderr)")
        #expect(!(result.stdout + result.stderr).contains("tls-secret-pw"))
        #expect(ContinuousClock.now - started < .seconds(30), "a certificate error is not retried")
    }
}
