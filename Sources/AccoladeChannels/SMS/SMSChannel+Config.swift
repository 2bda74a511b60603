import AccoladeCore
import AccoladeCurl
import Logging

extension SMSChannel {
    /// Builds the channel from `channels.sms`: one Twilio or Kannel provider per entry, in order.
    ///
    /// `publicURL` is `server.public_url`, the base of the status-callback and DLR URLs.
    /// - Throws: ``ConfigError`` when the section has no usable provider.
    public static func make(
        config: SMSChannelConfig, publicURL: String, driver: CurlMultiDriver, suppressions: (any SuppressionList)? = nil,
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) throws(ConfigError) -> SMSChannel {
        let slots = config.providers.enumerated().map { index, entry -> ProviderSlot in
            let connect = Duration.milliseconds(ofSeconds: entry.connectTimeout)
            let timeout = Duration.milliseconds(ofSeconds: entry.timeout)
            let provider: any SMSProvider = switch entry.kind {
            case .kannel(let kannel):
                KannelSMSProvider(
                    name: entry.name, config: kannel, publicURL: publicURL, driver: driver, connectTimeout: connect, timeout: timeout, clock: clock,
                    caFile: entry.caFile, configKeys: .kannel(index: index))
            case .twilio(let twilio):
                TwilioSMSProvider(
                    name: entry.name, config: twilio, publicURL: publicURL, driver: driver, connectTimeout: connect, timeout: timeout, clock: clock,
                    caFile: entry.caFile, configKeys: .twilio(index: index))
            }
            return ProviderSlot(provider, ratePerSecond: entry.ratePerSecond)
        }
        return try SMSChannel(
            providers: slots, settings: Settings(maxSegments: config.maxSegments), suppressions: suppressions, clock: clock, logger: logger)
    }
}
