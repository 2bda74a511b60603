import AccoladeChannels
import AccoladeCore
import Foundation
import Testing

@Suite struct QRSignerTests {
    let signer = QRSigner(secret: "test-signing-key-0123456789abcdef")

    @Test(arguments: [
        "https://rewards.example.com/r/RW-7Q2K",
        "https://rewards.example.com/r?code=RW-7Q2K&store=12",
        "RW-7Q2K",
        "Gutschein für Jürgen 🎁",
    ])
    func verifyAcceptsWhatItSigned(payload: String) throws {
        let signed = signer.sign(payload)
        #expect(signed.hasPrefix(payload))
        #expect(signer.verify(signed) == payload)
    }

    @Test func urlsGetASigQueryParameter() {
        #expect(signer.sign("https://x.example/r/1").hasPrefix("https://x.example/r/1?sig="))
        #expect(signer.sign("https://x.example/r?c=1").hasPrefix("https://x.example/r?c=1&sig="))
        #expect(signer.sign("RW-7Q2K").hasPrefix("RW-7Q2K~"))
        #expect(signer.sign("https://x.example/r/1").count == "https://x.example/r/1?sig=".count + 22)
    }

    @Test func tamperedPayloadIsRejected() {
        let signed = signer.sign("https://rewards.example.com/r/RW-7Q2K")
        let otherCode = signed.replacingOccurrences(of: "RW-7Q2K", with: "RW-7Q2L")
        #expect(signer.verify(otherCode) == nil)
        var bytes = Array(signed.utf8)
        bytes[bytes.count - 1] = bytes[bytes.count - 1] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(signer.verify(String(decoding: bytes, as: UTF8.self)) == nil)
        #expect(signer.verify(String(signed.dropLast())) == nil)
        #expect(signer.verify("https://rewards.example.com/r/RW-7Q2K") == nil)
        #expect(signer.verify("") == nil)
    }

    @Test func anotherKeyIsRejected() {
        let signed = signer.sign("RW-7Q2K")
        #expect(QRSigner(secret: "another-key-0123456789abcdefghij").verify(signed) == nil)
    }

    @Test(.enabled(if: QRScan.hasZbar, QRScan.missingZbar))
    func scannedSignedCodeVerifies() throws {
        let signed = signer.sign(QRFixtures.url)
        let png = try QRCodeRenderer(level: .M, scale: 4).png(signed)
        let scanned = String(decoding: try #require(try QRScan.decode(png: png)), as: UTF8.self)
        #expect(signer.verify(scanned) == QRFixtures.url)
    }

    @Test func configParsesTheQRSection() throws {
        let yaml = """
            channels:
              qr:
                directory: /tmp/qr
                level: Q
                scale: 6
                quiet_zone: 5
                png_bit_depth: 8
                signing_key: ${QR_KEY}
            """
        let config = try AccoladeConfig.parse(yaml: yaml, environment: ["QR_KEY": "0123456789abcdef0123"])
        let qr = try #require(config.channels.qr)
        #expect(qr == QRChannelConfig(directory: "/tmp/qr", level: .Q, scale: 6, quietZone: 5, pngBitDepth: 8, signingKey: "0123456789abcdef0123"))
        #expect(!qr.description.contains("0123456789abcdef0123"))
        let defaults = try #require(try AccoladeConfig.parse(yaml: "channels:\n  qr:\n    directory: var/qr\n", environment: [:]).channels.qr)
        #expect(defaults == QRChannelConfig())
    }

    @Test(arguments: [
        ("level: X", "channels.qr.level"),
        ("quiet_zone: 2", "channels.qr.quiet_zone"),
        ("png_bit_depth: 4", "channels.qr.png_bit_depth"),
        ("signing_key: short", "channels.qr.signing_key"),
        ("colour: red", "channels.qr.colour"),
    ])
    func badQRConfigNamesTheKey(line: String, path: String) {
        let yaml = "channels:\n  qr:\n    \(line)\n"
        #expect(throws: ConfigError.self) { try AccoladeConfig.parse(yaml: yaml, environment: [:]) }
        do {
            _ = try AccoladeConfig.parse(yaml: yaml, environment: [:])
        } catch {
            #expect(error.path == path, "\(error)")
        }
    }
}
