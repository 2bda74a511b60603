import AccoladeCore
import Foundation

extension OpenAPIDocument {
    /// The document this server serves: ``base`` plus the schemas that depend on its templates
    /// and channels, so a client (or a fuzzer) sees exactly the rules the server enforces:
    /// `template` is one of the loaded templates, each template's `data` has its own schema (see
    /// ``TemplateDataSchema``), `channels` lists the template's configured channels, and the
    /// recipient needs an address for each channel it is routed to; the inbox routes appear only
    /// when `inbox` (`channels.inbox` is configured).
    static func render(
        templates: TemplateLibrary, channels configured: [ChannelKind], inbox: Bool = false,
        categories: [String] = [CategoriesConfig.defaultName]
    ) -> String {
        let names = templates.infos.map(\.name)
        var schemas: [(String, JSONValue)] = [
            ("Category", .object([
                "type": .string("string"), "enum": .array(categories.map(JSONValue.string)),
                "description": .string("A category declared under `categories:` in the configuration (`rewards` always exists)."),
            ])),
            ("TemplateName", .object(["type": .string("string"), "enum": .array(names.map(JSONValue.string))])),
            ("Locale", .object([
                "type": .string("string"), "pattern": .string(LocaleTag.pattern), "example": .string("id-ID"),
                "description": .string("A BCP 47 language tag (`en`, `id-ID`, `es-419`, `zh-Hant-TW`); `_` may stand for `-`."),
            ])),
            ("TimeZone", .object(["type": .string("string"), "enum": .array(LocaleTag.timeZones.sorted().map(JSONValue.string))])),
            ("DeliveryState", enumeration(DeliveryState.allCases.map(\.rawValue))),
            ("AttemptOutcome", enumeration(AttemptOutcome.allCases.map(\.rawValue))),
        ]
        var messages: [JSONValue] = []
        var previews: [JSONValue] = []
        for info in templates.infos {
            schemas.append(("Data.\(info.name)", info.dataSchema.jsonSchema(moneyRef: ref("Money"))))
            let routable = info.channels.filter(configured.contains)
            if !routable.isEmpty {
                schemas.append(("MessageRequest.\(info.name)", messageRequest(info, routable: routable)))
                messages.append(.object(["$ref": .string(ref("MessageRequest.\(info.name)"))]))
            }
            schemas.append(("PreviewRequest.\(info.name)", .object([
                "type": .string("object"), "additionalProperties": .bool(false),
                "required": .array([.string("template"), .string("channel")]),
                "properties": .object([
                    "template": .object(["const": .string(info.name)]),
                    "channel": enumeration(info.channels.map(\.rawValue)),
                    "locale": .object(["$ref": .string(ref("Locale"))]),
                    "data": .object(["$ref": .string(ref("Data.\(info.name)")), "description": .string("The template's sample data when absent.")]),
                ]),
            ])))
            previews.append(.object(["$ref": .string(ref("PreviewRequest.\(info.name)"))]))
        }
        // No template any configured channel can send: no request body is valid.
        schemas.append(("MessageRequest", messages.isEmpty ? .object(["not": .object([:])]) : .object(["oneOf": .array(messages)])))
        schemas.append(("PreviewRequest", previews.isEmpty ? .object(["not": .object([:])]) : .object(["oneOf": .array(previews)])))
        if inbox { schemas += inboxSchemas }
        schemas += preferenceSchemas(channels: ChannelKind.allCases.filter(configured.contains))
        var text = withDashboard(withReports(withPreferences(withEvents(inbox ? withInbox(base) : base)))) + "\n"
        for (name, schema) in schemas {
            // JSON is YAML: each generated schema is one flow mapping under components.schemas.
            text += "    \(name): \((try? schema.jsonText()) ?? "{}")\n"
        }
        return text
    }

    private static func ref(_ name: String) -> String { "#/components/schemas/\(name)" }

