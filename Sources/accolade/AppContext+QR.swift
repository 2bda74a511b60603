import AccoladeChannels
import AccoladeCore
import Logging

extension AppContext {
    /// The QR channel, when `channels.qr` is configured.
    static func qrChannels(_ config: ChannelsConfig, logger: Logger) throws -> [any Channel] {
        []
    }
}
