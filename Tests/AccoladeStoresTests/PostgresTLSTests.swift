import AccoladeCore
import Foundation
import Synchronization
import Testing

@testable import AccoladeStores

/// The TLS options of the URL, as libpq reads them, and the combinations refused because they
/// would do less than they say.
@Suite("PostgreSQL store URL: TLS options")
struct PostgresStoreURLTLSTests {
    @Test(
        "each sslmode checks what libpq checks; require with sslrootcert checks the chain as verify-ca",
        arguments: [
            ("", PostgresStoreURL.CertificateCheck.none),
            ("?sslmode=disable", .none),
            ("?sslmode=require", .encryptionOnly),
            ("?sslmode=require&sslrootcert=/ca.pem", .chain),
            ("?sslmode=verify-ca&sslrootcert=/ca.pem", .chain),
            ("?sslmode=verify-full&sslrootcert=/ca.pem", .chainAndHost),
            ("?sslmode=verify-full&sslrootcert=system", .chainAndHost),
        ])
    func modes(query: String, check: PostgresStoreURL.CertificateCheck) throws {
        let url = try PostgresStoreURL("postgres://u:pw@db.internal/q\(query)")
        #expect(url.certificateCheck == check)
    }

    @Test("the files and the mode parse, and the redacted form says the mode")
    func files() throws {
        let url = try PostgresStoreURL(
            "postgres://u:pw@db.internal/q?sslmode=verify-full&sslrootcert=/etc/ca%20dir/ca.pem&sslcert=/c.pem&sslkey=/c.key")
        #expect(url.tls == .verifyFull && url.rootCertificate == "/etc/ca dir/ca.pem")
        #expect(url.clientCertificate == "/c.pem" && url.clientKey == "/c.key")
        #expect(url.redacted == "postgres://u:***@db.internal:5432/q?sslmode=verify-full")
    }

    @Test(
        "combinations that would silently do less are refused, naming the option",
        arguments: [
            ("?sslmode=prefer", "option sslmode"), ("?sslmode=allow", "option sslmode"),
            ("?sslmode=verify_full", "option sslmode"),
            ("?sslmode=verify-full", "option sslrootcert"), ("?sslmode=verify-ca", "option sslrootcert"),
            ("?sslmode=verify-ca&sslrootcert=system", "option sslrootcert"),
            ("?sslmode=require&sslrootcert=system", "option sslrootcert"),
            ("?sslrootcert=/ca.pem", "option sslrootcert"), ("?sslmode=disable&sslcert=/c.pem&sslkey=/c.key", "option sslcert"),
            ("?sslmode=require&sslcert=/c.pem", "option sslkey"), ("?sslmode=require&sslkey=/c.key", "option sslcert"),
            ("?sslmode=require&sslrootcert=", "option sslrootcert"),
        ])
    func refused(query: String, part: String) {
        do {
            _ = try PostgresStoreURL("postgres://u:pw@h/db\(query)")
            Issue.record("\(query) parsed")
        } catch {
            guard case .invalidURL(let named, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(named == part, "\(error)")
            #expect(!error.description.contains("pw"))
        }
    }

    @Test("a certificate file that is missing or not PEM stops the store before it connects, naming option and path")
    func unusableFiles() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let notPEM = folder.path("not.pem")
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notPEM))
        for (query, option) in [
            ("sslmode=verify-full&sslrootcert=\(folder.path("missing.pem"))", "sslrootcert"),
            ("sslmode=verify-full&sslrootcert=\(notPEM)", "sslrootcert"),
            ("sslmode=require&sslcert=\(notPEM)&sslkey=\(notPEM)", "sslcert"),
        ] {
            do {
                _ = try PostgresStore(url: "postgres://u:secret-pw@127.0.0.1:1/db?\(query)", logger: testLogger)
                Issue.record("\(query) opened")
            } catch let error as PostgresStoreError {
                guard case .unusableTLSFile(let named, _, _) = error else {
                    Issue.record("unexpected \(error)")
                    continue
                }
                #expect(named == option)
                #expect(!error.description.contains("secret-pw"))
                #expect(error.fault != .transient)
            }
        }
    }
}

