import AccoladeCore
import AccoladeRuntime

/// Turns a `POST /v1/events` body into an ``EventRequest``, as strictly as messages: unknown
/// fields and wrong types are refused with the JSON path of the offending field.
enum EventRequestDecoder {
    /// The top-level members an event accepts.
    static let fields: Set<String> = ["event", "recipients", "data", "idempotency_key", "cancellation_key"]

    /// Decodes the body; `idempotencyKey` is the `Idempotency-Key` header, which the body's member overrides.
    static func decode(_ value: JSONValue, idempotencyKey: String?) throws(ValidationError) -> EventRequest {
        guard let object = value.objectValue else { throw ValidationError(field: "body", reason: "must be a JSON object") }
        if let unknown = object.keys.filter({ !fields.contains($0) }).sorted().first {
            throw ValidationError(field: unknown, reason: "unknown field; an event has \(fields.sorted().joined(separator: ", "))")
        }
        guard let event = object["event"]?.stringValue else {
            throw ValidationError(field: "event", reason: "required: the event name, e.g. \"deal.closed\"")
        }
        var recipients: [Recipient] = []
        switch object["recipients"] {
        case nil, .null?:
            break
        case .array(let items)?:
            guard items.count <= EventRequest.maxRecipients else {
                throw ValidationError(field: "recipients", reason: "must hold 1 to \(EventRequest.maxRecipients) recipients (got \(items.count))")
            }
            for (i, item) in items.enumerated() {
                recipients.append(try MessageRequestDecoder.decodeRecipient(item, path: "recipients[\(i)]"))
            }
        default:
            throw ValidationError(field: "recipients", reason: "must be an array of recipients such as [{\"id\": \"crm-10492\", \"email\": \"ana@example.com\"}]")
        }
        let data = object["data"] ?? .object([:])
        guard data.objectValue != nil else { throw ValidationError(field: "data", reason: "must be a JSON object") }
        // A header given is held to the rule even when the body's member overrides it.
        if let idempotencyKey { try RequestKey.check(idempotencyKey, field: "Idempotency-Key") }
        var key = idempotencyKey
        if let inBody = object["idempotency_key"], inBody != .null {
            guard let text = inBody.stringValue else { throw ValidationError(field: "idempotency_key", reason: "must be a string") }
            key = text
        }
        var cancellation: String?
        if let value = object["cancellation_key"], value != .null {
            guard let text = value.stringValue else { throw ValidationError(field: "cancellation_key", reason: "must be a string") }
            cancellation = text
        }
        return EventRequest(event: event, recipients: recipients, data: data, idempotencyKey: key, cancellationKey: cancellation)
    }
}
