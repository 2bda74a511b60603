import Foundation

/// `channels.email.return_path`: the envelope sender (`MAIL FROM`) with the delivery's id in it
/// (VERP), e.g. `bounces+{delivery_id}@example.com`. Bounces go to the envelope sender, so the
/// address a bounce arrives at names the delivery it is about, whatever the report itself says.
public struct ReturnPath: Sendable, Hashable, CustomStringConvertible {
    /// The placeholder replaced by the delivery id.
    public static let placeholder = "{delivery_id}"
    /// Text before the placeholder (`bounces+`).
    public let prefix: String
    /// Text after it (`@example.com`), holding the domain.
    public let suffix: String

    /// Checks and keeps a template: exactly one `{delivery_id}`, in the local part, an ASCII address
    /// without spaces, quotes or brackets.
    public init(_ template: String, field: String = "channels.email.return_path") throws(ValidationError) {
        let pieces = template.components(separatedBy: Self.placeholder)
        guard pieces.count == 2 else {
            throw ValidationError(field: field, reason: "must contain \(Self.placeholder) exactly once, e.g. bounces+{delivery_id}@example.com")
        }
        let (prefix, suffix) = (pieces[0], pieces[1])
        guard !prefix.contains("@"), let at = suffix.firstIndex(of: "@"), suffix[suffix.index(after: at)...].contains("."),
            suffix.filter({ $0 == "@" }).count == 1
        else {
            throw ValidationError(field: field, reason: "\(Self.placeholder) must be in the local part, e.g. bounces+{delivery_id}@example.com")
        }
        let allowed = (prefix + suffix).unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value < 0x7F && !"\"<>()[],;:\\".unicodeScalars.contains($0) }
        guard allowed else {
            throw ValidationError(field: field, reason: "must be a plain ASCII address without spaces, quotes or brackets")
        }
        self.prefix = prefix
        self.suffix = suffix
    }

    /// The envelope sender for one delivery.
    public func address(deliveryID: String) -> String { prefix + deliveryID + suffix }

    /// The delivery id an address made by ``address(deliveryID:)`` holds (the domain compared
    /// without case, as mail systems may change it), or nil for any other address.
    public func deliveryID(in address: String) -> String? {
        let lower = address.lowercased()
        guard lower.hasPrefix(prefix.lowercased()), lower.hasSuffix(suffix.lowercased()), address.count > prefix.count + suffix.count else { return nil }
        let id = String(address.dropFirst(prefix.count).dropLast(suffix.count))
        return id.isEmpty || id.contains("@") ? nil : id
    }

    /// The template as configured.
    public var description: String { prefix + Self.placeholder + suffix }
}

/// The delivery id in a `Message-ID` Accolade wrote (`<deliveryID@domain>`, bytes outside
/// `atext` hex-escaped as `=XX`; see the email channel's composer).
public enum DeliveryMessageID {
    /// The delivery id, or nil when `messageID` is not of that form.
    public static func deliveryID(in messageID: String) -> String? {
        var text = messageID.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("<"), text.hasSuffix(">") { text = String(text.dropFirst().dropLast()) }
        guard let at = text.lastIndex(of: "@") else { return nil }
        let local = Array(text[..<at].utf8)
        var out: [UInt8] = []
        var index = 0
        while index < local.count {
            if local[index] == 0x3D, index + 2 < local.count,
                let byte = UInt8(String(decoding: local[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                out.append(byte)
                index += 3
            } else {
                out.append(local[index])
                index += 1
            }
        }
        return out.isEmpty ? nil : String(decoding: out, as: UTF8.self)
    }
}
