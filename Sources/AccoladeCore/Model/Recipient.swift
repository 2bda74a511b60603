/// Who a message is for, with one address per channel kind.
///
/// Every field is optional: a route only needs the addresses of the channels it uses, and
/// validation at `send` time names any that are missing or malformed.
public struct Recipient: Sendable, Hashable, Codable {
    /// Display name, e.g. "Ana Putri"; used in greetings and the email `To` display name.
    public var name: String?
    /// Email address (`local@domain`).
    public var email: String?
    /// E.164 phone number for SMS, e.g. `+6281234567890`.
    public var phone: String?
    /// E.164 number for WhatsApp.
    public var whatsapp: String?
    /// Preferred locale (BCP 47, e.g. `id-ID`); falls back to the message locale.
    public var locale: String?
    /// IANA time zone for dates shown to the recipient, e.g. `Asia/Jakarta`.
    public var timezone: String?
    /// The caller's own identifier for the person (CRM contact id).
    public var id: String?

    /// Creates a recipient; unspecified addresses stay `nil`.
    public init(
        name: String? = nil, email: String? = nil, phone: String? = nil, whatsapp: String? = nil,
        locale: String? = nil, timezone: String? = nil, id: String? = nil
    ) {
        self.name = name
        self.email = email
        self.phone = phone
        self.whatsapp = whatsapp
        self.locale = locale
        self.timezone = timezone
        self.id = id
    }
}
