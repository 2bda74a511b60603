import Logging
import ServiceLifecycle

/// Runs background services (a PostgreSQL store's connection pool) for the length of a body, for
/// commands that do one job and exit (`send`, `status`, `migrate`) rather than run as services.
///
/// Long-running commands put the same services first in their own `ServiceGroup`, so a graceful
/// shutdown stops them last; here the body plays the part of the services that use them.
public enum ServiceScope {
    /// Starts `services` in a `ServiceGroup` (no signal handling), runs `body`, then shuts the
    /// group down gracefully and waits for it — whether `body` returned or threw. With no
    /// services it just runs `body`.
    /// - Returns: what `body` returned.
    /// - Throws: what `body` threw; otherwise what the group threw (a service that failed).
    public static func run<Result: Sendable>(
        _ services: [any Service], logger: Logger, _ body: () async throws -> Result
    ) async throws -> Result {
        guard !services.isEmpty else { return try await body() }
        let group = ServiceGroup(services: services, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Result
            do {
                result = try await body()
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }
}
