import AccoladeCore
import AccoladeCurl
import Foundation
import Logging

/// ``SNSGateway`` over libcurl: fetches SNS signing certificates (HTTPS, allowed hosts only, no
/// redirects) and keeps them, so a burst of bounces costs one fetch per certificate.
///
/// A URL is checked against `bounces.ses.certificate_hosts` before anything is sent: the URL
/// comes from a body anyone can post.
public actor SNSClient: SNSGateway {
    /// Certificates kept at most; SNS signs with one per region, rotated yearly.
    static let cacheLimit = 32
    /// The largest certificate accepted (AWS's are about 2 KiB).
    static let maximumCertificateBytes = 64 * 1024

    let settings: SESBouncesConfig
    let driver: CurlMultiDriver
    let clock: any WallClock
    let logger: Logger
    private var certificates: [String: SNSSignatureVerifier] = [:]
    /// Fetches under way by URL: messages arriving together for a new certificate wait for one
    /// fetch instead of each starting their own across the actor's suspension.
    private var fetching: [String: Task<Result<SNSSignatureVerifier, SNSVerificationError>, Never>] = [:]
    /// How many certificates were fetched (for tests and the log).
    public private(set) var fetches = 0

    /// Creates a client on `driver`, checking validity periods against `clock`.
    public init(settings: SESBouncesConfig, driver: CurlMultiDriver, clock: any WallClock = SystemWallClock(), logger: Logger) {
        self.settings = settings
        self.driver = driver
        self.clock = clock
        self.logger = logger
    }

    /// Checks the signature with the (possibly kept) certificate at `SigningCertURL`.
    public func verify(_ envelope: SNSEnvelope) async throws(SNSVerificationError) {
        let url = envelope.signingCertURL
        guard settings.certificateHosts.contains(where: { $0.allows(url, certificate: true) }) else {
            throw .untrustedURL(field: "SigningCertURL", url: url)
        }
        let verifier: SNSSignatureVerifier
        if let kept = certificates[url] {
            verifier = kept
        } else {
            let task = fetching[url] ?? Task { await self.fetchVerifier(url) }
            fetching[url] = task
            verifier = try await task.value.get()
        }
        try verifier.verify(envelope, now: clock.now())
    }

    /// Fetches, parses and keeps the certificate at `url`; the result is shared by every
    /// message that waited for it, a failure included (the next message tries again).
    private func fetchVerifier(_ url: String) async -> Result<SNSSignatureVerifier, SNSVerificationError> {
        defer { fetching[url] = nil }
        do throws(SNSVerificationError) {
            let body = try await get(url, failure: SNSVerificationError.certificateUnavailable)
            guard body.count <= Self.maximumCertificateBytes else { throw .badCertificate("\(body.count) bytes is too large for a certificate") }
            let verifier = try SNSSignatureVerifier(pem: String(decoding: body, as: UTF8.self))
            fetches += 1
            if certificates.count >= Self.cacheLimit { certificates.removeAll() }
            certificates[url] = verifier
            logger.info("SNS signing certificate fetched", metadata: ["sns.certificate_url": "\(url)"])
            return .success(verifier)
        } catch {
            return .failure(error)
        }
    }

    /// GETs `SubscribeURL` (allowed hosts only); any 2xx confirms.
    public func confirmSubscription(_ envelope: SNSEnvelope) async throws(SNSVerificationError) {
        guard let url = envelope.subscribeURL, settings.certificateHosts.contains(where: { $0.allows(url, certificate: false) }) else {
            throw .untrustedURL(field: "SubscribeURL", url: envelope.subscribeURL ?? "")
        }
        _ = try await get(url, failure: SNSVerificationError.confirmationFailed)
    }

    private func get(_ url: String, failure: (String) -> SNSVerificationError) async throws(SNSVerificationError) -> [UInt8] {
        let request: CurlHTTPRequest
        do {
            request = try CurlHTTPRequest(method: "GET", url: url)
        } catch {
            throw .untrustedURL(field: "URL", url: url)
        }
        let result = await driver.perform(CurlTransfer(.http(request), connectTimeout: .seconds(5), timeout: .seconds(15), caFile: settings.caFile))
        guard result.isSuccess else { throw failure("curl \(result.curlCode): \(result.curlError)") }
        guard (200..<300).contains(result.responseCode) else { throw failure("HTTP \(result.responseCode) from \(url)") }
        return result.body
    }
}
