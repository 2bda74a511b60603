/// The rule for the key that names one inbox: the recipient's id (`to.id` in the API,
/// `--recipient-id` and the CSV `id` column in the CLI), the `sub` of an inbox token and the
/// `recipient_id` of `POST /v1/inbox/tokens`.
///
/// One rule for all of them, so every id that can receive an inbox item can also be given a token
/// (the inbox channel's address check must use it too). The key is compared byte for byte: no
/// trimming, no case folding, no Unicode normalisation — it is the caller's own identifier.
public enum InboxRecipientKey {
    /// The longest key, in Unicode scalars (what JSON Schema's `maxLength` counts).
    public static let maximumLength = 255

    /// The JSON Schema `pattern` equivalent to ``problem(with:)`` apart from length: no control
    /// characters (Unicode general category Cc).
    public static let pattern = #"^[^\x00-\x1F\x7F-\x9F]*$"#

    /// Why `key` cannot name an inbox, or `nil` when it can.
    public static func problem(with key: String) -> String? {
        let scalars = key.unicodeScalars
        if scalars.isEmpty { return "must not be empty" }
        if scalars.count > maximumLength { return "must be at most \(maximumLength) characters, got \(scalars.count)" }
        // Control characters (line breaks, NUL, C1 controls) would forge log lines and SSE framing.
        if scalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "must not contain control characters (line breaks, tabs, NUL)"
        }
        return nil
    }
}
