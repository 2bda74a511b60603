import AccoladeCore
import AccoladeCurl
import Foundation
import Logging
import Metrics
import Synchronization

/// WhatsApp through Meta's Business Cloud API: approved templates (with the message's QR code as
/// an image header) and, inside the 24-hour customer-service window, free text.
///
/// Per attempt: valid number? → suppressed (`skipped`)? → recipient held after a pair rate
/// limit? → window decision (free text when the user wrote within 24 h and the template has a
/// `whatsapp.txt` part, else the approved template) → token bucket → one POST over the shared
/// ``CurlMultiDriver``. The answer is classified by `error.code` (``WhatsAppResultClassifier``):
/// throttling slows the whole channel, a pair rate limit holds that recipient only, 131047 on
/// free text resends at once as the template, 131050 suppresses the number, 190 alerts; a refused
/// token or a rejected TLS certificate is `.misconfigured`, so the worker pauses the channel.
public struct WhatsAppChannel: Channel {
    /// Tuning.
    public struct Settings: Sendable, Hashable {
        /// Longest a delivery waits for a rate-limit token before handing back a retry.
        public var maxRateWait: TimeInterval
        /// How long a recipient is held after a pair rate limit (131056).
        public var pairDelay: Duration
        /// Uploaded media ids remembered per message (`media: upload`; Meta keeps media 30 days).
        public var mediaCacheCapacity: Int

        /// Creates settings.
        public init(maxRateWait: TimeInterval = 1, pairDelay: Duration = .seconds(6), mediaCacheCapacity: Int = 10_000) {
            self.maxRateWait = maxRateWait
            self.pairDelay = pairDelay
            self.mediaCacheCapacity = mediaCacheCapacity
        }
    }

    /// Always `.whatsapp`.
    public let kind: ChannelKind = .whatsapp
    /// `whatsapp`, recorded on attempts.
    public let providerName = WhatsAppResultClassifier.provider
    /// The channel configuration (secrets included: never print it, print its description).
    public let config: WhatsAppChannelConfig
    /// Tuning.
    public let settings: Settings
    /// The rate limiter and per-recipient holds (status output and tests).
    public let throttle: WhatsAppThrottle
    let qrSource: (any QRArtifactSource)?
    private let driver: CurlMultiDriver
    private let suppressions: (any SuppressionList)?
    private let inbound: (any InboundActivityLog)?
    private let clock: any WallClock
    private let logger: Logger
    private let mediaCache: WhatsAppMediaCache
    private let headers: [CurlHeader]
    private let messagesURL: String
    private let mediaURL: String

    /// Creates the channel.
    ///
    /// - Parameters:
    ///   - suppressions: checked before any call; 131050 and inbound STOP add to it (every `Store` is one).
    ///   - inbound: when each user last wrote (the window); without it only templates are sent.
    ///   - qrSource: the message's QR image for image headers (`channels.qr`).
    public init(
        config: WhatsAppChannelConfig, driver: CurlMultiDriver, settings: Settings = Settings(),
        suppressions: (any SuppressionList)? = nil, inbound: (any InboundActivityLog)? = nil, qrSource: (any QRArtifactSource)? = nil,
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) {
        self.config = config
        self.driver = driver
        self.settings = settings
        self.suppressions = suppressions
        self.inbound = inbound
        self.qrSource = qrSource
        self.clock = clock
        self.logger = logger
        throttle = WhatsAppThrottle(ratePerSecond: config.ratePerSecond, now: clock.now())
        mediaCache = WhatsAppMediaCache(capacity: settings.mediaCacheCapacity)
        messagesURL = config.messagesURL
        mediaURL = config.mediaURL
        headers = [
            CurlHeader("Authorization", "Bearer \(config.accessToken)"), CurlHeader("Content-Type", "application/json"),
            CurlHeader("Accept", "application/json"),
        ]
    }

    /// Makes one delivery attempt.
    public func deliver(_ request: DeliveryRequest) async throws(DeliveryError) -> DeliveryReceipt {
        try await DeliveryAttemptRecorder(channel: .whatsapp, logger: logger).measure(request, provider: providerName) { await attempt(request) }
    }

