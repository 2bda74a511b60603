import AccoladeChannels
import AccoladeCore
import Foundation
import Testing

/// Form encoding, E.164, Retry-After and opt-out keywords.
struct SMSEncodingHelpersTests {
    @Test func formEncodingMatchesBrowsersAndRoundTrips() {
        #expect(FormURLEncoding.encode("a b+c&d=é€😀*-._~") == "a+b%2Bc%26d%3D%C3%A9%E2%82%AC%F0%9F%98%80*-._%7E")
        #expect(FormURLEncoding.encode([("To", "+62 81"), ("Body", "x=y")]) == "To=%2B62+81&Body=x%3Dy")
        let text = "Halo Jürgen, 50,00 € [ok] {x} ~ 😀 \n line"
        #expect(FormURLEncoding.decode(FormURLEncoding.encode([("Body", text), ("k", "")])).map { [$0.0, $0.1] } == [["Body", text], ["k", ""]])
        #expect(FormURLEncoding.decodeComponent("100%+sure%2") == "100% sure%2")
        #expect(FormURLEncoding.decode("a&b=1&&c=%20").map { [$0.0, $0.1] } == [["a", ""], ["b", "1"], ["c", " "]])
    }

    @Test func e164() {
        for good in ["+6281234567890", "+15551234567", "+4915112345678", "+1234567"] { #expect(E164.isValid(good), "\(good)") }
        for bad in ["6281234567890", "+0812345678", "+62 812 3456", "+123456", "+1234567890123456", "+62812345678a", "", "+", "+６２８１２３４５６７"] {
            #expect(!E164.isValid(bad), "\(bad)")
        }
    }

    @Test func retryAfterSecondsAndHTTPDate() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.parse("7", now: now) == 7)
        #expect(RetryAfter.parse(" 0 ", now: now) == 0)
        #expect(RetryAfter.parse("99999", now: now) == RetryAfter.maximum)
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:50:07 GMT", now: now) == 30)
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == 0)
        #expect(RetryAfter.parse("-3", now: now) == nil)
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse(nil, now: now) == nil)
    }

    @Test func optOutKeywordsAreSingleWordsCaseInsensitive() {
        for stop in ["STOP", "stop", " Stop. ", "unsubscribe", "Cancel!", "END", "quit", "STOPALL", "OptOut", "revoke"] {
            #expect(OptOutKeywords.action(for: stop) == .optOut, "\(stop)")
        }
        for start in ["START", "yes", "Unstop"] { #expect(OptOutKeywords.action(for: start) == .optIn, "\(start)") }
        for help in ["HELP", "info?"] { #expect(OptOutKeywords.action(for: help) == .help, "\(help)") }
        for other in ["please stop texting me", "STOP NOW", "", "   ", "stopp", "thanks", "S T O P"] {
            #expect(OptOutKeywords.action(for: other) == nil, "\(other)")
        }
    }

    @Test func inboundMessagesFromTwilioAndKannel() throws {
        let twilio = try InboundMessage.twilio(form: [("From", "+6281234567890"), ("To", "+15005550006"), ("Body", "Stop")])
        #expect(twilio == InboundMessage(from: "+6281234567890", body: "Stop"))
        #expect(twilio.action == .optOut)
        let kannel = try InboundMessage.kannel(query: [("from", "006281234567890"), ("to", "12345"), ("text", "start")])
        #expect(kannel.from == "+6281234567890")
        #expect(kannel.action == .optIn)
        #expect(throws: WebhookRejection.self) { try InboundMessage.twilio(form: [("Body", "STOP")]) }
        #expect(throws: WebhookRejection.self) { try InboundMessage.kannel(query: [("from", "hello"), ("text", "STOP")]) }
    }

    @Test func suppressionListKeepsFirstReason() async throws {
        let list = InMemorySuppressionList()
        let at = Date(timeIntervalSince1970: 0)
        #expect(try await list.suppress([Suppression(channel: .sms, address: "+6281234567890", reason: "replied STOP", source: "cli", createdAt: at)]) == 1)
        #expect(try await list.suppress([Suppression(channel: .sms, address: "+6281234567890", reason: "twilio 21610", source: "cli", createdAt: at)]) == 0)
        #expect(try await list.suppression(channel: .sms, address: "+6281234567890")?.reason == "replied STOP")
        #expect(try await list.suppression(channel: .whatsapp, address: "+6281234567890") == nil)
        #expect(try await list.unsuppress(channel: .sms, address: "+6281234567890"))
        #expect(try await list.suppression(channel: .sms, address: "+6281234567890") == nil)
    }
}
