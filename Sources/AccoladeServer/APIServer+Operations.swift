import AccoladeCore
import Foundation
import Hummingbird

extension APIServer {
    /// Unauthenticated routes: health for load balancers, metrics for Prometheus, the API
    /// description for clients.
    func addOperationRoutes(to router: Router<BasicRequestContext>) {
        router.get("healthz") { _, _ in HTTPJSON.response(.object(["status": .string("ok")])) }
        router.get("readyz") { _, _ in try await self.readiness() }
        router.get("metrics") { _, _ in
            let text = await self.deps.metrics?.exposition(store: self.deps.store, now: self.deps.clock.now()) ?? ""
            return HTTPJSON.text(text, contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("openapi.yaml") { _, _ in
            HTTPJSON.text(OpenAPIDocument.yaml, contentType: "application/yaml; charset=utf-8")
        }
    }

    /// `GET /readyz`: 200 when the store answers, else 503 (take this node out of rotation).
    func readiness() async throws -> Response {
        do {
            let snapshot = try await deps.store.snapshot(now: deps.clock.now())
            return HTTPJSON.response(.object([
                "status": .string("ready"),
                "queue": .object(Dictionary(uniqueKeysWithValues: snapshot.counts.map { ($0.key.rawValue, JSONValue.int(Int64($0.value))) })),
            ]))
        } catch {
            deps.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
            throw Problem(
                .serviceUnavailable, kind: "store-unavailable", title: "Store unavailable",
                detail: "the store did not answer: \(error)")
        }
    }
}