    private func attempt(_ request: DeliveryRequest) async -> Result<DeliveryReceipt, DeliveryError> {
        let to: String
        let template: WhatsAppTemplateMessage?
        let text: String?
        do {
            (to, template, text) = try outgoing(request)
        } catch {
            return .failure(DeliveryError(disposition: .permanent, provider: providerName, detail: error.description))
        }
        if let blocked = await request.suppressionFailure(on: .whatsapp, list: suppressions) { return .failure(blocked) }
        var lastInbound: Date?
        if text != nil, let inbound {
            // A failed read only costs the free-text option: the template is always allowed.
            lastInbound = try? await request.lastInbound.resolve(channel: .whatsapp, address: to, log: inbound)
        }
        switch WhatsAppWindow.plan(template: template, text: text, lastInbound: lastInbound, now: clock.now()) {
        case .refuse(let reason):
            return .failure(DeliveryError(disposition: .permanent, provider: providerName, code: "window", detail: reason))
        case .template(let t):
            return await send(.template(t), to: to, request: request, fallbackTemplate: nil)
        case .text(let body):
            return await send(.text(body), to: to, request: request, fallbackTemplate: template)
        }
    }

    /// Sends one plan; on 131047 for free text, resends the approved template at once.
    private func send(
        _ plan: WhatsAppWindow.Plan, to: String, request: DeliveryRequest, fallbackTemplate: WhatsAppTemplateMessage?
    ) async -> Result<DeliveryReceipt, DeliveryError> {
        switch clockedAdmit(to) {
        case .failure(let error): return .failure(error)
        case .success(let wait):
            if wait > 0 { try? await clock.sleep(for: .milliseconds(ofSeconds: wait, rounding: .up)) }
        }
        let body: JSONValue
        switch plan {
        case .text(let text):
            body = WhatsAppRequestBuilder.text(to: to, body: text)
        case .template(let template):
            var image: WhatsAppMediaReference?
            if template.header == .qrImage {
                switch await headerImage(to: to, request: request) {
                case .success(let reference): image = reference
                case .failure(let error): return .failure(error)
                }
            }
            body = WhatsAppRequestBuilder.template(to: to, template, image: image)
        case .refuse(let reason):
            return .failure(DeliveryError(disposition: .permanent, provider: providerName, detail: reason))
        }
        let result = await post(messagesURL, headers: headers, body: WhatsAppRequestBuilder.bytes(body))
        switch WhatsAppResultClassifier.classifySend(result, now: clock.now(), pairDelay: settings.pairDelay) {
        case .success(let accepted):
            let kind = if case .text = plan { "text" } else { "template" }
            return .success(DeliveryReceipt(
                provider: providerName, providerMessageID: accepted.wamid, code: "\(result.responseCode)",
                detail: "\(kind) \(accepted.status ?? "accepted")"))
        case .failure(let failure):
            if failure.action == .resendAsTemplate, case .text = plan, let fallbackTemplate {
                logger.info(
                    "free text refused outside the window; resending as the approved template",
                    metadata: ["delivery.id": "\(request.deliveryID)", "whatsapp.template": "\(fallbackTemplate.name)"])
                return await send(.template(fallbackTemplate), to: to, request: request, fallbackTemplate: nil)
            }
            return .failure(await apply(failure, to: to, request: request))
        }
    }

    /// Token bucket and recipient hold, turned into a wait or a retry for the worker.
    private func clockedAdmit(_ to: String) -> Result<TimeInterval, DeliveryError> {
        switch throttle.admit(recipient: to, now: clock.now(), maxWait: settings.maxRateWait) {
        case .go(let wait):
            return .success(wait)
        case .recipientHeld(let after):
            return .failure(DeliveryError(
                disposition: .retry(after: .milliseconds(ofSeconds: after, rounding: .up)), provider: providerName, code: "131056",
                detail: "recipient held after a pair rate limit (about one message per 6 s to the same user)"))
        case .channelBusy(let after):
            return .failure(DeliveryError(
                disposition: .rateLimited(after: .milliseconds(ofSeconds: after, rounding: .up)), provider: providerName,
                detail: "local rate limit (channels.whatsapp.rate_per_second = \(config.ratePerSecond))"))
        }
    }

