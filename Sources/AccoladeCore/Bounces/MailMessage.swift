import Foundation

/// Just enough of RFC 5322 and MIME to read a bounce: header fields (unfolded), the body, the
/// `Content-Type` with its parameters, and the parts of a multipart body.
///
/// Reports are machine-written, so this reads the common forms and refuses nothing it can skip:
/// an unknown transfer encoding leaves the bytes as they are, a part without headers is a body.
public struct MailMessage: Sendable {
    /// Header fields in order, names lower-cased, folded lines joined.
    public var fields: [(name: String, value: String)]
    /// The body after the blank line, transfer-decoded (base64, quoted-printable) when the
    /// message says so.
    public var body: [UInt8]

    /// Deepest multipart nesting read; deeper parts are treated as opaque bodies.
    static let maximumDepth = 6

    /// Parses a whole message or a MIME part (header fields, blank line, body).
    public init(_ bytes: [UInt8]) {
        var fields: [(name: String, value: String)] = []
        var index = 0
        var current: (name: String, value: String)?
        while index < bytes.count {
            let (line, next) = Self.line(in: bytes, from: index)
            index = next
            if line.isEmpty { break }
            if let first = line.first, first == 0x20 || first == 0x09, current != nil {
                current!.value += " " + String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                continue
            }
            if let field = current { fields.append(field) }
            guard let colon = line.firstIndex(of: 0x3A) else {
                current = nil
                continue
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            current = (name, value)
        }
        if let field = current { fields.append(field) }
        self.fields = fields
        let raw = index < bytes.count ? Array(bytes[index...]) : []
        let encoding = fields.last { $0.name == "content-transfer-encoding" }?.value.lowercased() ?? ""
        switch encoding {
        case "base64": body = Self.base64(raw) ?? raw
        case "quoted-printable": body = Self.quotedPrintable(raw)
        default: body = raw
        }
    }

    /// The first field with this name (case-insensitive).
    public func field(_ name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name == lower }?.value
    }

    /// The media type, lower-cased (`text/plain` when absent, as MIME says).
    public var mediaType: String {
        guard let value = field("content-type") else { return "text/plain" }
        return Self.parameters(of: value).type
    }

    /// A `Content-Type` parameter (`boundary`, `report-type`), unquoted.
    public func contentTypeParameter(_ name: String) -> String? {
        field("content-type").flatMap { Self.parameters(of: $0).parameters[name.lowercased()] }
    }

    /// The parts of a multipart body, in order; empty for any other body.
    public func parts(depth: Int = 0) -> [MailMessage] {
        guard mediaType.hasPrefix("multipart/"), depth < Self.maximumDepth, let boundary = contentTypeParameter("boundary"),
            !boundary.isEmpty
        else { return [] }
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [MailMessage] = []
        var start: Int?
        var index = 0
        while index < body.count {
            let (line, next) = Self.line(in: body, from: index)
            let trimmed = Array(line.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed())
            if trimmed.starts(with: delimiter) {
                let rest = trimmed.dropFirst(delimiter.count)
                if rest.isEmpty || Array(rest) == [0x2D, 0x2D] {
                    if let from = start { parts.append(MailMessage(Self.trimmingLastLineBreak(Array(body[from..<index])))) }
                    if !rest.isEmpty { return parts }
                    start = next
                }
            }
            index = next
        }
        if let from = start, from < body.count { parts.append(MailMessage(Array(body[from...]))) }
        return parts
    }

    /// Every part at any depth, this message first.
    public func allParts() -> [MailMessage] {
        func walk(_ message: MailMessage, _ depth: Int, _ into: inout [MailMessage]) {
            into.append(message)
            for part in message.parts(depth: depth) { walk(part, depth + 1, &into) }
        }
        var all: [MailMessage] = []
        walk(self, 0, &all)
        return all
    }

    /// A type and its parameters: `multipart/report; report-type=delivery-status; boundary="x"`.
    static func parameters(of value: String) -> (type: String, parameters: [String: String]) {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for character in value {
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            parameters[name] = value
        }
        return (pieces[0].trimmingCharacters(in: .whitespaces).lowercased(), parameters)
    }

    /// The line at `from` without its CRLF or LF, and where the next one starts.
    static func line(in bytes: [UInt8], from: Int) -> (ArraySlice<UInt8>, Int) {
        var end = from
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        let next = min(end + 1, bytes.count)
        var lineEnd = end
        if lineEnd > from, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        return (bytes[from..<lineEnd], next)
    }

    private static func trimmingLastLineBreak(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        if out.last == 0x0A { out.removeLast() }
        if out.last == 0x0D { out.removeLast() }
        return out
    }

    private static func base64(_ raw: [UInt8]) -> [UInt8]? {
        let text = String(decoding: raw.filter { $0 > 0x20 }, as: UTF8.self)
        return Data(base64Encoded: text).map(Array.init)
    }

    private static func quotedPrintable(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        while index < raw.count {
            let byte = raw[index]
            if byte == 0x3D {
                // `=` then a line break is a soft break; `=XX` a byte; anything else stays.
                if index + 1 < raw.count, raw[index + 1] == 0x0A {
                    index += 2
                    continue
                }
                if index + 2 < raw.count, raw[index + 1] == 0x0D, raw[index + 2] == 0x0A {
                    index += 3
                    continue
                }
                if index + 2 < raw.count, let high = hex(raw[index + 1]), let low = hex(raw[index + 2]) {
                    out.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return out
    }
}
