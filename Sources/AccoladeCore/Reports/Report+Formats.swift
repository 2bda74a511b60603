import Foundation

/// The report as JSON (the API's and `--format json`), CSV (`--format csv`, `format=csv`) and
/// a text table (the CLI's default), all from the same figures.
extension Report {
    /// The states reports list, in funnel order.
    public static let states = ["queued", "sent", "delivered", "read", "failed", "skipped", "optout", "cancelled"]

    static func ratio(_ value: Double?) -> JSONValue { value.map { .double(($0 * 10_000).rounded() / 10_000) } ?? .null }

    static func seconds(_ value: Double?) -> JSONValue {
        guard let value else { return .null }
        return .double(LatencyBins.shownSeconds(value))
    }

    static func money(_ amounts: [String: Int64]) -> JSONValue {
        .array(amounts.keys.sorted().map { .object(["currency": .string($0), "amount": .string(MicroMoney.decimalString(amounts[$0]!))]) })
    }

    /// One row's (or the totals') figures as a JSON object.
    static func json(_ f: ReportFigures) -> [String: JSONValue] {
        func percentiles(_ measure: String) -> JSONValue {
            .object(["p50": seconds(f.percentile(0.5, of: measure)), "p90": seconds(f.percentile(0.9, of: measure)), "p99": seconds(f.percentile(0.99, of: measure))])
        }
        return [
            "messages": .int(f.messages),
            "deliveries": .object(Dictionary(uniqueKeysWithValues: states.map { ($0, JSONValue.int(f.deliveries[$0] ?? 0)) })),
            "delivery_rate": ratio(f.deliveryRate), "seen_rate": ratio(f.seenRate), "read_rate": ratio(f.readRate),
            "opt_outs": .int(f.optOuts), "bounces": .int(f.bounces),
            "latency_seconds": .object([
                "accepted_to_sent": percentiles("lat_sent"), "accepted_to_delivered": percentiles("lat_delivered"),
            ]),
            "cost": money(f.cost), "cost_per_delivered": money(f.costPerDelivered),
            "reward_issued": money(f.issued), "reward_redeemed": money(f.redeemed), "redemptions": .int(f.redemptions),
            "redemption_rate": ratio(f.redemptionRate), "median_time_to_redeem_seconds": seconds(f.percentile(0.5, of: "lat_redeem")),
            "outcome_value": money(f.outcome),
            "roi": .array(f.roi.keys.sorted().map { .object(["currency": .string($0), "roi": ratio(f.roi[$0])]) }),
        ]
    }

    /// The whole report as JSON.
    public var json: JSONValue {
        .object([
            "since": .string(ISOTime.format(query.since)), "until": .string(ISOTime.format(query.until)),
            "tz": .string(query.timeZone.identifier), "grain": query.grain.map { .string($0.rawValue) } ?? .null,
            "by": .array(query.dimensions.map { .string($0.rawValue) }),
            "rows": .array(rows.map { row in
                var o = Self.json(row.figures)
                o["period"] = .string(row.period)
                for (d, v) in zip(query.dimensions, row.dimensions) { o[d.rawValue] = .string(v) }
                return .object(o)
            }),
            "totals": .object(Self.json(totals)),
        ])
    }

