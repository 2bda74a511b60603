import Foundation
import Testing

@testable import AccoladeCore

/// `costs:` and `reports:` as the issue writes them, every mistake naming its key path, and the
/// pure ``CostModel`` (longest prefix wins, per segment, per category × country).
@Suite struct CostsConfigTests {
    static let channels = """
        channels:
          email:
            from: "Acme <rewards@example.com>"
            smtp: { url: "smtp://127.0.0.1:2525" }
          sms:
            providers:
              - { name: twilio, type: twilio, base_url: "http://127.0.0.1:2526", account_sid: AC00000000000000000000000000000000, auth_token: t, from: "+15005550006" }
          whatsapp:
            api_base: "http://127.0.0.1:2527"
            phone_number_id: "106540352242922"
            access_token: t
        """

    static let issueShape = channels + """

        costs:
          currency: USD
          email: { smtp: 0.0004 }
          sms:
            twilio: { default: 0.0079, "+62": 0.0415 }
          whatsapp:
            whatsapp: { utility: { default: 0.004, "+62": 0.0252 }, marketing: { default: 0.025 } }
        """

    static func parse(_ yaml: String) throws -> AccoladeConfig { try AccoladeConfig.parse(yaml: yaml, environment: [:]) }

    static func error(_ yaml: String) -> ConfigError? {
        do {
            _ = try parse(yaml)
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            return nil
        }
    }

    @Test func parsesTheIssuesShape() throws {
        let c = try Self.parse(Self.issueShape)
        #expect(c.costs.currency == "USD")
        #expect(c.costs.email == ["smtp": 400])
        #expect(c.costs.sms["twilio"] == PrefixPrices(defaultPrice: 7_900, byPrefix: ["+62": 41_500]))
        #expect(c.costs.whatsapp["whatsapp"]?["utility"] == PrefixPrices(defaultPrice: 4_000, byPrefix: ["+62": 25_200]))
        #expect(c.costs.whatsapp["whatsapp"]?["marketing"] == PrefixPrices(defaultPrice: 25_000))
        #expect(c.reports.programmePath == "program")
    }

    @Test func absentMeansNothingPriced() throws {
        let c = try Self.parse(Self.channels)
        #expect(c.costs.isEmpty && c.costs.currency == nil)
        #expect(CostModel(c.costs).cost(channel: .email, provider: "smtp", destination: nil, whatsappCategory: nil, units: 1) == nil)
    }

    @Test(arguments: [
        ("costs: { currency: USD, emial: { smtp: 0.1 } }", "costs.emial", "unknown key"),
        ("costs: { currency: usd, email: { smtp: 0.1 } }", "costs.currency", "ISO 4217"),
        ("costs: { email: { smtp: 0.1 } }", "costs.currency", "is required"),
        ("costs: { currency: USD, email: { smtp: -0.1 } }", "costs.email.smtp", "non-negative decimal"),
        ("costs: { currency: USD, email: { smtp: 0.00000001 } }", "costs.email.smtp", "six decimal places"),
        ("costs: { currency: USD, email: { smtp: 1e-3 } }", "costs.email.smtp", "expected a price"),
        ("costs: { currency: USD, email: { smtp: { default: 1 } } }", "costs.email.smtp", "found a mapping"),
        ("costs: { currency: USD, email: { relay: 0.1 } }", "costs.email.relay", "configured: smtp"),
        ("costs: { currency: USD, sms: { kannel: { default: 0.1 } } }", "costs.sms.kannel", "configured: twilio"),
        ("costs: { currency: USD, sms: { twilio: { \"62\": 0.1 } } }", "costs.sms.twilio.62", "E.164 prefix"),
        ("costs: { currency: USD, sms: { twilio: { \"+062\": 0.1 } } }", "costs.sms.twilio.+062", "E.164 prefix"),
        ("costs: { currency: USD, sms: { twilio: { \"+12345678\": 0.1 } } }", "costs.sms.twilio.+12345678", "E.164 prefix"),
        ("costs: { currency: USD, sms: { twilio: { default: abc } } }", "costs.sms.twilio.default", "expected a price"),
        ("costs: { currency: USD, whatsapp: { whatsapp: { promo: { default: 0.1 } } } }", "costs.whatsapp.whatsapp.promo", "pricing category"),
        ("costs: { currency: USD, whatsapp: { meta: { utility: { default: 0.1 } } } }", "costs.whatsapp.meta", "configured: whatsapp"),
        ("reports: { programme_path: \"a..b\" }", "reports.programme_path", "dotted data path"),
        ("reports: { programme: x }", "reports.programme", "unknown key"),
    ])
    func mistakesNameTheirKeyPath(yaml: String, path: String, reason: String) {
        let error = Self.error(Self.channels + "\n" + yaml)
        #expect(error?.path == path, "\(String(describing: error))")
        #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
    }

