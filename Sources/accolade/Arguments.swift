import AccoladeCore
import Foundation

/// Classifies `--to` values by form: `whatsapp:+…`, `+…` (E.164 phone) or `…@…` (email).
enum AddressArgument {
    static func assign(_ raw: String, to recipient: inout Recipient) throws {
        let value = raw.trimmingCharacters(in: .whitespaces)
        func set(_ keyPath: WritableKeyPath<Recipient, String?>, _ v: String, _ kind: String) throws {
            guard recipient[keyPath: keyPath] == nil else {
                throw CommandFailure(message: "--to: two \(kind) addresses; a message has one recipient (use --csv for many)", exitCode: 2)
            }
            recipient[keyPath: keyPath] = v
        }
        if value.hasPrefix("whatsapp:") {
            let number = String(value.dropFirst("whatsapp:".count))
            try checkE164(number, raw: value)
            try set(\.whatsapp, number, "WhatsApp")
        } else if value.hasPrefix("+") {
            try checkE164(value, raw: value)
            try set(\.phone, value, "phone")
        } else if value.contains("@") {
            try set(\.email, value, "email")
        } else {
            throw CommandFailure(message: "--to \"\(value)\": not an email address, an E.164 number (+62…) or whatsapp:+62…", exitCode: 2)
        }
    }
}

/// E.164: `+`, a country code that does not start with 0, 7 to 15 digits in all, nothing else.
private func checkE164(_ number: String, raw: String) throws {
    let digits = number.dropFirst()
    guard number.hasPrefix("+"), (7...15).contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
        digits.first != "0"
    else {
        throw CommandFailure(message: "--to \"\(raw)\": not an E.164 number like +6281234567890 (plus sign, country code, no spaces)", exitCode: 2)
    }
}

/// Reads `--data` values: inline JSON or `@file`.
enum JSONArgument {
    static func parse(_ raw: String, option: String) throws -> JSONValue {
        var bytes = Data(raw.utf8)
        if raw.hasPrefix("@") {
            let path = String(raw.dropFirst())
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(message: "\(option): cannot read \(path)", exitCode: 2)
            }
            bytes = contents
        }
        // The API's own JSON reader, so `--data` stores exactly what the same body sent over HTTP
        // would (`50.0` stays a double) and the idempotency fingerprints match.
        let value: JSONValue
        do {
            value = try JSONValue(jsonBytes: bytes)
        } catch {
            throw CommandFailure(message: "\(option): not valid JSON (\(error))", exitCode: 2)
        }
        guard case .object = value else { throw CommandFailure(message: "\(option): must be a JSON object", exitCode: 2) }
        return value
    }
}

/// Reads ISO-8601 times (`2026-12-31T09:00:00Z`, `2026-12-31T09:00:00.5+07:00`, `2026-12-31` as
/// midnight UTC).
enum DateArgument {
    static func parse(_ raw: String, option: String) throws -> Date {
        if let date = ISOTime.parseInstantOrDay(raw) { return date }
        throw CommandFailure(message: "\(option): \"\(raw)\" is not an ISO-8601 time like 2026-12-31T09:00:00Z", exitCode: 2)
    }
}
