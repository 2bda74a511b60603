import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throw-away Kannel (bearerbox + smsbox + fakesmsc) started with `scripts/kannel/kannel-test.sh`.
public final class KannelTestCluster: @unchecked Sendable {
    public static let script = TestServer.repositoryRoot.appendingPathComponent("scripts/kannel/kannel-test.sh").path
    /// The Debian binaries the script needs; the integration suite is skipped without them.
    public static let binariesPresent = ["/usr/sbin/bearerbox", "/usr/sbin/smsbox", "/usr/lib/kannel/test/fakesmsc"]
        .allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }

    public let directory: String
    public let sendsmsURL: String
    public let username: String
    public let password: String
    public let fakesmscLog: String

    /// Starts a cluster; with `moURL`, mobile-originated messages (see ``sendMO(from:text:)``) are
    /// forwarded there by an `sms-service` `get-url` as `…&from=%p&to=%P&text=%a&ts=%T`.
    public init(moURL: String? = nil) throws {
        let exports = try Self.run(["start"], environment: moURL.map { ["ACCOLADE_KANNEL_MO_URL": $0] } ?? [:])
        func value(_ name: String) throws -> String {
            for line in exports.split(separator: "\n") where line.hasPrefix("export \(name)=") {
                return String(line.dropFirst("export \(name)=".count))
            }
            throw KannelClusterError.missingExport(name, exports)
        }
        directory = try value("ACCOLADE_KANNEL_DIR")
        sendsmsURL = try value("ACCOLADE_KANNEL_SENDSMS_URL")
        username = try value("ACCOLADE_KANNEL_USERNAME")
        password = try value("ACCOLADE_KANNEL_PASSWORD")
        fakesmscLog = try value("ACCOLADE_KANNEL_FAKESMSC_LOG")
    }

    deinit { stop() }

    /// Stops every process by PID and removes the directory (idempotent).
    public func stop() { _ = try? Self.run(["stop", directory]) }
    /// Stops the fake SMSC: Kannel then answers "3: Queued for later delivery".
    public func stopSMSC() throws { _ = try Self.run(["stop-smsc", directory]) }
    /// Starts it again; queued messages flow.
    public func startSMSC() throws { _ = try Self.run(["start-smsc", directory]) }

    /// Has the fake SMSC send one mobile-originated message from `from` (a handset replying).
    public func sendMO(from: String, text: String) throws { _ = try Self.run(["mo", directory, from, text]) }

    /// Messages fakesmsc has printed so far, in order.
    public func received() -> [FakeSMSCMessage] {
        guard let text = try? String(contentsOfFile: fakesmscLog, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap(FakeSMSCMessage.init(logLine:))
    }

    /// Waits (bounded) until fakesmsc has printed at least `count` messages; returns them all.
    public func waitForMessages(_ count: Int, timeout: Duration = .seconds(20)) async throws -> [FakeSMSCMessage] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let messages = received()
            if messages.count >= count || ContinuousClock.now > deadline { return messages }
            try await Task.sleep(for: .milliseconds(50))  // polling an external process, not timing logic
        }
    }

    /// Runs the script to completion and returns its stdout.
    ///
    /// Output goes to files, not pipes: the script exits at once while the daemons it started live
    /// on, holding whatever stdout they inherited.
    private static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kannel-run-\(UUID().uuidString)")
        let outPath = scratch.path + ".out"
        let errPath = scratch.path + ".err"
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        _ = FileManager.default.createFile(atPath: outPath, contents: nil, attributes: [.posixPermissions: 0o600])
        _ = FileManager.default.createFile(atPath: errPath, contents: nil, attributes: [.posixPermissions: 0o600])
        // The caller's environment plus `environment` (not setenv: tests run concurrently).
        let process = try ChildProcess(
            "/bin/bash", [script] + arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            stdout: .file(try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))),
            stderr: .file(try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))))
        let status = process.terminationStatus
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        guard status == 0 else { throw KannelClusterError.scriptFailed(arguments.joined(separator: " "), stderr) }
        return stdout
    }
}

