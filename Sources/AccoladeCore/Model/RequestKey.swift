/// The one rule for keys a caller chooses: idempotency keys and cancellation keys, whether they
/// come from the API, the CLI, a CSV column or an event.
///
/// Keys are opaque but bounded and printable, so the same key can be written in an HTTP header, a
/// shell argument and a CSV cell alike, and shows as typed in logs.
public enum RequestKey {
    /// Checks `key`; `field` names where it came from in the error (e.g. `idempotency_key`).
    public static func check(_ key: String, field: String) throws(ValidationError) {
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw ValidationError(field: field, reason: "must be 1–255 printable ASCII characters without spaces")
        }
    }
}
