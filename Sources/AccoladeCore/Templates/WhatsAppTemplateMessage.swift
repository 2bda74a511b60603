/// An approved WhatsApp template filled for one message: what the WhatsApp channel sends outside
/// the 24-hour customer-service window (and inside it when the template has no free text).
///
/// Rendered from the manifest's ``WhatsAppTemplateMapping`` at `send` time, so a missing variable
/// is refused before anything is queued, like every other part.
public struct WhatsAppTemplateMessage: Sendable, Hashable {
    /// The header parameter.
    public enum Header: Sendable, Hashable {
        /// A text header's value.
        case text(String)
        /// The message's QR code as an image header (the channel supplies link or media id).
        case qrImage
    }

    /// A button parameter.
    public struct Button: Sendable, Hashable {
        /// What the button carries.
        public enum Kind: Sendable, Hashable {
            /// URL suffix.
            case url(String)
            /// Quick-reply payload.
            case quickReply(String)
        }

        /// Position 0–9.
        public var index: Int
        /// Its parameter.
        public var kind: Kind

        /// Creates a button parameter.
        public init(index: Int, kind: Kind) {
            self.index = index
            self.kind = kind
        }
    }

    /// Approved template name.
    public var name: String
    /// WhatsApp language code (`en_US`).
    public var languageCode: String
    /// Header parameter, if any.
    public var header: Header?
    /// Body parameters for `{{1}}`…`{{n}}`.
    public var body: [String]
    /// Button parameters.
    public var buttons: [Button]

    /// Creates a filled template.
    public init(name: String, languageCode: String, header: Header? = nil, body: [String] = [], buttons: [Button] = []) {
        self.name = name
        self.languageCode = languageCode
        self.header = header
        self.body = body
        self.buttons = buttons
    }
}

extension WhatsAppTemplateMessage {
    /// The same template with every parameter value passed through `transform` (previews redact secrets).
    public func mapValues(_ transform: (String) -> String) -> WhatsAppTemplateMessage {
        var copy = self
        if case .text(let value)? = header { copy.header = .text(transform(value)) }
        copy.body = body.map(transform)
        copy.buttons = buttons.map { button in
            switch button.kind {
            case .url(let value): Button(index: button.index, kind: .url(transform(value)))
            case .quickReply: button
            }
        }
        return copy
    }

    /// A readable one-block summary for previews: name, language and each parameter.
    public var summary: String {
        var lines = ["Template \(name) (\(languageCode))"]
        switch header {
        case .text(let value)?: lines.append("header: \(value)")
        case .qrImage?: lines.append("header: the message's QR code (image)")
        case nil: break
        }
        for (i, value) in body.enumerated() { lines.append("{{\(i + 1)}}: \(value)") }
        for button in buttons {
            switch button.kind {
            case .url(let value): lines.append("button \(button.index) (url): …\(value)")
            case .quickReply(let payload): lines.append("button \(button.index) (quick reply): \(payload)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The API preview shape: `{"name","language","header","body":[…],"buttons":[…]}`.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "language": .string(languageCode), "body": .array(body.map(JSONValue.string)),
        ]
        switch header {
        case .text(let value)?: object["header"] = .object(["type": .string("text"), "text": .string(value)])
        case .qrImage?: object["header"] = .object(["type": .string("image"), "image": .string("qr")])
        case nil: break
        }
        object["buttons"] = .array(buttons.map { button in
            switch button.kind {
            case .url(let value): .object(["index": .int(Int64(button.index)), "sub_type": .string("url"), "text": .string(value)])
            case .quickReply(let p): .object(["index": .int(Int64(button.index)), "sub_type": .string("quick_reply"), "payload": .string(p)])
            }
        })
        return .object(object)
    }
}
