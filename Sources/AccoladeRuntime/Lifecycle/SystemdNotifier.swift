import Foundation
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd how the process is doing (`sd_notify(3)`), for units with `Type=notify`: one
/// datagram per state change to the socket named by `NOTIFY_SOCKET`. Without that variable (not
/// started by systemd, or another `Type=`) every call does nothing.
public struct SystemdNotifier: Sendable {
    /// The socket path (`@` starts an abstract socket name), or nil.
    public let socketPath: String?

    /// Reads `NOTIFY_SOCKET` from `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"] ?? ""
        socketPath = path.hasPrefix("/") || path.hasPrefix("@") ? path : nil
    }

    /// Start-up is complete: systemd considers the unit started (`READY=1`), with a status line.
    @discardableResult
    public func ready(status: String) -> Bool { send("READY=1\nSTATUS=\(status)") }

    /// A graceful shutdown began (`STOPPING=1`).
    @discardableResult
    public func stopping() -> Bool { send("STOPPING=1\nSTATUS=stopping: finishing in-flight work") }

    /// Sends `state` (newline-separated `KEY=value` assignments); false when there is no socket or
    /// the datagram could not be sent (systemd then times the start out and says so).
    @discardableResult
    public func send(_ state: String) -> Bool {
        #if canImport(Glibc)
        guard let socketPath else { return false }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }  // abstract namespace
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count)
        let payload = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                payload.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress, length) }
            }
        }
        return sent == payload.count
        #else
        return false
        #endif
    }
}

extension SystemdNotifier {
    /// A service that sends `STOPPING=1` when its group begins a graceful shutdown. List it last in
    /// the group: services are shut down in reverse order, so it hears of the shutdown first.
    public struct StoppingService: Service {
        let notifier: SystemdNotifier

        /// Creates the service.
        public init(_ notifier: SystemdNotifier) { self.notifier = notifier }

        /// Waits for the graceful shutdown (or cancellation), then notifies.
        public func run() async {
            try? await gracefulShutdown()
            if !Task.isCancelled { notifier.stopping() }
        }
    }
}
