import AccoladeChannels
import AccoladeCore
import ArgumentParser
import Foundation

/// `accolade qr verify|bench`: check a signed QR payload, measure QR PNG throughput.
struct QRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "Verify signed QR payloads and measure QR code throughput.",
        subcommands: [Verify.self, Bench.self])

    /// `accolade qr verify <payload>`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that a scanned payload carries a valid signature from channels.qr.signing_key.",
            discussion: """
                Prints the payload without its signature and exits 0 when valid; exits 2 when not.
                Example:
                  accolade qr verify 'https://rewards.example.com/r/RW-7Q2K?sig=Vq0c3aXbO1k9s2hJ4YpWmA'
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The payload exactly as scanned.")
        var payload: String

        func run() async throws {
            try await global.reporting {
                let (config, _) = try global.loadConfig(defaultLogLevel: .warning)
                guard let key = config.channels.qr?.signingKey else {
                    throw CommandFailure(message: "channels.qr.signing_key is not set; nothing to verify against", exitCode: 2)
                }
                guard let body = QRSigner(secret: key).verify(payload) else {
                    throw CommandFailure(message: "signature missing or invalid: this payload was not signed with the configured key", exitCode: 2)
                }
                if global.json {
                    Output.printJSON(VerifyView(valid: true, payload: body))
                } else {
                    print("valid: \(body)")
                }
            }
        }
    }

    struct VerifyView: Encodable {
        var valid: Bool
        var payload: String?
    }

    /// `accolade qr bench`.
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encode and draw QR PNGs for distinct URLs and print PNGs/s.",
            discussion: """
                Each code is a different URL of --bytes bytes (encode + PNG with zlib, no disk).
                Example:
                  accolade qr bench --count 20000 --level M --scale 4
                """)

        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "PNGs to make.") var count = 20_000
        @Option(name: .long, help: "Payload size in bytes.") var bytes = 60
        @Option(name: .long, help: "Error-correction level: L, M, Q or H.") var level = "M"
        @Option(name: .long, help: "Pixels per module.") var scale = 4
        @Option(name: .long, help: "PNG bit depth: 1 or 8.") var bitDepth = 1
        @Option(name: .long, help: "Threads (default: every core).") var threads = ProcessInfo.processInfo.activeProcessorCount

        func run() async throws {
            try await global.reporting {
                guard let level = QRErrorCorrection(rawValue: level.uppercased()) else {
                    throw CommandFailure(message: "--level must be L, M, Q or H", exitCode: 2)
                }
                guard bytes >= 30, bytes <= level.maximumBytes, count > 0, threads > 0, bitDepth == 1 || bitDepth == 8, (1...64).contains(scale) else {
                    throw CommandFailure(message: "need --bytes 30…\(level.maximumBytes), --count > 0, --threads > 0, --bit-depth 1|8, --scale 1…64", exitCode: 2)
                }
                let renderer = try QRCodeRenderer(level: level, scale: scale, quietZone: 4, pngBitDepth: bitDepth)
                let sample = try renderer.png(Self.payload(0, bytes: bytes))
                let single = try Self.measure(renderer, count: max(1, count / 4), bytes: bytes, threads: 1)
                let parallel = try Self.measure(renderer, count: count, bytes: bytes, threads: threads)
                print("qr: \(bytes)-byte URLs, level \(level), scale \(scale), \(bitDepth)-bit PNG of \(sample.count) bytes")
                print(String(format: "qr: 1 thread:  %d PNGs in %.2f s → %.0f PNGs/s", single.count, single.seconds, Double(single.count) / single.seconds))
                print(String(format: "qr: %d threads: %d PNGs in %.2f s → %.0f PNGs/s", threads, count, parallel.seconds, Double(count) / parallel.seconds))
            }
        }

        /// A distinct URL of exactly `bytes` bytes for iteration `i`.
        static func payload(_ i: Int, bytes: Int) -> String {
            let prefix = "https://rewards.example.com/r/RW-"
            let digits = String(i)
            return prefix + String(repeating: "0", count: max(0, bytes - prefix.count - digits.count)) + digits
        }

        static func measure(_ renderer: QRCodeRenderer, count: Int, bytes: Int, threads: Int) throws -> (count: Int, seconds: Double) {
            let failures = FailureCount()
            let started = ContinuousClock.now
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                var i = worker
                while i < count {
                    if (try? renderer.png(payload(i, bytes: bytes))) == nil { failures.add() }
                    i += threads
                }
            }
            let elapsed = ContinuousClock.now - started
            if failures.value > 0 { throw CommandFailure(message: "\(failures.value) codes failed to encode") }
            return (count, elapsed.seconds)
        }
    }
}

/// A counter the benchmark threads share.
private final class FailureCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
