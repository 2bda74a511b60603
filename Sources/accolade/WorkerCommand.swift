import AccoladeCore
import AccoladeRuntime
import AccoladeWorkflows
import ArgumentParser
import Foundation
import ServiceLifecycle

/// `accolade worker`: deliver due messages until stopped (or, with `--drain`, until the queue is empty).
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Claim and deliver due messages; SIGTERM/SIGINT stop it gracefully.",
        discussion: """
            On SIGTERM or SIGINT the worker stops claiming, lets in-flight deliveries finish within
            worker.shutdown_grace, and returns the rest to the queue. A killed worker loses nothing:
            its leases expire and any worker rescues them.
            Examples:
              accolade worker
              accolade worker --concurrency 128
              accolade worker --drain      # exit 0 once nothing is available, retryable or running
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Deliveries in flight at once (default: worker.concurrency).")
    var concurrency: Int?

    @Flag(name: .long, help: "Exit 0 once nothing is available, retryable or running (waits for retries and rescued leases).")
    var drain = false

    func run() async throws {
        try await global.reporting {
            let context = try await AppContext.open(global, workflows: true)
            try await context.closing {
                var config = context.config.worker
                if let concurrency {
                    guard concurrency > 0 else { throw CommandFailure(message: "--concurrency must be positive", exitCode: 2) }
                    config.concurrency = concurrency
                }
                let worker = DeliveryWorker(
                    store: context.store, renderer: context.templates, channels: context.channels,
                    settings: context.workerSettings(config, drain: drain), clock: context.clock, logger: context.logger,
                    timing: SendTiming(config: context.config), requiredCategories: context.config.categories.requiredNames,
                    costing: DeliveryCosting(costs: context.config.costs, renderer: context.templates))
                // Stopped in reverse order: the worker (outcomes written, the rest released), then the store.
                let systemd = SystemdNotifier()
                let services = context.storeServices.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) } + [
                    .init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: context.runWorker(settings: context.workerSettings(config, drain: drain), wakes: nil)),
                    .init(service: SystemdNotifier.StoppingService(systemd)),
                ]
                // The store is open and migrated: from here on the worker claims.
                systemd.ready(status: "delivering")
                let group = ServiceGroup(
                    configuration: .init(
                        services: services,
                        gracefulShutdownSignals: [.sigterm, .sigint],
                        logger: context.logger))
                try await group.run()
            }
        }
    }
}
