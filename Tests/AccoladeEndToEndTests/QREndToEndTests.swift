import AccoladeTestSupport
import Foundation
import Testing

/// The `accolade` binary with `channels.qr`: a voucher email with its QR code inline arrives at
/// the real SMTP capture server, the code is stored at its URL, and signatures verify.
@Suite(.serialized) struct QREndToEndTests {
    static let signingKey = "e2e-signing-key-0123456789abcdef"
    static let redeemURL = "https://rewards.example.com/r/RW-7Q2K"
    static let data = #"{"program":"Kudos Awards","reward":{"voucher":{"amount":50000,"currency":"IDR"},"code":"RW-7Q2K","expires_on":"2026-12-31","redeem_url":"https://rewards.example.com/r/RW-7Q2K"},"store":{"name":"Kopi Senja"}}"#
    static var hasTools: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/zbarimg") }

    /// A workspace whose configuration adds `channels.qr` (signed) and a public URL.
    static func workspace(smtpPort: Int) throws -> (Workspace, String, String) {
        let ws = try Workspace(smtpPort: smtpPort)
        let qrDirectory = ws.directory.url.appendingPathComponent("qr").path
        let base = try String(contentsOfFile: ws.configPath, encoding: .utf8)
        let yaml = base.replacingOccurrences(of: "channels:\n", with: """
            server:
              listen: 127.0.0.1:8080
              public_url: https://accolade.example.com
            channels:
              qr:
                directory: \(qrDirectory)
                level: M
                scale: 6
                signing_key: \(signingKey)

            """)
        let path = try ws.write("accolade-qr.yml", yaml)
        return (ws, path, qrDirectory)
    }

    @Test(.enabled(if: hasTools, "zbarimg is missing: install Debian zbar-tools (scripts/setup.sh does)"))
    func voucherEmailCarriesTheQRInlineAndTheCodeIsStored() throws {
        let mail = try TemporaryDirectory()
        let server = try TestServer.python("smtp_capture.py", ["--dir", mail.path])
        defer { server.stop() }
        let (ws, config, qrDirectory) = try Self.workspace(smtpPort: server.port)

        let sent = try ws.call(["send", "reward-voucher", "--to", "ana@example.co.id", "--name", "Ana Putri", "--locale", "id", "--data", Self.data, "--json", "--config", config])
        #expect(sent.status == 0, "\(sent.stderr)")
        let id = try #require((try sent.json() as? [String: Any])?["id"] as? String)
        let drained = try ws.call(["worker", "--drain", "--config", config])
        #expect(drained.status == 0, "\(drained.stderr)")

        // Both deliveries sent; the QR delivery's provider id is the PNG's public URL.
        let status = try ws.call(["status", id, "--json", "--config", config])
        let view = try #require(try status.json() as? [String: Any])
        let deliveries = try #require(view["deliveries"] as? [[String: Any]])
        #expect(Set(deliveries.compactMap { $0["channel"] as? String }) == ["email", "qr"])
        #expect(deliveries.allSatisfy { $0["state"] as? String == "sent" }, "\(deliveries)")
        let qr = try #require(deliveries.first { $0["channel"] as? String == "qr" })
        let url = try #require(qr["provider_message_id"] as? String)
        #expect(url.hasPrefix("https://accolade.example.com/v1/qr/") && url.hasSuffix(".png"), "\(url)")
        let token = String(url.dropFirst("https://accolade.example.com/v1/qr/".count).dropLast(4))
        let storedPNG = "\(qrDirectory)/\(token).png"
        #expect(FileManager.default.fileExists(atPath: "\(qrDirectory)/\(token).svg"))

        // The email: HTML references cid:qr@accolade, the PNG part decodes to the signed redeem URL.
        #expect(Capture(directory: mail).count == 1)
        let message = try Capture(directory: mail).message(1)
        #expect(message["content_type"] as? String == "multipart/alternative")
        let parts = try #require(message["parts"] as? [[String: Any]])
        #expect(parts.map { $0["content_type"] as? String } == ["text/plain", "text/html", "image/png"])
        #expect((parts[1]["content"] as? String ?? "").contains("cid:qr@accolade"))
        let raw = Array(try Data(contentsOf: mail.url.appendingPathComponent("1.eml")))
        let png = try #require(Self.inlinePNG(raw))
        let scanned = try #require(try Self.zbar(png))
        #expect(scanned.hasPrefix(Self.redeemURL + "?sig="), "\(scanned)")
        // The stored on-screen image is the very same code.
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: storedPNG))) == png)

        // accolade qr verify: the scanned payload passes, a tampered one does not.
        let ok = try ws.call(["qr", "verify", scanned, "--config", config])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains(Self.redeemURL))
        let tampered = try ws.call(["qr", "verify", scanned.replacingOccurrences(of: "RW-7Q2K", with: "RW-9ZZZ"), "--config", config])
        #expect(tampered.status == 2)
        #expect(tampered.stderr.contains("signature"))
    }

    @Test(.enabled(if: hasTools, "zbarimg is missing: install Debian zbar-tools (scripts/setup.sh does)"))
    func previewWritesPNGAndSVGAndDrawsTheCode() throws {
        let (ws, config, _) = try Self.workspace(smtpPort: 9)
        let out = ws.directory.url.appendingPathComponent("preview").path
        let r = try ws.call(["preview", "reward-voucher", "--channel", "qr", "--locale", "de", "--out", out, "--config", config])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("▀") || r.stdout.contains("▄"))
        #expect(r.stdout.contains("█"))
        let png = Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/reward-voucher.de.qr.png")))
        #expect(FileManager.default.fileExists(atPath: "\(out)/reward-voucher.de.qr.svg"))
        let scanned = try #require(try Self.zbar(png))
        #expect(scanned.hasPrefix(Self.redeemURL + "?sig="))
    }

    @Test func qrBenchPrintsThroughput() throws {
        let ws = try Workspace(smtpPort: 9)
        let r = try ws.call(["qr", "bench", "--count", "200"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("PNGs/s"))
    }

    /// The base64 body of the part with `Content-ID: <qr@accolade>`.
    static func inlinePNG(_ raw: [UInt8]) -> [UInt8]? {
        let text = String(decoding: raw, as: UTF8.self)
        guard let id = text.range(of: "Content-ID: <qr@accolade>"),
            let blank = text.range(of: "\r\n\r\n", range: id.upperBound..<text.endIndex),
            let end = text.range(of: "\r\n--", range: blank.upperBound..<text.endIndex)
        else { return nil }
        return Data(base64Encoded: text[blank.upperBound..<end.lowerBound].replacingOccurrences(of: "\r\n", with: "")).map(Array.init)
    }

    /// `zbarimg -q --raw -Sbinary` on PNG bytes: the payload, or nil when no code is found.
    static func zbar(_ png: [UInt8]) throws -> String? {
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("code.png")
        try Data(png).write(to: file)
        // Stdout to a file, not a pipe: a server started meanwhile could inherit a pipe and hold it open.
        let output = directory.url.appendingPathComponent("stdout")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let process = try ChildProcess("/usr/bin/zbarimg", ["-q", "--raw", "-Sbinary", file.path], stdout: .file(handle))
        process.waitUntilExit()
        let data = try Data(contentsOf: output)
        guard process.terminationStatus == 0 else { return nil }
        var bytes = Array(data)
        if bytes.last == 0x0A { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
