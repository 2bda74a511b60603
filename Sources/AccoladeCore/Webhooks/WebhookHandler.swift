import Foundation

/// A provider callback as it arrived, with everything a signature check needs: the raw body
/// byte for byte, the headers, and the URL the provider called (built from `server.public_url`,
/// since a proxy in front of Accolade may change the host the server itself sees).
public struct WebhookRequest: Sendable {
    /// `GET` or `POST`.
    public var method: String
    /// The provider segment of `/v1/webhooks/{provider}[/{event}]`.
    public var provider: String
    /// The optional event segment (`status`, `dlr`, `inbound` …), empty when absent.
    public var event: String
    /// Query parameters in arrival order, percent-decoded.
    public var query: [(name: String, value: String)]
    /// Header fields with lower-cased names; repeated fields joined with ", ".
    public var headers: [String: String]
    /// The body exactly as received.
    public var body: [UInt8]
    /// `public_url` + path + the raw query string, as the provider signed it.
    public var publicURL: String

    /// Creates a request.
    public init(
        method: String, provider: String, event: String, query: [(name: String, value: String)],
        headers: [String: String], body: [UInt8], publicURL: String
    ) {
        self.method = method
        self.provider = provider
        self.event = event
        self.query = query
        self.headers = headers
        self.body = body
        self.publicURL = publicURL
    }

    /// The first query parameter with this name.
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
}

/// What to answer the provider.
public struct WebhookResponse: Sendable, Hashable {
    /// HTTP status.
    public var status: Int
    /// `Content-Type` of `body`.
    public var contentType: String
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: [UInt8] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// `200` with a short text body, what most providers expect.
    public static func ok(_ text: String = "ok") -> WebhookResponse { WebhookResponse(status: 200, body: Array(text.utf8)) }
}

/// One provider's webhook endpoint (`/v1/webhooks/{provider}`): verifies the provider's
/// signature or token itself, then records what it reports.
///
/// Handlers are registered by the composition root; the HTTP server only routes and hands over
/// the raw request, so each channel keeps its provider's rules in one place.
public protocol WebhookHandler: Sendable {
    /// The `{provider}` path segment this handler answers (`twilio`, `kannel`, `whatsapp`).
    var provider: String { get }
    /// Handles one callback. Throw ``WebhookRejection`` to refuse it with a status.
    func handle(_ request: WebhookRequest) async throws -> WebhookResponse
}

/// A refused callback: bad signature (`401`/`403`), unknown token (`404`), malformed body (`400`).
public struct WebhookRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// HTTP status to answer.
    public var status: Int
    /// Why, for the log and the problem body (never echoes secrets).
    public var reason: String

    /// Creates a rejection.
    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    /// The reason.
    public var description: String { reason }
}
