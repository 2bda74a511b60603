import AccoladeCore

/// The first, tall layout of the report rollups, frozen as SQLite migration `v13` and PostgreSQL
/// `v14` created it (`v14`/`v15` drop it for ``RollupSQL``'s wide, multi-grain one): a migration
/// must do tomorrow what it did when it first ran, so this is never edited.
///
/// A row is a counter: a UTC quarter-hour `bucket` (created_at / 900 000 ms: every zone offset
/// is a multiple of 15 minutes, so local days and weeks in any zone, +05:45 included, are whole
/// sets of buckets) × the report dimensions × a `measure` (× `currency` for money, `''`
/// otherwise). Everything is attributed to its message's bucket (a cohort): a delivery accepted
/// on Monday and read on Tuesday counts in Monday's read rate.
///
/// Measures: `messages`, `issued_count`, `issued` (money), `outcome` (money), `state:<state>`
/// (deliveries by their current state, `state:optout` for a skip because the address opted out;
/// every state change moves one count), `cost` (money), `bounces`, `redemptions`, `redeemed`
/// (money) and the latency histograms `lat_sent:NN`, `lat_delivered:NN`, `lat_redeem:NN`
/// (``LatencyBins``). Triggers rather than statements in each write path: every path that moves
/// a delivery (outcomes, receipts, held receipts, inbox marks, rescues, requeues, cancellations,
/// fallback follow-ups) is covered by construction, and the rebuild is the same arithmetic over
/// the tables.
enum RollupSQLV13 {
    enum Dialect { case sqlite, postgres }

    /// The dimension and measure columns of the key, in order.
    static let keyColumns = "bucket, shard, channel, provider, template, workflow, category, programme, locale, country, measure, currency"

    /// Quarter-hours.
    static let bucketMillis: Int64 = 900_000

    // MARK: Expressions

    /// The calling code of an E.164 address expression (``CallingCode``), `-` otherwise.
    static func country(_ address: String) -> String {
        let two = CallingCode.twoDigit.sorted().map { "'\($0)'" }.joined(separator: ",")
        return """
            (CASE WHEN \(address) IS NULL OR substr(\(address), 1, 1) <> '+' OR length(\(address)) < 3 THEN '-' \
            WHEN substr(\(address), 2, 1) IN ('1','7') THEN substr(\(address), 1, 2) \
            WHEN substr(\(address), 2, 2) IN (\(two)) THEN substr(\(address), 1, 3) ELSE substr(\(address), 1, 4) END)
            """
    }

    /// A delivery's country: its channel's address.
    static func deliveryCountry(channel: String, m: String) -> String {
        "(CASE \(channel) WHEN 'sms' THEN \(country("\(m).recipient_phone")) WHEN 'whatsapp' THEN \(country("\(m).recipient_whatsapp")) ELSE '-' END)"
    }

    /// A message's first route channel (message-level measures are counted under it).
    static func firstChannel(_ m: String, _ d: Dialect) -> String {
        switch d {
        case .sqlite:
            return "(CASE WHEN instr(\(m).route_channels, ',') > 0 THEN substr(\(m).route_channels, 1, instr(\(m).route_channels, ',') - 1) ELSE \(m).route_channels END)"
        case .postgres:
            return "split_part(\(m).route_channels, ',', 1)"
        }
    }

    /// When a message was due: its `send_at` when later than its acceptance.
    static func due(_ m: String, _ d: Dialect) -> String {
        let f = d == .sqlite ? "max" : "GREATEST"
        return "\(f)(\(m).created_at, COALESCE(\(m).send_at, \(m).created_at))"
    }

    /// The ``LatencyBins`` bucket of a duration in ms, as a two-digit text.
    static func bin(_ millis: String) -> String {
        let whens = LatencyBins.upperBounds.enumerated().map { i, bound in
            "WHEN \(millis) <= \(bound) THEN '\(i < 10 ? "0" : "")\(i)'"
        }.joined(separator: " ")
        return "(CASE \(whens) ELSE '\(LatencyBins.upperBounds.count)' END)"
    }

    /// A delivery's state measure: `state:queued` for every not-yet-finished state (so a claim,
    /// a retry or a rescue writes no counter), `state:optout` for a skip because the address
    /// opted out, else `state:<state>`.
    static func stateMeasure(_ dv: String) -> String {
        """
        ('state:' || (CASE WHEN \(dv).state IN ('pending','available','scheduled','running','retryable') THEN 'queued' \
        WHEN \(dv).state = 'skipped' AND \(dv).last_error LIKE 'suppressed:%' THEN 'optout' ELSE \(dv).state END))
        """
    }