    /// Carries out a failure's action and returns the error for the worker.
    private func apply(_ failure: WhatsAppFailure, to: String, request: DeliveryRequest) async -> DeliveryError {
        let now = clock.now()
        let metadata: Logger.Metadata = [
            "delivery.id": "\(request.deliveryID)", "channel": "whatsapp", "error.code": "\(failure.error.code ?? "")",
            "error.detail": "\(failure.error.detail)",
        ]
        switch failure.action {
        case .none, .resendAsTemplate:
            break
        case .throttleChannel, .alertAccount:
            let after: TimeInterval? = switch failure.error.disposition {
            case .rateLimited(let d?), .retry(let d?): d.seconds
            default: nil
            }
            throttle.backOff(now: now, retryAfter: after)
            Counter(label: "accolade_whatsapp_throttled_total", dimensions: [("code", failure.error.code ?? "")]).increment()
            if failure.action == .alertAccount {
                logger.critical("WhatsApp Business Account restricted or locked; the channel pauses", metadata: metadata)
            } else {
                logger.warning("Meta is throttling WhatsApp sends; slowing the channel down", metadata: metadata)
            }
        case .delayRecipient:
            throttle.hold(to, until: now.addingTimeInterval(settings.pairDelay.seconds), now: now)
        case .suppress:
            if let suppressions {
                let entry = Suppression(
                    channel: .whatsapp, address: to, reason: "whatsapp \(failure.error.code ?? ""): \(failure.error.detail)",
                    source: "provider:whatsapp", createdAt: now)
                do {
                    try await suppressions.suppress([entry])
                } catch {
                    logger.error("cannot add an opted-out number to the suppression list", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                }
            }
        case .alertToken:
            // The worker logs the pause itself at `critical`, once; this line is per attempt.
            logger.error("WhatsApp access token expired or invalid; renew channels.whatsapp.access_token — the channel pauses until it works", metadata: metadata)
            Counter(label: "accolade_whatsapp_token_errors_total").increment()
        }
        return failure.error
    }

    /// The QR image for an image header: its public link, or an uploaded media id (cached per message).
    private func headerImage(to: String, request: DeliveryRequest) async -> Result<WhatsAppMediaReference, DeliveryError> {
        let messageID = request.messageID
        guard let qrSource else {
            return .failure(DeliveryError(
                disposition: .permanent, provider: providerName,
                detail: "the template's WhatsApp header is the QR image but channels.qr is not configured — configure channels.qr"))
        }
        if config.media == .upload, let cached = mediaCache.get(messageID) { return .success(.id(cached)) }
        let artifact: QRArtifact
        do {
            artifact = try await qrSource.artifact(forMessage: messageID)
        } catch {
            return .failure(DeliveryError(disposition: .permanent, provider: providerName, code: "qr", detail: "cannot draw the QR header image: \(error)"))
        }
        guard config.media == .upload else { return .success(.link(artifact.pngURL)) }
        let boundary = "accolade-" + artifact.token.prefix(24).filter { $0.isLetter || $0.isNumber }
        let (body, contentType) = WhatsAppRequestBuilder.mediaUpload(png: artifact.png, boundary: boundary)
        let uploadHeaders = [CurlHeader("Authorization", "Bearer \(config.accessToken)"), CurlHeader("Content-Type", contentType)]
        let result = await post(mediaURL, headers: uploadHeaders, body: body)
        switch WhatsAppResultClassifier.classifyUpload(result, now: clock.now()) {
        case .success(let id):
            mediaCache.put(messageID, id)
            return .success(.id(id))
        case .failure(var failure):
            // An upload concerns the number's account, not the recipient: only throttling and alerts apply.
            if failure.action == .suppress || failure.action == .delayRecipient || failure.action == .resendAsTemplate {
                failure.action = .none
                if failure.error.disposition == .suppressed { failure.error.disposition = .permanent }
            }
            failure.error.detail = "media upload: " + failure.error.detail
            return .failure(await apply(failure, to: to, request: request))
        }
    }

    private func post(_ url: String, headers: [CurlHeader], body: [UInt8]) async -> CurlResult {
        let request: CurlHTTPRequest
        do {
            request = try CurlHTTPRequest(method: "POST", url: url, headers: headers, body: body)
        } catch {
            return CurlResult(curlCode: CurlResult.Code.urlMalformed, curlError: "cannot build the request: \(error)")
        }
        return await driver.perform(CurlTransfer(
            .http(request), connectTimeout: .milliseconds(ofSeconds: config.connectTimeout), timeout: .milliseconds(ofSeconds: config.timeout),
            caFile: config.caFile))
    }

}

/// Uploaded media ids by message, so retries and repeated sends of one message upload once.
final class WhatsAppMediaCache: Sendable {
    private let ids = Mutex<[String: String]>([:])
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func get(_ messageID: String) -> String? { ids.withLock { $0[messageID] } }

    func put(_ messageID: String, _ id: String) {
        ids.withLock { ids in
            // Media lives 30 days at Meta; a full table simply starts over (an upload is cheap).
            if ids.count >= capacity { ids.removeAll(keepingCapacity: true) }
            ids[messageID] = id
        }
    }
}
