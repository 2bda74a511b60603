import AccoladeCore

/// The report rollups (`report_rollups`), spelled once for both stores: the table, the triggers
/// that keep it in step with every write in that write's own transaction, the rebuild that
/// recomputes it from the log, and the read's column list.
///
/// Wide rows: a row is keyed by a `grain` (``RollupGrains``: 1, 4, 24 or 96 quarter-hours), the UTC
/// `bucket` it starts at (quarter-hours since 1970, a multiple of the grain), a `shard`, the
/// report dimensions and a `currency`, and holds every measure as a column (``columns``). Every
/// change is written at every grain, so a report reads whole days, six hours and hours where its
/// periods allow and quarter-hours only at their edges (any zone offset, +05:45 included, is a
/// whole number of quarter-hours). Everything is attributed to its message's bucket (a cohort):
/// a delivery accepted on Monday and read on Tuesday counts in Monday's read rate.
///
/// `currency` keys the money columns (`issued`, `outcome`, `cost`, `redeemed`), so money is
/// never summed across currencies; counts are summed over every currency row. A delivery lives
/// in its cost currency's row (`''` before it has a cost), a message in its reward value's, its
/// outcome value in that currency's, a redemption in its value's: one state change is then one
/// row's update (old state −1, new state +1) unless the provider or the cost currency changes
/// with it (the first accepted attempt), which moves the delivery between two rows.
///
/// Triggers rather than statements in each write path: every path that moves a delivery
/// (outcomes, receipts, held receipts, inbox marks, rescues, requeues, cancellations, fallback
/// follow-ups) is covered by construction, and the rebuild is the same arithmetic over the tables.
enum RollupSQL {
    enum Dialect { case sqlite, postgres }

    /// A value column and the ``RollupRow/measure`` it is read back as.
    struct Column {
        var name: String
        var measure: String
        /// Money, keyed by the row's currency; otherwise a count, summed over every currency.
        var money = false
    }

    /// The delivery states counted, the ones reports list (`queued` folds every unfinished
    /// state, `optout` is a skip because the address opted out).
    static let states = Report.states

    /// The latency histograms.
    static let histograms = ReportFigures.latencyMeasures

    /// The two-digit ``LatencyBins`` bin names.
    static let bins: [String] = (0...LatencyBins.upperBounds.count).map { $0 < 10 ? "0\($0)" : "\($0)" }

    /// Every value column, in table order.
    static let columns: [Column] =
        [
            Column(name: "messages", measure: "messages"), Column(name: "issued_count", measure: "issued_count"),
            Column(name: "issued", measure: "issued", money: true), Column(name: "outcome", measure: "outcome", money: true),
        ] + states.map { Column(name: "st_\($0)", measure: "state:\($0)") }
        + [
            Column(name: "cost", measure: "cost", money: true), Column(name: "bounces", measure: "bounces"),
            Column(name: "redemptions", measure: "redemptions"), Column(name: "redeemed", measure: "redeemed", money: true),
        ] + histograms.flatMap { h in bins.map { Column(name: "\(h)_\($0)", measure: "\(h):\($0)") } }

    /// The dimension columns, in key order.
    static let dimensionColumns = ["channel", "provider", "template", "workflow", "category", "programme", "locale", "country"]

    /// The key columns, in order.
    static let keyColumns = (["grain", "bucket", "shard"] + dimensionColumns + ["currency"]).joined(separator: ", ")

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

    /// 1 when `condition` holds, else 0.
    static func flag(_ condition: String) -> String { "(CASE WHEN \(condition) THEN 1 ELSE 0 END)" }

    /// The histogram columns of `histogram` for a duration in ms counted when `condition` holds:
    /// each bin column is 1 when the duration falls in its ``LatencyBins`` range.
    static func latency(_ histogram: String, millis: String, when condition: String) -> [(String, String)] {
        let bounds = LatencyBins.upperBounds
        return bins.indices.map { i in
            let range =
                i == 0
                ? "\(millis) <= \(bounds[0])"
                : i == bounds.count ? "\(millis) > \(bounds[i - 1])" : "\(millis) > \(bounds[i - 1]) AND \(millis) <= \(bounds[i])"
            return ("\(histogram)_\(bins[i])", flag("\(condition) AND \(range)"))
        }
    }