    @Test func disabledProvidersMayBePriced() throws {
        // A provider whose secret is unset here may have it set in production: its prices stay valid.
        let yaml = Self.issueShape.replacingOccurrences(of: "auth_token: t,", with: "auth_token: \"${TWILIO_AUTH_TOKEN}\",")
        let c = try Self.parse(yaml)
        #expect(c.channels.sms == nil && c.costs.sms["twilio"] != nil)
    }

    @Test func modelPricesEachChannel() throws {
        let model = CostModel(try Self.parse(Self.issueShape).costs)
        func cost(_ channel: ChannelKind, _ provider: String, _ to: String?, _ category: String? = nil, units: Int = 1) -> String? {
            model.cost(channel: channel, provider: provider, destination: to, whatsappCategory: category, units: units)
                .map { "\($0.decimalString) \($0.currency)" }
        }
        #expect(cost(.email, "smtp", nil) == "0.0004 USD")
        #expect(cost(.sms, "twilio", "+6281234567890", units: 3) == "0.1245 USD")  // 3 × 0.0415
        #expect(cost(.sms, "twilio", "+4915112345678", units: 2) == "0.0158 USD")  // default
        #expect(cost(.sms, "backup", "+6281234567890") == nil)  // not priced
        #expect(cost(.whatsapp, "whatsapp", "+6281234567890") == "0.0252 USD")  // utility by default
        #expect(cost(.whatsapp, "whatsapp", "+6281234567890", "marketing") == "0.025 USD")
        #expect(cost(.whatsapp, "whatsapp", "+6281234567890", "authentication") == nil)
        #expect(cost(.inbox, "inbox", nil) == nil && cost(.qr, "qr", nil) == nil)
    }

    @Test func longestPrefixWins() {
        let table = PrefixPrices(defaultPrice: 1, byPrefix: ["+6": 2, "+62": 3, "+6281": 4])
        #expect(table.price(for: "+6281234567890") == 4)
        #expect(table.price(for: "+6221234567") == 3)
        #expect(table.price(for: "+6012345678") == 2)
        #expect(table.price(for: "+4915112345678") == 1)
        #expect(table.price(for: nil) == 1)
        #expect(PrefixPrices(byPrefix: ["+62": 3]).price(for: "+49151") == nil)
    }

    @Test func moneyIsExactMicros() {
        #expect(MicroMoney.parseMicros("0.0079") == 7_900)
        #expect(MicroMoney.parseMicros("12") == 12_000_000)
        #expect(MicroMoney.parseMicros("0.000001") == 1)
        #expect(MicroMoney.parseMicros("1.") == nil && MicroMoney.parseMicros(".5") == nil && MicroMoney.parseMicros("-1") == nil)
        #expect(MicroMoney.micros(of: .int(50_000)) == 50_000_000_000)
        #expect(MicroMoney.micros(of: .double(0.1)) == 100_000)
        #expect(MicroMoney.micros(of: .double(12.3456789)) == 12_345_679)
        #expect(MicroMoney.micros(of: .string("1")) == nil)
        #expect(MicroMoney.decimalString(41_500) == "0.0415" && MicroMoney.decimalString(-3_500_000) == "-3.5")
        #expect(MicroMoney.decimalString(0) == "0")
        // Ten million additions of 0.0079 stay exact, which a Double sum does not.
        #expect((0..<10_000_000).reduce(Int64(0)) { sum, _ in sum + 7_900 } == 79_000_000_000)
    }
}

/// The manifest keys reports read: `whatsapp.category` (pricing) and `reward_value`.
@Suite struct ManifestValueKeysTests {
    @Test func shippedTemplatesDeclareCategoryAndValue() throws {
        let library = try TemplateLibrary(directory: shippedTemplatesDirectory)
        for name in ["reward-earned", "reward-expiring", "reward-voucher"] {
            #expect(library.info(name)?.manifest.whatsappMapping?.category == "utility", "\(name)")
        }
        #expect(library.info("reward-earned")?.manifest.rewardValuePaths == ["reward.voucher", "reward.cash", "reward.points"])
        #expect(library.info("reward-voucher")?.manifest.rewardValuePaths == ["reward.voucher"])
        #expect(library.info("reward-expiring")?.manifest.rewardValuePaths == [])
    }

