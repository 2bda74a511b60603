import AccoladeCore
import ArgumentParser
import Foundation

/// `accolade status <message-id>`: the message and where each delivery stands.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a message and the state of each of its deliveries.",
        discussion: "Example: accolade status 0193f1c2-7a4e-7b21-9c3d-5e6f7a8b9c0d")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Message id.") var id: String

    func run() async throws {
        try await global.reporting {
            let context = try await AppContext.open(global, channels: false)
            try await context.run {
                guard let message = try await context.store.message(id: id) else {
                    throw CommandFailure(message: "no message with id \(id)", exitCode: 4)
                }
                let deliveries = try await context.store.deliveries(messageID: id)
                let masked = context.templates.maskedData(message.data, template: message.template)
                if global.json {
                    Output.printJSON(MessageView(message, data: masked, deliveries: deliveries))
                } else {
                    print("message   \(message.id)")
                    print("template  \(message.template)\(message.locale.map { " (\($0))" } ?? "")")
                    print("to        \([message.recipient.name, message.recipient.email, message.recipient.phone, message.recipient.whatsapp.map { "whatsapp:\($0)" }].compactMap { $0 }.joined(separator: " "))")
                    print("category  \(message.category)")
                    print("route     \(message.route.mode.rawValue): \(message.route.channels.map(\.rawValue).joined(separator: " → "))")
                    print("created   \(Output.iso(message.createdAt))\(message.idempotencyKey.map { "  key \($0)" } ?? "")")
                    if let (runID, step) = WorkflowRun.sender(ofIdempotencyKey: message.idempotencyKey) {
                        print("run       \(runID) step \(step + 1) (accolade runs show \(runID))")
                    }
                    if let sendAt = message.sendAt { print("send at   \(Output.iso(sendAt))") }
                    if let reason = message.sendAtReason { print("          \(reason)") }
                    if let expiresAt = message.expiresAt { print("expires   \(Output.iso(expiresAt))") }
                    print("")
                    Output.table(
                        ["CHANNEL", "STATE", "ATTEMPTS", "NEXT ATTEMPT", "PROVIDER ID", "LAST ERROR"],
                        deliveries.map { [$0.channel.rawValue, $0.state.rawValue, "\($0.attempts)", $0.nextAttemptAt.map { Output.iso($0) } ?? "-", $0.providerMessageID ?? "-", $0.lastError ?? ""] })
                }
            }
        }
    }
}

/// JSON shape of a message with its deliveries.
struct MessageView: Encodable {
    var id: String
    var template: String
    var locale: String?
    var recipient: Recipient
    var data: JSONValue
    var route: Route
    var idempotencyKey: String?
    var createdAt: Date
    var sendAt: Date?
    var sendAtReason: String?
    var expiresAt: Date?
    var category: String
    var deliveries: [DeliveryView]

    init(_ m: Message, data: JSONValue, deliveries: [Delivery]) {
        id = m.id
        template = m.template
        locale = m.locale
        recipient = m.recipient
        self.data = data
        route = m.route
        idempotencyKey = m.idempotencyKey
        createdAt = m.createdAt
        sendAt = m.sendAt
        sendAtReason = m.sendAtReason
        expiresAt = m.expiresAt
        category = m.category
        self.deliveries = deliveries.map(DeliveryView.init)
    }

    enum CodingKeys: String, CodingKey {
        case id, template, locale, recipient, data, route, deliveries, category
        case idempotencyKey = "idempotency_key"
        case createdAt = "created_at"
        case sendAt = "send_at"
        case sendAtReason = "send_at_reason"
        case expiresAt = "expires_at"
    }
}