/// TLS against the test cluster started with `scripts/postgres-test-cluster.sh start --tls`: its
/// certificate, from a throw-away CA, names only `localhost`.
@Suite("PostgreSQL store over TLS", .enabled(if: PostgresTLSTestServer.shared != nil))
struct PostgresTLSTests {
    @Test("verify-full by a name the certificate lists: the pool, the start-up check and LISTEN all run over TLS")
    func verifyFull() async throws {
        let tls = try #require(PostgresTLSTestServer.shared)
        try await tls.withDatabase { database in
            let store = try await PostgresStore.open(
                url: tls.url(host: "localhost", database: database, "sslmode=verify-full&sslrootcert=\(tls.file("ca.pem"))"),
                logger: testLogger, maximumConnections: 2
            ).started()
            let signals = try #require(store.workSignals())
            let received = Mutex(0)
            let consumer = Task { for await _ in signals { received.withLock { $0 += 1 } } }
            _ = try await store.enqueue([Fixtures.request()])
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(30)  // a bound only: the signals take milliseconds
            var encrypted = (connections: 0, allTLS: false)
            while clock.now < deadline {
                encrypted = try await tls.connections(through: store)
                if received.withLock({ $0 }) >= 1, encrypted.connections >= 2 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            consumer.cancel()
            #expect(received.withLock { $0 } >= 1, "the LISTEN connection never signalled")
            #expect(encrypted.connections >= 2, "pool and LISTEN connections expected, saw \(encrypted.connections)")
            #expect(encrypted.allTLS, "a connection to the database is not encrypted")
            #expect(try await store.snapshot(now: Date()).count(.available) == 1)
            await store.stop()
        }
    }

    @Test("verify-ca and require with sslrootcert accept any host name the CA's certificate is served on; require alone accepts any certificate")
    func verifyCA() async throws {
        let tls = try #require(PostgresTLSTestServer.shared)
        let ca = tls.file("ca.pem")
        for options in ["sslmode=verify-ca&sslrootcert=\(ca)", "sslmode=require&sslrootcert=\(ca)", "sslmode=require"] {
            let store = try PostgresStore(url: tls.url(host: "127.0.0.1", database: "accolade", options), logger: testLogger)
            try await store.checkConnection()
        }
    }

    @Test("verify-full by a host the certificate does not list is a start-up error that says so, without the password")
    func wrongHost() async throws {
        let tls = try #require(PostgresTLSTestServer.shared)
        let error = try await Self.openFailure(
            tls.url(host: "127.0.0.1", database: "accolade", "sslmode=verify-full&sslrootcert=\(tls.file("ca.pem"))", password: "secret-pw"))
        #expect(error.description.contains("does not name the host"), "\(error)")
        #expect(!error.description.contains("secret-pw"))
        #expect(error.fault != .transient)
    }

    @Test(
        "a certificate from a CA not in sslrootcert is a start-up error that says so, without the password",
        arguments: ["verify-full", "verify-ca", "require"])
    func untrustedCA(mode: String) async throws {
        let tls = try #require(PostgresTLSTestServer.shared)
        // A self-signed certificate of another key: a trust anchor that signed nothing the server has.
        let error = try await Self.openFailure(
            tls.url(host: "localhost", database: "accolade", "sslmode=\(mode)&sslrootcert=\(tls.file("untrusted.pem"))", password: "secret-pw"))
        #expect(error.description.contains("not trusted"), "\(error)")
        #expect(!error.description.contains("secret-pw"))
        #expect(error.fault != .transient)
    }

    @Test("a client certificate logs in the user the server authenticates by certificate; without it the server refuses")
    func clientCertificate() async throws {
        let tls = try #require(PostgresTLSTestServer.shared)
        let base = "sslmode=verify-full&sslrootcert=\(tls.file("ca.pem"))"
        let store = try PostgresStore(
            url: tls.url(host: "localhost", user: "accolade_cert", database: "accolade",
                "\(base)&sslcert=\(tls.file("client.pem"))&sslkey=\(tls.file("client.key"))"),
            logger: testLogger, maximumConnections: 1
        ).started()
        let user = try await store.rows("read the user", "SELECT current_user::text").first?.decode(String.self)
        #expect(user == "accolade_cert")
        await store.stop()
        let error = try await Self.openFailure(tls.url(host: "localhost", user: "accolade_cert", database: "accolade", base))
        #expect(error.description.contains("certificate"), "\(error)")
    }

    /// The error `PostgresStore.open` fails with (a test failure when it opens).
    static func openFailure(_ url: String) async throws -> PostgresStoreError {
        do {
            _ = try await PostgresStore.open(url: url, logger: testLogger)
        } catch let error as PostgresStoreError {
            guard case .cannotConnect = error else { throw error }
            return error
        }
        throw OpenedAnyway()
    }

    struct OpenedAnyway: Error {}
}

/// The cluster named by `ACCOLADE_TEST_POSTGRES_URL` when it was started with `--tls`
/// (`ACCOLADE_TEST_POSTGRES_TLS_DIR` names its certificates).
struct PostgresTLSTestServer: Sendable {
    static let shared: PostgresTLSTestServer? = {
        guard let server = PostgresTestServer.shared,
            let directory = ProcessInfo.processInfo.environment["ACCOLADE_TEST_POSTGRES_TLS_DIR"], !directory.isEmpty,
            let port = URLComponents(string: server.adminURL)?.port
        else { return nil }
        return PostgresTLSTestServer(server: server, directory: directory, port: port)
    }()

    let server: PostgresTestServer
    let directory: String
    let port: Int

    /// A file of the throw-away CA's set (`ca.pem`, `client.pem`, `untrusted.pem`, …).
    func file(_ name: String) -> String { directory + "/" + name }

    /// A URL to the cluster by `host`, with TLS `options` (already a query string).
    func url(host: String, user: String = "accolade", database: String, _ options: String, password: String? = nil) -> String {
        "postgres://\(user)\(password.map { ":\($0)" } ?? "")@\(host):\(port)/\(database)?\(options)"
    }

    /// Runs `body` with a fresh database, dropped afterwards.
    func withDatabase(_ body: (String) async throws -> Void) async throws {
        let database = try await server.createDatabase()
        do {
            try await body(database)
        } catch {
            await server.dropDatabase(database)
            throw error
        }
        await server.dropDatabase(database)
    }

    /// How many client connections `store`'s database has, and whether every one is encrypted.
    func connections(through store: PostgresStore) async throws -> (connections: Int, allTLS: Bool) {
        let row = try await store.rows(
            "count encrypted connections",
            """
            SELECT count(*)::int, coalesce(bool_and(s.ssl), false) FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
            WHERE a.datname = current_database() AND a.backend_type = 'client backend'
            """
        ).first
        let (count, all) = try row?.decode((Int, Bool).self) ?? (0, false)
        return (count, all)
    }
}
