/// HTML escaping for text and double-quoted attribute values: `& < > " '` become entities, the
/// set swift-mustache's HTML content type escapes. Used by HTML template parts and the preview page.
public enum HTMLEscaping {
    /// `text` escaped.
    public static func escaped(_ text: String) -> String {
        var out = ""
        append(text, to: &out)
        return out
    }

    /// Appends `text` to `out`, escaped.
    public static func append(_ text: String, to out: inout String) {
        let utf8 = text.utf8
        func special(_ b: UInt8) -> Bool { b == 38 || b == 60 || b == 62 || b == 34 || b == 39 }
        // Most values need no escaping: scan the contiguous bytes, not the generic view.
        guard utf8.withContiguousStorageIfAvailable({ $0.contains(where: special) }) ?? utf8.contains(where: special) else {
            out += text
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case 38: bytes.append(contentsOf: "&amp;".utf8)
            case 60: bytes.append(contentsOf: "&lt;".utf8)
            case 62: bytes.append(contentsOf: "&gt;".utf8)
            case 34: bytes.append(contentsOf: "&quot;".utf8)
            case 39: bytes.append(contentsOf: "&#39;".utf8)
            default: bytes.append(byte)
            }
        }
        out += String(decoding: bytes, as: UTF8.self)
    }
}
