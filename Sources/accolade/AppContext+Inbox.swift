import AccoladeChannels
import AccoladeCore
import Logging

extension AppContext {
    /// The inbox channel, only when `channels.inbox` is configured (with its signing secret):
    /// without it no route can name `inbox`, so deployments without the section route as before.
    /// `artifacts` is the QR channel's drawing function, shared so an item's image is the same
    /// stored file the QR channel writes.
    static func inboxChannels(_ config: AccoladeConfig, artifacts: QRArtifacts?, logger: Logger) -> [any Channel] {
        config.channels.inbox == nil ? [] : [InboxChannel(artifacts: artifacts, logger: logger)]
    }
}