    /// A delivery's state name: `queued` for every not-yet-finished state (so a claim, a retry or
    /// a rescue writes no counter), `optout` for a skip because the address opted out.
    static func stateName(_ dv: String) -> String {
        """
        (CASE WHEN \(dv).state IN ('pending','available','scheduled','running','retryable') THEN 'queued' \
        WHEN \(dv).state = 'skipped' AND \(dv).last_error LIKE 'suppressed:%' THEN 'optout' ELSE \(dv).state END)
        """
    }

    /// The state columns of delivery row `dv` counted `sign` times.
    static func stateColumns(_ dv: String, sign: String) -> [(String, String)] {
        states.map { ("st_\($0)", "\(sign)\(flag("\(stateName(dv)) = '\($0)'"))") }
    }

    /// The shard a counter is written to. PostgreSQL: the writing connection's (its backend pid
    /// modulo 64), so concurrent transactions seldom wait for, or deadlock on, each other's row
    /// locks on one hot counter (a day row is shared by a whole day's writers); a report sums the
    /// shards. SQLite has one writer and one shard; a rebuild writes shard 0.
    static func shard(_ d: Dialect, rebuild: Bool = false) -> String {
        d == .sqlite || rebuild ? "0" : "(pg_backend_pid() & 63)"
    }

    /// `a` and `b` differ, NULLs compared as values.
    static func differs(_ a: String, _ b: String, _ d: Dialect) -> String {
        d == .sqlite ? "(\(a) IS NOT \(b))" : "(\(a) IS DISTINCT FROM \(b))"
    }

    /// The dimension values (channel … country) for message `m` with the given channel, provider
    /// and country expressions.
    static func dims(m: String, channel: String, provider: String, country: String) -> [String] {
        [
            channel, provider, "\(m).template", "COALESCE(\(m).workflow, '-')", "\(m).category",
            "COALESCE(\(m).programme, \(m).template)", "COALESCE(\(m).locale, '-')", country,
        ]
    }

    /// A delivery's dimensions: `dv` is the delivery row (`NEW`, `OLD`, `dl`).
    static func deliveryDims(_ dv: String, m: String = "m") -> [String] {
        dims(m: m, channel: "\(dv).channel", provider: "COALESCE(\(dv).provider, '-')", country: deliveryCountry(channel: "\(dv).channel", m: m))
    }

    /// A message's dimensions (first channel, provider `-`).
    static func messageDims(m: String = "m", _ d: Dialect) -> [String] {
        let channel = firstChannel(m, d)
        return dims(m: m, channel: channel, provider: "'-'", country: deliveryCountry(channel: channel, m: m))
    }

    /// A delivery's currency key: its cost's, `''` before it has one.
    static func deliveryCurrency(_ dv: String) -> String { "COALESCE(\(dv).cost_currency, '')" }

    /// The grains a trigger writes, as a one-column table `g(grain)`.
    static let grainsTable = "(SELECT \(RollupGrains.sizes.map { "\($0) AS grain" }.first!) \(RollupGrains.sizes.dropFirst().map { "UNION ALL SELECT \($0) " }.joined()))"

    /// One row's contribution: an `INSERT … SELECT … FROM <from> WHERE <condition>` adding
    /// `values` (summed per key when `grouped`, as a rebuild does) to the row of `dims`,
    /// `currency` and the message's creation time `createdAt`: at every grain (a PostgreSQL
    /// trigger), appended to ``Pending`` at the quarter-hour (a SQLite trigger), or at the
    /// quarter-hour (a rebuild, which sums the coarser grains from it).
    struct Contribution {
        var dims: [String]
        var createdAt: String = "m.created_at"
        var currency: String
        var values: [(String, String)]
        var from: String
        var condition: String

