import AccoladeCore
import Foundation
import GRDB

/// Column lists and the mapping between rows and model values, in one place so every query
/// selects the same columns in the same order and decodes them by index (no name lookups on the
/// hot path).
enum SQLiteRows {
    /// The `messages` columns, in the order ``message(_:)`` reads them.
    static let messageColumns = """
        id, template, locale, recipient_name, recipient_email, recipient_phone, recipient_whatsapp, \
        recipient_locale, recipient_timezone, recipient_external_id, data, route_channels, route_mode, \
        idempotency_key, fingerprint, created_at, send_at, expires_at, category, send_at_reason, programme, \
        reward_value_micros, reward_value_currency, outcome_value_micros, outcome_value_currency, workflow
        """

    /// The `deliveries` columns, in the order ``delivery(_:)`` reads them.
    static let deliveryColumns = """
        id, message_id, channel, position, state, attempts, next_attempt_at, lease_owner, lease_expires_at, \
        provider, provider_message_id, last_error, updated_at, cost_micros, cost_currency
        """

    /// The `attempts` columns, in the order ``attempt(_:)`` reads them (queries joining other
    /// tables spell the same list with an `a.` prefix).
    static let attemptColumns = "delivery_id, number, started_at, finished_at, provider, outcome, code, detail, cost_micros, cost_currency"

    // MARK: Writing

    /// Arguments for `INSERT INTO messages (messageColumns)`.
    static func arguments(for m: Message) throws(SQLiteStoreError) -> StatementArguments {
        let data: String
        do {
            data = try m.data.jsonText()
        } catch {
            throw .unstorableValue(field: "data", reason: error.description)
        }
        let r = m.recipient
        let values: [(any DatabaseValueConvertible)?] = [
            m.id, m.template, m.locale, r.name, r.email, r.phone, r.whatsapp, r.locale, r.timezone, r.id,
            data, m.route.channels.map(\.rawValue).joined(separator: ","), m.route.mode.rawValue,
            m.idempotencyKey, m.fingerprint, StoreTime.millis(m.createdAt), StoreTime.millis(m.sendAt),
            StoreTime.millis(m.expiresAt), m.category, m.sendAtReason, m.programme, m.rewardValue?.micros, m.rewardValue?.currency,
            m.outcomeValue?.micros, m.outcomeValue?.currency, m.workflow,
        ]
        return StatementArguments(values)
    }

    /// Arguments for `INSERT INTO deliveries (deliveryColumns)`.
    static func arguments(for d: Delivery) -> StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            d.id, d.messageID, d.channel.rawValue, d.position, d.state.rawValue, d.attempts,
            StoreTime.millis(d.nextAttemptAt), d.leaseOwner, StoreTime.millis(d.leaseExpiresAt), d.provider,
            d.providerMessageID, d.lastError, StoreTime.millis(d.updatedAt), d.cost?.micros, d.cost?.currency,
        ]
        return StatementArguments(values)
    }

    /// Arguments for `INSERT INTO attempts (attemptColumns)`.
    static func arguments(for a: Attempt) -> StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            a.deliveryID, a.number, StoreTime.millis(a.startedAt), StoreTime.millis(a.finishedAt), a.provider,
            a.outcome.rawValue, a.code, a.detail, a.cost?.micros, a.cost?.currency,
        ]
        return StatementArguments(values)
    }

    // MARK: Reading

    /// A message from a row selected with ``messageColumns``.
    static func message(_ row: Row) throws(SQLiteStoreError) -> Message {
        let id: String = row[0]
        let dataText: String = row[10]
        let data: JSONValue
        do {
            data = try JSONValue(jsonText: dataText)
        } catch {
            throw .unreadableRow(table: "messages", id: id, column: "data", reason: error.description)
        }
        let channelsText: String = row[11]
        var channels: [ChannelKind] = []
        for name in channelsText.split(separator: ",") {
            channels.append(try decode(ChannelKind.self, String(name), table: "messages", id: id, column: "route_channels"))
        }
        let mode = try decode(RouteMode.self, row[12], table: "messages", id: id, column: "route_mode")
        var message = Message(
            id: id, template: row[1], locale: row[2],
            recipient: Recipient(
                name: row[3], email: row[4], phone: row[5], whatsapp: row[6], locale: row[7], timezone: row[8],
                id: row[9]),
            data: data, route: Route(channels: channels, mode: mode), idempotencyKey: row[13],
            fingerprint: row[14], createdAt: StoreTime.date(row[15] as Int64), sendAt: StoreTime.date(row[16] as Int64?),
            expiresAt: StoreTime.date(row[17] as Int64?), category: row[18], sendAtReason: row[19])
        message.programme = row[20]
        message.rewardValue = StoreMoney.read(row[21], row[22])
        message.outcomeValue = StoreMoney.read(row[23], row[24])
        message.workflow = row[25]
        return message
    }

    /// A delivery from a row selected with ``deliveryColumns``.
    static func delivery(_ row: Row) throws(SQLiteStoreError) -> Delivery {
        let id: String = row[0]
        var delivery = Delivery(
            id: id, messageID: row[1],
            channel: try decode(ChannelKind.self, row[2], table: "deliveries", id: id, column: "channel"),
            position: row[3],
            state: try decode(DeliveryState.self, row[4], table: "deliveries", id: id, column: "state"),
            attempts: row[5], nextAttemptAt: StoreTime.date(row[6] as Int64?), leaseOwner: row[7],
            leaseExpiresAt: StoreTime.date(row[8] as Int64?), provider: row[9], providerMessageID: row[10],
            lastError: row[11], updatedAt: StoreTime.date(row[12] as Int64))
        delivery.cost = StoreMoney.read(row[13], row[14])
        return delivery
    }

    /// An attempt from a row selected with ``attemptColumns``.
    static func attempt(_ row: Row) throws(SQLiteStoreError) -> Attempt {
        let deliveryID: String = row[0]
        return Attempt(
            deliveryID: deliveryID, number: row[1], startedAt: StoreTime.date(row[2] as Int64),
            finishedAt: StoreTime.date(row[3] as Int64), provider: row[4],
            outcome: try decode(AttemptOutcome.self, row[5], table: "attempts", id: deliveryID, column: "outcome"),
            code: row[6], detail: row[7], cost: StoreMoney.read(row[8], row[9]))
    }

    private static func decode<T: RawRepresentable<String>>(
        _ type: T.Type, _ raw: String, table: String, id: String, column: String
    ) throws(SQLiteStoreError) -> T {
        guard let value = T(rawValue: raw) else {
            throw .unreadableRow(table: table, id: id, column: column, reason: "unknown value '\(raw)'")
        }
        return value
    }
}

extension Message {
    /// The message as the store gives it back: times rounded to the millisecond.
    var storeNormalized: Message {
        var m = self
        m.createdAt = StoreTime.normalized(createdAt)
        m.sendAt = StoreTime.normalized(sendAt)
        m.expiresAt = StoreTime.normalized(expiresAt)
        return m
    }
}

extension Delivery {
    /// The delivery as the store gives it back: times rounded to the millisecond.
    var storeNormalized: Delivery {
        var d = self
        d.nextAttemptAt = StoreTime.normalized(nextAttemptAt)
        d.leaseExpiresAt = StoreTime.normalized(leaseExpiresAt)
        d.updatedAt = StoreTime.normalized(updatedAt)
        return d
    }
}