    @Test func categoryDefaultsToUtility() throws {
        let fixture = try TemplateFixture(
            files: ["sms.txt.mustache": "x"], manifest: "description: x\nwhatsapp:\n  name: t\n  language: en\n  category: marketing\n")
        defer { fixture.remove() }
        #expect(try fixture.library().info("t")?.manifest.whatsappMapping?.category == "marketing")
        let plain = try TemplateFixture(files: ["sms.txt.mustache": "x"], manifest: "description: x\nwhatsapp:\n  name: t\n  language: en\n")
        defer { plain.remove() }
        #expect(try plain.library().info("t")?.manifest.whatsappMapping?.category == "utility")
    }

    @Test func rewardValueMustNameADeclaredVariable() throws {
        let bad = try TemplateFixture(
            files: ["sms.txt.mustache": "x"],
            manifest: "description: x\nvariables:\n  required: [reward.voucher]\nreward_value: reward.cash\n")
        defer { bad.remove() }
        let error = try #require(bad.loadError())
        #expect(error.description.contains("reward_value names \"reward.cash\""), "\(error)")
        let good = try TemplateFixture(
            files: ["sms.txt.mustache": "x"],
            manifest: "description: x\nvariables:\n  optional: [a, b]\nreward_value: [a, b]\n")
        defer { good.remove() }
        #expect(try good.library().info("t")?.manifest.rewardValuePaths == ["a", "b"])
    }
}

/// ``MessageValues``: what a message reports, read from its data at accept.
@Suite struct MessageValuesTests {
    static func data(_ json: String) throws -> JSONValue { try JSONValue(jsonText: json) }

    @Test func programmeFromItsPathElseTheTemplate() throws {
        let paths: [String] = []
        #expect(MessageValues.read(data: try Self.data(#"{"program": "Kudos"}"#), template: "t", programmePath: "program", rewardPaths: paths).programme == "Kudos")
        #expect(MessageValues.read(data: try Self.data(#"{"c": {"name": "Q4"}}"#), template: "t", programmePath: "c.name", rewardPaths: paths).programme == "Q4")
        #expect(MessageValues.read(data: try Self.data(#"{"program": "  "}"#), template: "t", programmePath: "program", rewardPaths: paths).programme == "t")
        #expect(MessageValues.read(data: try Self.data(#"{}"#), template: "reward-earned", programmePath: "program", rewardPaths: paths).programme == "reward-earned")
    }

    @Test func rewardValueIsMoneyOrPointsFirstPresentWins() throws {
        let paths = ["reward.voucher", "reward.cash", "reward.points"]
        func value(_ json: String) throws -> MicroMoney? {
            MessageValues.read(data: try Self.data(json), template: "t", programmePath: "program", rewardPaths: paths).rewardValue
        }
        #expect(try value(#"{"reward": {"voucher": {"amount": 50000, "currency": "IDR"}}}"#) == MicroMoney(micros: 50_000_000_000, currency: "IDR"))
        #expect(try value(#"{"reward": {"cash": {"amount": 12.5, "currency": "EUR"}}}"#) == MicroMoney(micros: 12_500_000, currency: "EUR"))
        #expect(try value(#"{"reward": {"points": 250}}"#) == MicroMoney(micros: 250_000_000, currency: "PTS"))
        #expect(try value(#"{"reward": {"voucher": null, "points": 5}}"#) == MicroMoney(micros: 5_000_000, currency: "PTS"))
        #expect(try value(#"{"reward": {"code": "X"}}"#) == nil)
        #expect(try value(#"{"reward": {"voucher": {"amount": 5, "currency": "idr"}}}"#) == nil)
    }

    @Test func outcomeValueIsAMoneyObject() throws {
        func value(_ json: String) throws -> MicroMoney? {
            MessageValues.read(data: try Self.data(json), template: "t", programmePath: "program", rewardPaths: []).outcomeValue
        }
        #expect(try value(#"{"outcome_value": {"amount": 1200, "currency": "USD"}}"#) == MicroMoney(micros: 1_200_000_000, currency: "USD"))
        #expect(try value(#"{"outcome_value": 1200}"#) == nil)
    }
}

/// ``ReportQuery``: options to periods of quarter-hour buckets in a zone.
@Suite struct ReportQueryTests {
    static let now = ISOTime.parseRFC3339("2026-11-20T10:07:00Z")!

