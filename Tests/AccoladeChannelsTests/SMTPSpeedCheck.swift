import AccoladeTestSupport
import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Foundation
import Testing

/// Throughput check, not a timed test: skipped unless `ACCOLADE_SMTP_SPEED=1`.
///
/// Sends `ACCOLADE_SMTP_SPEED_COUNT` (default 10,000) ~3 KB messages, 64 in flight, through one
/// `CurlMultiDriver` and `SMTPEmailChannel` (MIME composition included) to postfix's smtp-sink.
///
///     ACCOLADE_SMTP_SPEED=1 swift test -c release --filter SMTPSpeedCheck
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["ACCOLADE_SMTP_SPEED"] == "1"))
struct SMTPSpeedCheck {
    @Test func emailsPerSecondToSmtpSink() async throws {
        let environment = ProcessInfo.processInfo.environment
        let total = Int(environment["ACCOLADE_SMTP_SPEED_COUNT"] ?? "") ?? 10_000
        let concurrency = Int(environment["ACCOLADE_SMTP_SPEED_CONCURRENCY"] ?? "") ?? 64
        let connections = Int(environment["ACCOLADE_SMTP_SPEED_CONNECTIONS"] ?? "") ?? 8
        let sink = try TestServer.program("/usr/sbin/smtp-sink", ["-u", "nobody", "127.0.0.1:{port}", "1000"])
        defer { sink.stop() }
        let driver = CurlMultiDriver(configuration: .init(maxConnectionsPerHost: connections))
        var config = SMTPFixtures.config(port: sink.port, timeout: 30)
        config.maxConnections = connections
        let channel = try SMTPEmailChannel(config: config, driver: driver, logger: SMTPFixtures.logger)

        // ~3 KB on the wire: a realistic reward email (text + HTML alternative).
        let text = String(repeating: "Halo Ana, terima kasih! Kode voucher Anda RW-7Q2K berlaku 30 hari.\n", count: 14)
        let html = "<html><body>" + String(repeating: "<p>Halo <b>Ana</b>, kode voucher Anda <code>RW-7Q2K</code>.</p>\n", count: 21) + "</body></html>"
        let sample = SMTPFixtures.request(id: "size-probe", text: text, html: html)
        guard case .email(let rendered) = sample.content else {
            Issue.record("the fixture is not an email: \(sample.content)")
            return
        }
        let size = try MIMEComposer().compose(
            rendered, from: EmailAddress.parse(config.from), to: EmailAddress(address: "ana@example.co.id"), date: Date(),
            messageID: "<x@acme.example>").count

        let started = ContinuousClock.now
        let failures = await withTaskGroup(of: Bool.self) { group in
            var next = 0
            var failed = 0
            func add() {
                let request = SMTPFixtures.request(id: "speed-\(next)", text: text, html: html)
                group.addTask { (try? await channel.deliver(request)) != nil }
                next += 1
            }
            while next < min(concurrency, total) { add() }
            for await ok in group {
                if !ok { failed += 1 }
                if next < total { add() }
            }
            return failed
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(total) / seconds
        print("SMTP speed: \(total) messages of \(size) bytes, \(concurrency) in flight, \(connections) connections: "
            + "\(String(format: "%.2f", seconds)) s = \(Int(rate)) messages/s, \(failures) failures")
        #expect(failures == 0)
        await driver.shutdown()
    }
}