    /// The report as CSV (RFC 4180, a header line, a `total` line last). Money columns are one per
    /// currency present (`cost_USD`), never summed across currencies.
    public var csv: String {
        let all = rows.map(\.figures) + [totals]
        func currencies(_ pick: (ReportFigures) -> [String: Int64]) -> [String] { Set(all.flatMap { pick($0).keys }).sorted() }
        let moneyColumns: [(String, (ReportFigures) -> [String: Int64])] = [
            ("cost", \.cost), ("cost_per_delivered", \.costPerDelivered), ("reward_issued", \.issued), ("reward_redeemed", \.redeemed),
            ("outcome_value", \.outcome),
        ]
        let money = moneyColumns.flatMap { name, pick in currencies(pick).map { (header: "\(name)_\($0)", currency: $0, pick: pick) } }
        let roiCurrencies = Set(all.flatMap { $0.roi.keys }).sorted()
        var header = ["period"] + query.dimensions.map(\.rawValue) + ["messages"] + Self.states
        header += ["delivery_rate", "seen_rate", "read_rate", "opt_outs", "bounces"]
        header += ["sent_p50_s", "sent_p90_s", "sent_p99_s", "delivered_p50_s", "delivered_p90_s", "delivered_p99_s"]
        header += ["redemptions", "redemption_rate", "redeem_median_s"] + money.map(\.header) + roiCurrencies.map { "roi_\($0)" }
        func number(_ v: JSONValue) -> String {
            switch v {
            case .double(let d): return "\(d)"
            case .int(let i): return "\(i)"
            default: return ""
            }
        }
        func line(_ period: String, _ dims: [String], _ f: ReportFigures) -> String {
            var cells = [period] + dims + ["\(f.messages)"] + Self.states.map { "\(f.deliveries[$0] ?? 0)" }
            cells += [number(Self.ratio(f.deliveryRate)), number(Self.ratio(f.seenRate)), number(Self.ratio(f.readRate)), "\(f.optOuts)", "\(f.bounces)"]
            for measure in ["lat_sent", "lat_delivered"] {
                for p in [0.5, 0.9, 0.99] { cells.append(number(Self.seconds(f.percentile(p, of: measure)))) }
            }
            cells += ["\(f.redemptions)", number(Self.ratio(f.redemptionRate)), number(Self.seconds(f.percentile(0.5, of: "lat_redeem")))]
            cells += money.map { column in column.pick(f)[column.currency].map(MicroMoney.decimalString) ?? "" }
            cells += roiCurrencies.map { number(Self.ratio(f.roi[$0])) }
            return cells.map(Self.csvField).joined(separator: ",")
        }
        var lines = [header.joined(separator: ",")]
        for row in rows { lines.append(line(row.period, row.dimensions, row.figures)) }
        lines.append(line("total", query.dimensions.map { _ in "" }, totals))
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A CSV field: quoted when it holds a comma, quote or line break; a leading `=`, `@`, tab or
    /// carriage return (a formula to a spreadsheet) is neutralised with a `'`.
    static func csvField(_ text: String) -> String {
        var value = text
        if let first = value.first, ["=", "@", "\t", "\r"].contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A text table for a terminal: the headline figures per row, then the totals.
    public var table: String {
        func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
        func amounts(_ a: [String: Int64]) -> String {
            a.isEmpty ? "-" : a.keys.sorted().map { "\($0) \(MicroMoney.decimalString(a[$0]!))" }.joined(separator: " ")
        }
        func secs(_ v: Double?) -> String {
            guard let v else { return "-" }
            return v.isFinite ? (v < 60 ? "≤\(v)s" : v < 3600 ? "≤\(Int(v / 60))m" : "≤\(Int(v / 3600))h") : ">7d"
        }
        let header = ["period"] + query.dimensions.map(\.rawValue) + [
            "messages", "accepted", "failed", "delivery", "seen", "read", "opt-outs", "sent p50", "cost", "issued", "redeemed", "redemption",
        ]
        func cells(_ period: String, _ dims: [String], _ f: ReportFigures) -> [String] {
            [period] + dims + [
                "\(f.messages)", "\(f.accepted)", "\(f.deliveries["failed"] ?? 0)", percent(f.deliveryRate), percent(f.seenRate),
                percent(f.readRate), "\(f.optOuts)", secs(f.percentile(0.5, of: "lat_sent")), amounts(f.cost), amounts(f.issued),
                amounts(f.redeemed), percent(f.redemptionRate),
            ]
        }
        let body = rows.map { cells($0.period, $0.dimensions, $0.figures) } + [cells("total", query.dimensions.map { _ in "" }, totals)]
        let all = [header] + body
        let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        return all.map { row in row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") }
            .joined(separator: "\n") + "\n"
    }
}