        /// `pending` (SQLite's triggers unless told otherwise) makes a trigger's statement append to
        /// ``Pending``; `false` gives the per-grain upsert SQLite's triggers ran before `v16`.
        func statement(_ d: Dialect, grouped: Bool, pending: Bool? = nil) -> String {
            let quarter = "(\(createdAt) / \(RollupSQL.bucketMillis))"
            let names = values.map(\.0)
            let sums = values.map { grouped ? "SUM(\($0.1))" : $0.1 }
            if !grouped, pending ?? (d == .sqlite) {
                // SQLite's trigger appends its row to the pending table (``Pending``) at the
                // quarter-hour; the write's transaction folds every row it appended into the
                // grains at its end, one upsert per distinct key and grain.
                return """
                    INSERT INTO \(Pending.table) (bucket, shard, \(RollupSQL.dimensionColumns.joined(separator: ", ")), currency, \(names.joined(separator: ", ")))
                    SELECT \(([quarter, RollupSQL.shard(d)] + dims + [currency] + sums).joined(separator: ", ")) FROM \(from) WHERE \(condition) LIMIT 1
                    """
            }
            guard grouped else {
                // A trigger's row is computed once (`k`: `LIMIT 1` keeps SQLite from flattening it
                // into the join and evaluating every expression once per grain), then fanned out
                // to the grains.
                let fields = ([quarter] + dims + [currency] + sums).enumerated().map { "\($1) AS k\($0)" }
                let picked = (1...(dims.count + 1 + sums.count)).map { "k.k\($0)" }
                return """
                    INSERT INTO report_rollups (\(RollupSQL.keyColumns), \(names.joined(separator: ", ")))
                    SELECT \((["g.grain", "k.k0 - k.k0 % g.grain", RollupSQL.shard(d)] + picked).joined(separator: ", "))
                    FROM (SELECT \(fields.joined(separator: ", ")) FROM \(from) WHERE \(condition) LIMIT 1) k CROSS JOIN \(RollupSQL.grainsTable) g WHERE true
                    ON CONFLICT (\(RollupSQL.keyColumns)) DO UPDATE SET \(names.map { "\($0) = report_rollups.\($0) + excluded.\($0)" }.joined(separator: ", "))
                    """
            }
            let key = ["1", quarter, RollupSQL.shard(d, rebuild: true)]
            return """
                INSERT INTO report_rollups (\(RollupSQL.keyColumns), \(names.joined(separator: ", ")))
                SELECT \((key + dims + [currency] + sums).joined(separator: ", ")) FROM \(from) WHERE \(condition)
                GROUP BY \((1...12).map(String.init).joined(separator: ", "))
                ON CONFLICT (\(RollupSQL.keyColumns)) DO UPDATE SET \(names.map { "\($0) = report_rollups.\($0) + excluded.\($0)" }.joined(separator: ", "))
                """
        }
    }

    // MARK: Contributions

    /// A message (`m`, the row itself in a trigger): `messages` and its issued value in the
    /// reward's currency row; its outcome value in the outcome's.
    static func onMessage(_ m: String, _ d: Dialect, from: String, condition: String) -> [Contribution] {
        let dims = messageDims(m: m, d)
        return [
            Contribution(
                dims: dims, createdAt: "\(m).created_at", currency: "COALESCE(\(m).reward_value_currency, '')",
                values: [
                    ("messages", "1"), ("issued_count", flag("\(m).reward_value_micros IS NOT NULL")),
                    ("issued", "COALESCE(\(m).reward_value_micros, 0)"),
                ], from: from, condition: condition),
            Contribution(
                dims: dims, createdAt: "\(m).created_at", currency: "\(m).outcome_value_currency",
                values: [("outcome", "\(m).outcome_value_micros")], from: from,
                condition: "\(condition) AND \(m).outcome_value_micros IS NOT NULL AND \(m).outcome_value_currency IS NOT NULL"),
        ]
    }

    /// Inserting a delivery: its state and cost.
    static func onDeliveryInsert(_ d: Dialect) -> [Contribution] {
        [
            Contribution(
                dims: deliveryDims("NEW"), currency: deliveryCurrency("NEW"),
                values: stateColumns("NEW", sign: "") + [("cost", "COALESCE(NEW.cost_micros, 0)")], from: "messages m",
                condition: "m.id = NEW.message_id")
        ]
    }

    /// Whether `OLD` and `NEW` count in different rows (the provider or the cost currency moved).
    static func deliveryMoved(_ d: Dialect) -> String {
        "(\(differs("OLD.provider", "NEW.provider", d)) OR \(differs(deliveryCurrency("OLD"), deliveryCurrency("NEW"), d)))"
    }

