// swift-tools-version:6.1
import PackageDescription

/// Accolade: a self-hosted dispatcher for reward and recognition messages.
///
/// Imports point down: accolade (CLI) → AccoladeChannels / AccoladeStores → AccoladeCurl → AccoladeCore.
/// AccoladeCore imports nothing of ours.
let package = Package(
    name: "accolade",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "accolade", targets: ["accolade"]),
        .library(name: "AccoladeCore", targets: ["AccoladeCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // No default traits: SwiftPM passes trait defines in random order, which recompiles Hummingbird.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .target(
            name: "AccoladeCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
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
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "AccoladeStores",
            dependencies: [
                "AccoladeCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "AccoladeRuntime",
            dependencies: [
                "AccoladeCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "AccoladeServer",
            dependencies: [
                "AccoladeCore",
                "AccoladeRuntime",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "accolade",
            dependencies: [
                "AccoladeCore",
                "AccoladeChannels",
                "AccoladeStores",
                "AccoladeRuntime",
                "AccoladeServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "AccoladeTestSupport", path: "Tests/AccoladeTestSupport"),
        .target(name: "AccoladeStoreTestSupport", dependencies: ["AccoladeCore", "AccoladeStores"], path: "Tests/AccoladeStoreTestSupport"),
        .testTarget(name: "AccoladeCoreTests", dependencies: ["AccoladeCore", "AccoladeTestSupport"]),
        .testTarget(name: "AccoladeChannelsTests", dependencies: ["AccoladeChannels", "AccoladeCurl", "AccoladeCore", "AccoladeTestSupport"]),
        .testTarget(name: "AccoladeStoresTests", dependencies: ["AccoladeStores", "AccoladeCore"]),
        .testTarget(name: "AccoladeRuntimeTests", dependencies: ["AccoladeRuntime", "AccoladeCore", "AccoladeStores", "AccoladeStoreTestSupport", "AccoladeTestSupport"]),
        .testTarget(name: "AccoladeEndToEndTests", dependencies: ["AccoladeCore", "AccoladeCurl", "AccoladeTestSupport"]),
        .testTarget(
            name: "AccoladeServerTests",
            dependencies: [
                "AccoladeServer", "AccoladeRuntime", "AccoladeStores", "AccoladeCore", "AccoladeCurl", "AccoladeChannels",
                "AccoladeTestSupport", "AccoladeStoreTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
