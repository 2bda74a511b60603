import AccoladeCore
import Foundation
import PostgresNIO

/// Column lists, the JSON records that carry batches into one statement, and row decoding.
///
/// Batches travel as one JSON text parameter expanded with `json_to_recordset`: one bind however
/// many rows, and NULLs come through (PostgresNIO cannot bind arrays of optionals).
enum PostgresRows {
    /// The `messages` columns, in the order ``message(_:)`` reads them.
    static let messageColumns = SQLiteRows.messageColumns
    /// The `deliveries` columns, in the order ``delivery(_:)`` reads them.
    static let deliveryColumns = SQLiteRows.deliveryColumns
    /// ``deliveryColumns`` prefixed with `d.`, for statements joining another table.
    static let qualifiedDeliveryColumns = deliveryColumns.split(separator: ",")
        .map { "d." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
    /// The `attempts` columns, in the order ``attempt(_:)`` reads them.
    static let attemptColumns = SQLiteRows.attemptColumns

    /// `json_to_recordset` column types of a message record.
    static let messageRecordType = """
        ord int, id text, template text, locale text, recipient_name text, recipient_email text, \
        recipient_phone text, recipient_whatsapp text, recipient_locale text, recipient_timezone text, \
        recipient_external_id text, data text, route_channels text, route_mode text, idempotency_key text, \
        fingerprint text, created_at bigint, send_at bigint, expires_at bigint, category text, send_at_reason text, programme text, \
        reward_value_micros bigint, reward_value_currency text, outcome_value_micros bigint, outcome_value_currency text, \
        workflow text
        """
    /// `json_to_recordset` column types of a delivery record.
    static let deliveryRecordType = """
        id text, message_id text, channel text, position int, state text, attempts int, next_attempt_at bigint, \
        lease_owner text, lease_expires_at bigint, provider text, provider_message_id text, last_error text, \
        updated_at bigint, cost_micros bigint, cost_currency text
        """
    /// `json_to_recordset` column types of an attempt record.
    static let attemptRecordType = """
        ord int, delivery_id text, number int, started_at bigint, finished_at bigint, provider text, outcome text, \
        code text, detail text, cost_micros bigint, cost_currency text
        """

    // MARK: Writing

    /// A JSON array of records as one text parameter.
    static func records(_ items: [[String: JSONValue]], field: String) throws(PostgresStoreError) -> String {
        do {
            return try JSONValue.array(items.map(JSONValue.object)).jsonText()
        } catch {
            throw .unstorableValue(field: field, reason: "\(error)")
        }
    }

    /// The record of a message (`ord` is its place in the batch).
    static func record(_ m: Message, ord: Int) throws(PostgresStoreError) -> [String: JSONValue] {
        let data: String
        do {
            data = try m.data.jsonText()
        } catch {
            throw .unstorableValue(field: "data", reason: error.description)
        }
        let r = m.recipient
        return [
            "ord": .int(Int64(ord)), "id": .string(m.id), "template": .string(m.template), "locale": text(m.locale),
            "recipient_name": text(r.name), "recipient_email": text(r.email), "recipient_phone": text(r.phone),
            "recipient_whatsapp": text(r.whatsapp), "recipient_locale": text(r.locale),
            "recipient_timezone": text(r.timezone), "recipient_external_id": text(r.id), "data": .string(data),
            "route_channels": .string(m.route.channels.map(\.rawValue).joined(separator: ",")),
            "route_mode": .string(m.route.mode.rawValue), "idempotency_key": text(m.idempotencyKey),
            "fingerprint": .string(m.fingerprint), "created_at": millis(m.createdAt), "send_at": millis(m.sendAt),
            "expires_at": millis(m.expiresAt), "category": .string(m.category),
            "send_at_reason": text(m.sendAtReason), "programme": text(m.programme),
            "reward_value_micros": micros(m.rewardValue), "reward_value_currency": text(m.rewardValue?.currency),
            "outcome_value_micros": micros(m.outcomeValue), "outcome_value_currency": text(m.outcomeValue?.currency),
            "workflow": text(m.workflow),
        ]
    }

    /// The record of a delivery.
    static func record(_ d: Delivery) -> [String: JSONValue] {
        [
            "id": .string(d.id), "message_id": .string(d.messageID), "channel": .string(d.channel.rawValue),
            "position": .int(Int64(d.position)), "state": .string(d.state.rawValue), "attempts": .int(Int64(d.attempts)),
            "next_attempt_at": millis(d.nextAttemptAt), "lease_owner": text(d.leaseOwner),
            "lease_expires_at": millis(d.leaseExpiresAt), "provider": text(d.provider),
            "provider_message_id": text(d.providerMessageID), "last_error": text(d.lastError),
            "updated_at": millis(d.updatedAt), "cost_micros": micros(d.cost), "cost_currency": text(d.cost?.currency),
        ]
    }

    /// The record of an attempt (`ord` keeps the append order).
    static func record(_ a: Attempt, ord: Int) -> [String: JSONValue] {
        [
            "ord": .int(Int64(ord)), "delivery_id": .string(a.deliveryID), "number": .int(Int64(a.number)),
            "started_at": millis(a.startedAt), "finished_at": millis(a.finishedAt), "provider": .string(a.provider),
            "outcome": .string(a.outcome.rawValue), "code": text(a.code), "detail": .string(a.detail),
            "cost_micros": micros(a.cost), "cost_currency": text(a.cost?.currency),
        ]
    }

    static func micros(_ m: MicroMoney?) -> JSONValue { m.map { .int($0.micros) } ?? .null }

    static func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
    static func millis(_ d: Date) -> JSONValue { .int(StoreTime.millis(d)) }
    static func millis(_ d: Date?) -> JSONValue { d.map { .int(StoreTime.millis($0)) } ?? .null }

    // MARK: Reading

    /// A message from a row selected with ``messageColumns``.
    static func message(_ row: PostgresRow) throws -> Message {
        try message(row.makeRandomAccess(), from: 0)
    }

    /// A message from ``messageColumns`` starting at column `base` of a wider row (e.g. a claim's
    /// delivery columns followed by its message's).
    static func message(_ row: PostgresRandomAccessRow, from base: Int) throws -> Message {
        let c = Columns(row: row, base: base)
        let id = try c[0].decode(String.self)
        let data: JSONValue
        do {
            data = try JSONValue(jsonText: try c[10].decode(String.self))
        } catch {
            throw PostgresStoreError.unreadableRow(table: "messages", id: id, column: "data", reason: "\(error)")
        }
        var channels: [ChannelKind] = []
        for name in try c[11].decode(String.self).split(separator: ",") {
            channels.append(try decode(ChannelKind.self, String(name), table: "messages", id: id, column: "route_channels"))
        }
        let mode = try decode(RouteMode.self, try c[12].decode(String.self), table: "messages", id: id, column: "route_mode")
        var message = Message(
            id: id, template: try c[1].decode(String.self), locale: try c[2].decode(String?.self),
            recipient: Recipient(
                name: try c[3].decode(String?.self), email: try c[4].decode(String?.self),
                phone: try c[5].decode(String?.self), whatsapp: try c[6].decode(String?.self),
                locale: try c[7].decode(String?.self), timezone: try c[8].decode(String?.self),
                id: try c[9].decode(String?.self)),
            data: data, route: Route(channels: channels, mode: mode), idempotencyKey: try c[13].decode(String?.self),
            fingerprint: try c[14].decode(String.self), createdAt: StoreTime.date(try c[15].decode(Int64.self)),
            sendAt: StoreTime.date(try c[16].decode(Int64?.self)), expiresAt: StoreTime.date(try c[17].decode(Int64?.self)),
            category: try c[18].decode(String.self), sendAtReason: try c[19].decode(String?.self))
        message.programme = try c[20].decode(String?.self)
        message.rewardValue = StoreMoney.read(try c[21].decode(Int64?.self), try c[22].decode(String?.self))
        message.outcomeValue = StoreMoney.read(try c[23].decode(Int64?.self), try c[24].decode(String?.self))
        message.workflow = try c[25].decode(String?.self)
        return message
    }

    /// A delivery from a row selected with ``deliveryColumns``.
    static func delivery(_ row: PostgresRow) throws -> Delivery {
        try delivery(row.makeRandomAccess(), from: 0)
    }

    /// A delivery from ``deliveryColumns`` starting at column `base` of a wider row.
    static func delivery(_ row: PostgresRandomAccessRow, from base: Int) throws -> Delivery {
        let c = Columns(row: row, base: base)
        let id = try c[0].decode(String.self)
        var delivery = Delivery(
            id: id, messageID: try c[1].decode(String.self),
            channel: try decode(ChannelKind.self, try c[2].decode(String.self), table: "deliveries", id: id, column: "channel"),
            position: try c[3].decode(Int.self),
            state: try decode(DeliveryState.self, try c[4].decode(String.self), table: "deliveries", id: id, column: "state"),
            attempts: try c[5].decode(Int.self), nextAttemptAt: StoreTime.date(try c[6].decode(Int64?.self)),
            leaseOwner: try c[7].decode(String?.self), leaseExpiresAt: StoreTime.date(try c[8].decode(Int64?.self)),
            provider: try c[9].decode(String?.self), providerMessageID: try c[10].decode(String?.self),
            lastError: try c[11].decode(String?.self), updatedAt: StoreTime.date(try c[12].decode(Int64.self)))
        delivery.cost = StoreMoney.read(try c[13].decode(Int64?.self), try c[14].decode(String?.self))
        return delivery
    }

    /// An attempt from a row selected with ``attemptColumns``.
    static func attempt(_ row: PostgresRow) throws -> Attempt {
        let c = row.makeRandomAccess()
        let deliveryID = try c[0].decode(String.self)
        return Attempt(
            deliveryID: deliveryID, number: try c[1].decode(Int.self),
            startedAt: StoreTime.date(try c[2].decode(Int64.self)), finishedAt: StoreTime.date(try c[3].decode(Int64.self)),
            provider: try c[4].decode(String.self),
            outcome: try decode(AttemptOutcome.self, try c[5].decode(String.self), table: "attempts", id: deliveryID, column: "outcome"),
            code: try c[6].decode(String?.self), detail: try c[7].decode(String.self),
            cost: StoreMoney.read(try c[8].decode(Int64?.self), try c[9].decode(String?.self)))
    }

    /// Column `i` of a row counted from `base`, so one decoder serves rows of one table and joins.
    struct Columns {
        let row: PostgresRandomAccessRow
        let base: Int
        subscript(_ i: Int) -> PostgresCell { row[base + i] }
    }

    static func decode<T: RawRepresentable<String>>(
        _ type: T.Type, _ raw: String, table: String, id: String, column: String
    ) throws(PostgresStoreError) -> T {
        guard let value = T(rawValue: raw) else {
            throw .unreadableRow(table: table, id: id, column: column, reason: "unknown value '\(raw)'")
        }
        return value
    }
}
