import Foundation
import Testing

@testable import AccoladeCore

/// `optimal: { horizon, default_hour }`: defaults, bounds, strict keys with their paths.
@Suite struct OptimalSendConfigTests {
    @Test func defaultsAreADayAndTenOClock() throws {
        let c = try AccoladeConfig.parse(yaml: "store: { sqlite: x.sqlite }\n", environment: [:])
        #expect(c.optimal == OptimalSendConfig(horizon: 86_400, defaultHour: TimeOfDay(hour: 10)))
    }

    @Test func readsHorizonAndDefaultHour() throws {
        let c = try AccoladeConfig.parse(yaml: "optimal: { horizon: 12h, default_hour: \"09:30\" }\n", environment: [:])
        #expect(c.optimal.horizon == 12 * 3600 && c.optimal.defaultHour == TimeOfDay("09:30"))
    }

    @Test(arguments: [
        ("optimal: { horizon: 30m }", "optimal.horizon"),
        ("optimal: { horizon: 8d }", "optimal.horizon"),
        ("optimal: { horizon: soon }", "optimal.horizon"),
        ("optimal: { default_hour: \"25:00\" }", "optimal.default_hour"),
        ("optimal: { default_hour: 10 }", "optimal.default_hour"),
        ("optimal: { half_life: 30d }", "optimal.half_life"),
    ])
    func mistakesNameTheirKeyPath(yaml: String, path: String) {
        #expect {
            _ = try AccoladeConfig.parse(yaml: yaml, environment: [:])
        } throws: { error in
            (error as? ConfigError)?.path == path
        }
    }
}
