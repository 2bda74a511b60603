import AccoladeCore

extension Recipient {
    /// The recipient as `if:` conditions see it (`recipient.locale`, `recipient.timezone`, …): an
    /// object of the fields that are set, so `exists recipient.phone` is false for one without.
    public var conditionValue: JSONValue {
        var object: [String: JSONValue] = [:]
        if let name { object["name"] = .string(name) }
        if let email { object["email"] = .string(email) }
        if let phone { object["phone"] = .string(phone) }
        if let whatsapp { object["whatsapp"] = .string(whatsapp) }
        if let locale { object["locale"] = .string(locale) }
        if let timezone { object["timezone"] = .string(timezone) }
        if let id { object["id"] = .string(id) }
        return .object(object)
    }
}
