import AccoladeCore
import Foundation
import Logging
import Metrics

/// SMS through an ordered list of providers with failover, a circuit breaker and a rate limiter
/// per provider, and a suppression list checked before any provider is called.
///
/// Per attempt: validate number and size → suppressed? (`skipped`) → for each provider in
/// order that is not paused, whose circuit is closed (or due a probe) and whose bucket has a
/// token: send. A message problem (invalid number, opted out) ends the attempt at once; a provider
/// problem (down, 5xx, throttling) or a route problem (not routable there) moves on to the next
/// provider. A misconfigured provider (credentials refused, certificate rejected) is paused —
/// 30 s doubling to 5 min, then probed — and the next provider takes over. When every provider
/// failed or was skipped the worker gets one combined error: retry or rate-limited while any
/// provider may recover, misconfigured when only providers waiting for a configuration fix could
/// take the message, permanent when all refused for good.
public struct SMSChannel: Channel {
    /// Tuning shared by every provider of the channel.
    public struct Settings: Sendable, Hashable {
        /// Longest message accepted, in segments (`channels.sms.max_segments`).
        public var maxSegments: Int
        /// Circuit breaker tuning.
        public var breaker: CircuitBreaker.Settings
        /// Longest a delivery waits for a rate-limit token before trying the next provider.
        public var maxRateWait: TimeInterval
        /// How long a misconfigured provider is left alone before a probe.
        public var pause: SMSProviderPause.Settings

        /// Creates settings.
        public init(
            maxSegments: Int = 6, breaker: CircuitBreaker.Settings = .init(), maxRateWait: TimeInterval = 1, pause: SMSProviderPause.Settings = .init()
        ) {
            self.maxSegments = maxSegments
            self.breaker = breaker
            self.maxRateWait = maxRateWait
            self.pause = pause
        }
    }

    /// A provider with its local rate limit.
    public struct ProviderSlot: Sendable {
        /// The provider.
        public var provider: any SMSProvider
        /// Messages per second, nil for no local limit.
        public var ratePerSecond: Double?

        /// Creates a slot.
        public init(_ provider: any SMSProvider, ratePerSecond: Double? = nil) {
            self.provider = provider
            self.ratePerSecond = ratePerSecond
        }
    }

    /// Always `.sms`.
    public let kind: ChannelKind = .sms
    /// The providers' names in failover order, e.g. `gateway,backup` (attempts record the one used).
    public let providerName: String
    /// Tuning.
    public let settings: Settings
    let slots: [(provider: any SMSProvider, gate: SMSProviderGate)]
    private let suppressions: (any SuppressionList)?
    private let clock: any WallClock
    private let logger: Logger

    /// Creates the channel.
    ///
    /// - Throws: ``ConfigError`` at `channels.sms.providers` when `providers` is empty.
    public init(
        providers: [ProviderSlot], settings: Settings = Settings(), suppressions: (any SuppressionList)? = nil,
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) throws(ConfigError) {
        guard !providers.isEmpty else {
            throw ConfigError(
                path: "channels.sms.providers",
                reason: "no usable provider: list at least one with its credentials set, or remove channels.sms to turn SMS off")
        }
        let now = clock.now()
        slots = providers.map { ($0.provider, SMSProviderGate(breaker: settings.breaker, ratePerSecond: $0.ratePerSecond, now: now, pause: settings.pause)) }
        providerName = providers.map(\.provider.name).joined(separator: ",")
        self.settings = settings
        self.suppressions = suppressions
        self.clock = clock
        self.logger = logger
    }

    /// The gate of a provider, by name (status output and tests).
    public func gate(named name: String) -> SMSProviderGate? {
        slots.first { $0.provider.name == name }?.gate
    }

    /// Providers paused because their configuration is refused, with the key to fix (status output).
    public var pausedProviders: [(name: String, key: String)] {
        slots.compactMap { slot in slot.gate.pausedKey.map { (slot.provider.name, $0) } }
    }

    /// Makes one delivery attempt through the providers in order.
    public func deliver(_ request: DeliveryRequest) async throws(DeliveryError) -> DeliveryReceipt {
        try await DeliveryAttemptRecorder(channel: .sms, logger: logger).measure(request) { await attempt(request) }
    }

