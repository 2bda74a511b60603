import Foundation

/// What a bounce says, read from a delivery status notification (RFC 3464 in a `multipart/report`,
/// RFC 6522) or a complaint (an abuse feedback report, RFC 5965).
///
/// Only what Accolade acts on: per recipient whether the address failed for good (`hard`, status
/// class 5), failed for now (`soft`, class 4 with `Action: failed`), or complained; which message it
/// is about (the original `Message-ID`); and where the report itself was delivered (the VERP return
/// path carries the delivery id). The report's `From` is never used: anyone can write it.
public struct BounceReport: Sendable, Hashable {
    /// How a recipient's line counts.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A permanent failure (`5.x.x`): the address is suppressed at once.
        case hard
        /// A transient failure the sending relay gave up on (`4.x.x`): counts toward `bounces.soft_limit`.
        case soft
        /// The recipient reported the message as spam: the address is suppressed at once.
        case complaint
    }

    /// One recipient the report is about.
    public struct Line: Sendable, Hashable {
        /// The address that bounced (`Final-Recipient`, or a complaint's `Original-Rcpt-To`), lower-cased.
        public var address: String?
        /// How it counts.
        public var kind: Kind
        /// The RFC 3463 status (`5.1.1`), when given.
        public var status: String?
        /// `Diagnostic-Code` (e.g. `smtp; 550 5.1.1 user unknown`) or the feedback type, for operators.
        public var diagnostic: String?

        /// Creates a line.
        public init(address: String?, kind: Kind, status: String?, diagnostic: String?) {
            self.address = address
            self.kind = kind
            self.status = status
            self.diagnostic = diagnostic
        }

        /// The reason a suppression or receipt records: `hard bounce 5.1.1: smtp; 550 5.1.1 user unknown`.
        public var reason: String {
            let what = kind == .complaint ? "spam complaint" : "\(kind.rawValue) bounce"
            let detail = [status, diagnostic].compactMap { $0 }.joined(separator: ": ")
            return String((detail.isEmpty ? what : "\(what) \(detail)").prefix(300))
        }
    }

    /// Recipients that count (failed or complained), in report order.
    public var lines: [Line]
    /// Recipients the report mentions that do not count (`delayed`, `delivered`, `relayed`,
    /// `expanded`), as `address: action status`, for the log.
    public var ignored: [String]
    /// The original message's `Message-ID`, from the returned message or its headers.
    public var originalMessageID: String?
    /// Where the report was delivered (`X-Original-To`, `Delivered-To`, `To`): the VERP return path.
    public var envelopeRecipients: [String]
    /// The report's own `Message-ID`, to recognise the same report handed over twice.
    public var reportID: String?
    /// The relay's id for the original message (Amazon SES's `mail.messageId`, the id its SMTP
    /// `250` reply gave), when the report carries one: SES replaces the `Message-ID` Accolade wrote.
    public var relayMessageID: String? = nil

    /// Reads a report from the raw message bytes. Throws ``BounceReportError`` when the message is
    /// neither a delivery status notification nor an abuse report.
    public static func parse(_ bytes: [UInt8]) throws(BounceReportError) -> BounceReport {
        guard !bytes.isEmpty else { throw .empty }
        let message = MailMessage(bytes)
        guard !message.fields.isEmpty else { throw .notAMessage }
        let parts = message.allParts()
        var report = BounceReport(
            lines: [], ignored: [], originalMessageID: nil,
            envelopeRecipients: ["x-original-to", "delivered-to", "to"].compactMap { message.field($0) }.flatMap(addresses),
            reportID: message.field("message-id"))
        if let status = parts.first(where: { ["message/delivery-status", "message/global-delivery-status"].contains($0.mediaType) }) {
            try report.readDeliveryStatus(status.body)
        } else if let feedback = parts.first(where: { $0.mediaType == "message/feedback-report" }) {
            report.readFeedback(feedback.body)
        } else {
            throw .notAReport(message.mediaType)
        }
        report.originalMessageID = originalMessageID(in: parts)
        return report
    }

    private mutating func readDeliveryStatus(_ body: [UInt8]) throws(BounceReportError) {
        let groups = Self.fieldGroups(body)
        // The first group holds per-message fields; every later one is one recipient.
        guard groups.count >= 2 else { throw .noRecipients }
        for group in groups.dropFirst() {
            let recipient = group["final-recipient"] ?? group["original-recipient"]
            let address = recipient.flatMap(Self.typedAddress)
            let action = group["action"]?.lowercased().trimmingCharacters(in: .whitespaces) ?? ""
            let status = group["status"].flatMap { $0.split(separator: " ").first.map(String.init) }
            let diagnostic = group["diagnostic-code"]
            guard action == "failed" else {
                ignored.append("\(address ?? "?"): \(action.isEmpty ? "no action" : action) \(status ?? "")".trimmingCharacters(in: .whitespaces))
                continue
            }
            // A failure without a usable status class is treated as permanent only when its
            // diagnostic says 5xx; otherwise it is transient, never a reason to suppress at once.
            let kind: Kind
            switch status?.first {
            case "5": kind = .hard
            case "4": kind = .soft
            default: kind = diagnostic.map { $0.range(of: #"\b5\d\d\b"#, options: .regularExpression) != nil } == true ? .hard : .soft
            }
            lines.append(Line(address: address, kind: kind, status: status, diagnostic: diagnostic))
        }
        guard !lines.isEmpty || !ignored.isEmpty else { throw .noRecipients }
    }

    private mutating func readFeedback(_ body: [UInt8]) {
        let fields = Self.fieldGroups(body).first ?? [:]
        let type = fields["feedback-type"]?.lowercased() ?? "abuse"
        let addresses = (fields["original-rcpt-to"]).map(Self.addresses) ?? []
        // Only abuse (and the older "fraud"/"virus" types) is a complaint about the sender's mail.
        guard ["abuse", "fraud", "virus"].contains(type) else {
            ignored.append("feedback-type \(type)")
            return
        }
        if addresses.isEmpty {
            lines.append(Line(address: nil, kind: .complaint, status: nil, diagnostic: "feedback-type \(type)"))
        } else {
            lines += addresses.map { Line(address: $0, kind: .complaint, status: nil, diagnostic: "feedback-type \(type)") }
        }
    }

    /// The `Message-ID` of the returned message (`message/rfc822`, `text/rfc822-headers`,
    /// `message/global` and its headers form).
    private static func originalMessageID(in parts: [MailMessage]) -> String? {
        let returned = ["message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers"]
        for part in parts where returned.contains(part.mediaType) {
            if let id = MailMessage(part.body).field("message-id") { return id }
        }
        return nil
    }

    /// Field groups separated by blank lines, names lower-cased (a repeated name keeps the first).
    static func fieldGroups(_ body: [UInt8]) -> [[String: String]] {
        var groups: [[String: String]] = []
        var current: [String: String] = [:]
        var last: String?
        var index = 0
        while index < body.count {
            let (line, next) = MailMessage.line(in: body, from: index)
            index = next
            let text = String(decoding: line, as: UTF8.self)
            if text.trimmingCharacters(in: .whitespaces).isEmpty {
                if !current.isEmpty { groups.append(current) }
                current = [:]
                last = nil
                continue
            }
            if let first = text.first, first == " " || first == "\t", let name = last {
                current[name, default: ""] += " " + text.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = text.firstIndex(of: ":") else { continue }
            let name = text[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            if current[name] == nil { current[name] = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
            last = name
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    /// `rfc822; ana@example.com` → `ana@example.com` (other address types are not email).
    static func typedAddress(_ value: String) -> String? {
        let pieces = value.split(separator: ";", maxSplits: 1)
        guard pieces.count == 2 else { return addresses(value).first }
        let type = pieces[0].trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "rfc822" || type == "utf-8" else { return nil }
        return addresses(String(pieces[1])).first
    }

    /// Bare addresses in a header value (`Ana <ana@example.com>, b@example.com`), lower-cased.
    static func addresses(_ value: String) -> [String] {
        value.split(separator: ",").compactMap { piece in
            var text = piece.trimmingCharacters(in: .whitespaces)
            if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
                text = String(text[text.index(after: open)..<close])
            }
            text = text.trimmingCharacters(in: .whitespaces)
            guard text.contains("@"), !text.contains(" ") else { return nil }
            return text.lowercased()
        }
    }
}

/// Why a message is not a bounce Accolade understands (a pipe answers `EX_DATAERR`, the webhook `422`).
public enum BounceReportError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case notAMessage
    case notAReport(String)
    case noRecipients
    case notSES(String)

    public var description: String {
        switch self {
        case .empty: "the message is empty"
        case .notAMessage: "not an email message: no header fields before the first blank line"
        case .notAReport(let type):
            "not a delivery status notification or abuse report (Content-Type \(type)); expected multipart/report with a message/delivery-status or message/feedback-report part"
        case .noRecipients: "the report names no recipient (no per-recipient fields after the per-message ones, or no bounced/complained recipients)"
        case .notSES(let why): "not an Amazon SES event: \(why)"
        }
    }
}
