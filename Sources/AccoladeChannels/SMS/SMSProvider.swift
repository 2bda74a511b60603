import AccoladeCore

/// One SMS gateway behind the SMS channel (Twilio, Kannel, a test double).
///
/// A provider makes exactly one request and classifies its outcome; failover, rate limiting
/// and circuit breaking are the channel's business.
public protocol SMSProvider: Sendable {
    /// The configured name recorded on attempts (`gateway`, `backup`).
    var name: String { get }
    /// Sends one message.
    func send(_ message: SMSOutgoing) async -> Result<DeliveryReceipt, SMSProviderFailure>
}

/// One SMS ready for a provider: validated number, text and its encoding.
public struct SMSOutgoing: Sendable, Hashable {
    /// The delivery being attempted (stable across retries; Kannel's DLR token is made from it).
    public var deliveryID: String
    /// E.164 recipient, e.g. `+6281234567890`.
    public var to: String
    /// The body.
    public var text: String
    /// Encoding, units and segments of ``text``.
    public var analysis: SMSAnalysis

    /// Creates a message; the analysis is computed when not given.
    public init(deliveryID: String, to: String, text: String, analysis: SMSAnalysis? = nil) {
        self.deliveryID = deliveryID
        self.to = to
        self.text = text
        self.analysis = analysis ?? SMSAnalysis(text)
    }
}

/// A classified provider failure plus what it says about the provider itself.
public struct SMSProviderFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Who is to blame, which decides whether the next provider is tried.
    public enum Scope: Sendable, Hashable {
        /// About this message or recipient (invalid number, opted out): no other provider can do
        /// better, so the channel stops and reports it.
        case message
        /// The provider is unwell (connection refused, 5xx, throttling, bad credentials): the next
        /// provider is tried and the failure counts towards this provider's circuit breaker.
        case provider
        /// This provider cannot take this message (not routable, sender refused), others may:
        /// the next provider is tried, the breaker is not charged.
        case route
    }

    /// The classified error (disposition, code, secret-free detail).
    public var error: DeliveryError
    /// Who is to blame.
    public var scope: Scope

    /// Creates a failure.
    public init(_ error: DeliveryError, scope: Scope) {
        self.error = error
        self.scope = scope
    }

    /// The error's description.
    public var description: String { error.description }
}