public enum KannelClusterError: Error, CustomStringConvertible {
    case scriptFailed(String, String)
    case missingExport(String, String)

    public var description: String {
        switch self {
        case .scriptFailed(let args, let stderr): "kannel-test.sh \(args) failed: \(stderr)"
        case .missingExport(let name, let out): "kannel-test.sh start printed no \(name): \(out)"
        }
    }
}

/// One message as fakesmsc prints it: `Got message N: <from to text …>`, `… ucs-2 %xx…>` or,
/// for a part of a concatenated message, `… udh %05%00%03<ref><total><seq> data %xx…>`.
public struct FakeSMSCMessage: Sendable, Hashable {
    /// What fakesmsc printed after the addresses.
    public enum Body: Sendable, Hashable {
        /// A single GSM message, as UTF-8 text.
        case text(String)
        /// A single UCS-2 message, UTF-16BE bytes.
        case ucs2([UInt8])
        /// One part of a concatenated message: reference, total, sequence and the raw payload
        /// (UTF-8 for GSM texts, UTF-16BE for UCS-2 — the log line does not say which).
        case part(ref: UInt8, total: UInt8, seq: UInt8, data: [UInt8])
    }

    /// Sender as printed.
    public let from: String
    /// Receiver as printed.
    public let to: String
    /// The body.
    public let body: Body

    /// Parses one fakesmsc log line; nil for other lines.
    public init?(logLine: Substring) {
        guard let start = logLine.range(of: "Got message "), let open = logLine[start.upperBound...].range(of: ": <"), logLine.hasSuffix(">") else {
            return nil
        }
        let content = logLine[open.upperBound..<logLine.index(before: logLine.endIndex)]
        let fields = content.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard fields.count == 4 else { return nil }
        from = String(fields[0])
        to = String(fields[1])
        let rest = fields[3]
        switch fields[2] {
        case "text":
            body = .text(String(rest))
        case "ucs-2":
            body = .ucs2(Self.urlDecode(rest))
        case "udh":
            let parts = rest.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            let udh = Self.urlDecode(parts[0])
            guard parts.count == 3, parts[1] == "data", udh.count == 6, udh[0] == 5, udh[1] == 0, udh[2] == 3 else { return nil }
            body = .part(ref: udh[3], total: udh[4], seq: udh[5], data: Self.urlDecode(parts[2]))
        default:
            return nil
        }
    }

    public static func urlDecode(_ text: Substring) -> [UInt8] {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "+") {
                out.append(0x20)
            } else if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let v = UInt8(String(decoding: bytes[i + 1...i + 2], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 2
            } else {
                out.append(bytes[i])
            }
            i += 1
        }
        return out
    }

    public static func utf16BE(_ bytes: [UInt8]) -> String {
        let units = stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        return String(decoding: units, as: UTF16.self)
    }

    /// Single messages and reassembled concatenated ones, decoded, in order of completion.
    public static func texts(_ messages: [FakeSMSCMessage], ucs2Parts: Bool = false) -> [String] {
        var texts: [String] = []
        var pending: [UInt8: [UInt8: [UInt8]]] = [:]
        for message in messages {
            switch message.body {
            case .text(let text): texts.append(text)
            case .ucs2(let bytes): texts.append(utf16BE(bytes))
            case .part(let ref, let total, let seq, let data):
                pending[ref, default: [:]][seq] = data
                if let parts = pending[ref], parts.count == Int(total) {
                    let bytes = parts.keys.sorted().flatMap { parts[$0]! }
                    texts.append(ucs2Parts ? utf16BE(bytes) : String(decoding: bytes, as: UTF8.self))
                    pending[ref] = nil
                }
            }
        }
        return texts
    }
}
