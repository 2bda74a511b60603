import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Logging

extension AppContext {
    /// The libcurl pool: large enough for the busiest configured channel.
    static func curlConfiguration(_ config: ChannelsConfig) -> CurlMultiDriver.Configuration {
        let connections = max(config.email?.maxConnections ?? EmailChannelConfig.defaultMaxConnections, EmailChannelConfig.defaultMaxConnections)
        return .init(
            maxTotalConnections: connections, maxConnectionsPerHost: connections, maxCachedConnections: connections)
    }

    /// The SMTP channel, when `channels.email` is configured.
    static func emailChannels(
        _ config: ChannelsConfig, driver: CurlMultiDriver, qrSource: (any QRArtifactSource)? = nil,
        suppressions: (any SuppressionList)? = nil, preferenceLinks: PreferenceLinks? = nil, logger: Logger
    ) throws -> [any Channel] {
        guard let email = config.email else { return [] }
        do {
            return [try SMTPEmailChannel(config: email, driver: driver, logger: logger, qrSource: qrSource, suppressions: suppressions,
                preferenceLinks: preferenceLinks)]
        } catch {
            throw CommandFailure(message: "configuration error at channels.email: \(error)")
        }
    }
}
