import AccoladeCore

/// How an image header names its picture: a public URL Meta fetches, or an uploaded media id.
public enum WhatsAppMediaReference: Sendable, Hashable {
    /// `{"link": url}`: Meta downloads the image (the URL must be publicly reachable).
    case link(String)
    /// `{"id": mediaID}`: an image uploaded to `/{version}/{phone_number_id}/media`.
    case id(String)
}

/// JSON bodies for `POST /{version}/{phone_number_id}/messages` and the multipart body of a
/// media upload: pure, in the shapes of Meta's WhatsApp Business Messaging API (v23.0).
public enum WhatsAppRequestBuilder {
    /// The `to` field: the E.164 number without `+` (Meta accepts both; `wa_id`s have none).
    public static func recipient(_ e164: String) -> String {
        e164.hasPrefix("+") ? String(e164.dropFirst()) : e164
    }

    /// A template message. `image` is required when the template has an image header.
    public static func template(to: String, _ template: WhatsAppTemplateMessage, image: WhatsAppMediaReference?) -> JSONValue {
        var components: [JSONValue] = []
        switch template.header {
        case .text(let value)?:
            components.append(.object(["type": .string("header"), "parameters": .array([text(value)])]))
        case .qrImage?:
            if let image {
                let media: JSONValue = switch image {
                case .link(let url): .object(["link": .string(url)])
                case .id(let id): .object(["id": .string(id)])
                }
                components.append(.object(["type": .string("header"), "parameters": .array([.object(["type": .string("image"), "image": media])])]))
            }
        case nil:
            break
        }
        if !template.body.isEmpty {
            components.append(.object(["type": .string("body"), "parameters": .array(template.body.map(text))]))
        }
        for button in template.buttons.sorted(by: { $0.index < $1.index }) {
            let (subType, parameter): (String, JSONValue) = switch button.kind {
            case .url(let suffix): ("url", text(suffix))
            case .quickReply(let payload): ("quick_reply", .object(["type": .string("payload"), "payload": .string(payload)]))
            }
            components.append(.object([
                "type": .string("button"), "sub_type": .string(subType), "index": .string(String(button.index)), "parameters": .array([parameter]),
            ]))
        }
        var body: [String: JSONValue] = [
            "name": .string(template.name),
            "language": .object(["policy": .string("deterministic"), "code": .string(template.languageCode)]),
        ]
        if !components.isEmpty { body["components"] = .array(components) }
        return envelope(to: to, type: "template", ["template": .object(body)])
    }

    /// A free-text message (only delivered inside the 24-hour customer-service window).
    public static func text(to: String, body: String) -> JSONValue {
        envelope(to: to, type: "text", ["text": .object(["preview_url": .bool(false), "body": .string(body)])])
    }

    /// The compact JSON bytes of a body.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        // Every value here is a string, bool or object, so writing cannot fail.
        (try? value.jsonBytes()) ?? Array("{}".utf8)
    }

    /// A `multipart/form-data` media upload: `messaging_product=whatsapp`, `type=image/png` and
    /// the PNG as `file`. Returns the body and its `Content-Type` header value.
    public static func mediaUpload(png: [UInt8], boundary: String) -> (body: [UInt8], contentType: String) {
        var out: [UInt8] = []
        out.reserveCapacity(png.count + 512)
        func field(_ name: String, _ value: String) {
            out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        field("messaging_product", "whatsapp")
        field("type", "image/png")
        out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"qr.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        out += png
        out += Array("\r\n--\(boundary)--\r\n".utf8)
        return (out, "multipart/form-data; boundary=\(boundary)")
    }

    private static func text(_ value: String) -> JSONValue { .object(["type": .string("text"), "text": .string(value)]) }

    private static func envelope(to: String, type: String, _ fields: [String: JSONValue]) -> JSONValue {
        var object: [String: JSONValue] = [
            "messaging_product": .string("whatsapp"), "recipient_type": .string("individual"), "to": .string(recipient(to)), "type": .string(type),
        ]
        object.merge(fields) { a, _ in a }
        return .object(object)
    }
}
