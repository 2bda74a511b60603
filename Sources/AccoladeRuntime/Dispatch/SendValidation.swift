import AccoladeCore
import Foundation

/// Channel-independent checks of a send request (channels check their own addresses).
enum SendValidation {
    static func check(_ request: SendRequest, now: Date) throws(ValidationError) {
        guard case .object = request.data else {
            throw ValidationError(field: "data", reason: "must be a JSON object")
        }
        if let key = request.idempotencyKey {
            guard !key.isEmpty, key.utf8.count <= 255, !containsControl(key) else {
                throw ValidationError(field: "idempotency_key", reason: "must be 1–255 bytes without control characters")
            }
        }
        try LocaleTag.validate(request.locale, field: "locale")
        try LocaleTag.validate(request.recipient.locale, field: "to.locale")
        if let name = request.recipient.name, name.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
            throw ValidationError(field: "to.name", reason: "must not contain CR, LF or NUL")
        }
        // The id is the recipient key and the inbox's address: held to the inbox's rule whether
        // or not the inbox is routed, like every other address.
        if let id = request.recipient.id, let problem = InboxRecipientKey.problem(with: id) {
            throw ValidationError(field: "to.id", reason: problem)
        }
        try LocaleTag.validateTimeZone(request.recipient.timezone, field: "to.timezone")
        // Every address given must be well-formed, routed or not: a malformed one is a caller's
        // bug worth hearing about now, not when a later route falls back to it.
        for (field, value) in [("to.phone", request.recipient.phone), ("to.whatsapp", request.recipient.whatsapp)] {
            if let value, !isE164(value) {
                throw ValidationError(
                    field: field,
                    reason: "\"\(value.prefix(40))\" is not an E.164 number; write it like +6281234567890 (plus sign, country code, digits only)")
            }
        }
        if let expires = request.expiresAt {
            guard expires > (request.sendAt ?? now) else {
                throw ValidationError(field: "expires_at", reason: "must be later than send_at and now")
            }
        }
    }

    /// Whether `text` has a control character. Printable ASCII (every key a workflow run makes)
    /// is answered from its bytes; looking up each scalar's Unicode category cost more than the rest of the check.
    static func containsControl(_ text: String) -> Bool {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F }) else { return false }
        return text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// `+`, a country code not starting with 0, 7–15 digits in all (as the SMS channel checks).
    static func isE164(_ number: String) -> Bool {
        let utf8 = number.utf8
        guard utf8.first == UInt8(ascii: "+") else { return false }
        let digits = utf8.dropFirst()
        return (7...15).contains(digits.count) && digits.allSatisfy { (0x30...0x39).contains($0) } && digits.first != 0x30
    }

    static func hasAddress(_ recipient: Recipient, for kind: ChannelKind) -> Bool {
        switch kind {
        case .email: return recipient.email != nil
        case .sms: return recipient.phone != nil
        case .whatsapp: return recipient.whatsapp != nil
        case .qr: return true
        case .inbox: return recipient.id != nil
        }
    }
}
