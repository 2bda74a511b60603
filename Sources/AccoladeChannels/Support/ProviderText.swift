import AccoladeCurl

/// Text that comes from a provider (an SMTP reply, an error body, curl's own message) as it goes
/// into logs and the delivery log: printable and bounded. Pure; shared by every classifier.
enum ProviderText {
    /// The longest detail kept, in characters.
    static let maxLength = 200

    /// `text` without control characters, cut to `limit` characters and marked `…` when longer.
    static func shorten(_ text: String, limit: Int = maxLength) -> String {
        let printable = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        return printable.count > limit ? String(printable.prefix(limit)) + "…" : printable
    }

    /// What curl said about a failed transfer, shortened; `curl error N` when it said nothing.
    static func transportDetail(_ result: CurlResult) -> String {
        shorten(result.curlError.isEmpty ? "curl error \(result.curlCode)" : result.curlError)
    }
}
