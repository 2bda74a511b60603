import AccoladeCore
import AccoladeRuntime
import AccoladeWorkflows
import Foundation
import Hummingbird
import Logging

/// The HTTP API (`accolade serve`): sends from the rules engine, status for operators,
/// previews for template authors, provider webhooks, health and metrics.
///
/// Built from the same parts the CLI uses (store, dispatcher, template library), so a message
/// accepted over HTTP is exactly one the CLI could have queued.
public struct APIServer: Sendable {
    /// Everything the routes need.
    public struct Dependencies: Sendable {
        /// Server settings (listen address, public URL, tokens, body limit).
        public var config: ServerConfig
        /// The queue.
        public var store: any Store
        /// Validates, renders and enqueues sends.
        public var dispatcher: Dispatcher
        /// Templates, for listings and previews.
        public var templates: TemplateLibrary
        /// Channels configured in this process, for previews.
        public var channels: [ChannelKind]
        /// Provider webhook handlers by `{provider}` segment.
        public var webhooks: [String: any WebhookHandler]
        /// Finds a stored QR image by token and extension (`png`, `svg`); `nil` when there is none.
        public var qrImage: (@Sendable (_ token: String, _ format: String) -> String?)?
        /// Draws a QR payload as PNG for the preview page; `nil` shows the payload as text only.
        public var qrPreview: (@Sendable (_ payload: String) -> [UInt8]?)?
        /// Prometheus text for `/metrics`; `nil` disables the route's content.
        public var metrics: MetricsExporter?
        /// `channels.inbox`, when configured: mounts `POST /v1/inbox/tokens`, inbox token
        /// authentication for the feed routes and CORS for them.
        public var inbox: InboxChannelConfig?
        /// Starts workflow runs from events (`POST /v1/events`) and cancels them.
        public var events: EventDispatcher
        /// The loaded workflows by name, to show a run's upcoming steps.
        public var workflows: [String: WorkflowDefinition]
        /// Heartbeat, tick and poll intervals of `GET /v1/inbox/stream`.
        public var inboxStream = InboxStreamSettings()
        /// `reports.dashboard_secret`: signs dashboard links; nil derives the key from
        /// `server.tokens` (``DashboardTokenSigner/derived(fromAPITokens:)``).
        public var dashboardSecret: String?
        /// How long `/readyz` and `/metrics` wait for the store before answering without it.
        public var readinessTimeout: Duration = .seconds(2)
        /// Time source.
        public var clock: any WallClock
        /// Logger for access logs and errors.
        public var logger: Logger

        /// Creates the dependencies.
        public init(
            config: ServerConfig, store: any Store, dispatcher: Dispatcher, templates: TemplateLibrary,
            channels: [ChannelKind], webhooks: [String: any WebhookHandler] = [:],
            qrImage: (@Sendable (String, String) -> String?)? = nil, qrPreview: (@Sendable (String) -> [UInt8]?)? = nil,
            metrics: MetricsExporter? = nil, inbox: InboxChannelConfig? = nil,
            workflows: [WorkflowDefinition] = [], runWakes: RunWakes? = nil,
            clock: any WallClock = SystemWallClock(), logger: Logger
        ) {
            self.events = EventDispatcher(dispatcher: dispatcher, store: store, workflows: workflows, wakes: runWakes, logger: logger)
            self.workflows = Dictionary(workflows.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            self.config = config
            self.store = store
            self.dispatcher = dispatcher
            self.templates = templates
            self.channels = channels
            self.webhooks = webhooks
            self.qrImage = qrImage
            self.qrPreview = qrPreview
            self.metrics = metrics
            self.inbox = inbox
            self.clock = clock
            self.logger = logger
        }
    }

    let deps: Dependencies
    let coalescer: EnqueueCoalescer
    /// The queue counts `/readyz` and `/metrics` show, read at most every 2 s.
    let snapshots: QueueSnapshotCache
    /// Spend and redemption gauges per programme, refreshed on scrapes.
    let programmeGauges = ProgrammeGauges()
    /// `GET /openapi.yaml`, generated once from the templates and channels.
    let openAPI: String
    /// Mints and verifies inbox tokens; `nil` without `channels.inbox`.
    let inboxSigner: InboxTokenSigner?
    /// The open inbox streams and their change listener; `nil` without `channels.inbox`.
    let inboxStreams: InboxStreamHub?
    /// Rendered feed pages by feed version; `nil` without `channels.inbox` or with `page_cache_mb: 0`.
    let inboxPages: InboxPageCache?
    /// Mints and verifies dashboard links (`POST /v1/reports/tokens`, `GET /v1/reports/dashboard`).
    let dashboardSigner: DashboardTokenSigner

