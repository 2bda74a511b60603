import AccoladeCore
import Foundation
import Hummingbird

extension APIServer {
    /// Starts a refresh of the per-programme gauges in the background: on each scrape (at most
    /// once a minute), or — `warmUp` — once when the server starts listening, so the first scrape
    /// already carries the programme series instead of only starting their first refresh.
    func refreshProgrammeGauges(warmUp: Bool = false) {
        guard deps.metrics != nil else { return }
        let (gauges, store, now) = (programmeGauges, deps.store, deps.clock.now())
        Task { await warmUp ? gauges.warmUp(store: store, now: now) : gauges.refresh(store: store, now: now) }
    }

    /// Unauthenticated routes: health for load balancers, metrics for Prometheus, the API
    /// description for clients.
    func addOperationRoutes(to router: Router<BasicRequestContext>) {
        router.get("healthz") { _, _ in HTTPJSON.response(.object(["status": .string("ok")])) }
        router.get("readyz") { _, _ in try await self.readiness() }
        router.get("metrics") { _, _ in
            var text = ""
            if let metrics = self.deps.metrics {
                // In the background: a slow or absent store never holds a scrape; the next one
                // shows what this refresh found.
                refreshProgrammeGauges()
                if case .snapshot(let snapshot, let paused) = await self.snapshots.reading() {
                    text = metrics.exposition(snapshot: snapshot, paused: paused, channels: self.deps.channels)
                } else {
                    text = metrics.exposition(snapshot: nil, paused: [], channels: self.deps.channels)
                }
            }
            return HTTPJSON.text(text, contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("openapi.yaml") { _, _ in
            HTTPJSON.text(self.openAPI, contentType: "application/yaml; charset=utf-8")
        }
    }

    /// `GET /readyz`: 200 when the store answered within the last 2 s, else 503 with
    /// `Retry-After` (take this node out of rotation). The store's error is logged, not shown.
    ///
    /// Channels paused because their provider is misconfigured are listed under `paused` with
    /// the configuration key to fix; the node stays ready (it still accepts messages, which wait
    /// queued for the fix), so a load balancer keeps it while an operator sees what to do.
    func readiness() async throws -> Response {
        guard case .snapshot(let snapshot, let paused) = await snapshots.reading() else {
            throw Problem.storeUnavailable(retryAfter: Self.storeRetryAfterSeconds)
        }
        return HTTPJSON.response(.object([
            "status": .string("ready"),
            "queue": .object(Dictionary(uniqueKeysWithValues: snapshot.counts.map { ($0.key.rawValue, JSONValue.int(Int64($0.value))) })),
            "paused": .array(paused.map { pause in
                .object([
                    "channel": .string(pause.channel.rawValue), "provider": .string(pause.provider),
                    "config_key": .string(pause.configKey), "reason": .string(pause.reason),
                    "since": .string(ISOTime.format(pause.since)), "next_probe_at": .string(ISOTime.format(pause.nextProbeAt)),
                ])
            }),
        ]))
    }
}
