import AccoladeTestSupport
import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Foundation
import Logging

/// What `scripts/test-servers/smtp_capture.py` writes for each message (N.json).
struct CapturedMessage: Decodable {
    struct Part: Decodable {
        let content_type: String
        let charset: String?
        let cte: String?
        let content: String
    }

    let mail_from: String
    let rcpt_tos: [String]
    let headers: [String: String]
    let raw_headers: [String: String]
    let content_type: String
    let defects: [String]
    let parts: [Part]

    /// Reads message number `index` (1-based) from a capture directory.
    static func read(_ directory: TemporaryDirectory, _ index: Int) throws -> CapturedMessage {
        let data = try Data(contentsOf: directory.url.appendingPathComponent("\(index).json"))
        return try JSONDecoder().decode(CapturedMessage.self, from: data)
    }

    /// Raw bytes of message number `index`.
    static func raw(_ directory: TemporaryDirectory, _ index: Int) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.url.appendingPathComponent("\(index).eml")))
    }
}

enum SMTPFixtures {
    /// Warnings only: failed attempts are expected in fault tests and log at `notice`.
    static let logger: Logger = {
        var logger = Logger(label: "accolade.test.smtp")
        logger.logLevel = .warning
        return logger
    }()

    static func config(port: Int, timeout: TimeInterval = 10) -> EmailChannelConfig {
        EmailChannelConfig(
            from: "Acme Rewards <rewards@acme.example>", url: "smtp://127.0.0.1:\(port)", starttls: .never,
            connectTimeout: 2, timeout: timeout, maxConnections: 4)
    }

    static func request(
        id: String = UUID().uuidString.lowercased(), attempt: Int = 1, name: String? = "Ana Putri", email: String = "ana@example.co.id",
        subject: String = "Selamat, Ana! Voucher Rp 50.000 untuk Anda 🎉", text: String = "Halo Ana,\nKode Anda: RW-7Q2K\n",
        html: String = "<p>Halo <b>Ana</b>,</p>\n<p>Kode: RW-7Q2K</p>\n"
    ) -> DeliveryRequest {
        DeliveryRequest(
            deliveryID: id, messageID: "m-\(id)", attempt: attempt, recipient: Recipient(name: name, email: email),
            content: .email(RenderedEmail(subject: subject, text: text, html: html)),
            createdAt: Date(timeIntervalSince1970: 1_795_464_000))
    }
}

/// Normalises line ends so bodies compare regardless of CRLF/LF.
func lf(_ text: String) -> String {
    text.replacingOccurrences(of: "\r\n", with: "\n")
}
