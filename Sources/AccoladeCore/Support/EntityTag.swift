import Crypto
import Foundation

/// HTTP entity tags (RFC 9110 §8.8.3) for content that never changes once served: the strong
/// validator of the bytes themselves, and the `If-None-Match` test a conditional `GET`/`HEAD` needs.
public enum EntityTag {
    /// The strong entity tag of `bytes`, quoted: 128 bits of their SHA-256 in hex.
    ///
    /// Derived from the content rather than from a name, so two representations of one resource
    /// (a QR code's PNG and SVG) never share a tag, and a file rewritten with other bytes gets a new one.
    public static func strong(of bytes: [UInt8]) -> String {
        "\"\(Hex.encode(SHA256.hash(data: bytes)).prefix(32))\""
    }

    /// Whether an `If-None-Match` field value matches `current` (a quoted entity tag), so the
    /// server answers `304 Not Modified` (RFC 9110 §13.1.2): `*` matches any current
    /// representation, a list matches when any member does, and members are compared weakly
    /// (`W/"x"` matches `"x"`: the weak comparison this precondition requires).
    ///
    /// A field that does not parse is ignored as if absent, so the client gets the full response.
    public static func ifNoneMatch(_ field: String, matches current: String) -> Bool {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        if trimmed == "*" { return true }
        guard let tags = parseList(trimmed) else { return false }
        let opaque = stripWeak(current)
        return tags.contains { stripWeak($0) == opaque }
    }

    /// The entity tags of a comma-separated list (`W/"a", "b,c"`), each with its quotes and any
    /// `W/`; `nil` when the text is not such a list. Commas inside quotes belong to the tag.
    public static func parseList(_ field: String) -> [String]? {
        var tags: [String] = []
        var rest = Substring(field)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," }
            if rest.isEmpty { return tags.isEmpty ? nil : tags }
            var tag = ""
            if rest.hasPrefix("W/") {
                tag = "W/"
                rest = rest.dropFirst(2)
            }
            guard rest.first == "\"" else { return nil }
            let body = rest.dropFirst()
            guard let close = body.firstIndex(of: "\"") else { return nil }
            let opaque = body[..<close]
            // etagc: %x21 / %x23-7E / obs-text (no spaces, no quotes, no controls).
            guard opaque.unicodeScalars.allSatisfy({ $0.value == 0x21 || (0x23...0x7E).contains($0.value) || $0.value >= 0x80 })
            else { return nil }
            tag += "\"\(opaque)\""
            tags.append(tag)
            rest = body[body.index(after: close)...].drop { $0 == " " || $0 == "\t" }
            guard rest.isEmpty || rest.first == "," else { return nil }
        }
    }

    private static func stripWeak(_ tag: String) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : Substring(tag)
    }
}
