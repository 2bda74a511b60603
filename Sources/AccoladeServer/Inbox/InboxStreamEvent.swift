import AccoladeCore
import Foundation

/// One piece of the inbox stream's Server-Sent Events body (WHATWG HTML §9.2), framed as text.
///
/// The framing is pure so it is tested without a connection. Every data payload is one line of
/// JSON: `JSONValue` escapes line breaks inside strings, so a title can never end an event early
/// or smuggle an `id:` line in.
enum InboxStreamEvent: Sendable, Equatable {
    /// The reconnect delay an `EventSource` should use, in milliseconds.
    case retry(milliseconds: Int)
    /// An item, with its per-recipient sequence as the event id (the resume point).
    case item(sequence: Int64, json: JSONValue)
    /// The feed's badge numbers; no `id:` line, so it does not move the resume point.
    case counts(InboxHead)
    /// A comment line: keeps proxies and the client's dead-connection detection quiet.
    case heartbeat
    /// The token passed its `exp`; the server ends the stream after this.
    case tokenExpired(at: Date)

    /// The event's bytes, ending with the blank line that dispatches it.
    var text: String {
        switch self {
        case .retry(let milliseconds):
            return "retry: \(milliseconds)\n\n"
        case .item(let sequence, let json):
            return "id: \(sequence)\nevent: item\ndata: \(Self.line(json))\n\n"
        case .counts(let head):
            let data = JSONValue.object([
                "unread_count": .int(Int64(head.counts.unread)),
                "unseen_count": .int(Int64(head.counts.unseen)),
                "last_sequence": .int(head.lastSequence),
                "version": .int(head.version),
            ])
            return "event: counts\ndata: \(Self.line(data))\n\n"
        case .heartbeat:
            return ": heartbeat\n\n"
        case .tokenExpired(let at):
            return "event: token-expired\ndata: \(Self.line(.object(["expires_at": .string(ISOTime.format(at))])))\n\n"
        }
    }

    /// JSON on one line (the writer escapes CR and LF inside strings, as JSON requires).
    private static func line(_ json: JSONValue) -> String {
        String(decoding: (try? json.jsonBytes()) ?? Array("null".utf8), as: UTF8.self)
    }

    /// A reconnect delay spread over `range` (2–8 s by default), drawn per connection so the
    /// clients a restart disconnects come back over seconds instead of in one burst.
    static func jitteredRetry(in range: ClosedRange<Int> = 2_000...8_000, using generator: inout some RandomNumberGenerator) -> InboxStreamEvent {
        .retry(milliseconds: Int.random(in: range, using: &generator))
    }
}
