// swift-tools-version:6.1
import PackageDescription

/// Accolade: a self-hosted dispatcher for reward and recognition messages.
///
/// Targets, and which of ours each imports (imports point one way; nothing imports the CLI):
/// - `AccoladeCore`: the domain (messages, the delivery state machine, routes, retry policy,
///   configuration, templates, the `Channel` and `Store` protocols). Imports nothing of ours.
/// - `AccoladeCurl` → `CCurl`: libcurl's multi interface behind one driver; `CCurl` holds the
///   typed C shims of libcurl's variadic calls. Imports nothing else of ours, not even Core.
/// - `AccoladeChannels` → Core, Curl, `CQRencode`, `CZlib`: the email, SMS, WhatsApp and QR providers.
/// - `AccoladeStores` → Core: the SQLite (GRDB) and PostgreSQL (postgres-nio) stores.
/// - `AccoladeRuntime` → Core, Workflows: the dispatcher, the delivery worker, the run worker and
///   event triggers (workflow runs), CSV import.
/// - `AccoladeWorkflows` → Core: workflow definitions (`config/workflows/*.yml`), their checks
///   and the `if:` condition language; pure apart from reading the folder.
/// - `AccoladeServer` → Core, Runtime: the HTTP API (Hummingbird), webhooks, `/metrics`.
/// - `accolade` → all of the above and `CMalloc` (glibc's `mallopt`, set at start-up): the CLI,
///   which composes channels and stores into the runtime and the server.
///
/// Test support lives under `Tests/` and is no product: `AccoladeTestSupport` (local servers,
/// free ports, throw-away certificates, a Kannel cluster; imports nothing of ours) and
/// `AccoladeStoreTestSupport` → Core, Stores (`ForwardingStore`, for injecting store faults).
/// Each library target but Curl has a test target (Curl's tests are in
/// `AccoladeChannelsTests`); `AccoladeEndToEndTests` runs the built `accolade` binary.
///
/// Every target declares exactly the modules its files import.
let package = Package(
    name: "accolade",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "accolade", targets: ["accolade"]),
        .library(name: "AccoladeCore", targets: ["AccoladeCore"]),
    ],
    // Exact versions, not a committed Package.resolved: see "Reproducible builds" in the README.
    // (A lock file written on a machine that reads packages from a local mirror records the
    // mirror's commit ids, which GitHub does not have, and SwiftPM checks out the recorded commit.)
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        // X.509 parsing for Amazon SNS's signing certificates (bounces from SES).
        .package(url: "https://github.com/apple/swift-certificates", exact: "1.21.1"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        // No default traits: SwiftPM passes trait defines in random order, which recompiles Hummingbird.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
    ],
    targets: [
        .target(
            name: "AccoladeCore",
            dependencies: [
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // glibc's <malloc.h> (mallopt): the executable tunes the allocator at start-up.
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "AccoladeCurl",
            dependencies: [
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "AccoladeChannels",
            dependencies: [
                "AccoladeCore",
                "AccoladeCurl",
                "CQRencode",
                "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "AccoladeStores",
            dependencies: [
                "AccoladeCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API GRDB links, for the feed's version probe (SQLiteFeedVersionProbe).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "AccoladeRuntime",
            dependencies: [
                "AccoladeCore",
                "AccoladeWorkflows",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "AccoladeWorkflows",
            dependencies: [
                "AccoladeCore",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "AccoladeServer",
            dependencies: [
                "AccoladeCore",
                "AccoladeRuntime",
                "AccoladeWorkflows",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The inbox widget and its demo page's files, compiled into the binary as bytes
            // (`PackageResources.widget_js`, …): nothing to install beside the executable.
            resources: [
                .embedInCode("Inbox/Widget/widget.js"),
                .embedInCode("Inbox/Widget/demo.js"),
                .embedInCode("Inbox/Widget/demo.css"),
            ]
        ),
        .executableTarget(
            name: "accolade",
            dependencies: [
                "AccoladeCore",
                "AccoladeCurl",
                "AccoladeChannels",
                "AccoladeStores",
                "AccoladeRuntime",
                "AccoladeServer",
                "AccoladeWorkflows",
                .target(name: "CMalloc", condition: .when(platforms: [.linux])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "AccoladeTestSupport", dependencies: [.product(name: "_CryptoExtras", package: "swift-crypto")],
            path: "Tests/AccoladeTestSupport"),
        .target(name: "AccoladeStoreTestSupport", dependencies: ["AccoladeCore", "AccoladeStores"], path: "Tests/AccoladeStoreTestSupport"),
        .testTarget(
            name: "AccoladeCoreTests",
            dependencies: ["AccoladeCore", "AccoladeTestSupport", .product(name: "Mustache", package: "swift-mustache")]),
        .testTarget(
            name: "AccoladeChannelsTests",
            dependencies: [
                "AccoladeChannels", "AccoladeCurl", "AccoladeCore", "AccoladeTestSupport", "CZlib",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "AccoladeStoresTests",
            dependencies: [
                "AccoladeStores", "AccoladeCore", "AccoladeTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "AccoladeRuntimeTests",
            dependencies: [
                "AccoladeRuntime", "AccoladeCore", "AccoladeStores", "AccoladeChannels", "AccoladeStoreTestSupport", "AccoladeTestSupport",
                "AccoladeWorkflows",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(name: "AccoladeWorkflowsTests", dependencies: ["AccoladeWorkflows", "AccoladeCore"]),
        .testTarget(name: "AccoladeEndToEndTests", dependencies: ["AccoladeCurl", "AccoladeTestSupport"]),
        .testTarget(
            name: "AccoladeServerTests",
            dependencies: [
                "AccoladeServer", "AccoladeRuntime", "AccoladeStores", "AccoladeCore", "AccoladeCurl", "AccoladeChannels", "AccoladeWorkflows",
                "AccoladeTestSupport", "AccoladeStoreTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
