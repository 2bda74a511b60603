/// The recipient key as a caller names it in `/v1/recipients/{key}/preferences` and
/// `accolade preferences`: the CRM id, or an address (DESIGN.md §9).
public enum PreferenceKey {
    /// The stored key for `text`: an email address (anything with `@`) lower-cased, as
    /// ``Recipient/key`` lower-cases it; a CRM id or phone number as given. Throws when it
    /// cannot be a key (empty, too long, control characters).
    public static func normalise(_ text: String, field: String = "key") throws(ValidationError) -> String {
        if let problem = InboxRecipientKey.problem(with: text) { throw ValidationError(field: field, reason: problem) }
        return text.contains("@") ? text.lowercased() : text
    }
}
