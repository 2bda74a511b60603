import AccoladeCore
import Foundation
import Testing

@testable import AccoladeRuntime

@Suite struct ChannelPausesTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    func paused() -> ChannelPauses {
        var p = ChannelPauses()
        _ = p.misconfigured(.email, deliveryID: "d1", provider: "smtp", key: "channels.email.smtp.ca_file", reason: "curl:60", now: t0)
        return p
    }

    @Test func theFirstFaultPausesTheChannelAndLaterOnesInFlightChangeNothing() {
        var p = ChannelPauses()
        let change = p.misconfigured(.email, deliveryID: "d1", provider: "smtp", key: "k", reason: "curl:60", now: t0)
        guard case .paused(let pause) = change else { Issue.record("not paused: \(change)"); return }
        #expect(pause.nextProbeAt == at(5) && pause.configKey == "k")
        #expect(p.excluded == [.email] && p.nextProbe(.email) == at(5))
        #expect(p.misconfigured(.email, deliveryID: "d2", provider: "smtp", key: "k", reason: "curl:60", now: at(1)) == .unchanged)
        #expect(p.answered(.email, deliveryID: "d3", sent: false, now: at(1)) == .unchanged)  // an ordinary failure proves nothing
        #expect(p.nextProbe(.email) == at(5) && p.nextProbe(.sms) == nil)
    }

    @Test func failedProbesDoubleTheWaitUpToFiveMinutes() {
        var p = paused()
        var now = at(5)
        var waits: [TimeInterval] = []
        for i in 0..<10 {
            #expect(p.dueProbes(now: now) == [.email])
            p.probing(.email, deliveryID: "probe\(i)")
            #expect(p.dueProbes(now: now).isEmpty)  // one probe out at a time
            guard case .probeFailed(let pause) = p.misconfigured(.email, deliveryID: "probe\(i)", provider: "smtp", key: "k", reason: "r", now: now)
            else { Issue.record("probe \(i) did not fail"); return }
            waits.append(pause.wait)
            now = pause.nextProbeAt
        }
        #expect(waits == [10, 20, 40, 80, 160, 300, 300, 300, 300, 300])
    }

    @Test func aProbeThatGetsAnyOtherAnswerResumesTheChannel() {
        var p = paused()
        p.probing(.email, deliveryID: "probe")
        #expect(p.answered(.email, deliveryID: "probe", sent: false, now: at(7)) == .resumed(after: 7))
        #expect(p.excluded.isEmpty && p.dueProbes(now: at(100)).isEmpty)
    }

    @Test func anyDeliverySentResumesTheChannel() {
        var p = paused()
        #expect(p.answered(.email, deliveryID: "late", sent: true, now: at(2)) == .resumed(after: 2))
    }

    @Test func aProbeWithNothingToDeliverOrHandedBackWaitsAgain() {
        var p = paused()
        p.nothingToProbe(.email, now: at(5))
        #expect(p.dueProbes(now: at(9)).isEmpty && p.dueProbes(now: at(10)) == [.email])
        p.probing(.email, deliveryID: "expired-one")
        p.probeReturned(deliveryID: "expired-one")  // the message expired: no provider was asked
        #expect(p.dueProbes(now: at(10)) == [.email])
    }
}
