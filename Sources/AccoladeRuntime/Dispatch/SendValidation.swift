import AccoladeCore
import Foundation

/// Channel-independent checks of a send request (channels check their own addresses).
enum SendValidation {
    static func check(_ request: SendRequest, now: Date) throws(ValidationError) {
        guard case .object = request.data else {
            throw ValidationError(field: "data", reason: "must be a JSON object")
        }
        if let key = request.idempotencyKey {
            guard !key.isEmpty, key.utf8.count <= 255, !key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw ValidationError(field: "idempotency_key", reason: "must be 1–255 bytes without control characters")
            }
        }
        if let locale = request.locale ?? request.recipient.locale {
            guard !locale.isEmpty, locale.count <= 35,
                locale.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else {
                throw ValidationError(field: "locale", reason: "\"\(locale)\" is not a locale tag like en, id-ID or de")
            }
        }
        for (field, value) in [("to.name", request.recipient.name), ("to.id", request.recipient.id), ("to.timezone", request.recipient.timezone)] {
            if let value, value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                throw ValidationError(field: field, reason: "must not contain CR, LF or NUL")
            }
        }
        if let tz = request.recipient.timezone, TimeZone(identifier: tz) == nil {
            throw ValidationError(field: "to.timezone", reason: "\"\(tz)\" is not an IANA time zone like Asia/Jakarta")
        }
        if let expires = request.expiresAt {
            guard expires > (request.sendAt ?? now) else {
                throw ValidationError(field: "expires_at", reason: "must be later than send_at and now")
            }
        }
    }

    static func hasAddress(_ recipient: Recipient, for kind: ChannelKind) -> Bool {
        switch kind {
        case .email: return recipient.email != nil
        case .sms: return recipient.phone != nil
        case .whatsapp: return recipient.whatsapp != nil
        case .qr: return true
        }
    }
}
