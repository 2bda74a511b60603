import AccoladeCore

/// Escaping for the preview page's HTML.
enum HTMLEscape {
    /// Text or a double-quoted attribute value: `& < > " '` become entities, as in HTML
    /// template parts.
    static func text(_ text: String) -> String { HTMLEscaping.escaped(text) }

    /// A whole HTML document as the value of a double-quoted `srcdoc` attribute.
    ///
    /// Only `&` and `"` need escaping there: `&` so the document's own entities survive the
    /// attribute decoding, `"` so the value cannot end early. `<` and `>` are literal inside a
    /// quoted attribute value.
    static func srcdoc(_ html: String) -> String {
        var out = ""
        out.reserveCapacity(html.utf8.count + html.utf8.count / 8)
        for scalar in html.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
