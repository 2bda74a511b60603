import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Reward journeys through the built binary: `accolade serve` (API, delivery worker, run worker)
/// on SQLite with the WhatsApp and Twilio stand-ins and an SMTP server, events sent with
/// `POST /v1/events`, receipts with signed WhatsApp webhooks. Time moves with the test clock
/// (`ACCOLADE_TEST_CLOCK_FILE`): a 24-hour wait times out when the test says a day has passed,
/// and nobody sleeps a day.
@Suite("End to end: reward journeys", .serialized)
struct JourneyEndToEndTests {
    static let escalation = """
        name: escalate
        on: deal.closed
        steps:
          - send: { template: reward-earned, channels: [whatsapp] }
          - wait: { for: read, within: 24h }
            else: { send: { template: reward-earned, channels: [sms] } }
        """

    @Test("escalation: delivered but never read → SMS after 24 h; read in time → no SMS")
    func escalation() async throws {
        let journey = try Journey(workflows: ["escalate.yml": Self.escalation])
        defer { journey.stop() }
        try journey.start()
        let unread = try await journey.trigger("deal.closed", to: Journey.person("crm-a", phone: "+6281111111111"))
        let read = try await journey.trigger("deal.closed", to: Journey.person("crm-b", phone: "+6282222222222"))
        let unreadWamid = try await journey.whatsappSent(run: unread)
        let readWamid = try await journey.whatsappSent(run: read)
        #expect(try journey.postStatus(wamid: unreadWamid, "delivered") == 200)
        #expect(try journey.postStatus(wamid: readWamid, "read") == 200)
        // The read receipt wakes its run at once: no waiting for the deadline.
        let done = try await journey.waitForRun(read) { $0["state"] as? String == "completed" }
        #expect(Journey.outcomes(done) == ["send:sent", "wait:waiting", "wait:passed"], "\(done)")
        let waiting = try await journey.run(unread)
        #expect(waiting["state"] as? String == "scheduled")
        #expect(journey.smsTo().isEmpty)

        journey.advance(hours: 25)
        let escalated = try await journey.waitForRun(unread) { $0["state"] as? String == "completed" }
        #expect(Journey.outcomes(escalated) == ["send:sent", "wait:waiting", "wait:timedOut", "wait:sent"], "\(escalated)")
        try await waitUntil("the SMS reaches Twilio") { journey.smsTo() == ["+6281111111111"] }
        #expect(try await journey.run(read)["state"] as? String == "completed")
        #expect(journey.smsTo() == ["+6281111111111"])
    }

    @Test("a restart (SIGKILL) during the wait loses nothing: the SMS goes out once, after the timeout")
    func restartDuringWait() async throws {
        let journey = try Journey(workflows: ["escalate.yml": Self.escalation])
        defer { journey.stop() }
        try journey.start()
        let run = try await journey.trigger("deal.closed", to: Journey.person("crm-c", phone: "+6283333333333"))
        _ = try await journey.whatsappSent(run: run)
        _ = try await journey.waitForRun(run) { Journey.outcomes($0).last == "wait:waiting" }
        journey.kill()
        journey.advance(hours: 25)
        try journey.start()
        let escalated = try await journey.waitForRun(run) { $0["state"] as? String == "completed" }
        #expect(Journey.outcomes(escalated) == ["send:sent", "wait:waiting", "wait:timedOut", "wait:sent"], "\(escalated)")
        try await waitUntil("the SMS reaches Twilio") { journey.smsTo() == ["+6283333333333"] }
        let sms = try #require(escalated["last_message_id"] as? String)
        try await waitUntil("the SMS is recorded sent") {
            let deliveries = try await journey.request("GET", "/v1/messages/\(sms)").1["deliveries"] as? [[String: Any]] ?? []
            return deliveries.contains { $0["channel"] as? String == "sms" && $0["state"] as? String == "sent" }
        }
        // A second restart finds nothing left to do: still one WhatsApp message and one SMS. A new
        // run's message going out shows the restarted workers have claimed everything due before it.
        journey.kill()
        try journey.start()
        let later = try await journey.trigger("deal.closed", to: Journey.person("crm-d", phone: "+6284444444444"))
        _ = try await journey.whatsappSent(run: later)
        #expect(journey.smsTo() == ["+6283333333333"])
        #expect(journey.whatsappRequests() == 2)
    }

