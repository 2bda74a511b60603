import Foundation

/// One Server-Sent Events block as a client parses it (WHATWG HTML §9.2.6), kept raw enough for
/// tests to check the framing too.
public struct SSEBlock: Sendable, Equatable {
    /// The `event:` field.
    public var event: String?
    /// The `id:` field.
    public var id: String?
    /// The `data:` lines, joined by line feeds.
    public var data: String?
    /// The `retry:` field.
    public var retry: Int?
    /// A comment line's text (`: heartbeat`).
    public var comment: String?

    /// The data as a JSON object.
    public func json() throws -> [String: Any] {
        guard let data, let object = try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else {
            throw SSEDataNotAnObject(data: data ?? "(no data)")
        }
        return object
    }
}

/// Thrown by ``SSEBlock/json()`` for data that is not a JSON object.
public struct SSEDataNotAnObject: Error, CustomStringConvertible {
    /// The data.
    public var data: String
    public var description: String { "event data is not a JSON object: \(data)" }
}

/// A streaming HTTP client for `GET /v1/inbox/stream`: the `curl` command (`-N`, no buffering),
/// a real client reading the real chunked response as it arrives, in a child process a test can
/// stop. Tests read ``blocks`` (parsed so far) with `waitUntil`.
public final class SSETestClient: @unchecked Sendable {
    private var process: ChildProcess!
    /// Kept for the client's life: its read end is curl's stdout.
    private let pipe = Pipe()
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    private var parsed: [SSEBlock] = []
    private var headerText: String?

    /// Starts `curl` for `url` with `headers`.
    public init(_ url: String, headers: [String: String] = [:]) throws {
        var arguments = ["-sS", "-N", "-D", "-", "--max-time", "180", url]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { arguments += ["-H", "\(name): \(value)"] }
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            self?.append(Array(data))
        }
        process = try ChildProcess("/usr/bin/curl", arguments, stdout: .pipe(pipe))
    }

    deinit { stop() }

    /// Ends the connection (the client goes away) with SIGKILL: curl has nothing to tidy up.
    public func stop() {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Whether curl is still connected.
    public var isRunning: Bool { process?.isRunning ?? false }

    /// The HTTP status, once the head arrived.
    public var status: Int? {
        lock.withLock { headerText }.flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
    }

    /// A response header, once the head arrived.
    public func header(_ name: String) -> String? {
        guard let text = lock.withLock({ headerText }) else { return nil }
        for line in text.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() { return parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    /// The body so far, as text (problem documents of refused streams).
    public var bodyText: String { lock.withLock { String(decoding: buffer, as: UTF8.self) } }

    /// Every complete block so far.
    public var blocks: [SSEBlock] { lock.withLock { parsed } }

    /// The complete blocks naming `event`.
    public func events(_ event: String) -> [SSEBlock] { blocks.filter { $0.event == event } }

    private func append(_ bytes: [UInt8]) {
        lock.withLock {
            buffer += bytes
            if headerText == nil, let end = find([13, 10, 13, 10]) {
                headerText = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeSubrange(..<(end + 4))
            }
            // Only a 200 is an event stream; a refusal's body stays in `buffer` as a problem document.
            guard let head = headerText, head.split(separator: " ").dropFirst().first == "200" else { return }
            while let end = find([10, 10]) {
                let block = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeSubrange(..<(end + 2))
                parsed.append(Self.parse(block))
            }
        }
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for i in 0...(buffer.count - needle.count) where buffer[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }

    public static func parse(_ text: String) -> SSEBlock {
        var block = SSEBlock()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") {
                block.comment = String(line.dropFirst()).trimmingCharacters(in: .whitespaces)
                continue
            }
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            var value = parts.count > 1 ? String(parts[1]) : ""
            if value.hasPrefix(" ") { value.removeFirst() }
            switch name {
            case "event": block.event = value
            case "id": block.id = value
            case "retry": block.retry = Int(value)
            case "data": block.data = block.data.map { $0 + "\n" + value } ?? value
            default: break
            }
        }
        return block
    }
}