    /// Updating a delivery: the state and cost move (in one row, or out of the old row into the
    /// new); the first `delivered`/`read` adds its latency.
    static func onDeliveryUpdate(_ d: Dialect) -> [Contribution] {
        let me = "m.id = NEW.message_id"
        let delivered = latency(
            "lat_delivered", millis: "NEW.delivered_at - \(due("m", d))",
            when: "OLD.state = 'sent' AND NEW.state IN ('delivered','read') AND NEW.delivered_at IS NOT NULL")
        let moved = deliveryMoved(d)
        let inPlace = states.map { s in ("st_\(s)", "\(flag("\(stateName("NEW")) = '\(s)'")) - \(flag("\(stateName("OLD")) = '\(s)'"))") }
        return [
            Contribution(
                dims: deliveryDims("NEW"), currency: deliveryCurrency("NEW"),
                values: inPlace + [("cost", "COALESCE(NEW.cost_micros, 0) - COALESCE(OLD.cost_micros, 0)")] + delivered, from: "messages m",
                condition: "\(me) AND NOT \(moved)"),
            Contribution(
                dims: deliveryDims("OLD"), currency: deliveryCurrency("OLD"),
                values: stateColumns("OLD", sign: "-") + [("cost", "-COALESCE(OLD.cost_micros, 0)")], from: "messages m",
                condition: "\(me) AND \(moved)"),
            Contribution(
                dims: deliveryDims("NEW"), currency: deliveryCurrency("NEW"),
                values: stateColumns("NEW", sign: "") + [("cost", "COALESCE(NEW.cost_micros, 0)")] + delivered, from: "messages m",
                condition: "\(me) AND \(moved)"),
        ]
    }

    /// Inserting an attempt the provider accepted: accepted → provider-accepted latency.
    static func onAttempt(_ d: Dialect) -> [Contribution] {
        [
            Contribution(
                dims: deliveryDims("dl"), currency: deliveryCurrency("dl"),
                values: latency("lat_sent", millis: "NEW.finished_at - \(due("m", d))", when: "true"),
                from: "deliveries dl JOIN messages m ON m.id = dl.message_id", condition: "dl.id = NEW.delivery_id AND NEW.outcome = 'sent'")
        ]
    }

    /// Inserting a receipt: a bounce (``BounceRecorder``'s failed receipts) counts.
    static func onReceipt(_ d: Dialect) -> [Contribution] {
        [
            Contribution(
                dims: deliveryDims("dl"), currency: deliveryCurrency("dl"), values: [("bounces", "1")],
                from: "deliveries dl JOIN messages m ON m.id = dl.message_id",
                condition: "dl.id = NEW.delivery_id AND NEW.status = 'failed' AND NEW.provider = 'bounce'")
        ]
    }

    /// A redemption `x`: count, value and time to redeem, in its value's currency row.
    static func onRedemption(_ x: String, _ d: Dialect, from: String, condition: String) -> [Contribution] {
        [
            Contribution(
                dims: messageDims(d), currency: "COALESCE(\(x).value_currency, '')",
                values: [("redemptions", "1"), ("redeemed", "COALESCE(\(x).value_micros, 0)")]
                    + latency("lat_redeem", millis: "\(x).redeemed_at - m.created_at", when: "true"),
                from: from, condition: condition)
        ]
    }

    /// The old, tall layout's triggers (made by SQLite `v13` / PostgreSQL `v14` before the wide rows), which the new ones replace under the same names.
    static let triggerNames = [
        "report_rollups_message", "report_rollups_delivery_insert", "report_rollups_delivery_update", "report_rollups_attempt",
        "report_rollups_receipt", "report_rollups_redemption",
    ]

    /// The triggers: (name, table, event, when, contributions).
    ///
    /// Each has a `WHEN` that skips its body when nothing it counts changed, so the hot paths
    /// pay only for a comparison: a claim (available → running, both `queued`) and a heartbeat
    /// (the lease columns) run no statement, an attempt that was not accepted none either.
    static func triggers(_ d: Dialect) -> [(name: String, table: String, event: String, when: String?, body: [Contribution])] {
        [
            ("report_rollups_message", "messages", "INSERT", nil, onMessage("NEW", d, from: "(SELECT 1) one", condition: "true")),
            ("report_rollups_delivery_insert", "deliveries", "INSERT", nil, onDeliveryInsert(d)),
            (
                "report_rollups_delivery_update", "deliveries",
                "UPDATE OF state, provider, last_error, cost_micros, cost_currency, delivered_at", deliveryChanged(d), onDeliveryUpdate(d)
            ),
            ("report_rollups_attempt", "attempts", "INSERT", "NEW.outcome = 'sent'", onAttempt(d)),
            ("report_rollups_receipt", "receipts", "INSERT", "NEW.status = 'failed' AND NEW.provider = 'bounce'", onReceipt(d)),
            (
                "report_rollups_redemption", "message_redemptions", "INSERT", nil,
                onRedemption("NEW", d, from: "messages m", condition: "m.id = NEW.message_id")
            ),
        ]
    }

