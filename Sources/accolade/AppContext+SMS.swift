import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Logging

extension AppContext {
    /// The SMS channel, when `channels.sms` is configured.
    static func smsChannels(_ config: ChannelsConfig, driver: CurlMultiDriver, logger: Logger) throws -> [any Channel] {
        []
    }
}
