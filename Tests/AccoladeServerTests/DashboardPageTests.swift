import AccoladeCore
@testable import AccoladeServer
import Foundation
import Testing

/// The dashboard's HTML (issue 18), rendered from reports built in memory: no store, no server.
@Suite("Reports dashboard: the page")
struct DashboardPageTests {
    static let since = Date(timeIntervalSince1970: 1_795_996_800)  // 2026-11-30T00:00:00Z
    static let until = since.addingTimeInterval(2 * 86_400)

    static func row(_ period: Int, _ dims: [String], _ measure: String, _ value: Int64, currency: String = "") -> RollupRow {
        RollupRow(period: period, channel: dims[0], dimensions: dims, measure: measure, currency: currency, value: value)
    }

    /// A page over two days from `rows` (channel × provider dimensions; the per-day report gets
    /// the channel only) and `failures`.
    static func page(_ rows: [RollupRow] = [], failures: [FailureReason] = [], token: String = "tok.en.x") -> String {
        let byDay = ReportQuery(since: since, until: until, grain: .day, dimensions: [.channel])
        let byProvider = ReportQuery(since: since, until: until, dimensions: [.channel, .provider])
        let dayRows = rows.map { RollupRow(period: $0.period, channel: $0.channel, dimensions: [$0.channel], measure: $0.measure, currency: $0.currency, value: $0.value) }
        let totalRows = rows.map { RollupRow(period: 0, channel: $0.channel, dimensions: $0.dimensions, measure: $0.measure, currency: $0.currency, value: $0.value) }
        let data = DashboardData(
            byPeriodAndChannel: Report.make(byDay, periods: byDay.periods.map(\.label), rows: dayRows),
            byChannelAndProvider: Report.make(byProvider, periods: ["all"], rows: totalRows), failures: failures)
        return DashboardPage(data: data, token: token, expiresAt: since.addingTimeInterval(900)).html()
    }

    static let sample: [RollupRow] = [
        row(0, ["email", "smtp"], "messages", 3), row(0, ["email", "smtp"], "state:sent", 2), row(0, ["email", "smtp"], "state:failed", 1),
        row(1, ["sms", "twilio"], "messages", 2), row(1, ["sms", "twilio"], "state:delivered", 2),
        row(1, ["whatsapp", "whatsapp"], "messages", 1), row(1, ["whatsapp", "whatsapp"], "state:read", 1),
        row(0, ["email", "smtp"], "cost", 800, currency: "USD"), row(1, ["sms", "twilio"], "cost", 83_000, currency: "USD"),
        row(1, ["whatsapp", "whatsapp"], "cost", 25_200_000, currency: "IDR"),
        row(0, ["email", "smtp"], "lat_sent:3", 2), row(1, ["sms", "twilio"], "lat_sent:5", 2), row(1, ["sms", "twilio"], "lat_delivered:9", 2),
        row(1, ["whatsapp", "whatsapp"], "redemptions", 1),
    ]

    @Test("every chart is an img with a title and description, followed by a table with its numbers")
    func chartsAreAccessible() throws {
        let html = Self.page(Self.sample, failures: [FailureReason(channel: "email", reason: "smtp 550: no such user", count: 1)])
        for id in ["sends", "funnel", "cost-USD", "cost-IDR", "latency-accepted_to_sent", "latency-accepted_to_delivered", "failures"] {
            #expect(html.contains("<svg id=\"\(id)-chart\" class=\"chart-svg\" role=\"img\""), "\(id)")
            #expect(html.contains("aria-labelledby=\"\(id)-title \(id)-desc\""), "\(id)")
            #expect(html.contains("<title id=\"\(id)-title\">") && html.contains("<desc id=\"\(id)-desc\">"), "\(id)")
        }
        #expect(html.components(separatedBy: "<figcaption>").count - 1 == 7)
        for table in ["sends-table", "funnel-table", "cost-table", "latency-table", "failures-table"] {
            #expect(html.contains("<table id=\"\(table)\"><caption>"), "\(table)")
        }
        // The numbers, as data attributes the browser check compares with GET /v1/reports.
        #expect(html.contains("data-period=\"2026-11-30\" data-channel=\"email\" data-sent=\"2\" data-failed=\"1\""))
        #expect(html.contains("data-period=\"2026-12-01\" data-channel=\"sms\" data-sent=\"2\" data-failed=\"0\""))
        #expect(html.contains("data-stage=\"accepted\" data-count=\"6\""))
        #expect(html.contains("data-stage=\"sent\" data-count=\"5\""))
        #expect(html.contains("data-stage=\"delivered\" data-count=\"3\""))
        #expect(html.contains("data-stage=\"read\" data-count=\"1\""))
        #expect(html.contains("data-stage=\"redeemed\" data-count=\"1\""))
        #expect(html.contains("data-measure=\"accepted_to_sent\" data-count=\"4\" data-p50=\"1\" data-p90=\"5\" data-p99=\"5\""))
        // No script of any kind, no inline style attribute (the CSP would block it).
        #expect(!html.contains("<script") && !html.contains(" style=") && !html.lowercased().contains("javascript:"))
    }

