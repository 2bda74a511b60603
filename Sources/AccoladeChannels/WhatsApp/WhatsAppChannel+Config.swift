import AccoladeCore
import AccoladeCurl
import Logging

extension WhatsAppChannel {
    /// Builds the channel from `channels.whatsapp`.
    ///
    /// `store`-like collaborators: `suppressions` and `inbound` are normally the queue's store
    /// (shared by every process); `qrSource` supplies image headers when `channels.qr` exists.
    public static func make(
        config: WhatsAppChannelConfig, driver: CurlMultiDriver, suppressions: (any SuppressionList)? = nil,
        inbound: (any InboundActivityLog)? = nil, qrSource: (any QRArtifactSource)? = nil,
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) -> WhatsAppChannel {
        WhatsAppChannel(
            config: config, driver: driver, suppressions: suppressions, inbound: inbound, qrSource: qrSource, clock: clock, logger: logger)
    }
}

extension WhatsAppChannelConfig {
    /// The webhook handler for `/v1/webhooks/whatsapp` (handshake and signed status/inbound
    /// POSTs), or nil without `app_secret`: nothing could be verified, so there is no route.
    public func webhook(store: any Store, clock: any WallClock = SystemWallClock(), logger: Logger) -> (any WebhookHandler)? {
        guard let appSecret, !appSecret.isEmpty else { return nil }
        return WhatsAppWebhook(appSecret: appSecret, verifyToken: verifyToken, store: store, clock: clock, logger: logger)
    }
}
