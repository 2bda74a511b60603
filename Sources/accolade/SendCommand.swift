import AccoladeCore
import AccoladeRuntime
import ArgumentParser
import Foundation

/// `accolade send`: validate, render and enqueue one message, or one per CSV row.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Validate, render and queue a message (or one per CSV row).",
        discussion: """
            Nothing is queued unless every routed channel renders and every address is valid.
            Examples:
              accolade send reward-earned --to ana@example.com --name "Ana Putri" --locale id \\
                --data '{"program":"Kudos Awards","reward":{"voucher":{"amount":50000,"currency":"IDR"},"code":"RW-7Q2K","expires_on":"2026-12-31"}}'
              accolade send reward-earned --to ana@example.com --data @reward.json --idempotency-key deal-4711
              accolade send milestone-reached --csv winners.csv
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Template name (a folder under templates/).")
    var template: String

    @Option(name: .long, parsing: .singleValue, help: "An address of the recipient: email, E.164 phone (+62…) or whatsapp:+62…. Repeat for several channels.")
    var to: [String] = []

    @Option(name: .long, help: "Recipient display name.")
    var name: String?

    @Option(name: .long, help: "Recipient's external id (CRM contact id); the inbox channel's address.")
    var recipientId: String?

    @Option(name: .long, help: "Recipient's IANA time zone for dates, e.g. Asia/Jakarta.")
    var timezone: String?

    @Option(name: .long, help: "Template data as JSON, or @file to read it from a file.")
    var data: String?

    @Option(name: .long, help: "Locale, e.g. id, de, es-MX (default: the template's default).")
    var locale: String?

    @Option(name: .long, help: "Channels in route order, comma-separated (default: every configured channel the recipient has an address for).")
    var channels: String?

    @Option(name: .long, help: "all (every channel) or fallback (next channel only when one fails for good).")
    var mode: RouteMode?

    @Option(name: .long, help: "Idempotency key: sending the same key again never makes a second message.")
    var idempotencyKey: String?

    @Option(name: .long, help: "Do not deliver before this ISO-8601 time, or `optimal`: the hour within optimal.horizon when the recipient has engaged most.")
    var sendAt: String?

    @Option(name: .long, help: "Do not deliver after this ISO-8601 time.")
    var expiresAt: String?

    @Option(name: .long, help: "Category, declared under categories: in the configuration (default: the template manifest's, else rewards). With --csv, every row's.")
    var category: String?

    @Option(name: .long, help: "CSV file: one message per row (columns email, phone, whatsapp, name, locale, timezone, id, idempotency_key; the rest is data).")
    var csv: String?

    func validate() throws {
        if csv != nil, !to.isEmpty { throw ValidationError("--csv and --to exclude each other: addresses come from the CSV columns") }
        // The recipient id alone is an address: the inbox channel's.
        if csv == nil, to.isEmpty, recipientId == nil {
            throw ValidationError("give at least one --to address or --recipient-id (the inbox's address), or --csv FILE")
        }
    }

    func run() async throws {
        try await global.reporting {
            let base = try baseRequest()
            let context = try await AppContext.open(global)
            try await context.run {
                if let csv {
                    try await CSVSend(global: global, dispatcher: context.dispatcher(), path: csv, base: base).run()
                } else {
                    try await sendOne(base, dispatcher: context.dispatcher())
                }
            }
        }
    }

    private func sendOne(_ request: SendRequest, dispatcher: Dispatcher) async throws {
        let outcome = try await dispatcher.send([request])[0]
        switch outcome {
        case .accepted(let message, let deliveries), .replayed(let message, let deliveries):
            let replayed: Bool = { if case .replayed = outcome { return true } else { return false } }()
            if global.json {
                Output.printJSON(SendResultView(id: message.id, status: replayed ? "replayed" : "accepted", deliveries: deliveries.map(DeliveryView.init)))
            } else {
                print(message.id)
                let routes = deliveries.map { "\($0.channel): \($0.state.rawValue)" }.joined(separator: ", ")
                try? FileHandle.standardError.write(contentsOf: Data("\(replayed ? "already queued (same idempotency key)" : "queued") — \(routes)\n".utf8))
            }
        case .rejected(let rejection):
            throw CommandFailure(message: rejection.description, exitCode: 2)
        }
    }

    /// The request built from flags; CSV rows start from it.
    private func baseRequest() throws -> SendRequest {
        var recipient = Recipient(name: name, locale: locale, timezone: timezone, id: recipientId)
        for address in to {
            try AddressArgument.assign(address, to: &recipient)
        }
        let dataValue: JSONValue
        if let data {
            dataValue = try JSONArgument.parse(data, option: "--data")
        } else {
            dataValue = .object([:])
        }
        let channelList: [ChannelKind]? = try channels.map { list in
            try list.split(separator: ",").map { raw in
                let name = raw.trimmingCharacters(in: .whitespaces)
                guard let kind = ChannelKind(rawValue: name) else {
                    throw CommandFailure(message: "--channels: unknown channel \"\(name)\" (email, sms, whatsapp, qr, inbox)", exitCode: 2)
                }
                return kind
            }
        }
        let optimal = sendAt == "optimal"
        var request = SendRequest(
            template: template, recipient: recipient, data: dataValue, locale: nil, channels: channelList, mode: mode,
            idempotencyKey: idempotencyKey, sendAt: optimal ? nil : try sendAt.map { try DateArgument.parse($0, option: "--send-at") },
            expiresAt: try expiresAt.map { try DateArgument.parse($0, option: "--expires-at") }, category: category)
        request.optimalSendAt = optimal
        return request
    }
}

extension RouteMode: ExpressibleByArgument {}

/// JSON shape of a send result.
struct SendResultView: Encodable {
    var id: String
    var status: String
    var deliveries: [DeliveryView]
}
