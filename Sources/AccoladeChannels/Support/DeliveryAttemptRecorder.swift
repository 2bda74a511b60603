import AccoladeCore
import Logging
import Metrics

/// Logs and counts one channel attempt the same way for every channel: a debug line on success,
/// a notice with the error on failure, `accolade_deliveries_total{channel,provider,outcome}` and
/// `accolade_delivery_attempt_duration_seconds{channel,provider}`.
struct DeliveryAttemptRecorder: Sendable {
    /// The channel being recorded.
    let channel: ChannelKind
    let logger: Logger

    /// Times `attempt`, records its outcome and returns it (every channel's `deliver`).
    func measure(
        _ request: DeliveryRequest, provider: String? = nil, _ attempt: () async -> Result<DeliveryReceipt, DeliveryError>
    ) async throws(DeliveryError) -> DeliveryReceipt {
        let started = ContinuousClock.now
        let outcome = await attempt()
        record(outcome, request: request, elapsed: ContinuousClock.now - started, provider: provider)
        return try outcome.get()
    }

    /// Records `outcome`; `provider` defaults to the one the receipt or error names.
    func record(
        _ outcome: Result<DeliveryReceipt, DeliveryError>, request: DeliveryRequest, elapsed: Duration, provider: String? = nil
    ) {
        func metadata(_ provider: String) -> Logger.Metadata {
            ["delivery.id": "\(request.deliveryID)", "delivery.attempt": "\(request.attempt)", "channel": "\(channel)", "provider": "\(provider)"]
        }
        let label: String
        let used: String
        switch outcome {
        case .success(let receipt):
            label = "sent"
            used = provider ?? receipt.provider
            // The success line is debug: skip building its metadata on the hot path otherwise.
            if logger.logLevel <= .debug {
                var m = metadata(used)
                m["provider.message_id"] = "\(receipt.providerMessageID ?? "")"
                m["provider.code"] = "\(receipt.code ?? "")"
                logger.debug("\(channel) accepted", metadata: m)
            }
        case .failure(let error):
            label = Self.label(error.disposition)
            used = provider ?? error.provider
            var m = metadata(used)
            m["error.code"] = "\(error.code ?? "")"
            m["error.detail"] = "\(error.detail)"
            logger.notice("\(channel) attempt failed", metadata: m)
        }
        Counter(label: "accolade_deliveries_total", dimensions: [("channel", channel.rawValue), ("provider", used), ("outcome", label)]).increment()
        Metrics.Timer(label: "accolade_delivery_attempt_duration_seconds", dimensions: [("channel", channel.rawValue), ("provider", used)])
            .recordNanoseconds(elapsed.nanoseconds)
    }

    /// The metric label of a failed attempt's disposition.
    static func label(_ disposition: DeliveryDisposition) -> String {
        switch disposition {
        case .retry: "retry"
        case .rateLimited: "rate_limited"
        case .permanent: "failed"
        case .suppressed: "suppressed"
        case .misconfigured: "paused"
        }
    }
}
