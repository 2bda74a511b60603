import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Logging

extension AppContext {
    /// The libcurl pool: large enough for the busiest configured channel.
    static func curlConfiguration(_ config: ChannelsConfig) -> CurlMultiDriver.Configuration {
        let connections = max(config.email?.maxConnections ?? 16, 16)
        return .init(
            maxTotalConnections: connections, maxConnectionsPerHost: connections, maxCachedConnections: connections)
    }

    /// The SMTP channel, when `channels.email` is configured.
    static func emailChannels(
        _ config: ChannelsConfig, driver: CurlMultiDriver, qrSource: (any QRArtifactSource)? = nil,
        suppressions: (any SuppressionList)? = nil, logger: Logger
    ) throws -> [any Channel] {
        guard let email = config.email else { return [] }
        let settings = SMTPSettings(
            url: email.url, starttls: email.starttls,
            username: email.username, password: email.password, from: email.from,
            connectTimeout: .milliseconds(Int(email.connectTimeout * 1000)),
            timeout: .milliseconds(Int(email.timeout * 1000)), maxConnections: email.maxConnections, caFile: email.caFile)
        do {
            return [try SMTPEmailChannel(settings: settings, driver: driver, logger: logger, qrSource: qrSource, suppressions: suppressions)]
        } catch {
            throw CommandFailure(message: "configuration error at channels.email: \(error)")
        }
    }
}
