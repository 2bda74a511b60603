/// Why a message could not be composed. Never echoes the offending value (it may be hostile).
public enum MIMEError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A header value (subject, display name, address) contains CR, LF or NUL: rejected, not stripped.
    case headerInjection(field: String)
    /// An address failed the strict `local@domain` check.
    case invalidAddress(field: String, reason: String)

    /// What is wrong and what to fix.
    public var description: String {
        switch self {
        case .headerInjection(let field):
            return "\(field) contains CR, LF or NUL, which could inject headers; fix the template or recipient data"
        case .invalidAddress(let field, let reason):
            return "\(field) \(reason)"
        }
    }
}