    @Test("money stays per currency: one chart and one table row per currency, never a sum across them")
    func multiCurrency() {
        let html = Self.page(Self.sample)
        #expect(html.contains("data-channel=\"email\" data-provider=\"smtp\" data-currency=\"USD\" data-amount=\"0.0008\""))
        #expect(html.contains("data-channel=\"sms\" data-provider=\"twilio\" data-currency=\"USD\" data-amount=\"0.083\""))
        #expect(html.contains("data-channel=\"whatsapp\" data-provider=\"whatsapp\" data-currency=\"IDR\" data-amount=\"25.2\""))
        #expect(html.contains("0.0838 USD in all") && html.contains("25.2 IDR in all"))
        // 0.0838 + 25.2 would be 25.2838: it must appear nowhere.
        #expect(!html.contains("25.2838"))
        #expect(html.contains("data-figure=\"cost\" data-value=\"IDR 25.2;USD 0.0838\""))
    }

    @Test("an empty period says so in every section and still has the picker and the tables")
    func emptyReport() {
        let html = Self.page()
        #expect(!html.contains("<svg"))
        for text in [
            "No delivery was sent in this period.", "No message was accepted in this period.", "No cost was recorded in this period",
            "No delivery reached a provider in this period.", "No delivery failed in this period.",
        ] {
            #expect(html.contains(text), "\(text)")
        }
        #expect(html.contains("<form method=\"get\" class=\"picker\""))
        #expect(html.contains("name=\"since\" value=\"2026-11-30\"") && html.contains("name=\"until\" value=\"2026-12-01\""))
        #expect(html.contains("data-figure=\"messages\" data-value=\"0\""))
    }

    @Test("untrusted texts are escaped everywhere: channel and provider names, failure reasons, the token")
    func escapesEverything() {
        let evil = "<img src=x onerror=alert(1)>\"'&"
        let rows = [
            Self.row(0, [evil, evil], "messages", 1), Self.row(0, [evil, evil], "state:sent", 1),
            Self.row(0, [evil, evil], "cost", 1_000, currency: "USD"),
        ]
        let html = Self.page(rows, failures: [FailureReason(channel: evil, reason: "</td><script>alert(2)</script>", count: 4)], token: "\"><script>x</script>")
        #expect(!html.contains("<img") && !html.contains("<script") && !html.contains("onerror=alert(1)>"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;"))
        #expect(html.contains("&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt;"))
        #expect(html.contains("value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\""))
    }

    @Test("the refusal and invalid-period pages escape what they show and keep the token in the picker")
    func refusalPages() {
        let refusal = DashboardPage.refusal(title: "This dashboard link has expired", detail: "expired at <b>")
        #expect(refusal.contains("id=\"refusal\">expired at &lt;b&gt;</p>"))
        let invalid = DashboardPage.invalidPeriod(
            input: DashboardPeriodInput(since: "2026-12-09", until: "<x>", tz: "UTC"), field: "since", reason: "must be before until",
            token: "tok", expiresAt: Self.since)
        #expect(invalid.contains("role=\"alert\">since: must be before until</p>"))
        #expect(invalid.contains("name=\"until\" value=\"&lt;x&gt;\"") && invalid.contains("name=\"token\" value=\"tok\""))
    }

    @Test("the CSP allows exactly the page's style sheet, by hash, and nothing else")
    func contentSecurityPolicy() {
        let csp = DashboardPage.contentSecurityPolicy
        #expect(csp.hasPrefix("default-src 'none'; style-src 'sha256-"))
        #expect(!csp.contains("unsafe-inline") && !csp.contains("script-src"))
        #expect(csp.contains(CSPHash.sha256(DashboardPage.css)))
        let html = Self.page()
        #expect(html.contains("<style>\(DashboardPage.css)</style>"))
        #expect(DashboardPage.headers[.cacheControl] == "no-store")
    }

    @Test("long ranges are charted by week, then by month", arguments: [(30.0, ReportQuery.Grain.day), (62, .day), (63, .week), (366, .week), (367, .month)])
    func grain(days: Double, grain: ReportQuery.Grain) {
        #expect(DashboardData.grain(since: Self.since, until: Self.since.addingTimeInterval(days * 86_400)) == grain)
    }

    @Test("axis maxima are round and bucket labels read as durations")
    func scales() {
        #expect(DashboardPage.niceMaximum(0) == 1)
        #expect(DashboardPage.niceMaximum(7) == 10 && DashboardPage.niceMaximum(13) == 20 && DashboardPage.niceMaximum(420) == 500)
        #expect(DashboardPage.binLabel(0) == "≤100 ms" && DashboardPage.binLabel(4) == "≤2.5 s" && DashboardPage.binLabel(10) == "≤5 min")
        #expect(DashboardPage.binLabel(15) == "≤6 h" && DashboardPage.binLabel(18) == "≤2 d" && DashboardPage.binLabel(20) == ">7 d")
        // Counts get whole-number ticks.
        #expect([1.0, 2, 5, 10, 20, 50, 100].map(DashboardPage.tickSteps) == [1, 2, 5, 5, 4, 5, 4])
    }
}