    /// The shard a counter is written to. PostgreSQL: the writing connection's (its backend pid
    /// modulo 64), so concurrent transactions seldom wait for, or deadlock on, each other's row
    /// locks on one hot counter; a report sums the shards. SQLite has one writer and one shard;
    /// a rebuild writes shard 0.
    static func shard(_ d: Dialect, rebuild: Bool = false) -> String {
        d == .sqlite || rebuild ? "0" : "(pg_backend_pid() & 63)"
    }

    /// `a` and `b` differ, NULLs compared as values.
    static func differs(_ a: String, _ b: String, _ d: Dialect) -> String {
        d == .sqlite ? "(\(a) IS NOT \(b))" : "(\(a) IS DISTINCT FROM \(b))"
    }

    /// The key's dimension values (bucket … country) for message `m` with the given channel,
    /// provider and country expressions, and shard of `id`.
    static func dims(m: String, channel: String, provider: String, country: String, _ d: Dialect, rebuild: Bool) -> String {
        """
        \(m).created_at / \(bucketMillis), \(shard(d, rebuild: rebuild)), \(channel), \(provider), \(m).template, COALESCE(\(m).workflow, '-'), \
        \(m).category, COALESCE(\(m).programme, \(m).template), COALESCE(\(m).locale, '-'), \(country)
        """
    }

    /// A delivery's dimensions: `dv` is the delivery row (`NEW`, `OLD`, `d`).
    static func deliveryDims(_ dv: String, m: String = "m", _ d: Dialect, rebuild: Bool = false) -> String {
        dims(m: m, channel: "\(dv).channel", provider: "COALESCE(\(dv).provider, '-')", country: deliveryCountry(channel: "\(dv).channel", m: m), d, rebuild: rebuild)
    }

    /// A message's dimensions (first channel, provider `-`).
    static func messageDims(m: String = "m", _ d: Dialect, rebuild: Bool = false) -> String {
        let channel = firstChannel(m, d)
        return dims(m: m, channel: channel, provider: "'-'", country: deliveryCountry(channel: channel, m: m), d, rebuild: rebuild)
    }

    /// The upsert suffix adding to an existing counter.
    static let upsert = "ON CONFLICT (\(keyColumns)) DO UPDATE SET value = report_rollups.value + excluded.value"

    /// One counter contribution: an `INSERT … SELECT … FROM <from> WHERE <condition>` that adds
    /// `value` (summed per key when `grouped`, as a rebuild does) to its counter.
    struct Contribution {
        var dims: String
        var measure: String
        var currency = "''"
        var value: String
        var from: String
        var condition: String

        func statement(grouped: Bool) -> String {
            let keys = (1...12).map(String.init).joined(separator: ", ")
            return """
                INSERT INTO report_rollups (\(RollupSQLV13.keyColumns), value)
                SELECT \(dims), \(measure), \(currency), \(grouped ? "SUM(\(value))" : value) FROM \(from) WHERE \(condition)
                \(grouped ? "GROUP BY \(keys)" : "")
                \(RollupSQLV13.upsert)
                """
        }
    }

    // MARK: Triggers

    /// Inserting a message: `messages`, and its issued and outcome values.
    static func onMessage(_ row: String, _ d: Dialect, rebuild: Bool = false) -> [Contribution] {
        let from = rebuild ? "messages m" : "messages m"
        let me = rebuild ? "true" : "m.id = \(row).id"
        let dims = messageDims(d, rebuild: rebuild)
        return [
            Contribution(dims: dims, measure: "'messages'", value: "1", from: from, condition: me),
            Contribution(dims: dims, measure: "'issued_count'", value: "1", from: from, condition: "\(me) AND m.reward_value_micros IS NOT NULL"),
            Contribution(
                dims: dims, measure: "'issued'", currency: "m.reward_value_currency", value: "m.reward_value_micros", from: from,
                condition: "\(me) AND m.reward_value_micros IS NOT NULL"),
            Contribution(
                dims: dims, measure: "'outcome'", currency: "m.outcome_value_currency", value: "m.outcome_value_micros", from: from,
                condition: "\(me) AND m.outcome_value_micros IS NOT NULL"),
        ]
    }

    /// A delivery row `dv` entering (`sign` 1) or leaving (-1) its counters: its state and its cost.
    static func deliveryRow(_ dv: String, sign: Int, _ d: Dialect, when condition: String, costWhen costCondition: String) -> [Contribution] {
        let from = "messages m"
        let me = "m.id = \(dv).message_id"
        return [
            Contribution(dims: deliveryDims(dv, d), measure: stateMeasure(dv), value: "\(sign)", from: from, condition: "\(me) AND \(condition)"),
            Contribution(
                dims: deliveryDims(dv, d), measure: "'cost'", currency: "\(dv).cost_currency", value: "\(sign) * \(dv).cost_micros",
                from: from, condition: "\(me) AND \(dv).cost_micros IS NOT NULL AND \(costCondition)"),
        ]
    }

