import AccoladeCore
import Foundation
import Hummingbird

extension APIServer {
    /// Seconds a client is asked to wait (`Retry-After`) when the store did not answer.
    static let storeRetryAfterSeconds = 2

    /// Runs the store work of a request. Any failure of it (the store unreachable, busy, locked,
    /// or broken) answers `503` with `Retry-After` instead of `500`: the request was fine and may
    /// succeed later. The store's error text is logged, never sent, since it may name hosts,
    /// files or SQL.
    func storeWork<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let problem as Problem {
            throw problem
        } catch let error as CancellationError {
            throw error
        } catch {
            deps.logger.error(
                "store call failed; answering 503",
                metadata: ["store.operation": "\(operation)", "error": "\(error)"])
            throw Problem.storeUnavailable(retryAfter: Self.storeRetryAfterSeconds)
        }
    }
}

extension Problem {
    /// `503` with `Retry-After`: the store did not answer. The detail names no internals.
    static func storeUnavailable(retryAfter seconds: Int) -> Problem {
        Problem(
            .serviceUnavailable, kind: "store-unavailable", title: "Store unavailable",
            detail: "the queue store did not answer; retry in \(seconds) s (resend a message with the same Idempotency-Key, so a retry never sends it twice)",
            headers: [.retryAfter: String(seconds)])
    }
}
