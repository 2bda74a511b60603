import AccoladeCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle

extension APIServer {
    /// `Retry-After` of a stream refused at `channels.inbox.max_streams`, spread so the refused
    /// clients do not come back together.
    static let streamsFullRetryAfter = 5...15

    /// `GET /v1/inbox/stream`: the recipient's feed as Server-Sent Events (see ``InboxStreamEvent``
    /// for the events and ``InboxStreamSession`` for why nothing is lost or repeated).
    ///
    /// Everything that can fail is checked before the `200`: the token (middleware), the resume
    /// point (`422`), the stream limit and the first store read (`503` with `Retry-After`). An
    /// `EventSource` does not reconnect after an error answer, so these never cause a storm; the
    /// widget backs off itself.
    func addInboxStreamRoute(to feed: RouterGroup<InboxRequestContext>) {
        guard let hub = inboxStreams else { return }
        feed.get("stream") { request, context in
            let recipient = try context.recipient()
            guard let expiresAt = context.claims?.expiresAt else { throw Problem.malformed("no token") }
            let resume = try InboxStreamResume.parse(
                header: request.headers[Self.lastEventID],
                query: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
            let subscription: InboxStreamHub.Subscription
            do throws(InboxStreamHub.Full) {
                subscription = try hub.open(recipientKey: recipient, expiresAt: expiresAt)
            } catch {
                let seconds = Int.random(in: Self.streamsFullRetryAfter)
                throw Problem(
                    .serviceUnavailable, kind: "too-many-streams", title: "Too many streams",
                    detail: "this server has \(error.limit) inbox streams open (channels.inbox.max_streams); retry in \(seconds) s",
                    headers: [.retryAfter: String(seconds)])
            }
            var session = InboxStreamSession(feed: self.deps.store, recipientKey: recipient, publicURL: self.deps.config.publicURL)
            let first: [InboxStreamEvent]
            do {
                first = try await self.storeWork("open an inbox stream") { try await session.start(resumingAfter: resume) }
            } catch {
                hub.close(subscription.id)
                throw error
            }
            var generator = SystemRandomNumberGenerator()
            let opening = [InboxStreamEvent.jitteredRetry(using: &generator)] + first
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/event-stream; charset=utf-8", .cacheControl: "private, no-store",
                    Self.accelBuffering: "no",
                ],
                body: ResponseBody { [session] writer in
                    var session = session
                    defer { hub.close(subscription.id) }
                    try await withGracefulShutdownHandler {
                        try await self.stream(opening, subscription: subscription, session: &session, expiresAt: expiresAt, to: &writer)
                    } onGracefulShutdown: {
                        hub.finish(subscription.id)
                    }
                    try await writer.finish(nil)
                })
        }
    }

    /// Writes the opening events, then whatever each wake calls for, until the client goes away
    /// (a write throws), the token expires, the server shuts down or the store fails (the client
    /// reconnects after its `retry:` delay and resumes from its `Last-Event-ID`).
    private func stream(
        _ opening: [InboxStreamEvent], subscription: InboxStreamHub.Subscription, session: inout InboxStreamSession,
        expiresAt: Date, to writer: inout any ResponseBodyWriter
    ) async throws {
        try await writer.write(Self.bytes(opening))
        if session.behind { guard try await catchUp(&session, to: &writer) else { return } }
        for await wake in subscription.wakes {
            switch wake {
            case .heartbeat:
                try await writer.write(Self.bytes([.heartbeat]))
            case .expired:
                try await writer.write(Self.bytes([.tokenExpired(at: expiresAt)]))
                return
            case .look:
                guard try await catchUp(&session, to: &writer) else { return }
            }
        }
    }

    /// Writes what the feed has beyond the session's position; false when the store failed (the
    /// stream ends, the client resumes from its last id after its `retry:` delay).
    private func catchUp(_ session: inout InboxStreamSession, to writer: inout any ResponseBodyWriter) async throws -> Bool {
        repeat {
            let events: [InboxStreamEvent]
            do {
                events = try await session.catchUp()
            } catch let error where !(error is CancellationError) {
                deps.logger.warning("inbox stream ended: the store did not answer", metadata: ["error": "\(error)"])
                return false
            }
            if !events.isEmpty { try await writer.write(Self.bytes(events)) }
        } while session.behind
        return true
    }

    private static func bytes(_ events: [InboxStreamEvent]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for event in events { buffer.writeString(event.text) }
        return buffer
    }

    /// The stream route's path: its requests are answered in a child task (``LongResponseResponder``).
    static let inboxStreamPath = "/v1/inbox/stream"
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    static let accelBuffering = HTTPField.Name("X-Accel-Buffering")!
}