    /// Inserting a delivery.
    static func onDeliveryInsert(_ d: Dialect) -> [Contribution] {
        deliveryRow("NEW", sign: 1, d, when: "true", costWhen: "true")
    }

    /// Updating a delivery: the state and cost counters move when what keys them changed; the
    /// first `delivered`/`read` adds its latency.
    static func onDeliveryUpdate(_ d: Dialect) -> [Contribution] {
        let moved = "(\(differs(stateMeasure("OLD"), stateMeasure("NEW"), d)) OR \(differs("OLD.provider", "NEW.provider", d)))"
        let costMoved = """
            (\(differs("OLD.cost_micros", "NEW.cost_micros", d)) OR \(differs("OLD.cost_currency", "NEW.cost_currency", d)) \
            OR \(differs("OLD.provider", "NEW.provider", d)))
            """
        return deliveryRow("OLD", sign: -1, d, when: moved, costWhen: costMoved)
            + deliveryRow("NEW", sign: 1, d, when: moved, costWhen: costMoved) + [
                Contribution(
                    dims: deliveryDims("NEW", d), measure: "'lat_delivered:' || \(bin("NEW.delivered_at - \(due("m", d))"))", value: "1",
                    from: "messages m",
                    condition: "m.id = NEW.message_id AND OLD.state = 'sent' AND NEW.state IN ('delivered','read') AND NEW.delivered_at IS NOT NULL"),
            ]
    }

    /// Inserting an attempt the provider accepted: accepted → provider-accepted latency.
    static func onAttempt(_ d: Dialect) -> [Contribution] {
        [
            Contribution(
                dims: deliveryDims("dl", d), measure: "'lat_sent:' || \(bin("NEW.finished_at - \(due("m", d))"))", value: "1",
                from: "deliveries dl JOIN messages m ON m.id = dl.message_id", condition: "dl.id = NEW.delivery_id AND NEW.outcome = 'sent'")
        ]
    }

    /// Inserting a receipt: a bounce (``BounceRecorder``'s failed receipts) counts.
    static func onReceipt(_ d: Dialect) -> [Contribution] {
        [
            Contribution(
                dims: deliveryDims("dl", d), measure: "'bounces'", value: "1", from: "deliveries dl JOIN messages m ON m.id = dl.message_id",
                condition: "dl.id = NEW.delivery_id AND NEW.status = 'failed' AND NEW.provider = 'bounce'")
        ]
    }

    /// Inserting a redemption: count, value and time to redeem.
    static func onRedemption(_ d: Dialect) -> [Contribution] {
        let me = "m.id = NEW.message_id"
        return [
            Contribution(dims: messageDims(d), measure: "'redemptions'", value: "1", from: "messages m", condition: me),
            Contribution(
                dims: messageDims(d), measure: "'redeemed'", currency: "NEW.value_currency", value: "NEW.value_micros", from: "messages m",
                condition: "\(me) AND NEW.value_micros IS NOT NULL"),
            Contribution(
                dims: messageDims(d), measure: "'lat_redeem:' || \(bin("NEW.redeemed_at - m.created_at"))", value: "1", from: "messages m",
                condition: me),
        ]
    }

    /// The triggers: (name, table, event, contributions).
    ///
    /// Each has a `WHEN` that skips its body when nothing it counts changed, so the hot paths
    /// pay only for a comparison: a claim (available → running, both `queued`) and a heartbeat
    /// (the lease columns) run no statement, an attempt that was not accepted none either.
    static func triggers(_ d: Dialect) -> [(name: String, table: String, event: String, when: String?, body: [Contribution])] {
        [
            ("report_rollups_message", "messages", "INSERT", nil, onMessage("NEW", d)),
            ("report_rollups_delivery_insert", "deliveries", "INSERT", nil, onDeliveryInsert(d)),
            (
                "report_rollups_delivery_update", "deliveries",
                "UPDATE OF state, provider, last_error, cost_micros, cost_currency, delivered_at", deliveryChanged(d), onDeliveryUpdate(d)
            ),
            ("report_rollups_attempt", "attempts", "INSERT", "NEW.outcome = 'sent'", onAttempt(d)),
            ("report_rollups_receipt", "receipts", "INSERT", "NEW.status = 'failed' AND NEW.provider = 'bounce'", onReceipt(d)),
            ("report_rollups_redemption", "message_redemptions", "INSERT", nil, onRedemption(d)),
        ]
    }

