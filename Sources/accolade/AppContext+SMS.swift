import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Logging

extension AppContext {
    /// The SMS channel, when `channels.sms` is configured: its providers in failover order, with
    /// status-callback and DLR URLs under `server.public_url`.
    static func smsChannels(
        _ config: AccoladeConfig, driver: CurlMultiDriver, suppressions: (any SuppressionList)? = nil, logger: Logger
    ) throws -> [any Channel] {
        guard let sms = config.channels.sms else { return [] }
        logger.debug("sms channel configured", metadata: ["sms.config": "\(sms)"])
        return [try SMSChannel.make(config: sms, publicURL: config.server.publicURL, driver: driver, suppressions: suppressions, logger: logger)]
    }
}