    private static func enumeration(_ values: [String]) -> JSONValue {
        .object(["type": .string("string"), "enum": .array(values.map(JSONValue.string))])
    }

    private static func nullable(_ schema: JSONValue) -> JSONValue {
        .object(["anyOf": .array([schema, .object(["type": .string("null")])])])
    }

    /// The address field a channel needs in `to` (the inbox's is the recipient's `id`), `nil` for QR (it needs none).
    private static func addressField(_ channel: ChannelKind) -> String? {
        switch channel {
        case .email: return "email"
        case .sms: return "phone"
        case .whatsapp: return "whatsapp"
        case .inbox: return "id"
        case .qr: return nil
        }
    }

    private static func messageRequest(_ info: TemplateInfo, routable: [ChannelKind]) -> JSONValue {
        func hasAddress(_ field: String) -> JSONValue {
            .object(["required": .array([.string(field)]), "properties": .object([field: .object(["type": .string("string")])])])
        }
        var rules: [JSONValue] = []
        // Channels named: the recipient needs each one's address.
        for channel in routable {
            guard let field = addressField(channel) else { continue }
            rules.append(.object([
                "if": .object([
                    "required": .array([.string("channels")]),
                    "properties": .object(["channels": .object(["type": .string("array"), "contains": .object(["const": .string(channel.rawValue)])])]),
                ]),
                "then": .object(["properties": .object(["to": hasAddress(field)])]),
            ]))
        }
        // No channels named: the route is every configured channel the recipient can be reached
        // on, which must not be empty (QR reaches everyone).
        if !routable.contains(.qr) {
            let noChannels: JSONValue = .object(["anyOf": .array([
                .object(["not": .object(["required": .array([.string("channels")])])]),
                .object(["required": .array([.string("channels")]), "properties": .object(["channels": .object(["type": .string("null")])])]),
            ])])
            rules.append(.object([
                "if": noChannels,
                "then": .object(["properties": .object(["to": .object(["anyOf": .array(routable.compactMap(addressField).map(hasAddress))])])]),
            ]))
        }
        var required: [JSONValue] = [.string("template"), .string("to")]
        if info.dataSchema.root.values.contains(where: \.required) { required.append(.string("data")) }
        let time = JSONValue.object(["type": .array([.string("string"), .string("null")]), "format": .string("date-time")])
        var request: [String: JSONValue] = [
            "type": .string("object"), "additionalProperties": .bool(false), "required": .array(required),
            "properties": .object([
                "template": .object(["const": .string(info.name)]),
                "to": .object(["$ref": .string(ref("Recipient"))]),
                "data": .object(["$ref": .string(ref("Data.\(info.name)"))]),
                "channels": nullable(.object([
                    "type": .string("array"), "items": enumeration(routable.map(\.rawValue)), "minItems": .int(1), "uniqueItems": .bool(true),
                    "description": .string("In route order; default: every configured channel the recipient has an address for."),
                ])),
                "mode": nullable(enumeration(["all", "fallback"])),
                "locale": nullable(.object(["$ref": .string(ref("Locale"))])),
                "send_at": .object([
                    "anyOf": .array([time, .object(["const": .string("optimal")])]),
                    "description": .string(
                        "Do not deliver before this time; `optimal`: Accolade picks the hour within `optimal.horizon` when this recipient (else their locale and zone) has engaged most, outside quiet hours and inside the send window."),
                ]),
                "expires_at": .object([
                    "type": .array([.string("string"), .string("null")]), "format": .string("date-time"),
                    "description": .string("Must be later than now and than send_at; undelivered by then ends `skipped`."),
                ]),
                "idempotency_key": .object(["$ref": .string(ref("IdempotencyKey"))]),
                "category": nullable(.object([
                    "$ref": .string(ref("Category")),
                    "description": .string("Default: the workflow's, else the template manifest's, else `rewards`; an undeclared one is a 422."),
                ])),
            ]),
        ]
        if !rules.isEmpty { request["allOf"] = .array(rules) }
        return .object(request)
    }
}