    static func query(_ since: String?, _ until: String?, by: String? = nil, tz: String? = nil) throws -> ReportQuery {
        try ReportQuery.parse(since: since, until: until, by: by, tz: tz, now: now).get()
    }

    @Test func daysInAZoneWithAQuarterHourOffset() throws {
        // Nepal is UTC+05:45: its midnight is 18:15 UTC the day before, bucket-aligned.
        let q = try Self.query("2026-11-01", "2026-11-02", by: "day", tz: "Asia/Kathmandu")
        let periods = q.periods
        #expect(periods.map(\.label) == ["2026-11-01", "2026-11-02"])
        let start = ISOTime.parseRFC3339("2026-10-31T18:15:00Z")!
        #expect(periods[0].buckets.lowerBound == Int64(start.timeIntervalSince1970 * 1000) / 900_000)
        #expect(periods[0].buckets.count == 96 && periods[1].buckets.count == 96)
    }

    @Test func isoWeeksAndClockChanges() throws {
        // Europe/Berlin leaves summer time on 2026-10-25: that day has 25 hours = 100 buckets.
        let days = try Self.query("2026-10-25", "2026-10-25", by: "day", tz: "Europe/Berlin").periods
        #expect(days.count == 1 && days[0].buckets.count == 100)
        let weeks = try Self.query("2026-11-01", "2026-11-10", by: "week").periods
        #expect(weeks.map(\.label) == ["2026-W44", "2026-W45", "2026-W46"])
        let months = try Self.query("2026-10-15", "2026-11-30", by: "month").periods
        #expect(months.map(\.label) == ["2026-10", "2026-11"])
    }

    @Test func defaultsAndTheCurrentQuarterHour() throws {
        let q = try Self.query(nil, nil)
        #expect(q.until == Self.now && q.grain == nil && q.dimensions.isEmpty)
        // "until now" includes the quarter-hour now is in.
        let nowBucket = Int64(Self.now.timeIntervalSince1970 * 1000) / 900_000
        #expect(q.periods[0].buckets.contains(nowBucket))
        #expect(try Self.query(nil, nil, by: "programme,day,country").dimensions == [.programme, .country])
    }

    @Test(arguments: [
        ("x", nil, nil, nil, "since"), (nil, "2026-13-01", nil, nil, "until"), (nil, nil, "hour", nil, "by"),
        (nil, nil, "day,month", nil, "by"), (nil, nil, "channel,channel", nil, "by"), (nil, nil, nil, "Moon/Base", "tz"),
        ("2026-11-05", "2026-11-01", nil, nil, "since"), ("2020-01-01", nil, nil, nil, "until"),
    ] as [(String?, String?, String?, String?, String)])
    func refusals(since: String?, until: String?, by: String?, tz: String?, field: String) {
        guard case .failure(let error) = ReportQuery.parse(since: since, until: until, by: by, tz: tz, now: Self.now) else {
            Issue.record("accepted")
            return
        }
        #expect(error.field == field, "\(error)")
    }

    @Test func callingCodes() {
        #expect(CallingCode.of("+6281234567890") == "+62")
        #expect(CallingCode.of("+14155550100") == "+1" && CallingCode.of("+79161234567") == "+7")
        #expect(CallingCode.of("+35312345678") == "+353" && CallingCode.of("+4915112345678") == "+49")
        #expect(CallingCode.of(nil) == "-" && CallingCode.of("ana@example.com") == "-")
    }

    @Test func latencyPercentilesAreBucketBounds() {
        #expect(LatencyBins.bin(ofMillis: 0) == 0 && LatencyBins.bin(ofMillis: 100) == 0 && LatencyBins.bin(ofMillis: 101) == 1)
        #expect(LatencyBins.bin(ofMillis: 604_800_001) == LatencyBins.upperBounds.count)
        let counts: [Int: Int64] = [3: 50, 5: 45, 9: 5]  // ≤1 s ×50, ≤5 s ×45, ≤2 min ×5
        #expect(LatencyBins.percentile(0.5, of: counts) == 1)
        #expect(LatencyBins.percentile(0.9, of: counts) == 5)
        #expect(LatencyBins.percentile(0.99, of: counts) == 120)
        #expect(LatencyBins.percentile(0.5, of: [:]) == nil)
        // Longer than a week is the open last bucket, shown as the week it starts at.
        let long = LatencyBins.percentile(0.5, of: [LatencyBins.upperBounds.count: 1])
        #expect(long == .infinity && LatencyBins.shownSeconds(long!) == 604_800 && LatencyBins.shownSeconds(120) == 120)
    }
}
