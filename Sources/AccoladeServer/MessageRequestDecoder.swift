import AccoladeCore
import AccoladeRuntime
import Foundation

/// Turns a `POST /v1/messages` body into a ``SendRequest``, strictly: unknown fields, wrong
/// types and unparseable times are refused with the JSON path of the offending field, so a
/// typo such as `"send_At"` fails loudly instead of silently sending now.
enum MessageRequestDecoder {
    /// The top-level members a message accepts.
    static let messageFields: Set<String> = [
        "template", "to", "data", "channels", "mode", "send_at", "expires_at", "locale", "idempotency_key",
        "category",
    ]
    /// The members of `to`.
    static let recipientFields: Set<String> = ["email", "phone", "whatsapp", "name", "locale", "timezone", "id"]

    /// Decodes one message object found at `path` (`""` for a single body, `messages[3]` in a batch).
    static func decode(_ value: JSONValue, path: String = "", idempotencyKey: String?) throws(ValidationError) -> SendRequest {
        func at(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
        guard let object = value.objectValue else {
            throw ValidationError(field: path.isEmpty ? "body" : path, reason: "must be a JSON object")
        }
        if let unknown = object.keys.filter({ !messageFields.contains($0) }).sorted().first {
            throw ValidationError(
                field: at(unknown),
                reason: "unknown field; a message has \(messageFields.sorted().joined(separator: ", "))")
        }
        guard let template = object["template"]?.stringValue, !template.isEmpty else {
            throw ValidationError(field: at("template"), reason: "required: the template name, e.g. \"reward-earned\"")
        }
        let recipient = try decodeRecipient(object["to"], path: at("to"))
        let data = object["data"] ?? .object([:])
        guard data.objectValue != nil else { throw ValidationError(field: at("data"), reason: "must be a JSON object") }
        // A header given is held to the rule even when the body's member overrides it.
        if let idempotencyKey { try RequestKey.check(idempotencyKey, field: "Idempotency-Key") }
        var key = idempotencyKey
        if let inBody = object["idempotency_key"] {
            guard let text = inBody.stringValue else { throw ValidationError(field: at("idempotency_key"), reason: "must be a string") }
            key = text
        }
        if let key { try RequestKey.check(key, field: idempotencyKey != nil && object["idempotency_key"] == nil ? "Idempotency-Key" : at("idempotency_key")) }
        let optimal = object["send_at"]?.stringValue == "optimal"
        var request = SendRequest(
            template: template, recipient: recipient, data: data, locale: try optionalString(object, "locale", at),
            channels: try decodeChannels(object["channels"], path: at("channels")),
            mode: try decodeMode(object["mode"], path: at("mode")), idempotencyKey: key,
            sendAt: optimal ? nil : try decodeTime(object["send_at"], path: at("send_at"), optimalAllowed: true),
            expiresAt: try decodeTime(object["expires_at"], path: at("expires_at")),
            category: try optionalString(object, "category", at))
        request.optimalSendAt = optimal
        return request
    }

    static func decodeRecipient(_ value: JSONValue?, path: String) throws(ValidationError) -> Recipient {
        guard let value else {
            throw ValidationError(field: path, reason: "required: who receives it, e.g. {\"email\": \"ana@example.com\"}")
        }
        guard let object = value.objectValue else { throw ValidationError(field: path, reason: "must be a JSON object") }
        if let unknown = object.keys.filter({ !recipientFields.contains($0) }).sorted().first {
            throw ValidationError(
                field: "\(path).\(unknown)",
                reason: "unknown field; a recipient has \(recipientFields.sorted().joined(separator: ", "))")
        }
        func at(_ name: String) -> String { "\(path).\(name)" }
        return Recipient(
            name: try optionalString(object, "name", at), email: try optionalString(object, "email", at),
            phone: try optionalString(object, "phone", at), whatsapp: try optionalString(object, "whatsapp", at),
            locale: try optionalString(object, "locale", at), timezone: try optionalString(object, "timezone", at),
            id: try optionalString(object, "id", at))
    }

    private static func optionalString(
        _ object: [String: JSONValue], _ name: String, _ at: (String) -> String
    ) throws(ValidationError) -> String? {
        guard let value = object[name], value != .null else { return nil }
        guard let text = value.stringValue else { throw ValidationError(field: at(name), reason: "must be a string") }
        return text
    }

    private static func decodeChannels(_ value: JSONValue?, path: String) throws(ValidationError) -> [ChannelKind]? {
        guard let value, value != .null else { return nil }
        guard case .array(let items) = value else {
            throw ValidationError(field: path, reason: "must be an array such as [\"email\", \"sms\"]")
        }
        var kinds: [ChannelKind] = []
        for (i, item) in items.enumerated() {
            guard let name = item.stringValue, let kind = ChannelKind(rawValue: name) else {
                throw ValidationError(
                    field: "\(path)[\(i)]",
                    reason: "unknown channel; one of \(ChannelKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kinds.append(kind)
        }
        return kinds
    }

    private static func decodeMode(_ value: JSONValue?, path: String) throws(ValidationError) -> RouteMode? {
        guard let value, value != .null else { return nil }
        guard let name = value.stringValue, let mode = RouteMode(rawValue: name) else {
            throw ValidationError(field: path, reason: "must be \"all\" (every channel) or \"fallback\" (next channel only if one fails)")
        }
        return mode
    }

    private static func decodeTime(_ value: JSONValue?, path: String, optimalAllowed: Bool = false) throws(ValidationError) -> Date? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue, let date = ISOTime.parseRFC3339(text) else {
            throw ValidationError(
                field: path,
                reason: "must be an RFC 3339 time with a zone, e.g. 2026-12-31T09:00:00Z" + (optimalAllowed ? ", or \"optimal\"" : ""))
        }
        return date
    }
}
