import AccoladeCore
import Foundation

/// Builds the RFC 5322 bytes of one email: pure, no I/O, deterministic given its inputs.
///
/// Layout: `multipart/alternative` with `text/plain` first and `text/html` last (the preferred
/// part, RFC 2046), both UTF-8 quoted-printable, CRLF everywhere, 7-bit clean so no `8BITMIME`
/// is needed. Inline images (a `cid:` QR code) wrap the HTML part in `multipart/related`
/// (RFC 2387) with each image base64-encoded after the HTML, so text-only clients show no stray
/// attachment and HTML clients resolve `cid:` references.
public struct MIMEComposer: Sendable {
    /// Creates a composer.
    public init() {}

    /// Composes the message.
    ///
    /// - Parameters:
    ///   - email: rendered subject, text and HTML.
    ///   - from: the sender mailbox (`From`).
    ///   - to: the one recipient (`To`).
    ///   - replyTo: where replies go (`Reply-To`), when not to the sender.
    ///   - date: the `Date` header (use the message's creation time so retries do not change it).
    ///   - messageID: the `Message-ID` value with angle brackets (see ``messageID(deliveryID:from:)``).
    ///   - boundary: the multipart boundary; nil picks a random one that cannot occur in the parts.
    ///   - inlineImages: images the HTML references by `cid:`; none keeps the plain alternative layout.
    ///   - extraHeaders: ASCII header fields written after `Message-ID` (`List-Unsubscribe`, …).
    /// - Throws: ``MIMEError`` when any header value contains CR, LF or NUL or an address is invalid.
    public func compose(
        _ email: RenderedEmail, from: EmailAddress, to: EmailAddress, replyTo: EmailAddress? = nil, date: Date, messageID: String,
        boundary: String? = nil,
        inlineImages: [InlineImage] = [], extraHeaders: [(name: String, value: String)] = []
    ) throws(MIMEError) -> [UInt8] {
        try Self.checkHeaderValue(email.subject, field: "subject")
        for extra in extraHeaders {
            try Self.checkToken(extra.name, field: "extraHeaders.name")
            try Self.checkHeaderValue(extra.value, field: "extraHeaders.value")
        }
        for image in inlineImages {
            try Self.checkToken(image.contentID, field: "inlineImages.contentID")
            try Self.checkToken(image.fileName, field: "inlineImages.fileName")
            try Self.checkToken(image.mediaType, field: "inlineImages.mediaType")
        }
        try Self.checkMailbox(from, field: "from")
        try Self.checkMailbox(to, field: "to")
        if let replyTo { try Self.checkMailbox(replyTo, field: "replyTo") }
        try Self.checkHeaderValue(messageID, field: "messageID")

        var text: [UInt8] = []
        QuotedPrintable.encode(email.text, into: &text)
        var html: [UInt8] = []
        QuotedPrintable.encode(email.html, into: &html)
        let boundary = boundary ?? Self.makeBoundary(avoiding: [text, html])

        var out: [UInt8] = []
        out.reserveCapacity(text.count + html.count + 1024)
        func header(_ line: String) {
            out.append(contentsOf: line.utf8)
            out.append(contentsOf: Self.crlf)
        }
        header("Date: \(RFC5322Date.format(date))")
        header(HeaderEncoding.mailbox(name: "From", from))
        header(HeaderEncoding.mailbox(name: "To", to))
        if let replyTo { header(HeaderEncoding.mailbox(name: "Reply-To", replyTo)) }
        header(HeaderEncoding.unstructured(name: "Subject", value: email.subject))
        header("Message-ID: \(messageID)")
        for extra in extraHeaders { header("\(extra.name): \(extra.value)") }
        header("MIME-Version: 1.0")
        header("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
        out.append(contentsOf: Self.crlf)

        Self.appendPart(contentType: "text/plain; charset=UTF-8", body: text, boundary: boundary, first: true, into: &out)
        appendHTMLPart(html, boundary: boundary, images: inlineImages, into: &out)
        out.append(contentsOf: "\r\n--\(boundary)--\r\n".utf8)
        return out
    }

    /// `<deliveryID@domain-of-from>`: the same for every attempt of one delivery, so a receiving
    /// system can drop a duplicate when an earlier attempt did arrive after all.
    public static func messageID(deliveryID: String, from: EmailAddress) -> String {
        var left = ""
        for byte in deliveryID.utf8 {
            if EmailAddress.isAtext(byte) {
                left.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                // Anything outside `atext` (including dots, to avoid `..`) is hex-escaped: still unique.
                left += "=" + Hex.encode([byte], uppercase: true)
            }
        }
        return "<\(left.isEmpty ? "delivery" : left)@\(from.domain)>"
    }

    /// A random boundary of 38 characters. Starting with `=_` makes it impossible in
    /// quoted-printable output (where `=` is always followed by hex or a line break); the
    /// explicit check below guards against future encodings.
    static func makeBoundary(avoiding parts: [[UInt8]]) -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            var bytes: [UInt8] = Array("=_Accolade_".utf8)
            // 27 characters × 6 bits from three 64-bit draws: one getrandom call each, not 27.
            for _ in 0..<3 {
                var bits = generator.next()
                for _ in 0..<9 {
                    bytes.append(boundaryAlphabet[Int(bits & 0x3F)])
                    bits >>= 6
                }
            }
            if !parts.contains(where: { $0.containsSubsequence(bytes) }) {
                return String(decoding: bytes, as: UTF8.self)
            }
        }
    }

    /// 64 characters allowed in a boundary (RFC 2046 `bchars`).
    private static let boundaryAlphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.".utf8)

    /// The HTML alternative: a plain `text/html` part, or `multipart/related` holding the HTML
    /// first (its root, RFC 2387) and then each inline image.
    func appendHTMLPart(_ html: [UInt8], boundary: String, images: [InlineImage], into out: inout [UInt8]) {
        guard !images.isEmpty else {
            Self.appendPart(contentType: "text/html; charset=UTF-8", body: html, boundary: boundary, first: false, into: &out)
            return
        }
        // "rel" + the outer boundary: not a prefix of it (nor it of this), and it keeps the `=_`
        // that quoted-printable and base64 bodies can never contain.
        let related = "rel" + boundary
        out.append(contentsOf: "\r\n--\(boundary)\r\nContent-Type: multipart/related; type=\"text/html\";\r\n boundary=\"\(related)\"\r\n\r\n".utf8)
        Self.appendPart(contentType: "text/html; charset=UTF-8", body: html, boundary: related, first: true, into: &out)
        for image in images {
            out.append(contentsOf: "\r\n--\(related)\r\nContent-Type: \(image.mediaType); name=\"\(image.fileName)\"\r\n".utf8)
            out.append(contentsOf: "Content-Transfer-Encoding: base64\r\nContent-ID: <\(image.contentID)>\r\n".utf8)
            out.append(contentsOf: "Content-Disposition: inline; filename=\"\(image.fileName)\"\r\n\r\n".utf8)
            Self.appendBase64Lines(image.data, into: &out)
        }
        out.append(contentsOf: "\r\n--\(related)--".utf8)
    }

    /// Base64 in lines of 76 characters separated by CRLF (RFC 2045 §6.8).
    static func appendBase64Lines(_ data: [UInt8], into out: inout [UInt8]) {
        let encoded = Array(Data(data).base64EncodedString().utf8)
        var index = 0
        while index < encoded.count {
            if index > 0 { out.append(contentsOf: crlf) }
            let end = min(index + 76, encoded.count)
            out.append(contentsOf: encoded[index..<end])
            index = end
        }
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    private static func appendPart(contentType: String, body: [UInt8], boundary: String, first: Bool, into out: inout [UInt8]) {
        // The CRLF before `--boundary` belongs to the delimiter (RFC 2046), not to the previous body.
        if !first { out.append(contentsOf: crlf) }
        out.append(contentsOf: "--\(boundary)\r\nContent-Type: \(contentType)\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
        out.append(contentsOf: body)
    }

    private static func checkHeaderValue(_ value: String, field: String) throws(MIMEError) {
        if EmailAddress.containsLineBreakOrNUL(value) { throw .headerInjection(field: field) }
    }

    /// Inline-image header values must be simple tokens: no quotes, brackets, spaces or line breaks.
    private static func checkToken(_ value: String, field: String) throws(MIMEError) {
        try checkHeaderValue(value, field: field)
        let allowed = value.utf8.allSatisfy { byte in
            byte > 0x20 && byte < 0x7F && !"\"<>()[];,\\ ".utf8.contains(byte)
        }
        // MIMEError has no case of its own for this; `invalidAddress` prints as "field reason".
        if value.isEmpty || !allowed { throw .invalidAddress(field: field, reason: "must be printable ASCII without spaces, quotes or brackets") }
    }

    private static func checkMailbox(_ mailbox: EmailAddress, field: String) throws(MIMEError) {
        try checkHeaderValue(mailbox.address, field: "\(field).email")
        if let name = mailbox.displayName { try checkHeaderValue(name, field: "\(field).name") }
        if let reason = EmailAddress.problem(with: mailbox.address) {
            throw .invalidAddress(field: "\(field).email", reason: reason)
        }
    }
}

/// An image the HTML part references by `cid:` (for example the message's QR code).
public struct InlineImage: Sendable, Hashable {
    /// The `Content-ID` without angle brackets, e.g. `qr@accolade`; the HTML uses `cid:` + this.
    public var contentID: String
    /// The file name offered to clients that save the image, e.g. `qr.png`.
    public var fileName: String
    /// The media type, e.g. `image/png`.
    public var mediaType: String
    /// The image bytes (sent base64-encoded).
    public var data: [UInt8]

    /// Creates an inline image.
    public init(contentID: String, fileName: String, mediaType: String, data: [UInt8]) {
        self.contentID = contentID
        self.fileName = fileName
        self.mediaType = mediaType
        self.data = data
    }
}

extension Array where Element == UInt8 {
    /// True when `needle` occurs contiguously in the array.
    fileprivate func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count, let first = needle.first else { return needle.isEmpty }
        var index = 0
        let last = count - needle.count
        while index <= last {
            if self[index] == first, self[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