    /// Creates the server.
    public init(_ dependencies: Dependencies) {
        self.deps = dependencies
        self.coalescer = EnqueueCoalescer(store: dependencies.store)
        self.snapshots = QueueSnapshotCache(
            store: dependencies.store, clock: dependencies.clock, logger: dependencies.logger, timeout: dependencies.readinessTimeout)
        self.openAPI = OpenAPIDocument.render(
            templates: dependencies.templates, channels: dependencies.channels, inbox: dependencies.inbox != nil,
            categories: dependencies.dispatcher.categories.names)
        self.inboxSigner = dependencies.inbox.map { InboxTokenSigner(secret: $0.signingSecret) }
        self.dashboardSigner = Self.makeDashboardSigner(secret: dependencies.dashboardSecret, tokens: dependencies.config.tokens)
        self.inboxStreams = dependencies.inbox.map {
            InboxStreamHub(
                feed: dependencies.store, limit: $0.maxStreams, settings: dependencies.inboxStream, clock: dependencies.clock,
                logger: dependencies.logger)
        }
        self.inboxPages = dependencies.inbox.flatMap {
            $0.pageCacheMegabytes > 0 ? InboxPageCache(capacity: $0.pageCacheMegabytes * 1_048_576) : nil
        }
    }

    /// Refuses to expose an unauthenticated API beyond this machine.
    public static func checkStartable(_ config: ServerConfig) throws(ConfigError) {
        if config.tokens.isEmpty && !config.isLoopbackOnly {
            throw ConfigError(
                path: "server.tokens",
                reason: "the server listens on \(config.host), beyond loopback, so it needs at least one bearer token (set ACCOLADE_TOKEN or listen on 127.0.0.1)")
        }
    }

    /// The router with every route and middleware.
    public func makeRouter() -> Router<BasicRequestContext> {
        // Hummingbird wraps each route in the middleware present when it is added, so the
        // method check needs the route table before the routes: it comes from a first, bare pass.
        let table = Router(context: BasicRequestContext.self)
        addRoutes(to: table)
        let router = Router(context: BasicRequestContext.self)
        router.add(
            middleware: APIEdgeMiddleware(
                log: AccessLog(logger: deps.logger), problems: ProblemResponses(logger: deps.logger),
                cors: deps.inbox.map { InboxCORS(config: $0) },
                methods: MethodTable(routes: table.routes.map { ($0.method.rawValue, "\($0.path)") })))
        addRoutes(to: router)
        return router
    }

    private func addRoutes(to router: Router<BasicRequestContext>) {
        addOperationRoutes(to: router)
        addPublicRoutes(to: router)
        let v1 = router.group("v1").add(middleware: BearerAuthMiddleware(tokens: deps.config.tokens))
        addMessageRoutes(to: v1)
        addTemplateRoutes(to: v1)
        addEventRoutes(to: v1)
        addReportRoutes(to: v1)
        addDashboardRoutes(api: v1, public: router)
        addInboxTokenRoutes(to: v1)
        addPreferenceRoutes(to: v1)
        addPreferenceLinkRoutes(to: router)
        addInboxFeedRoutes(to: router)
        addInboxWidgetRoutes(to: router)
    }

    /// Every route the server answers, as `METHOD /path` (what the OpenAPI document must list).
    public func routeList() -> [String] {
        let router = Router(context: BasicRequestContext.self)
        addRoutes(to: router)
        return router.routes.map { "\($0.method) \($0.path)" }.sorted()
    }

    /// The HTTP application, ready to run as a service. `onRunning` receives the bound port.
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            responder: LongResponseResponder(
                router: makeRouter().buildResponder(), longLivedPaths: inboxStreams == nil ? [] : [Self.inboxStreamPath]),
            configuration: .init(address: .hostname(deps.config.host, port: deps.config.port), serverName: "accolade"),
            onServerRunning: { channel in
                refreshProgrammeGauges(warmUp: true)
                await onRunning(channel.localAddress?.port ?? 0)
            },
            logger: deps.logger)
    }
}