    private func attempt(_ request: DeliveryRequest) async -> Result<DeliveryReceipt, DeliveryError> {
        let message: SMSOutgoing
        do {
            message = try outgoing(request)
        } catch {
            return .failure(DeliveryError(disposition: .permanent, provider: providerName, detail: error.description))
        }
        if let blocked = await request.suppressionFailure(on: .sms, list: suppressions) { return .failure(blocked) }
        var failures: [SMSProviderFailure] = []
        var skipped: [SkippedProvider] = []
        for (provider, gate) in slots {
            switch gate.admit(now: clock.now(), maxWait: settings.maxRateWait) {
            case .skip(let retryAt, let reason):
                skipped.append(SkippedProvider(name: provider.name, retryAt: retryAt, reason: reason))
                continue
            case .paused(let retryAt, let key):
                skipped.append(SkippedProvider(name: provider.name, retryAt: retryAt, reason: "paused: fix \(key)", misconfiguredKey: key))
                continue
            case .go(let wait, let probe):
                if wait > 0 { try? await clock.sleep(for: .milliseconds(ofSeconds: wait, rounding: .up)) }
                if probe { logger.info("probing SMS provider after a pause or an open circuit", metadata: ["provider": "\(provider.name)"]) }
            }
            let result = await provider.send(message)
            switch result {
            case .success(var receipt):
                report(gate.record(.success(()), now: clock.now()), provider: provider.name, error: nil)
                // Billed per segment: the count Accolade encoded (Kannel gets exactly these parts;
                // Twilio splits the same text the same way).
                receipt.units = receipt.units ?? message.analysis.segments
                return .success(receipt)
            case .failure(let failure):
                report(gate.record(.failure(failure), now: clock.now()), provider: provider.name, error: failure.error)
                if failure.scope == .message {
                    if failure.error.disposition == .suppressed, let suppressions {
                        let reason = "\(provider.name) \(failure.error.code ?? ""): \(failure.error.detail)"
                        let entry = Suppression(channel: .sms, address: message.to, reason: reason, source: "provider:\(provider.name)", createdAt: clock.now())
                        do {
                            try await suppressions.suppress([entry])
                        } catch {
                            logger.error("cannot add an opted-out number to the suppression list", metadata: ["provider": "\(provider.name)", "error": "\(error)"])
                        }
                    }
                    return .failure(failure.error)
                }
                failures.append(failure)
                if provider.name != slots.last?.provider.name {
                    Counter(label: "accolade_sms_failovers_total", dimensions: [("provider", provider.name)]).increment()
                    logger.notice("SMS provider failed, trying the next one", metadata: [
                        "delivery.id": "\(request.deliveryID)", "provider": "\(provider.name)", "error.detail": "\(failure.error.description)",
                    ])
                }
            }
        }
        return .failure(Self.combine(failures: failures, skipped: skipped, now: clock.now(), channel: providerName))
    }

    /// Logs and counts what an answer changed in a provider's gate.
    private func report(_ event: SMSProviderGate.Event, provider: String, error: DeliveryError?) {
        let metadata: Logger.Metadata = ["provider": "\(provider)", "error.detail": "\(error?.description ?? "")"]
        switch event {
        case .none:
            break
        case .circuitOpened:
            logger.warning("SMS provider circuit opened", metadata: metadata)
            Counter(label: "accolade_sms_circuit_opened_total", dimensions: [("provider", provider)]).increment()
        case .paused(let key):
            // Once per pause, not per delivery: the other providers carry the traffic meanwhile.
            logger.critical(
                "SMS provider paused: its configuration is refused; fix \(key) — other providers take its messages, it is probed until it works",
                metadata: metadata.merging(["config.key": "\(key)"]) { $1 })
            Counter(label: "accolade_sms_provider_paused_total", dimensions: [("provider", provider)]).increment()
        case .resumed:
            logger.notice("SMS provider works again; pause ended", metadata: ["provider": "\(provider)"])
        }
    }

    /// A provider the attempt did not call.
    struct SkippedProvider: Sendable {
        var name: String
        var retryAt: Date
        var reason: String
        /// Set when the provider is paused for a configuration fault: the key to fix.
        var misconfiguredKey: String? = nil
    }

    /// One error for the worker when no provider accepted the message.
    ///
    /// Transient trouble anywhere (a failure to retry, a circuit open, a rate limit) means retry.
    /// Otherwise, when a misconfigured provider (failed or paused) is among them, the message waits
    /// for that fix: `.misconfigured` naming every key to fix, never a permanent failure, since
    /// the provider would take it once fixed. Only when every provider refused for good is it permanent.
    static func combine(failures: [SMSProviderFailure], skipped: [SkippedProvider], now: Date, channel: String) -> DeliveryError {
        var parts = failures.map(\.error.description)
        parts += skipped.map { "\($0.name): skipped (\($0.reason) until \(ISOTime.format($0.retryAt)))" }
        let detail = "no provider accepted the message: " + parts.joined(separator: "; ")
        let last = failures.last?.error
        let provider = last?.provider ?? skipped.last?.name ?? channel
        let waiting = skipped.filter { $0.misconfiguredKey == nil }
        let earliestSkip = waiting.map { max(0, $0.retryAt.timeIntervalSince(now)) }.min().map { Duration.milliseconds(ofSeconds: $0) }
        var misconfiguredKeys: [String] = []
        for key in failures.compactMap(\.error.misconfiguredKey) + skipped.compactMap(\.misconfiguredKey) where !misconfiguredKeys.contains(key) {
            misconfiguredKeys.append(key)
        }
        let transient = failures.filter {
            switch $0.error.disposition {
            case .retry, .rateLimited: true
            case .permanent, .suppressed, .misconfigured: false
            }
        }
        if transient.isEmpty && waiting.isEmpty {
            if !misconfiguredKeys.isEmpty {
                let misconfigured = failures.last { $0.error.misconfiguredKey != nil }?.error
                let name = misconfigured?.provider ?? skipped.last { $0.misconfiguredKey != nil }?.name ?? provider
                return DeliveryError(
                    disposition: .misconfigured(key: misconfiguredKeys.joined(separator: ", ")), provider: name, code: misconfigured?.code, detail: detail)
            }
            return DeliveryError(disposition: .permanent, provider: provider, code: last?.code, detail: detail)
        }
        var afters: [Duration] = earliestSkip.map { [$0] } ?? []
        var throttled = waiting.contains { $0.reason == "rate limit" }
        for failure in transient {
            switch failure.error.disposition {
            case .rateLimited(let after):
                throttled = true
                if let after { afters.append(after) }
            case .retry(let after):
                if let after { afters.append(after) }
            default: break
            }
        }
        // The soonest moment any provider may take the message again.
        let after = afters.min()
        let disposition: DeliveryDisposition = throttled && transient.allSatisfy({ if case .rateLimited = $0.error.disposition { true } else { false } })
            ? .rateLimited(after: after) : .retry(after: after)
        return DeliveryError(disposition: disposition, provider: provider, code: last?.code, detail: detail)
    }
}
