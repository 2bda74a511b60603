import AccoladeCore
import Foundation

/// Printing helpers shared by the subcommands.
enum Output {
    /// A time as the API writes it (``ISOTime/format(_:)``), `-` for none.
    static func iso(_ date: Date?) -> String { date.map(ISOTime.format) ?? "-" }

    /// Prints an `Encodable` value as pretty, key-sorted JSON.
    static func printJSON<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(ISOTime.format(date))
        }
        if let data = try? encoder.encode(value) {
            try? FileHandle.standardOutput.write(contentsOf: data)
            try? FileHandle.standardOutput.write(contentsOf: Data("\n".utf8))
        }
    }

    /// Prints rows as left-aligned columns.
    static func table(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        print(line(header))
        for row in rows { print(line(row)) }
    }
}

/// JSON shape of a delivery in CLI output.
struct DeliveryView: Encodable {
    var id: String
    var channel: String
    var state: String
    var attempts: Int
    var nextAttemptAt: Date?
    var provider: String?
    var providerMessageID: String?
    var lastError: String?

    init(_ d: Delivery) {
        id = d.id
        channel = d.channel.rawValue
        state = d.state.rawValue
        attempts = d.attempts
        nextAttemptAt = d.nextAttemptAt
        provider = d.provider
        providerMessageID = d.providerMessageID
        lastError = d.lastError
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, state, attempts, provider
        case nextAttemptAt = "next_attempt_at"
        case providerMessageID = "provider_message_id"
        case lastError = "last_error"
    }
}

/// JSON shape of an attempt in CLI output.
struct AttemptView: Encodable {
    var deliveryID: String
    var number: Int
    var startedAt: Date
    var durationMs: Int
    var provider: String
    var outcome: String
    var code: String?
    var detail: String

    init(_ a: Attempt) {
        deliveryID = a.deliveryID
        number = a.number
        startedAt = a.startedAt
        durationMs = Int((a.duration * 1000).rounded())
        provider = a.provider
        outcome = a.outcome.rawValue
        code = a.code
        detail = a.detail
    }

    enum CodingKeys: String, CodingKey {
        case number, provider, outcome, code, detail
        case deliveryID = "delivery_id"
        case startedAt = "started_at"
        case durationMs = "duration_ms"
    }
}
