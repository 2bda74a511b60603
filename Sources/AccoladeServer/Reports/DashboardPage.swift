import AccoladeCore
import Foundation
import HTTPTypes
import Hummingbird

/// What the dashboard shows for one period: two reports from the rollups and the top failure
/// reasons from the deliveries. Built by the route, rendered by ``DashboardPage`` (pure).
struct DashboardData: Sendable {
    /// Deliveries and messages per time period (day, or week/month for long ranges) and channel.
    var byPeriodAndChannel: Report
    /// The whole period per channel and provider (cost).
    var byChannelAndProvider: Report
    /// Failed deliveries of the period grouped by channel and reason, most frequent first.
    var failures: [FailureReason]

    /// How many failure reasons the page asks for.
    static let failureLimit = 10

    /// The time grain of the "sends" chart for a range: days up to about two months, ISO weeks up
    /// to a year, months beyond (so the chart never has more than ~60 bars).
    static func grain(since: Date, until: Date) -> ReportQuery.Grain {
        let days = until.timeIntervalSince(since) / 86_400
        return days <= 62 ? .day : days <= 366 ? .week : .month
    }
}

/// The period picker's field values as the user gave them (shown back as typed on a refusal).
struct DashboardPeriodInput: Sendable, Hashable {
    var since: String
    var until: String
    var tz: String

    /// The values that show `query`'s range as dates in its zone: the first day, and the last day
    /// it covers (the day of the instant before `until`).
    init(query: ReportQuery) {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = query.timeZone
        func day(_ date: Date) -> String {
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        }
        since = day(query.since)
        until = day(query.until.addingTimeInterval(-0.001))
        tz = query.timeZone.identifier
    }

    init(since: String, until: String, tz: String) {
        self.since = since
        self.until = until
        self.tz = tz
    }
}

/// The HTML of `GET /v1/reports/dashboard`: headline figures and five charts — sends per period
/// by channel (stacked bars), the delivery funnel, cost by channel and provider (one chart per
/// currency), the latency distribution (the rollups' histogram buckets) and the top failure
/// reasons — with a period picker.
///
/// Static HTML and inline SVG, no scripts: it runs under ``contentSecurityPolicy``
/// (`default-src 'none'`, the one style sheet allowed by its hash). Every chart is an
/// `<svg role="img">` labelled by its `<title>` and `<desc>`, followed by a table with the same
/// numbers (each cell's raw value also in a `data-*` attribute, which the browser check compares
/// with `GET /v1/reports`). Every text is escaped: channel, provider and failure texts come from
/// configuration and providers.
///
/// Pure: `Report` values in, a `String` out.
struct DashboardPage {
    /// The figures.
    let data: DashboardData
    /// The link's token, kept by the period picker (a hidden field).
    let token: String
    /// When the link stops working.
    let expiresAt: Date
    /// The zone as the user wrote it (`UTC` stays `UTC`, where the zone's identifier may read `GMT`).
    var zoneText: String? = nil

    /// No scripts, nothing loaded from anywhere; the one inline style sheet by hash; the picker's
    /// GET form only back to this server; never framed.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src \(CSPHash.sha256(css)); img-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// Every answer's headers: the URL holds a credential, so no referrer leaves it and no cache
    /// keeps the page (the figures are also someone's business).
    static var headers: HTTPFields {
        [
            .contentSecurityPolicy: contentSecurityPolicy, .cacheControl: "no-store",
            .referrerPolicy: "no-referrer", .xContentTypeOptions: "nosniff",
            HTTPField.Name("X-Frame-Options")!: "DENY",
        ]
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        HTTPJSON.text(html, contentType: "text/html; charset=utf-8", status: status, headers: headers)
    }

    static func escape(_ text: String) -> String { HTMLEscaping.escaped(text) }

    /// The whole page.
    func html() -> String {
        let query = data.byPeriodAndChannel.query
        var input = DashboardPeriodInput(query: query)
        if let zoneText { input.tz = zoneText }
        let title = "Accolade reports · \(input.since) – \(input.until)"
        let body = """
            \(Self.header(input: input, query: query, expiresAt: expiresAt, token: token, error: nil))
            <main>
            \(tiles())
            \(sendsSection())
            \(funnelSection())
            \(costSection())
            \(latencySection())
            \(failureSection())
            </main>
            """
        return Self.document(title: title, body: body)
    }

    /// The page for a period that cannot be read: the picker with the values as typed and what is
    /// wrong with them (answered 422).
    static func invalidPeriod(input: DashboardPeriodInput, field: String, reason: String, token: String, expiresAt: Date) -> String {
        let error = "\(field): \(reason)"
        return document(
            title: "Accolade reports · period not valid",
            body: header(input: input, query: nil, expiresAt: expiresAt, token: token, error: error))
    }

