import AccoladeCore

/// A mailbox: an optional display name and a strictly checked `local@domain` address.
///
/// The check is deliberately narrower than RFC 5322 (no quoted local parts, no comments, no IP
/// literals, ASCII only): anything it accepts can go into `MAIL FROM`/`RCPT TO` and a header
/// without escaping, and anything odd is refused at send time rather than bounced later.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// Display name, e.g. `Acme Rewards`; nil or empty when there is none.
    public let displayName: String?
    /// The `local@domain` part.
    public let address: String

    /// Creates a mailbox after checking both parts; `field` names the input in errors (`to`, `from`).
    public init(address: String, displayName: String? = nil, field: String = "email") throws(ValidationError) {
        try Self.validate(address, field: "\(field).email")
        if let displayName, Self.containsLineBreakOrNUL(displayName) {
            throw ValidationError(field: "\(field).name", reason: "contains a line break or NUL; give the name on one line")
        }
        self.address = address
        self.displayName = displayName.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Skips validation: only for tests that check the composer's own defences.
    init(unchecked address: String, displayName: String?) {
        self.address = address
        self.displayName = displayName
    }

    /// Parses `Display Name <local@domain>`, `"Quoted, Name" <local@domain>` or a bare `local@domain`.
    public static func parse(_ mailbox: String, field: String = "from") throws(ValidationError) -> EmailAddress {
        if containsLineBreakOrNUL(mailbox) {
            throw ValidationError(field: field, reason: "contains a line break or NUL; give the address on one line")
        }
        let trimmed = mailbox.strippingCharacters(in: " \t")
        guard let open = trimmed.lastIndex(of: "<") else {
            return try EmailAddress(address: trimmed, field: field)
        }
        guard trimmed.hasSuffix(">") else {
            throw ValidationError(field: field, reason: "expected `Name <local@domain>`: the closing `>` is missing")
        }
        let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        var name = trimmed[..<open].strippingCharacters(in: " \t")
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = unescapeQuoted(String(name.dropFirst().dropLast()))
        }
        return try EmailAddress(address: address, displayName: name, field: field)
    }

    /// Throws a ``ValidationError`` naming `field` when `address` is not a strict `local@domain`.
    public static func validate(_ address: String, field: String = "to.email") throws(ValidationError) {
        if let reason = problem(with: address) { throw ValidationError(field: field, reason: reason) }
    }

    /// True when `address` passes the strict `local@domain` check.
    public static func isValid(_ address: String) -> Bool { problem(with: address) == nil }

    /// Why `address` is not acceptable, or nil when it is.
    public static func problem(with address: String) -> String? {
        let bytes = Array(address.utf8)
        if bytes.isEmpty { return "is empty; give an address like name@example.com" }
        if bytes.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) {
            return "contains a line break or NUL; give a single address like name@example.com"
        }
        if bytes.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            return "contains spaces, control or non-ASCII characters; give a plain address like name@example.com"
        }
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "must contain exactly one @, like name@example.com" }
        if bytes.count > 254 { return "is longer than 254 characters" }
        let local = parts[0], domain = parts[1]
        if local.isEmpty || local.count > 64 { return "the part before @ must be 1–64 characters" }
        if !isDotAtom(local) { return "the part before @ has characters or dots not allowed in an address" }
        return domainProblem(domain)
    }

    /// `Name <address>` or the bare address.
    public var description: String {
        guard let displayName else { return address }
        return "\(displayName) <\(address)>"
    }

    /// The part after `@`, lower-cased.
    public var domain: String {
        guard let at = address.lastIndex(of: "@") else { return address }
        return address[address.index(after: at)...].lowercased()
    }

    static func containsLineBreakOrNUL(_ value: String) -> Bool {
        value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }

    private static func isDotAtom(_ bytes: ArraySlice<UInt8>) -> Bool {
        if bytes.first == UInt8(ascii: ".") || bytes.last == UInt8(ascii: ".") { return false }
        var previousDot = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                if previousDot { return false }
                previousDot = true
                continue
            }
            previousDot = false
            if !isAtext(byte) { return false }
        }
        return true
    }

    /// RFC 5322 `atext`: letters, digits and ``!#$%&'*+/=?^_`{|}~-``.
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+/=?^_`{|}~-".utf8.contains(byte)
        }
    }

    private static func domainProblem(_ domain: ArraySlice<UInt8>) -> String? {
        if domain.isEmpty || domain.count > 253 { return "the domain after @ must be 1–253 characters" }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if labels.count < 2 { return "the domain after @ needs a dot, like example.com" }
        for label in labels {
            if label.isEmpty || label.count > 63 { return "the domain has an empty or over-long label" }
            if label.first == UInt8(ascii: "-") || label.last == UInt8(ascii: "-") {
                return "a domain label may not start or end with a hyphen"
            }
            let ok = label.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "-")
            }
            if !ok { return "the domain may contain only letters, digits, hyphens and dots" }
        }
        if let tld = labels.last, tld.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            return "the domain's last label may not be all digits (IP addresses are not accepted)"
        }
        return nil
    }

    private static func unescapeQuoted(_ value: String) -> String {
        var out = ""
        var escaped = false
        for character in value {
            if !escaped, character == "\\" { escaped = true; continue }
            escaped = false
            out.append(character)
        }
        return out
    }
}

extension StringProtocol {
    /// Drops leading and trailing characters in `set` (no Foundation needed).
    func strippingCharacters(in set: String) -> String {
        var view = self[...]
        while let first = view.first, set.contains(first) { view = view.dropFirst() }
        while let last = view.last, set.contains(last) { view = view.dropLast() }
        return String(view)
    }
}