    /// Whether an update of a delivery changes anything a counter is keyed or valued by.
    static func deliveryChanged(_ d: Dialect) -> String {
        """
        (\(differs(stateName("OLD"), stateName("NEW"), d)) OR \(differs("OLD.provider", "NEW.provider", d)) \
        OR \(differs("OLD.cost_micros", "NEW.cost_micros", d)) OR \(differs("OLD.cost_currency", "NEW.cost_currency", d)) \
        OR (OLD.state = 'sent' AND NEW.state IN ('delivered','read')))
        """
    }

    /// The migration: drops the old, tall layout where a store still has it and creates the table and triggers.
    static func replaceV13(_ d: Dialect) -> [String] {
        dropTriggers(d) + ["DROP TABLE IF EXISTS report_rollups"] + schema(d)
    }

    /// The migration to a new set of ``RollupGrains/sizes`` (SQLite `v15`, PostgreSQL `v16`: the
    /// six-hour grain): the triggers again, which spell the grains they write, and every coarser
    /// grain summed anew from the quarter-hours, which hold everything.
    static func regrain(_ d: Dialect) -> [String] {
        dropTriggers(d) + triggerStatements(d) + ["DELETE FROM report_rollups WHERE grain <> 1"] + coarserGrains
    }

    /// Drops the triggers (and PostgreSQL's trigger functions) where they exist.
    static func dropTriggers(_ d: Dialect) -> [String] {
        triggerNames.map { name in
            switch d {
            case .sqlite: "DROP TRIGGER IF EXISTS \(name)"
            case .postgres: "DROP FUNCTION IF EXISTS \(name)() CASCADE"
            }
        }
    }

    /// The table and triggers as SQL statements.
    static func schema(_ d: Dialect) -> [String] {
        let int = d == .sqlite ? "INTEGER" : "BIGINT"
        let text = d == .sqlite ? "TEXT" : "TEXT COLLATE \"C\""
        let dimensions = dimensionColumns.map { "    \($0) \(text) NOT NULL," }.joined(separator: "\n")
        let values = columns.map { "    \($0.name) \(int) NOT NULL DEFAULT 0," }.joined(separator: "\n")
        let table = """
            CREATE TABLE report_rollups (
                grain     \(int) NOT NULL,      -- quarter-hours per bucket: 1, 4 (hour), 24 (six hours) or 96 (UTC day)
                bucket    \(int) NOT NULL,      -- UTC quarter-hour (ms / 900000) the bucket starts at
                shard     \(int) NOT NULL,
            \(dimensions)
                currency  \(text) NOT NULL,     -- of the money columns; '' when none
            \(values)
                PRIMARY KEY (\(keyColumns))
            )\(d == .sqlite ? " WITHOUT ROWID" : "")
            """
        return [table] + triggerStatements(d)
    }