    /// Whether an update of a delivery changes anything a counter is keyed or valued by.
    static func deliveryChanged(_ d: Dialect) -> String {
        """
        (\(differs(stateMeasure("OLD"), stateMeasure("NEW"), d)) OR \(differs("OLD.provider", "NEW.provider", d)) \
        OR \(differs("OLD.cost_micros", "NEW.cost_micros", d)) OR \(differs("OLD.cost_currency", "NEW.cost_currency", d)) \
        OR (OLD.state = 'sent' AND NEW.state IN ('delivered','read')))
        """
    }

    /// The table and triggers as SQL statements.
    static func schema(_ d: Dialect) -> [String] {
        let int = d == .sqlite ? "INTEGER" : "BIGINT"
        let text = d == .sqlite ? "TEXT" : "TEXT COLLATE \"C\""
        var statements = [
            """
            CREATE TABLE report_rollups (
                bucket    \(int) NOT NULL,      -- UTC quarter-hour of the message's acceptance (ms / 900000)
                shard     \(int) NOT NULL,
                channel   \(text) NOT NULL,
                provider  \(text) NOT NULL,
                template  \(text) NOT NULL,
                workflow  \(text) NOT NULL,
                category  \(text) NOT NULL,
                programme \(text) NOT NULL,
                locale    \(text) NOT NULL,
                country   \(text) NOT NULL,
                measure   \(text) NOT NULL,
                currency  \(text) NOT NULL,
                value     \(int) NOT NULL,
                PRIMARY KEY (\(keyColumns))
            )\(d == .sqlite ? " WITHOUT ROWID" : "")
            """
        ]
        for t in triggers(d) {
            let body = t.body.map { $0.statement(grouped: false) + ";" }.joined(separator: "\n")
            let when = t.when.map { " WHEN (\($0))" } ?? ""
            switch d {
            case .sqlite:
                statements.append("CREATE TRIGGER \(t.name) AFTER \(t.event) ON \(t.table) FOR EACH ROW\(when) BEGIN\n\(body)\nEND")
            case .postgres:
                statements.append(
                    "CREATE FUNCTION \(t.name)() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n\(body)\nRETURN NULL;\nEND\n$fn$")
                statements.append("CREATE TRIGGER \(t.name) AFTER \(t.event) ON \(t.table) FOR EACH ROW\(when) EXECUTE FUNCTION \(t.name)()")
            }
        }
        return statements
    }

    // MARK: Rebuild

    /// Recomputes every counter from the log: the same contributions over whole tables.
    static func rebuild(_ d: Dialect) -> [String] {
        let dm = messageDims(d, rebuild: true)
        let dd = deliveryDims("dl", d, rebuild: true)
        let join = "deliveries dl JOIN messages m ON m.id = dl.message_id"
        let contributions: [Contribution] =
            onMessage("m", d, rebuild: true) + [
                Contribution(dims: dd, measure: stateMeasure("dl"), value: "1", from: join, condition: "true"),
                Contribution(
                    dims: dd, measure: "'cost'", currency: "dl.cost_currency", value: "dl.cost_micros", from: join,
                    condition: "dl.cost_micros IS NOT NULL"),
                Contribution(
                    dims: dd, measure: "'lat_delivered:' || \(bin("dl.delivered_at - \(due("m", d))"))", value: "1", from: join,
                    condition: "dl.state IN ('delivered','read') AND dl.delivered_at IS NOT NULL"),
                Contribution(
                    dims: dd, measure: "'lat_sent:' || \(bin("a.finished_at - \(due("m", d))"))", value: "1",
                    from: "attempts a JOIN deliveries dl ON dl.id = a.delivery_id JOIN messages m ON m.id = dl.message_id", condition: "a.outcome = 'sent'"),
                Contribution(
                    dims: dd, measure: "'bounces'", value: "1", from: "receipts r JOIN deliveries dl ON dl.id = r.delivery_id JOIN messages m ON m.id = dl.message_id",
                    condition: "r.status = 'failed' AND r.provider = 'bounce'"),
                Contribution(dims: dm, measure: "'redemptions'", value: "1", from: "message_redemptions x JOIN messages m ON m.id = x.message_id", condition: "true"),
                Contribution(
                    dims: dm, measure: "'redeemed'", currency: "x.value_currency", value: "x.value_micros",
                    from: "message_redemptions x JOIN messages m ON m.id = x.message_id", condition: "x.value_micros IS NOT NULL"),
                Contribution(
                    dims: dm, measure: "'lat_redeem:' || \(bin("x.redeemed_at - m.created_at"))", value: "1",
                    from: "message_redemptions x JOIN messages m ON m.id = x.message_id", condition: "true"),
            ]
        return ["DELETE FROM report_rollups"] + contributions.map { $0.statement(grouped: true) }
    }
}
