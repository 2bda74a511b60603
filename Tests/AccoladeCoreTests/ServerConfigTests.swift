import Foundation
import Testing

@testable import AccoladeCore

/// `server:` — listen address, public URL, tokens.
@Suite struct ServerConfigTests {
    @Test func defaultsToLoopbackWithoutTokens() throws {
        let c = try AccoladeConfig.parse(yaml: "store: { sqlite: x.sqlite }\n", environment: [:])
        #expect(c.server.host == "127.0.0.1")
        #expect(c.server.port == 8080)
        #expect(c.server.publicURL == "http://127.0.0.1:8080")
        #expect(c.server.tokens.isEmpty)
        #expect(c.server.isLoopbackOnly)
        #expect(c.server.maxBodyBytes == 1 << 20)
    }

    @Test func readsListenPublicURLAndTokensWithUnsetOnesDropped() throws {
        let yaml = """
            server:
              listen: "[::1]:9090"
              public_url: https://rewards.example.com/
              tokens: [ "${ACCOLADE_TOKEN}", "${SECOND_TOKEN}" ]
              max_body_kib: 64
            """
        let c = try AccoladeConfig.parse(yaml: yaml, environment: ["ACCOLADE_TOKEN": "t0ken"])
        #expect(c.server.host == "::1")
        #expect(c.server.port == 9090)
        #expect(c.server.publicURL == "https://rewards.example.com")
        #expect(c.server.tokens == ["t0ken"])
        #expect(c.server.maxBodyBytes == 64 * 1024)
        #expect(!c.server.description.contains("t0ken"))
    }

    @Test(arguments: ["8080", "localhost:", ":80", "[::1]8080", "host:99999"])
    func rejectsBadListenAddresses(listen: String) {
        #expect(throws: ConfigError.self) {
            try AccoladeConfig.parse(yaml: "server: { listen: \"\(listen)\" }\n", environment: [:])
        }
    }

    @Test func rejectsUnknownKeysAndNonHTTPPublicURLs() {
        #expect(throws: ConfigError.self) { try AccoladeConfig.parse(yaml: "server: { port: 1 }\n", environment: [:]) }
        #expect(throws: ConfigError.self) {
            try AccoladeConfig.parse(yaml: "server: { public_url: ftp://x }\n", environment: [:])
        }
    }

    @Test func wildcardListenIsNotLoopback() throws {
        let c = try AccoladeConfig.parse(yaml: "server: { listen: 0.0.0.0:8080 }\n", environment: [:])
        #expect(!c.server.isLoopbackOnly)
    }
}