    /// The triggers (and PostgreSQL's trigger functions) as SQL statements; `pending` as in
    /// ``Contribution/statement(_:grouped:pending:)``.
    static func triggerStatements(_ d: Dialect, pending: Bool? = nil) -> [String] {
        var statements: [String] = []
        for t in triggers(d) {
            let body = t.body.map { $0.statement(d, grouped: false, pending: pending) + ";" }.joined(separator: "\n")
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

    /// Recomputes every counter from the log: the same contributions over whole tables at the
    /// quarter-hour, then each coarser grain summed from the quarter-hours.
    static func rebuild(_ d: Dialect) -> [String] {
        let dd = deliveryDims("dl")
        let join = "deliveries dl JOIN messages m ON m.id = dl.message_id"
        let contributions: [Contribution] =
            onMessage("m", d, from: "messages m", condition: "true") + [
                Contribution(
                    dims: dd, currency: deliveryCurrency("dl"),
                    values: stateColumns("dl", sign: "") + [("cost", "COALESCE(dl.cost_micros, 0)")]
                        + latency(
                            "lat_delivered", millis: "dl.delivered_at - \(due("m", d))",
                            when: "dl.state IN ('delivered','read') AND dl.delivered_at IS NOT NULL"),
                    from: join, condition: "true"),
                Contribution(
                    dims: dd, currency: deliveryCurrency("dl"), values: latency("lat_sent", millis: "a.finished_at - \(due("m", d))", when: "true"),
                    from: "attempts a JOIN deliveries dl ON dl.id = a.delivery_id JOIN messages m ON m.id = dl.message_id", condition: "a.outcome = 'sent'"),
                Contribution(
                    dims: dd, currency: deliveryCurrency("dl"), values: [("bounces", "1")],
                    from: "receipts r JOIN deliveries dl ON dl.id = r.delivery_id JOIN messages m ON m.id = dl.message_id",
                    condition: "r.status = 'failed' AND r.provider = 'bounce'"),
            ] + onRedemption("x", d, from: "message_redemptions x JOIN messages m ON m.id = x.message_id", condition: "true")
        return ["DELETE FROM report_rollups"] + contributions.map { $0.statement(d, grouped: true) } + coarserGrains
    }

    /// Every grain coarser than the quarter-hour, summed from the quarter-hours.
    static var coarserGrains: [String] {
        let names = columns.map(\.name)
        return RollupGrains.sizes.filter { $0 > 1 }.map { grain in
            """
            INSERT INTO report_rollups (\(keyColumns), \(names.joined(separator: ", ")))
            SELECT \(grain), bucket - bucket % \(grain), shard, \(dimensionColumns.joined(separator: ", ")), currency, \
            \(names.map { "SUM(\($0))" }.joined(separator: ", "))
            FROM report_rollups WHERE grain = 1 GROUP BY \((1...12).map(String.init).joined(separator: ", "))
            """
        }
    }

    // MARK: Read

    /// What a report reads: its periods' ``RollupGrains/cover(_:)`` pieces, each distinct piece
    /// once. Neighbouring periods share pieces — a local day in +07:00 takes away the six hours
    /// before UTC midnight that the next local day adds — so reading each once and counting it in
    /// every period it belongs to reads about 40 % fewer rows than reading each period's cover.
    struct ReadPlan {
        /// The distinct pieces: their grain and buckets.
        var pieces: [(grain: Int64, buckets: Range<Int64>)] = []
        /// For each piece, the periods it counts in and its sign in each.
        var uses: [[(period: Int, sign: Int64)]] = []

        init(periods: [Range<Int64>]) {
            var index: [[Int64]: Int] = [:]
            for (period, range) in periods.enumerated() {
                for piece in RollupGrains.cover(range) {
                    let key = [piece.grain, piece.buckets.lowerBound, piece.buckets.upperBound]
                    let i =
                        index[key]
                        ?? {
                            index[key] = pieces.count
                            pieces.append((piece.grain, piece.buckets))
                            uses.append([])
                            return pieces.count - 1
                        }()
                    uses[i].append((period, piece.sign))
                }
            }
        }

        /// Adds one summed wide row of piece `piece` to every period that piece counts in.
        func unpack(piece: Int, channel: String, dimensions: [String], currency: String, values: [Int64], into out: inout [RollupKey: Int64]) {
            for use in uses[piece] {
                RollupSQL.unpack(period: use.period, sign: use.sign, channel: channel, dimensions: dimensions, currency: currency, values: values, into: &out)
            }
        }
    }

    /// The sums a report reads, after the piece index, the channel and the grouped dimensions:
    /// the currency, then every column in ``columns`` order.
    static let sums = "r.currency, " + columns.map { "SUM(r.\($0.name))" }.joined(separator: ", ")

    /// Adds one summed wide row, `sign` times (a cover's pieces may take buckets away), to `out`
    /// as ``RollupRow``s: counts under currency `""` (summed over the currency rows they were
    /// kept in), money under the row's currency.
    static func unpack(
        period: Int, sign: Int64, channel: String, dimensions: [String], currency: String, values: [Int64], into out: inout [RollupKey: Int64]
    ) {
        for (column, magnitude) in zip(columns, values) where magnitude != 0 {
            let value = sign * magnitude
            out[RollupKey(period: period, channel: channel, dimensions: dimensions, measure: column.measure, currency: column.money ? currency : ""), default: 0] +=
                value
        }
    }

    /// The key of a summed counter while unpacking.
    struct RollupKey: Hashable {
        var period: Int
        var channel: String
        var dimensions: [String]
        var measure: String
        var currency: String
    }

    /// The counters, zero sums left out.
    static func rows(_ sums: [RollupKey: Int64]) -> [RollupRow] {
        sums.compactMap { key, value in
            value == 0
                ? nil
                : RollupRow(period: key.period, channel: key.channel, dimensions: key.dimensions, measure: key.measure, currency: key.currency, value: value)
        }
    }
}
