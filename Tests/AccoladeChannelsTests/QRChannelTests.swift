import AccoladeChannels
import AccoladeCore
import AccoladeTestSupport
import Foundation
import Logging
import Testing

@Suite struct QRChannelTests {
    static let logger: Logger = {
        var logger = Logger(label: "accolade.test.qr")
        logger.logLevel = .warning
        return logger
    }()

    static func request(messageID: String = "019a-msg-1", deliveryID: String = "019a-del-1", attempt: Int = 1, payload: String = QRFixtures.url) -> DeliveryRequest {
        DeliveryRequest(
            deliveryID: deliveryID, messageID: messageID, attempt: attempt, recipient: Recipient(name: "Ana"),
            content: .qr(payload: payload), createdAt: Date(timeIntervalSince1970: 1_795_464_000))
    }

    @Test(.enabled(if: QRScan.hasZbar, QRScan.missingZbar))
    func deliverStoresPNGAndSVGAtAStableURL() async throws {
        let directory = try TemporaryDirectory()
        let artifacts = try QRArtifacts(config: QRChannelConfig(directory: directory.path, scale: 4), publicURL: "https://accolade.example.com/")
        let channel = QRChannel(artifacts: artifacts, logger: Self.logger)
        let receipt = try await channel.deliver(Self.request())
        let url = try #require(receipt.providerMessageID)
        #expect(url.hasPrefix("https://accolade.example.com/v1/qr/"))
        #expect(url.hasSuffix(".png"))
        let token = String(url.dropFirst("https://accolade.example.com/v1/qr/".count).dropLast(4))
        #expect(QRImageStore.isValidToken(token))

        let store = QRImageStore(directory: directory.path)
        let png = try #require(store.file(token: token, format: .png))
        let svg = try #require(store.file(token: token, format: .svg))
        #expect(try QRScan.decode(file: png) == Array(QRFixtures.url.utf8))
        #expect(try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<?xml"))

        // A retry, and a second process over the same folder, produce the same URL without rewriting.
        let inode = try FileManager.default.attributesOfItem(atPath: png)[.systemFileNumber] as? Int
        let again = try await channel.deliver(Self.request(attempt: 2))
        #expect(again.providerMessageID == url)
        let other = QRChannel(artifacts: try QRArtifacts(config: QRChannelConfig(directory: directory.path, scale: 4), publicURL: "https://accolade.example.com"), logger: Self.logger)
        #expect(try await other.deliver(Self.request(attempt: 3)).providerMessageID == url)
        #expect(try FileManager.default.attributesOfItem(atPath: png)[.systemFileNumber] as? Int == inode)

        // Another message gets another token.
        let second = try await channel.deliver(Self.request(messageID: "019a-msg-2"))
        #expect(second.providerMessageID != url)
    }

    @Test func tokensAreUnguessablePerFolderKey() throws {
        let a = try TemporaryDirectory(), b = try TemporaryDirectory()
        let first = try QRArtifacts(config: QRChannelConfig(directory: a.path), publicURL: "http://127.0.0.1:8080")
        let second = try QRArtifacts(config: QRChannelConfig(directory: b.path), publicURL: "http://127.0.0.1:8080")
        #expect(first.token(messageID: "m1") == first.token(messageID: "m1"))
        #expect(first.token(messageID: "m1") != first.token(messageID: "m2"))
        #expect(first.token(messageID: "m1") != second.token(messageID: "m1"))
        #expect(first.token(messageID: "m1").count == QRImageStore.tokenLength)
        let key = try FileManager.default.attributesOfItem(atPath: a.path + "/.token-key")
        #expect((key[.posixPermissions] as? Int) == 0o600)
    }

    @Test(arguments: [
        "../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", ".token-key", "", "short",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // well-formed but missing
    ])
    func lookupRejectsMalformedAndMissingTokens(token: String) throws {
        let directory = try TemporaryDirectory()
        try Data("secret".utf8).write(to: directory.url.appendingPathComponent(".token-key"))
        let store = QRImageStore(directory: directory.path)
        #expect(store.file(token: token, format: .png) == nil)
        #expect(store.file(token: token, format: .svg) == nil)
    }

    @Test func oversizePayloadFailsPermanentlyNamingTheLimit() async throws {
        let directory = try TemporaryDirectory()
        let channel = QRChannel(artifacts: try QRArtifacts(config: QRChannelConfig(directory: directory.path, level: .H), publicURL: "http://x"), logger: Self.logger)
        let error = await #expect(throws: DeliveryError.self) {
            try await channel.deliver(Self.request(payload: String(repeating: "x", count: 1300)))
        }
        #expect(error?.disposition == .permanent)
        #expect(error?.detail.contains("at most 1273 bytes") == true, "\(String(describing: error))")
    }

    @Test func signedPayloadIsStoredSigned() async throws {
        let directory = try TemporaryDirectory()
        let key = "0123456789abcdef0123456789abcdef"
        let artifacts = try QRArtifacts(config: QRChannelConfig(directory: directory.path, signingKey: key), publicURL: "http://x")
        let artifact = try artifacts.make(messageID: "m1", payload: "https://rewards.example.com/r/RW-7Q2K")
        #expect(artifact.payload.hasPrefix("https://rewards.example.com/r/RW-7Q2K?sig="))
        #expect(QRSigner(secret: key).verify(artifact.payload) == "https://rewards.example.com/r/RW-7Q2K")
    }

    @Test func wrongContentFailsPermanently() async throws {
        let directory = try TemporaryDirectory()
        let channel = QRChannel(artifacts: try QRArtifacts(config: QRChannelConfig(directory: directory.path), publicURL: "http://x"), logger: Self.logger)
        var request = Self.request()
        request.content = .sms(text: "hi")
        let error = await #expect(throws: DeliveryError.self) { try await channel.deliver(request) }
        #expect(error?.disposition == .permanent)
    }

    @Test func storageTroubleIsRetried() async throws {
        let directory = try TemporaryDirectory()
        let artifacts = try QRArtifacts(config: QRChannelConfig(directory: directory.path), publicURL: "http://x")
        let channel = QRChannel(artifacts: artifacts, logger: Self.logger)
        // rename(2) cannot replace a non-empty directory: the write fails like a full or read-only disk.
        let token = artifacts.token(messageID: "m-blocked")
        try FileManager.default.createDirectory(atPath: directory.path + "/\(token).png/x", withIntermediateDirectories: true)
        let error = await #expect(throws: DeliveryError.self) { try await channel.deliver(Self.request(messageID: "m-blocked")) }
        #expect(error?.disposition == .retry(after: nil), "\(String(describing: error))")
        #expect(error?.detail.contains("channels.qr.directory") == true)
    }
}
