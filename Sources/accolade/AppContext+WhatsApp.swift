import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Logging

extension AppContext {
    /// The WhatsApp channel, when `channels.whatsapp` is configured: the store is its suppression
    /// list and inbound log (the 24-hour window), and the QR source supplies image headers.
    static func whatsappChannels(
        _ config: AccoladeConfig, driver: CurlMultiDriver, store: any Store, qrSource: (any QRArtifactSource)?, logger: Logger
    ) throws -> [any Channel] {
        guard let whatsapp = config.channels.whatsapp else { return [] }
        logger.debug("whatsapp channel configured", metadata: ["whatsapp.config": "\(whatsapp)"])
        if whatsapp.media == .link, config.server.publicURL.contains("127.0.0.1") || config.server.publicURL.contains("localhost") {
            logger.notice(
                "channels.whatsapp.media is link but server.public_url is a loopback address; Meta cannot fetch QR header images from it — set a public server.public_url or media: upload")
        }
        return [WhatsAppChannel.make(config: whatsapp, driver: driver, suppressions: store, inbound: store, qrSource: qrSource, logger: logger)]
    }
}
