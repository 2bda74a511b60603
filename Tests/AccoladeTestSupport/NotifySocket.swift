import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A stand-in for systemd's notification socket: a Unix datagram socket that a test binds and
/// names in `NOTIFY_SOCKET`, then reads the `sd_notify` messages from.
public final class NotifySocket: @unchecked Sendable {
    /// What to put in `NOTIFY_SOCKET`: the path, or `@name` for an abstract socket.
    public let address: String
    private let fd: Int32

    /// Binds a socket at `path` (a file path, or `@name` for the abstract namespace).
    public init(_ path: String) throws {
        address = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw NotifySocketError.socket(errno) }
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        var sun = sockaddr_un()
        sun.sun_family = sa_family_t(AF_UNIX)
        guard bytes.count < MemoryLayout.size(ofValue: sun.sun_path) else { throw NotifySocketError.pathTooLong(path) }
        withUnsafeMutableBytes(of: &sun.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let bound = withUnsafePointer(to: &sun) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else {
            let error = errno
            close(fd)
            throw NotifySocketError.bind(error)
        }
    }

    deinit {
        close(fd)
        if address.hasPrefix("/") { unlink(address) }
    }

    /// The next datagram as text, or nil when none arrives within `timeout`.
    public func receive(timeout: Duration) -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count >= 0 else { return nil }
            return String(decoding: buffer[0..<count], as: UTF8.self)
        }
        return nil
    }
}

/// Why the socket could not be set up.
public enum NotifySocketError: Error {
    case socket(Int32)
    case bind(Int32)
    case pathTooLong(String)
}
