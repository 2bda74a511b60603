import AccoladeCore
@testable import AccoladeServer
import AccoladeTestSupport
import Foundation
import Testing

/// The stream's framing and resume point, without a connection.
@Suite("Inbox stream: events and resume point")
struct InboxStreamEventTests {
    @Test("an item is one event: id = sequence, one data line even when the title has line breaks")
    func itemFraming() {
        let json = JSONValue.object(["title": .string("line one\nid: 99\r\ndata: forged"), "sequence": .int(7)])
        let text = InboxStreamEvent.item(sequence: 7, json: json).text
        #expect(text.hasPrefix("id: 7\nevent: item\ndata: {"))
        #expect(text.hasSuffix("}\n\n"))
        // Exactly three lines and the blank one: nothing in the data can start a field of its own.
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 5)
        let block = SSETestClient.parse(String(text.dropLast(2)))
        #expect(block.id == "7")
        #expect(block.event == "item")
        #expect((try? block.json()["title"] as? String) == "line one\nid: 99\r\ndata: forged")
    }

    @Test("counts carry the badge numbers, the newest sequence and the version, and no id")
    func countsFraming() throws {
        let head = InboxHead(recipientKey: "crm-1", lastSequence: 12, version: 40, counts: InboxCounts(unread: 3, unseen: 1))
        let text = InboxStreamEvent.counts(head).text
        #expect(!text.contains("id:"))
        let block = SSETestClient.parse(String(text.dropLast(2)))
        #expect(block.event == "counts")
        let json = try block.json()
        #expect(json["unread_count"] as? Int == 3)
        #expect(json["unseen_count"] as? Int == 1)
        #expect(json["last_sequence"] as? Int == 12)
        #expect(json["version"] as? Int == 40)
        #expect(json["recipient_key"] == nil)
    }

    @Test("heartbeat is a comment, token-expired names the expiry, retry is spread over 2–8 s")
    func otherEvents() {
        #expect(InboxStreamEvent.heartbeat.text == ": heartbeat\n\n")
        let at = Date(timeIntervalSince1970: 1_796_000_000)
        #expect(InboxStreamEvent.tokenExpired(at: at).text == "event: token-expired\ndata: {\"expires_at\":\"\(ISOTime.format(at))\"}\n\n")
        var generator = SystemRandomNumberGenerator()
        var delays: Set<Int> = []
        for _ in 0..<200 {
            guard case .retry(let ms) = InboxStreamEvent.jitteredRetry(using: &generator) else { Issue.record("not a retry"); return }
            #expect((2_000...8_000).contains(ms))
            delays.insert(ms)
        }
        // Spread, not one value: 200 draws from 6,001 values are (almost surely) many different ones.
        #expect(delays.count > 100)
    }

    @Test("the resume point: header or query, header wins, anything but digits is a 422 naming it")
    func resume() throws {
        #expect(try InboxStreamResume.parse(header: nil, query: []) == nil)
        #expect(try InboxStreamResume.parse(header: nil, query: [("token", "x")]) == nil)
        #expect(try InboxStreamResume.parse(header: "12", query: []) == 12)
        #expect(try InboxStreamResume.parse(header: nil, query: [("last_event_id", "5")]) == 5)
        #expect(try InboxStreamResume.parse(header: "12", query: [("last_event_id", "5")]) == 12)
        for (header, query, field): (String?, [(String, String)], String) in [
            ("", [], "Last-Event-ID"), ("-1", [], "Last-Event-ID"), ("1e3", [], "Last-Event-ID"),
            ("1234567890123456789", [], "Last-Event-ID"), (nil, [("last_event_id", "abc")], "last_event_id"),
            (nil, [("last_event_id", "1"), ("last_event_id", "2")], "last_event_id"), (nil, [("status", "all")], "status"),
            ("3", [("last_event_id", "")], "last_event_id"),
        ] {
            do {
                _ = try InboxStreamResume.parse(header: header, query: query.map { (name: $0.0, value: $0.1) })
                Issue.record("accepted \(String(describing: header)) \(query)")
            } catch {
                #expect(error.status == .unprocessableContent)
                #expect(error.field == field)
            }
        }
    }
}
