import Foundation

/// A template's `sample.json`: the data and recipient previews and `templates check` use.
///
/// ```json
/// { "recipient": { "name": "Ana Putri", "email": "ana@example.com", "timezone": "Asia/Jakarta" },
///   "data": { "reward": { "value": { "amount": 50000, "currency": "IDR" }, "code": "RW-7Q2K" } } }
/// ```
/// `data` (an object) is required; `recipient` takes the ``Recipient`` fields.
public struct TemplateSample: Sendable, Hashable {
    /// The sample message data (a JSON object).
    public var data: JSONValue
    /// The sample recipient.
    public var recipient: Recipient

    /// Creates a sample.
    public init(data: JSONValue, recipient: Recipient) {
        self.data = data
        self.recipient = recipient
    }

    /// Parses `sample.json`; `template` names it in errors.
    static func parse(_ bytes: Data, template: String) throws(TemplateError) -> TemplateSample {
        func fail(_ message: String) -> TemplateError {
            TemplateError(.invalidFile(message), template: template, file: "sample.json")
        }
        let json: JSONValue
        do {
            json = try JSONValue(jsonBytes: bytes)
        } catch {
            throw fail("not valid JSON (\(error)) — fix the syntax")
        }
        guard case .object(let top) = json else { throw fail("must be an object with \"data\" and \"recipient\"") }
        for key in top.keys where key != "data" && key != "recipient" {
            throw fail("unknown key \"\(key)\" — use \"data\" and \"recipient\"")
        }
        guard let data = top["data"], case .object = data else { throw fail("\"data\" must be an object holding the template variables") }
        var recipient = Recipient()
        if let value = top["recipient"] {
            guard case .object(let fields) = value else { throw fail("\"recipient\" must be an object") }
            let known: Set<String> = ["name", "email", "phone", "whatsapp", "locale", "timezone", "id"]
            for (key, field) in fields {
                guard known.contains(key) else {
                    throw fail("unknown key \"recipient.\(key)\" — use \(known.sorted().joined(separator: ", "))")
                }
                guard case .string = field else { throw fail("\"recipient.\(key)\" must be a string") }
            }
            recipient = Recipient(
                name: fields["name"]?.stringValue, email: fields["email"]?.stringValue,
                phone: fields["phone"]?.stringValue, whatsapp: fields["whatsapp"]?.stringValue,
                locale: fields["locale"]?.stringValue, timezone: fields["timezone"]?.stringValue,
                id: fields["id"]?.stringValue)
        }
        return TemplateSample(data: data, recipient: recipient)
    }
}

extension Recipient {
    /// One field as a template value, `nil` when unset or unknown.
    func field(_ name: String) -> JSONValue? {
        let value: String?
        switch name {
        case "name": value = self.name
        case "email": value = email
        case "phone": value = phone
        case "whatsapp": value = whatsapp
        case "id": value = id
        case "locale": value = locale
        case "timezone": value = timezone
        default: value = nil
        }
        return value.map(JSONValue.string)
    }

    /// The recipient as a template sees it: an object of its non-nil fields.
    var templateValue: JSONValue {
        var object: [String: JSONValue] = [:]
        if let name { object["name"] = .string(name) }
        if let email { object["email"] = .string(email) }
        if let phone { object["phone"] = .string(phone) }
        if let whatsapp { object["whatsapp"] = .string(whatsapp) }
        if let id { object["id"] = .string(id) }
        if let locale { object["locale"] = .string(locale) }
        if let timezone { object["timezone"] = .string(timezone) }
        return .object(object)
    }
}
