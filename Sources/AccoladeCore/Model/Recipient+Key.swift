extension Recipient {
    /// The recipient key (DESIGN.md §9), the one identity per person that workflow runs,
    /// throttles, digests, preferences and the inbox key on: `id` (the CRM's id) when given, else
    /// the email address lower-cased, else the phone number, else the WhatsApp number. Nil when
    /// the recipient has none of them.
    public var key: String? {
        if let id, !id.isEmpty { return id }
        if let email, !email.isEmpty { return email.lowercased() }
        if let phone, !phone.isEmpty { return phone }
        if let whatsapp, !whatsapp.isEmpty { return whatsapp }
        return nil
    }
}