    /// The page for a link that does not open the dashboard (400 or 401): why, and how to get a new one.
    static func refusal(title: String, detail: String) -> String {
        document(
            title: "Accolade reports · \(title)",
            body: """
                <header><p class="eyebrow">Accolade reports</p><h1>\(escape(title))</h1></header>
                <main><p class="refusal" id="refusal">\(escape(detail))</p>
                <p class="note">A dashboard link is minted with the API token and works for a short time:</p>
                <pre>curl -X POST -H "Authorization: Bearer $ACCOLADE_TOKEN" https://…/v1/reports/tokens</pre>
                <p class="note">Open the <code>url</code> of the answer.</p></main>
                """)
    }

    static func document(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <meta name="robots" content="noindex">
        <title>\(escape(title))</title>
        <style>\(css)</style>
        </head>
        <body>
        \(body)
        </body>
        </html>
        """
    }

    /// The heading, the period picker (a GET form to this same URL that keeps the token) and the
    /// link's expiry.
    static func header(input: DashboardPeriodInput, query: ReportQuery?, expiresAt: Date, token: String, error: String?) -> String {
        var out = """
            <header class="page-header">
            <div><p class="eyebrow">Accolade reports</p><h1>Dashboard</h1>
            """
        if let query {
            out += """
                <p class="period" id="period" data-since="\(escape(ISOTime.format(query.since)))" data-until="\(escape(ISOTime.format(query.until)))" data-tz="\(escape(query.timeZone.identifier))">\
                \(escape(input.since)) to \(escape(input.until)), \(escape(input.tz)); \
                messages count in the period they were accepted in</p>
                """
        }
        out += """
            </div>
            <form method="get" class="picker" aria-label="Period">
            <input type="hidden" name="token" value="\(escape(token))">
            <label for="since">From</label><input type="date" id="since" name="since" value="\(escape(input.since))" required>
            <label for="until">To</label><input type="date" id="until" name="until" value="\(escape(input.until))" required>
            <label for="tz">Time zone</label><input type="text" id="tz" name="tz" value="\(escape(input.tz))" size="18" spellcheck="false" autocomplete="off" required aria-describedby="tz-hint">
            <button type="submit" id="show">Show</button>
            <p class="hint" id="tz-hint">An IANA zone such as UTC or Asia/Jakarta; days are read in it.</p>
            </form>
            </header>
            """
        if let error {
            out += "\n<p class=\"refusal\" id=\"period-error\" role=\"alert\">\(escape(error))</p>"
        }
        out += "\n<p class=\"note\" id=\"expiry\">This link works until \(escape(ISOTime.format(expiresAt))) (UTC); then mint a new one.</p>"
        return out
    }

    // MARK: - Headline figures

    func tiles() -> String {
        let t = data.byPeriodAndChannel.totals
        func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
        func ratio(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "" }
        func money(_ amounts: [String: Int64]) -> String {
            amounts.isEmpty
                ? "–"
                : amounts.keys.sorted().map { "\(Self.escape($0)) \(MicroMoney.decimalString(amounts[$0]!))" }.joined(separator: "<br>")
        }
        func tile(_ key: String, _ label: String, _ shown: String, value: String) -> String {
            "<div class=\"tile\" data-figure=\"\(key)\" data-value=\"\(Self.escape(value))\"><dt>\(label)</dt><dd>\(shown)</dd></div>"
        }
        func moneyValue(_ amounts: [String: Int64]) -> String {
            amounts.keys.sorted().map { "\($0) \(MicroMoney.decimalString(amounts[$0]!))" }.joined(separator: ";")
        }
        let items = [
            tile("messages", "Messages accepted", "\(t.messages)", value: "\(t.messages)"),
            tile("delivery_rate", "Delivery rate", percent(t.deliveryRate), value: ratio(t.deliveryRate)),
            tile("read_rate", "Read rate (inbox, WhatsApp)", percent(t.readRate), value: ratio(t.readRate)),
            tile("failed", "Failed deliveries", "\(t.deliveries["failed"] ?? 0)", value: "\(t.deliveries["failed"] ?? 0)"),
            tile("cost", "Delivery cost", money(t.cost), value: moneyValue(t.cost)),
            tile("reward_issued", "Reward value issued", money(t.issued), value: moneyValue(t.issued)),
            tile("redemptions", "Redemptions", "\(t.redemptions)", value: "\(t.redemptions)"),
        ]
        return "<section aria-label=\"Totals\"><dl class=\"tiles\">\n" + items.joined(separator: "\n") + "\n</dl></section>"
    }

    // MARK: - Sends per period by channel

    /// The channels of a report's rows, in a fixed order (the configured kinds first, then others).
    static func channels(of report: Report) -> [String] {
        let present = Set(report.rows.compactMap(\.dimensions.first))
        let known = ChannelKind.allCases.map(\.rawValue).filter(present.contains)
        return known + present.subtracting(known).sorted()
    }

    func sendsSection() -> String {
        let report = data.byPeriodAndChannel
        let grain = report.query.grain ?? .day
        let periods = report.query.periods.map(\.label)
        let channels = Self.channels(of: report)
        var sent: [String: [String: Int64]] = [:]
        var failed: [String: [String: Int64]] = [:]
        for row in report.rows {
            guard let channel = row.dimensions.first else { continue }
            sent[row.period, default: [:]][channel] = row.figures.accepted
            failed[row.period, default: [:]][channel] = row.figures.deliveries["failed"] ?? 0
        }
        let title = "Sends per \(grain.rawValue) by channel"
        let total = sent.values.flatMap(\.values).reduce(0, +)
        let description =
            "Deliveries the provider accepted (sent, then delivered or read), per \(grain.rawValue) and channel, stacked: \(total) in all."
        let chart =
            total == 0
            ? "<p class=\"empty\">No delivery was sent in this period.</p>"
            : Self.stackedBars(
                id: "sends", title: title, description: description, periods: periods, series: channels,
                value: { sent[$0]?[$1] ?? 0 })
        var table = """
            <table id="sends-table"><caption>\(Self.escape(title)): the numbers</caption>
            <thead><tr><th scope="col">\(grain.rawValue.capitalized)</th><th scope="col">Channel</th><th scope="col">Sent</th><th scope="col">Failed</th></tr></thead><tbody>
            """
        for row in report.rows {
            guard let channel = row.dimensions.first else { continue }
            let s = row.figures.accepted
            let f = row.figures.deliveries["failed"] ?? 0
            table += "\n<tr data-period=\"\(Self.escape(row.period))\" data-channel=\"\(Self.escape(channel))\" data-sent=\"\(s)\" data-failed=\"\(f)\">"
            table += "<th scope=\"row\">\(Self.escape(row.period))</th><td>\(Self.escape(channel))</td><td>\(s)</td><td>\(f)</td></tr>"
        }
        table += "\n</tbody></table>"
        return Self.section(id: "sends", heading: title, figure: chart, caption: description, table: table)
    }

    // MARK: - Funnel

    /// The funnel's stages and counts: messages accepted, deliveries the provider accepted,
    /// reported delivered (or read), reported read, messages redeemed.
    static func funnel(_ t: ReportFigures) -> [(key: String, label: String, count: Int64)] {
        let delivered = (t.deliveries["delivered"] ?? 0) + (t.deliveries["read"] ?? 0)
        return [
            ("accepted", "Accepted (messages)", t.messages),
            ("sent", "Sent (deliveries)", t.accepted),
            ("delivered", "Delivered", delivered),
            ("read", "Read", t.deliveries["read"] ?? 0),
            ("redeemed", "Redeemed (messages)", t.redemptions),
        ]
    }

    func funnelSection() -> String {
        let stages = Self.funnel(data.byPeriodAndChannel.totals)
        let title = "Delivery funnel"
        let description =
            "Messages accepted, deliveries the provider accepted, reported delivered, reported read, messages redeemed: "
            + stages.map { "\($0.label.lowercased()) \($0.count)" }.joined(separator: ", ")
            + ". Email reports neither delivery nor reading and SMS no reading, so later stages count the channels that report them."
        let chart =
            stages[0].count == 0
            ? "<p class=\"empty\">No message was accepted in this period.</p>"
            : Self.horizontalBars(
                id: "funnel", title: title, description: description,
                bars: stages.map { ($0.label, Double($0.count), "\($0.count)") })
        var table = """
            <table id="funnel-table"><caption>\(title): the numbers</caption>
            <thead><tr><th scope="col">Stage</th><th scope="col">Count</th><th scope="col">Of accepted</th></tr></thead><tbody>
            """
        let base = stages[0].count
        for stage in stages {
            let share = base > 0 ? String(format: "%.1f%%", Double(stage.count) / Double(base) * 100) : "–"
            table += "\n<tr data-stage=\"\(stage.key)\" data-count=\"\(stage.count)\"><th scope=\"row\">\(stage.label)</th><td>\(stage.count)</td><td>\(share)</td></tr>"
        }
        table += "\n</tbody></table>"
        return Self.section(id: "funnel", heading: title, figure: chart, caption: description, table: table)
    }

    // MARK: - Cost

    func costSection() -> String {
        let report = data.byChannelAndProvider
        let currencies = Set(report.rows.flatMap { $0.figures.cost.keys }).sorted()
        let title = "Cost by channel and provider"
        var figures: [String] = []
        for currency in currencies {
            let rows = report.rows.filter { ($0.figures.cost[currency] ?? 0) != 0 }
                .sorted { ($0.figures.cost[currency] ?? 0) > ($1.figures.cost[currency] ?? 0) }
            let total = rows.reduce(Int64(0)) { $0 + ($1.figures.cost[currency] ?? 0) }
            let description =
                "Delivery cost in \(currency) by channel and provider, \(MicroMoney.decimalString(total)) \(currency) in all: "
                + rows.map { "\(Self.label($0.dimensions)) \(MicroMoney.decimalString($0.figures.cost[currency] ?? 0))" }.joined(separator: ", ") + "."
            let chart = Self.horizontalBars(
                id: "cost-\(Self.slug(currency))", title: "\(title) (\(currency))", description: description,
                bars: rows.map {
                    let micros = $0.figures.cost[currency] ?? 0
                    return (Self.label($0.dimensions), Double(micros), "\(MicroMoney.decimalString(micros)) \(currency)")
                })
            figures.append("<h3>\(Self.escape(currency))</h3>\n<figure class=\"chart\">\(chart)<figcaption>\(Self.escape(description))</figcaption></figure>")
        }
        var table = """
            <table id="cost-table"><caption>\(title): the numbers (each currency on its own; never added across currencies)</caption>
            <thead><tr><th scope="col">Channel</th><th scope="col">Provider</th><th scope="col">Currency</th><th scope="col">Cost</th><th scope="col">Per delivery sent</th></tr></thead><tbody>
            """
        for row in report.rows {
            let channel = row.dimensions.first ?? "-"
            let provider = row.dimensions.count > 1 ? row.dimensions[1] : "-"
            for currency in row.figures.cost.keys.sorted() {
                let amount = MicroMoney.decimalString(row.figures.cost[currency]!)
                let each = row.figures.costPerDelivered[currency].map(MicroMoney.decimalString) ?? "–"
                table += "\n<tr data-channel=\"\(Self.escape(channel))\" data-provider=\"\(Self.escape(provider))\" data-currency=\"\(Self.escape(currency))\" data-amount=\"\(amount)\">"
                table += "<td>\(Self.escape(channel))</td><td>\(Self.escape(provider))</td><td>\(Self.escape(currency))</td><td>\(amount)</td><td>\(each)</td></tr>"
            }
        }
        table += "\n</tbody></table>"
        let body =
            figures.isEmpty
            ? "<p class=\"empty\">No cost was recorded in this period (prices are set under costs: in the configuration).</p>"
            : figures.joined(separator: "\n")
        return "<section id=\"cost\" aria-labelledby=\"cost-heading\"><h2 id=\"cost-heading\">\(title)</h2>\n\(body)\n\(table)\n</section>"
    }

    /// `email · smtp` for the dimension values of a row.
    static func label(_ dimensions: [String]) -> String { dimensions.joined(separator: " · ") }

    /// A currency code as an id part (codes are letters; anything else becomes `_`).
    static func slug(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    // MARK: - Latency

    /// `≤100 ms`, `≤2.5 s`, `≤5 min`, `≤6 h`, `≤2 d`, `>7 d` for a histogram bucket.
    static func binLabel(_ bin: Int) -> String {
        guard let seconds = LatencyBins.upperBoundSeconds(bin) else { return ">7 d" }
        func number(_ v: Double) -> String { v == v.rounded() ? "\(Int(v))" : "\(v)" }
        if seconds < 1 { return "≤\(Int(seconds * 1000)) ms" }
        if seconds < 60 { return "≤\(number(seconds)) s" }
        if seconds < 3600 { return "≤\(number(seconds / 60)) min" }
        if seconds < 86_400 { return "≤\(number(seconds / 3600)) h" }
        return "≤\(number(seconds / 86_400)) d"
    }

    /// A percentile as `GET /v1/reports` writes it: seconds, the open last bucket as a week.
    static func seconds(_ value: Double?) -> String {
        guard let value else { return "" }
        let v = LatencyBins.shownSeconds(value)
        return v == v.rounded() ? "\(Int(v))" : "\(v)"
    }

    func latencySection() -> String {
        let t = data.byPeriodAndChannel.totals
        let measures: [(key: String, json: String, label: String)] = [
            ("lat_sent", "accepted_to_sent", "Accepted → provider accepted"),
            ("lat_delivered", "accepted_to_delivered", "Accepted → delivered or read"),
        ]
        let title = "Latency distribution"
        var figures: [String] = []
        var table = """
            <table id="latency-table"><caption>\(title): percentiles in seconds (the upper bound of the bucket each falls in)</caption>
            <thead><tr><th scope="col">Interval</th><th scope="col">Count</th><th scope="col">p50</th><th scope="col">p90</th><th scope="col">p99</th></tr></thead><tbody>
            """
        for m in measures {
            let histogram = t.latencyHistogram(m.key)
            let count = histogram.values.reduce(0, +)
            let p = [0.5, 0.9, 0.99].map { Self.seconds(t.percentile($0, of: m.key)) }
            table += "\n<tr data-measure=\"\(m.json)\" data-count=\"\(count)\" data-p50=\"\(p[0])\" data-p90=\"\(p[1])\" data-p99=\"\(p[2])\">"
            table += "<th scope=\"row\">\(Self.escape(m.label))</th><td>\(count)</td><td>\(p[0])</td><td>\(p[1])</td><td>\(p[2])</td></tr>"
            guard count > 0, let first = histogram.keys.min(), let last = histogram.keys.max() else { continue }
            let bins = Array(first...last)
            let description =
                "\(m.label), \(count) deliveries by time bucket: "
                + bins.map { "\(Self.binLabel($0)) \(histogram[$0] ?? 0)" }.joined(separator: ", ")
                + "; p50 \(p[0]) s, p90 \(p[1]) s, p99 \(p[2]) s."
            let chart = Self.columns(
                id: "latency-\(m.json)", title: "\(title): \(m.label)", description: description,
                columns: bins.map { (Self.binLabel($0), histogram[$0] ?? 0) })
            figures.append("<h3>\(Self.escape(m.label))</h3>\n<figure class=\"chart\">\(chart)<figcaption>\(Self.escape(description))</figcaption></figure>")
        }
        table += "\n</tbody></table>"
        let body = figures.isEmpty ? "<p class=\"empty\">No delivery reached a provider in this period.</p>" : figures.joined(separator: "\n")
        return "<section id=\"latency\" aria-labelledby=\"latency-heading\"><h2 id=\"latency-heading\">\(title)</h2>\n\(body)\n\(table)\n</section>"
    }

    // MARK: - Failures

    func failureSection() -> String {
        let failures = data.failures
        let title = "Top failure reasons"
        let total = failures.reduce(Int64(0)) { $0 + $1.count }
        let description =
            "The \(failures.count) most frequent reasons deliveries failed in this period (counted when they failed), \(total) failures: "
            + failures.map { "\($0.channel): \(Self.reasonText($0.reason)) \($0.count)" }.joined(separator: "; ") + "."
        let chart =
            failures.isEmpty
            ? "<p class=\"empty\">No delivery failed in this period.</p>"
            : Self.horizontalBars(
                id: "failures", title: title, description: description,
                bars: failures.map { ("\($0.channel): \(Self.short(Self.reasonText($0.reason), 48))", Double($0.count), "\($0.count)") })
        var table = """
            <table id="failures-table"><caption>\(title): the numbers</caption>
            <thead><tr><th scope="col">Channel</th><th scope="col">Reason</th><th scope="col">Failures</th></tr></thead><tbody>
            """
        for f in failures {
            table += "\n<tr data-channel=\"\(Self.escape(f.channel))\" data-count=\"\(f.count)\"><td>\(Self.escape(f.channel))</td><td class=\"reason\">\(Self.escape(Self.reasonText(f.reason)))</td><td>\(f.count)</td></tr>"
        }
        table += "\n</tbody></table>"
        return Self.section(id: "failures", heading: title, figure: chart, caption: description, table: table)
    }

    static func reasonText(_ reason: String) -> String { reason.isEmpty ? "(no reason recorded)" : reason }

    /// `text` cut to `length` characters with an ellipsis.
    static func short(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    /// A section: heading, the chart in a figure with its caption, the table.
    static func section(id: String, heading: String, figure: String, caption: String, table: String) -> String {
        let chart = figure.hasPrefix("<p") ? figure : "<figure class=\"chart\">\(figure)<figcaption>\(escape(caption))</figcaption></figure>"
        return "<section id=\"\(id)\" aria-labelledby=\"\(id)-heading\"><h2 id=\"\(id)-heading\">\(escape(heading))</h2>\n\(chart)\n\(table)\n</section>"
    }
}