    @Test("digest: five kudos in an hour → one email listing all five; the runs folded into it say so")
    func digest() async throws {
        let journey = try Journey(workflows: [
            "kudos.yml": """
                name: kudos
                on: kudos.given
                steps:
                  - digest: { window: 1h, send: { template: kudos-digest, channels: [email] } }
                """
        ])
        defer { journey.stop() }
        try journey.start()
        var runs: [String] = []
        for i in 1...5 {
            let data = #"{"program":"Kudos Awards","from":"Colleague \#(i)","message":"Thanks for help number \#(i)","points":\#(i * 10)}"#
            runs.append(try await journey.trigger("kudos.given", to: #"{"email":"dina@example.test","name":"Dina"}"#, data: data))
        }
        for run in runs.dropFirst() {
            let folded = try await journey.waitForRun(run) { $0["state"] as? String == "completed" }
            #expect(Journey.outcomes(folded) == ["digest:folded"], "\(folded)")
        }
        let owner = try await journey.waitForRun(runs[0]) { Journey.outcomes($0) == ["digest:waiting"] }
        #expect(owner["state"] as? String == "scheduled")
        #expect(journey.capture.count == 0)

        journey.advance(hours: 1.05)
        try await waitUntil("the digest email arrives") { journey.capture.count == 1 }
        let text = try Journey.text(of: journey.capture.message(1))
        for i in 1...5 { #expect(text.contains("Colleague \(i): “Thanks for help number \(i)” (+\(i * 10) points)"), "\(text)") }
        let sent = try await journey.waitForRun(runs[0]) { $0["state"] as? String == "completed" }
        #expect(Journey.outcomes(sent) == ["digest:waiting", "digest:sent"], "\(sent)")
        try await Task.sleep(for: .milliseconds(300))
        #expect(journey.capture.count == 1)
    }

    @Test("throttle: at most two per day; the third and fourth runs end throttled without a message")
    func throttle() async throws {
        let journey = try Journey(workflows: [
            "points.yml": """
                name: points
                on: points.earned
                steps:
                  - throttle: { limit: 2, per: 1d, then: skip }
                  - send: { template: reward-earned, channels: [email] }
                """
        ])
        defer { journey.stop() }
        try journey.start()
        var runs: [String] = []
        for _ in 1...4 {
            runs.append(try await journey.trigger("points.earned", to: #"{"id":"crm-e","email":"eko@example.test"}"#))
        }
        var outcomes: [[String]] = []
        for run in runs {
            outcomes.append(Journey.outcomes(try await journey.waitForRun(run) { $0["state"] as? String == "completed" }))
        }
        #expect(outcomes.filter { $0 == ["throttle:passed", "send:sent"] }.count == 2, "\(outcomes)")
        #expect(outcomes.filter { $0 == ["throttle:throttled"] }.count == 2, "\(outcomes)")
        try await waitUntil("two emails") { journey.capture.count == 2 }
        // A day later the limit has room again.
        journey.advance(hours: 24.1)
        let next = try await journey.trigger("points.earned", to: #"{"id":"crm-e","email":"eko@example.test"}"#)
        let passed = try await journey.waitForRun(next) { $0["state"] as? String == "completed" }
        #expect(Journey.outcomes(passed) == ["throttle:passed", "send:sent"])
        try await waitUntil("a third email") { journey.capture.count == 3 }
    }

    @Test("reminder: skipped for the reward redeemed first (by code), sent for the other")
    func reminderAfterRedemption() async throws {
        let journey = try Journey(workflows: [
            "expiring.yml": """
                name: expiring
                on: reward.issued
                steps:
                  - send: { template: reward-earned, channels: [email] }
                  - remind: { before: data.reward.expires_on, offset: 3d, template: reward-expiring, channels: [email], unless: redeemed }
                """
        ])
        defer { journey.stop() }
        try journey.start()
        let expires = Journey.day(offset: 5)
        func data(_ code: String) -> String {
            #"{"program":"Kudos Awards","reward":{"voucher":{"amount":50000,"currency":"IDR"},"code":"\#(code)","expires_on":"\#(expires)"}}"#
        }
        let redeemed = try await journey.trigger("reward.issued", to: #"{"email":"fitri@example.test"}"#, data: data("RW-AAAA"))
        let kept = try await journey.trigger("reward.issued", to: #"{"email":"gita@example.test"}"#, data: data("RW-BBBB"))
        _ = try await journey.waitForRun(redeemed) { Journey.outcomes($0) == ["send:sent", "remind:waiting"] }
        _ = try await journey.waitForRun(kept) { Journey.outcomes($0) == ["send:sent", "remind:waiting"] }
        let (status, body) = try await journey.post("/v1/events", #"{"event":"reward.redeemed","data":{"reward":{"code":"RW-AAAA"}}}"#)
        #expect(status == 202)
        #expect(body["redeemed_runs"] as? [String] == [redeemed])

        journey.advance(hours: 3 * 24)
        let skipped = try await journey.waitForRun(redeemed) { $0["state"] as? String == "completed" }
        #expect(Journey.outcomes(skipped) == ["send:sent", "remind:waiting", "remind:skipped"], "\(skipped)")
        let reminded = try await journey.waitForRun(kept) { $0["state"] as? String == "completed" }
        #expect(Journey.outcomes(reminded) == ["send:sent", "remind:waiting", "remind:sent"], "\(reminded)")
        try await waitUntil("two rewards and one reminder") { journey.capture.count == 3 }
        let subjects = try (1...3).map { ((try journey.capture.message($0)["headers"] as? [String: Any])?["Subject"] as? String) ?? "" }
        #expect(subjects.filter { $0.contains("expires") }.count == 1, "\(subjects)")
    }

    @Test("cancellation mid-journey: the delayed send never happens for the cancelled runs; others go on")
    func cancellation() async throws {
        let journey = try Journey(workflows: [
            "delayed.yml": """
                name: delayed
                on: deal.won
                steps:
                  - delay: { for: 1h }
                  - send: { template: reward-earned, channels: [email] }
                """
        ])
        defer { journey.stop() }
        try journey.start()
        let (status, body) = try await journey.post(
            "/v1/events",
            #"{"event":"deal.won","recipients":[{"email":"hana@example.test"},{"email":"indra@example.test"}],"data":\#(EmailEndToEndTests.rewardData),"cancellation_key":"deal-99"}"#)
        #expect(status == 202, "\(body)")
        let cancelled = (body["runs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(cancelled.count == 2)
        let other = try await journey.trigger("deal.won", to: #"{"email":"joko@example.test"}"#)
        for run in cancelled + [other] {
            _ = try await journey.waitForRun(run) { Journey.outcomes($0) == ["delay:waiting"] }
        }
        let (cancelStatus, result) = try await journey.post("/v1/events/cancel", #"{"cancellation_key":"deal-99"}"#)
        #expect(cancelStatus == 200)
        #expect(Set(result["cancelled_runs"] as? [String] ?? []) == Set(cancelled))
        journey.advance(hours: 2)
        _ = try await journey.waitForRun(other) { $0["state"] as? String == "completed" }
        try await waitUntil("the one email that was not cancelled") { journey.capture.count == 1 }
        for run in cancelled {
            let stopped = try await journey.run(run)
            #expect(stopped["state"] as? String == "cancelled")
            #expect(Journey.outcomes(stopped).first == "delay:waiting", "\(stopped)")
            #expect(Journey.outcomes(stopped).last?.hasSuffix(":cancelled") == true, "\(stopped)")
        }
        // Cancelling again changes nothing.
        let (_, again) = try await journey.post("/v1/events/cancel", #"{"cancellation_key":"deal-99"}"#)
        #expect((again["cancelled_runs"] as? [String])?.isEmpty == true)
        #expect(journey.capture.count == 1)
    }
}
