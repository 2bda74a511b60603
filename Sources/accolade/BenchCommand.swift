import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import AccoladeRuntime
import AccoladeStores
import ArgumentParser
import Foundation
import Logging

/// `accolade bench`: render, enqueue and delivery throughput (or, with `--claim-latency`, the
/// store's claim and outcome latency), measured on the real parts.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure full renders/s, then enqueue N personalised emails and drain them through the real worker and SMTP channel.",
        discussion: """
            Uses a throw-away SQLite file, never your queue. Point --smtp-url at a local sink, e.g.
            postfix's smtp-sink; scripts/bench.sh starts one and runs a release build:
              scripts/bench.sh
              accolade bench --smtp-url smtp://127.0.0.1:2525 --messages 20000
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "SMTP server to deliver to (a local sink); required unless --claim-latency.") var smtpUrl: String?
    @Flag(name: .long, help: "Measure only the store: enqueue --messages, then claim+complete --batch at a time and report latency percentiles.")
    var claimLatency = false
    @Option(name: .long, help: "With --claim-latency: an EMPTY PostgreSQL database to use instead of a throw-away SQLite file.")
    var postgres: String?
    @Option(name: .long, help: "With --claim-latency: deliveries per claim and per outcome write.") var batch = 256
    @Option(name: .long, help: "With --claim-latency: concurrent claimers (tasks) sharing the store.") var claimers = 1
    @Option(name: .long, help: "Messages to enqueue and deliver.") var messages = 20_000
    @Option(name: .long, help: "Full renders for the render benchmark.") var renders = 100_000
    @Option(name: .long, help: "Worker concurrency.") var concurrency = 128
    @Option(name: .long, help: "SMTP connections.") var connections = 16
    @Option(name: .long, help: "Template to use.") var template = "reward-earned"

    func run() async throws {
        try await global.reporting {
            let (config, logger) = try global.loadConfig(defaultLogLevel: .warning)
            let library = try global.loadTemplates(config)
            guard let info = library.info(template) else { throw CommandFailure(message: "unknown template \(template)") }
            if claimLatency {
                try await measureClaimLatency(sample: info.sample, logger: logger)
                return
            }
            guard let smtpUrl else { throw CommandFailure(message: "--smtp-url is required (or pass --claim-latency)", exitCode: 2) }

            // 1. Renders: every part of the email and the SMS, strict checks included, one core.
            let renderStart = ContinuousClock.now
            var bytes = 0
            for i in 0..<renders {
                let (data, recipient) = Self.personalise(info.sample, index: i)
                if case .email(let e) = try library.render(template: template, channel: .email, locale: recipient.locale, data: data, recipient: recipient) {
                    bytes &+= e.html.utf8.count
                }
                if info.channels.contains(.sms) {
                    _ = try library.render(template: template, channel: .sms, locale: recipient.locale, data: data, recipient: recipient)
                }
            }
            let renderSeconds = (ContinuousClock.now - renderStart).seconds
            let rendersPerSecond = Double(renders) / renderSeconds

            // 2. Enqueue through the dispatcher (validation + render of every message, batched writes).
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("accolade-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let store = try SQLiteStore(path: dir.appendingPathComponent("bench.sqlite").path, logger: logger)
            try await store.migrate()
            let driver = CurlMultiDriver(
                configuration: .init(maxTotalConnections: connections, maxConnectionsPerHost: connections, maxCachedConnections: connections),
                logger: logger)
            let from = config.channels.email?.from ?? "Accolade Bench <bench@example.com>"
            let channel = try SMTPEmailChannel(
                config: EmailChannelConfig(from: from, url: smtpUrl, starttls: .never, maxConnections: connections), driver: driver, logger: logger)
            let channels = ChannelRegistry([channel])
            let dispatcher = Dispatcher(store: store, renderer: library, channels: channels, clock: SystemWallClock(), logger: logger)
            let enqueueStart = ContinuousClock.now
            var sampleSize = 0
            for start in stride(from: 0, to: messages, by: 500) {
                let requests = (start..<min(start + 500, messages)).map { i -> SendRequest in
                    let (data, recipient) = Self.personalise(info.sample, index: i)
                    return SendRequest(template: template, recipient: recipient, data: data, channels: [.email], idempotencyKey: "bench-\(i)")
                }
                let outcomes = try await dispatcher.send(requests)
                if let bad = outcomes.first(where: { if case .rejected = $0 { return true } else { return false } }) {
                    throw CommandFailure(message: "bench message rejected: \(bad)")
                }
                if start == 0, case .email(let e) = try library.render(template: template, channel: .email, locale: requests[0].recipient.locale, data: requests[0].data, recipient: requests[0].recipient) {
                    sampleSize = e.subject.utf8.count + e.text.utf8.count + e.html.utf8.count
                }
            }
            let enqueueSeconds = (ContinuousClock.now - enqueueStart).seconds

            // 3. Drain through the real worker and SMTP channel.
            var workerConfig = config.worker
            workerConfig.concurrency = concurrency
            workerConfig.batchSize = max(64, concurrency)
            let worker = DeliveryWorker(
                store: store, renderer: library, channels: channels,
                settings: WorkerSettings(config: workerConfig, drain: true), logger: logger)
            let drainStart = ContinuousClock.now
            try await worker.run()
            let drainSeconds = (ContinuousClock.now - drainStart).seconds
            await driver.shutdown()
            let snapshot = try await store.snapshot(now: Date())
            let sent = snapshot.count(.sent)

            let result = BenchResult(
                renders: renders, rendersPerSecond: rendersPerSecond.rounded(), messages: messages,
                approxMessageBytes: sampleSize, enqueuePerSecond: (Double(messages) / enqueueSeconds).rounded(),
                deliveredPerSecond: (Double(sent) / drainSeconds).rounded(),
                endToEndPerSecond: (Double(sent) / (enqueueSeconds + drainSeconds)).rounded(), sent: sent,
                failed: snapshot.count(.failed), peakRSSMiB: Self.peakRSSMiB())
            if global.json {
                Output.printJSON(result)
            } else {
                print("""
                    renders:   \(renders) full renders (email subject+text+HTML and SMS) in \(String(format: "%.2f", renderSeconds)) s → \(Int(result.rendersPerSecond)) renders/s
                    enqueue:   \(messages) messages (~\(sampleSize) bytes each) in \(String(format: "%.2f", enqueueSeconds)) s → \(Int(result.enqueuePerSecond)) messages/s
                    deliver:   \(sent) sent, \(result.failed) failed in \(String(format: "%.2f", drainSeconds)) s → \(Int(result.deliveredPerSecond)) messages/s
                    end to end: \(Int(result.endToEndPerSecond)) messages/s (enqueue + deliver)
                    peak RSS:  \(String(format: "%.1f", result.peakRSSMiB)) MiB
                    """)
            }
            if sent != messages { throw CommandFailure(message: "only \(sent) of \(messages) were sent") }
        }
    }

    /// `--claim-latency`: the store's hot path alone, as a worker drives it (claim a batch under a
    /// lease, write every outcome with its attempt row), without rendering or SMTP.
    func measureClaimLatency(sample: TemplateSample, logger: Logger) async throws {
        guard batch > 0, claimers > 0, messages > 0 else {
            throw CommandFailure(message: "--batch, --claimers and --messages must be positive", exitCode: 2)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("accolade-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store: any Store
        let label: String
        if let postgres {
            store = try await PostgresStore.open(url: postgres, logger: logger, maximumConnections: claimers + 2)
            label = "postgres"
        } else {
            store = try await SQLiteStore.open(path: dir.appendingPathComponent("bench.sqlite").path, logger: logger)
            label = "sqlite"
        }
        let pool = (store as? PostgresStore).map { [$0] } ?? []
        let (enqueueTime, seconds, samples) = try await ServiceScope.run(pool, logger: logger) {
            // Never touch a real queue: the figures need an empty store, and the run leaves its rows.
            guard try await store.snapshot(now: Date()).counts.values.reduce(0, +) == 0 else {
                throw CommandFailure(message: "--postgres must name an empty database (this one has deliveries)", exitCode: 2)
            }
            let clock = ContinuousClock()
            let now = Date()
            let enqueueTime = try await clock.measure {
                for start in stride(from: 0, to: messages, by: 500) {
                    let requests = (start..<min(start + 500, messages)).map { i -> EnqueueRequest in
                        let (data, recipient) = Self.personalise(sample, index: i)
                        let message = Message(
                            id: Identifier.make(now: now), template: template, locale: recipient.locale, recipient: recipient,
                            data: data, route: Route(channels: [.email], mode: .all), idempotencyKey: "bench-\(i)",
                            fingerprint: "bench-\(i)", createdAt: now, sendAt: nil, expiresAt: nil)
                        return EnqueueRequest(message: message, deliveries: DeliveryStateMachine.plan(for: message, now: now) { Identifier.make(now: now) })
                    }
                    _ = try await store.enqueue(requests)
                }
            }
            // What every worker does first; on PostgreSQL it also refreshes stale planner statistics.
            _ = try await store.rescueExpiredLeases(now: Date(), maxAttempts: 8)
            let batchSize = batch
            let start = clock.now
            let samples = try await withThrowingTaskGroup(of: [(claim: Duration, complete: Duration)].self) { group in
                for c in 0..<claimers {
                    group.addTask {
                        var samples: [(claim: Duration, complete: Duration)] = []
                        for _ in 0..<1_000_000 {  // bounded; ends when the queue is empty
                            let t0 = clock.now
                            let claimed = try await store.claim(owner: "bench-\(c)", limit: batchSize, now: Date(), lease: 120)
                            let t1 = clock.now
                            if claimed.isEmpty { break }
                            let done = Date()
                            let updates = claimed.map { item in
                                DeliveryUpdate(
                                    deliveryID: item.delivery.id, leaseOwner: "bench-\(c)", state: .sent, attempts: 1, nextAttemptAt: nil,
                                    provider: "smtp", providerMessageID: "bench", lastError: nil,
                                    attempt: Attempt(
                                        deliveryID: item.delivery.id, number: 1, startedAt: done, finishedAt: done, provider: "smtp",
                                        outcome: .sent, code: "250", detail: "250 2.0.0 Ok: queued"),
                                    followUp: nil, now: done)
                            }
                            let t2 = clock.now
                            _ = try await store.complete(updates)
                            samples.append((t1 - t0, clock.now - t2))
                        }
                        return samples
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            return (enqueueTime, (clock.now - start).seconds, samples)
        }
        let result = ClaimLatencyResult(
            store: label, messages: messages, batch: batch, claimers: claimers,
            enqueuePerSecond: (Double(messages) / enqueueTime.seconds).rounded(),
            deliveriesPerSecond: (Double(messages) / seconds).rounded(), batches: samples.count,
            claimMs: .init(samples.map(\.claim)), completeMs: .init(samples.map(\.complete)),
            claimAndCompleteMs: .init(samples.map { $0.claim + $0.complete }))
        if global.json {
            Output.printJSON(result)
        } else {
            print("""
                store:           \(label), \(messages) deliveries, batch \(batch), \(claimers) claimer(s)
                enqueue:         \(Int(result.enqueuePerSecond)) messages/s
                claim+complete:  \(Int(result.deliveriesPerSecond)) deliveries/s over \(samples.count) batches
                claim ms:        \(result.claimMs)
                complete ms:     \(result.completeMs)
                claim+complete:  \(result.claimAndCompleteMs)
                """)
        }
    }

    /// The template's sample personalised for message `i` (name, email, codes, amounts differ per
    /// message), in a locale rotating through en, id, es and de.
    static func personalise(_ sample: TemplateSample, index i: Int) -> (JSONValue, Recipient) {
        let varied = sample.personalised(i)
        var recipient = varied.recipient
        recipient.locale = ["en", "id", "es", "de"][i % 4]
        recipient.email = "user\(i)@example.com"
        return (varied.data, recipient)
    }

    /// Peak resident set size (VmHWM) of this process.
    static func peakRSSMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        let kb = Double(line.split(separator: " ").dropFirst().first.map(String.init) ?? "0") ?? 0
        return kb / 1024
    }
}

struct BenchResult: Encodable {
    var renders: Int
    var rendersPerSecond: Double
    var messages: Int
    var approxMessageBytes: Int
    var enqueuePerSecond: Double
    var deliveredPerSecond: Double
    var endToEndPerSecond: Double
    var sent: Int
    var failed: Int
    var peakRSSMiB: Double
}

/// What `bench --claim-latency` measured.
struct ClaimLatencyResult: Encodable {
    /// Percentiles of one kind of call, in milliseconds.
    struct Percentiles: Encodable, CustomStringConvertible {
        var p50: Double
        var p90: Double
        var p99: Double
        var max: Double

        init(_ durations: [Duration]) {
            let ms = durations.map { $0.seconds * 1000 }.sorted()
            func at(_ q: Double) -> Double {
                guard !ms.isEmpty else { return 0 }
                return (ms[min(ms.count - 1, Int((Double(ms.count) * q).rounded(.up)) - 1)] * 100).rounded() / 100
            }
            p50 = at(0.5)
            p90 = at(0.9)
            p99 = at(0.99)
            max = ms.last.map { ($0 * 100).rounded() / 100 } ?? 0
        }

        var description: String { "p50 \(p50)  p90 \(p90)  p99 \(p99)  max \(max)" }
    }

    var store: String
    var messages: Int
    var batch: Int
    var claimers: Int
    var enqueuePerSecond: Double
    var deliveriesPerSecond: Double
    var batches: Int
    var claimMs: Percentiles
    var completeMs: Percentiles
    var claimAndCompleteMs: Percentiles
}
