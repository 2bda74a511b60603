import AccoladeCore
import AccoladeCurl
import Foundation
import Logging
import Metrics

/// Email over SMTP through the shared ``CurlMultiDriver``: one message to exactly one recipient
/// per attempt, on pooled keep-alive connections.
///
/// When the HTML references `cid:qr@accolade` (``QRInline/contentID``), the message's QR code is
/// drawn (or found) through the ``QRArtifactSource`` and attached inline as `qr.png`, so the image
/// always exists before the email that shows it is sent.
public struct SMTPEmailChannel: Channel {
    /// Always `.email`.
    public let kind: ChannelKind = .email
    /// The provider name recorded on attempts (default `smtp`).
    public let providerName: String
    /// The configuration this channel was built from (password masked when printed).
    public let config: EmailChannelConfig
    private let sender: EmailAddress
    private let replyTo: EmailAddress?
    private let driver: CurlMultiDriver
    private let logger: Logger
    private let composer = MIMEComposer()
    private let qrSource: (any QRArtifactSource)?
    private let suppressions: (any SuppressionList)?
    private let preferenceLinks: PreferenceLinks?

    /// Creates the channel; throws when the configuration is invalid (the error names the key).
    ///
    /// - Parameter qrSource: where inline QR codes come from; nil makes a `cid:qr@accolade`
    ///   reference a permanent failure (configure `channels.qr`).
    /// - Parameter suppressions: addresses (lower-cased) that must not be mailed; checked before
    ///   composing, a suppressed recipient's delivery ends `skipped`.
    /// - Parameter preferenceLinks: adds `List-Unsubscribe` (and, over https, RFC 8058's
    ///   `List-Unsubscribe-Post`) to every email of a category one may opt out of.
    public init(
        config: EmailChannelConfig, driver: CurlMultiDriver, logger: Logger, providerName: String = "smtp",
        qrSource: (any QRArtifactSource)? = nil, suppressions: (any SuppressionList)? = nil, preferenceLinks: PreferenceLinks? = nil
    ) throws(ValidationError) {
        self.preferenceLinks = preferenceLinks
        sender = try config.validated()
        replyTo = try config.replyToAddress()
        self.qrSource = qrSource
        self.suppressions = suppressions
        self.config = config
        self.driver = driver
        self.logger = logger
        self.providerName = providerName
        if config.sendsCredentialsInClear {
            logger.warning("SMTP credentials will be sent without TLS; set smtp.starttls to required", metadata: ["smtp.url": "\(config.url)"])
        }
    }

    /// Checks that the recipient has a valid email address and a one-line name.
    public func validate(recipient: Recipient) throws(ValidationError) {
        guard let email = recipient.email else {
            throw ValidationError(field: "to.email", reason: "is missing; the email channel needs an address")
        }
        try EmailAddress.validate(email, field: "to.email")
        if let name = recipient.name, EmailAddress.containsLineBreakOrNUL(name) {
            throw ValidationError(field: "to.name", reason: "contains a line break or NUL; give the name on one line")
        }
    }

    /// Composes and sends one message; see ``SMTPResultClassifier`` for how failures are classified.
    public func deliver(_ request: DeliveryRequest) async throws(DeliveryError) -> DeliveryReceipt {
        try await DeliveryAttemptRecorder(channel: .email, logger: logger).measure(request, provider: providerName) { await attempt(request) }
    }

    private func attempt(_ request: DeliveryRequest) async -> Result<DeliveryReceipt, DeliveryError> {
        guard case .email(let email) = request.content else {
            return .failure(permanent("content is not an email; route this delivery to the email channel only with email templates"))
        }
        if let blocked = await request.suppressionFailure(on: .email, list: suppressions) { return .failure(blocked) }
        let images: [InlineImage]
        switch await inlineImages(for: email, messageID: request.messageID) {
        case .success(let found): images = found
        case .failure(let error): return .failure(error)
        }
        let payload: [UInt8]
        let recipient: EmailAddress
        do {
            try validate(recipient: request.recipient)
            recipient = try EmailAddress(address: request.recipient.email ?? "", displayName: request.recipient.name, field: "to")
            payload = try composer.compose(
                email, from: sender, to: recipient, replyTo: replyTo, date: request.createdAt,
                messageID: MIMEComposer.messageID(deliveryID: request.deliveryID, from: sender), inlineImages: images,
                extraHeaders: request.recipient.key.map { key in
                    preferenceLinks?.emailHeaders(recipientKey: key, category: request.category) ?? []
                } ?? [])
        } catch let error as ValidationError {
            return .failure(permanent(error.description))
        } catch let error as MIMEError {
            return .failure(permanent(error.description))
        } catch {
            return .failure(permanent("could not compose the message"))
        }
        let send: CurlSMTPSend
        do {
            send = try CurlSMTPSend(
                url: config.url, tls: config.starttls.tlsLevel, username: config.username, password: config.password,
                mailFrom: config.returnPath?.address(deliveryID: request.deliveryID) ?? sender.address, recipients: [recipient.address],
                payload: payload)
        } catch {
            return .failure(permanent(error.description))
        }
        let result = await driver.perform(CurlTransfer(.smtp(send), connectTimeout: config.connectDuration, timeout: config.transferDuration, caFile: config.caFile))
        return SMTPResultClassifier.classify(result, provider: providerName)
    }

    /// The inline QR code when the HTML references it; store or disk trouble is retried, a
    /// template that cannot draw one fails (never an email with a broken image).
    private func inlineImages(for email: RenderedEmail, messageID: String) async -> Result<[InlineImage], DeliveryError> {
        guard QRInline.isReferenced(in: email.html) else { return .success([]) }
        guard let qrSource else {
            return .failure(permanent("the HTML shows cid:\(QRInline.contentID) but no QR channel is configured; add channels.qr"))
        }
        do {
            let artifact = try await qrSource.artifact(forMessage: messageID)
            return .success([InlineImage(contentID: QRInline.contentID, fileName: "qr.png", mediaType: "image/png", data: artifact.png)])
        } catch {
            let disposition: DeliveryDisposition = error.isTransient ? .retry(after: nil) : .permanent
            return .failure(DeliveryError(disposition: disposition, provider: providerName, code: nil, detail: error.description))
        }
    }

    private func permanent(_ detail: String) -> DeliveryError {
        DeliveryError(disposition: .permanent, provider: providerName, code: nil, detail: detail)
    }
}
