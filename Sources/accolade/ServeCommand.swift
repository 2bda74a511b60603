import AccoladeCore
import AccoladeRuntime
import AccoladeWorkflows
import AccoladeServer
import ArgumentParser
import Foundation
import ServiceLifecycle

/// `accolade serve`: the HTTP API, the workers and the lease rescuer in one process.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API together with a delivery worker; SIGTERM/SIGINT stop it gracefully.",
        discussion: """
            The API listens on server.listen (default 127.0.0.1:8080). Every /v1 route needs
            Authorization: Bearer <token> (server.tokens), except provider webhooks and QR images;
            without tokens the server refuses to listen beyond loopback.
            On SIGTERM or SIGINT the server stops accepting connections and answers the requests in
            flight (an accepted message is durable before its 202 goes out); then the worker stops
            as `accolade worker` does. Add capacity with more `accolade worker` processes.
            Under systemd (Type=notify) it reports READY=1 once listening and STOPPING=1 on SIGTERM.
            Examples:
              accolade serve
              accolade serve --listen 127.0.0.1:0      # any free port; the chosen one is printed
              ACCOLADE_TOKEN=s3cret accolade serve --listen 0.0.0.0:8080
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "HOST:PORT to listen on (overrides server.listen; port 0 picks a free one).")
    var listen: String?

    @Flag(name: .long, help: "Do not run a worker in this process (API only; run `accolade worker` elsewhere).")
    var noWorker = false

    func run() async throws {
        try await global.reporting {
            // Before any channel or worker makes a metric, or it would not be exported.
            let metrics = MetricsExporter.shared
            let context = try await AppContext.open(global, workflows: true)
            try await context.closing {
                var server = context.config.server
                if let listen {
                    guard let (host, port) = ServerConfig.parseListen(listen) else {
                        throw CommandFailure(message: "--listen must be HOST:PORT, e.g. 127.0.0.1:8080", exitCode: 2)
                    }
                    server.host = host
                    server.port = port
                }
                do {
                    try APIServer.checkStartable(server)
                } catch {
                    throw CommandFailure(message: "configuration error at \(error)")
                }
                if let reason = context.config.channels.inboxDisabledReason {
                    context.logger.notice("\(reason)", metadata: ["config.key": "channels.inbox.signing_secret"])
                }
                // The API's event trigger wakes this process's run worker: a run due now starts at once.
                let runWakes = RunWakes()
                var dependencies = APIServer.Dependencies(
                    config: server, store: context.store, dispatcher: context.dispatcher(),
                    templates: context.templates, channels: context.channels.kinds,
                    webhooks: context.webhookHandlers(), qrImage: context.qrImageLookup, qrPreview: context.qrPreview, metrics: metrics,
                    inbox: context.config.channels.inbox, workflows: context.workflows, runWakes: noWorker ? nil : runWakes,
                    clock: context.clock, logger: context.logger)
                dependencies.dashboardSecret = context.config.reports.dashboardSecret
                let api = APIServer(dependencies)
                let logger = context.logger
                let host = server.host.contains(":") ? "[\(server.host)]" : server.host
                let systemd = SystemdNotifier()
                let app = api.makeApplication { port in
                    // Scripts and tests read this line to find a port chosen with :0.
                    // Unbuffered, so a parent process reading stdout sees it at once.
                    try? FileHandle.standardOutput.write(contentsOf: Data("accolade: listening on http://\(host):\(port)\n".utf8))
                    logger.notice("HTTP API listening", metadata: ["server.host": "\(host)", "server.port": "\(port)"])
                    systemd.ready(status: "listening on http://\(host):\(port)")
                }
                // ServiceGroup stops services in reverse order: the API first (no new sends, the
                // requests in flight answered), then the worker, then the store they both use.
                var services = context.storeServices.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
                if !noWorker {
                    let worker = DeliveryWorker(
                        store: context.store, renderer: context.templates, channels: context.channels,
                        settings: context.workerSettings(drain: false), clock: context.clock,
                        logger: context.logger, timing: SendTiming(config: context.config), requiredCategories: context.config.categories.requiredNames,
                        costing: DeliveryCosting(costs: context.config.costs, renderer: context.templates))
                    services.append(.init(service: worker))
                    services.append(.init(service: context.runWorker(settings: context.workerSettings(drain: false), wakes: runWakes)))
                }
                services.append(.init(service: app))
                services.append(.init(service: SystemdNotifier.StoppingService(systemd)))
                let group = ServiceGroup(
                    configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: context.logger))
                try await group.run()
            }
        }
    }
}
