import Foundation

extension PreviewPage {
    /// Prepares an email's HTML part for the page's `<iframe sandbox srcdoc>`: images the
    /// browser would fetch from elsewhere (`cid:` parts of the real email, remote `http(s)`
    /// images) become inline placeholders. The page's Content-Security-Policy would block those
    /// loads anyway, but each blocked load is a console error and a request attempt. The inline
    /// QR code (`cid:qr@accolade`) shows the real image when one is known.
    enum EmailFrame {
        /// The `Content-ID` templates use for the message's QR code.
        static let qrContentID = "qr@accolade"

        /// `html` ready for the frame, and how many images were replaced by placeholders.
        static func prepared(_ html: String, qrImageURL: String?) -> (html: String, replaced: Int) {
            var replaced = 0
            var result = replacing(sourcePattern, in: html) { match in
                let attribute = match[1], url = match[3]
                if url.lowercased() == "cid:\(qrContentID)" {
                    if let qrImageURL { return "\(attribute)\"\(HTMLEscape.text(qrImageURL))\"" }
                    return "\(attribute)\"\(placeholder(label: "QR code"))\""
                }
                replaced += 1
                return "\(attribute)\"\(placeholder(label: "image"))\""
            }
            result = replacing(cssURLPattern, in: result) { _ in
                replaced += 1
                return "none"
            }
            return (result, replaced)
        }

        // The two `try!`s below cannot be reached by input: the patterns are constants compiled
        // once on first use, and PreviewPageTests (every email preview) compiles both.

        /// `src="…"` / `src='…'` pointing at a `cid:`, `http(s):` or protocol-relative URL.
        static let sourcePattern = try! NSRegularExpression(
            pattern: #"(\bsrc\s*=\s*)(["'])\s*((?:cid:|https?:|//)[^"']*)\2"#, options: [.caseInsensitive])

        /// CSS `url(…)` pointing outside (in `style` attributes and `<style>` blocks).
        static let cssURLPattern = try! NSRegularExpression(
            pattern: #"url\(\s*(["']?)\s*(?:cid:|https?:|//)[^)"']*\1\s*\)"#, options: [.caseInsensitive])

        /// A grey box with `label`, as a `data:` URL (percent-encoded, so safe in any attribute).
        static func placeholder(label: String) -> String {
            let svg = """
                <svg xmlns='http://www.w3.org/2000/svg' width='240' height='160' viewBox='0 0 240 160'>\
                <rect width='240' height='160' fill='#e5e7eb'/>\
                <text x='120' y='84' font-family='sans-serif' font-size='16' fill='#6b7280' text-anchor='middle'>\(label)</text></svg>
                """
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return "data:image/svg+xml," + (svg.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }

        /// Replaces every match of `pattern` by what `replacement` returns for its capture groups.
        private static func replacing(
            _ pattern: NSRegularExpression, in text: String, _ replacement: ([String]) -> String
        ) -> String {
            let ns = text as NSString
            var out = ""
            var last = 0
            for match in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                out += ns.substring(with: NSRange(location: last, length: match.range.location - last))
                let groups = (0..<match.numberOfRanges).map { i -> String in
                    let range = match.range(at: i)
                    return range.location == NSNotFound ? "" : ns.substring(with: range)
                }
                out += replacement(groups)
                last = match.range.location + match.range.length
            }
            out += ns.substring(from: last)
            return out
        }
    }
}
