import AccoladeCore
import Foundation
import Metrics
import Prometheus

/// Prometheus exposition for `/metrics`: swift-metrics bootstrapped onto a Prometheus registry.
///
/// The process bootstraps swift-metrics once, before any channel or worker creates a metric
/// (metrics made earlier would go nowhere), hence ``shared``.
public final class MetricsExporter: Sendable {
    /// The registry every metric of this process lands in.
    public let registry: PrometheusCollectorRegistry

    private init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Attempt and request durations: 1 ms … 60 s, wide enough for SMTP and HTTP providers.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        ]
        MetricsSystem.bootstrap(factory)
    }

    /// The process-wide exporter; the first use bootstraps swift-metrics.
    public static let shared = MetricsExporter()

    /// The exposition text, after refreshing the queue-depth gauges from `snapshot` and
    /// `accolade_channel_paused{channel}` from `paused` (the store's board, so an API node shows
    /// what its workers elsewhere found); `nil`: the store did not answer, the gauges keep their
    /// last values and `accolade_store_up` is 0.
    public func exposition(snapshot: QueueSnapshot?, paused: [ProviderPause], channels: [ChannelKind]) -> String {
        Gauge(label: "accolade_store_up").record(snapshot == nil ? 0 : 1)
        if let snapshot {
            for state in DeliveryState.allCases {
                Gauge(label: "accolade_queue_depth", dimensions: [("state", state.rawValue)]).record(snapshot.count(state))
            }
            // 1 while a worker reports the channel's provider misconfigured (deliveries wait queued).
            let pausedChannels = Set(paused.map(\.channel))
            for channel in Set(channels).union(pausedChannels) {
                Gauge(label: "accolade_channel_paused", dimensions: [("channel", channel.rawValue)])
                    .record(pausedChannels.contains(channel) ? 1 : 0)
            }
        }
        return registry.emitToString()
    }
}
