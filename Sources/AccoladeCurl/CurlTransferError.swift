/// A transfer description that must not be sent, found while building it (before any I/O).
public enum CurlTransferError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A value that reaches the protocol stream (envelope address, header, URL) contains CR, LF or NUL.
    case controlCharacter(field: String)
    /// The URL's scheme does not match the transfer kind.
    case unsupportedURL(field: String, expected: String)
    /// A required value is empty.
    case empty(field: String)

    /// What is wrong and what to fix; never echoes the offending value (it may be hostile or secret).
    public var description: String {
        switch self {
        case .controlCharacter(let field):
            return "\(field) contains CR, LF or NUL; remove line breaks and control characters from it"
        case .unsupportedURL(let field, let expected):
            return "\(field) must start with \(expected)"
        case .empty(let field):
            return "\(field) is empty; give a value"
        }
    }
}

extension CurlTransferError {
    /// Throws `.controlCharacter` when `value` contains CR, LF or NUL.
    static func checkLine(_ value: String, field: String) throws(CurlTransferError) {
        for byte in value.utf8 where byte == 0x0D || byte == 0x0A || byte == 0x00 {
            throw .controlCharacter(field: field)
        }
    }
}
