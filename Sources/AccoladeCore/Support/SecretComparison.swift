import Crypto
import Foundation

/// The one way Accolade compares something presented (a bearer token, a webhook token, a
/// signature or MAC) with the secret value it must equal.
///
/// Both sides are hashed with SHA-256 and the two 32-byte digests compared with swift-crypto's
/// constant-time digest equality. Hashing first is what makes lengths safe: inputs of different
/// lengths are simply different inputs (no truncation, no zero padding, no length folded into a
/// byte), and the time taken depends only on the presented value's own length, never on how many
/// leading bytes were right nor on the expected value. Hand-written byte loops got this wrong
/// before (a length difference of 256 compared equal), so every check goes through here.
public enum SecretComparison {
    /// Whether `presented` equals `expected`, byte for byte, in time that reveals neither.
    public static func matches<P: DataProtocol, E: DataProtocol>(_ presented: P, _ expected: E) -> Bool {
        SHA256.hash(data: presented) == SHA256.hash(data: expected)
    }

    /// Whether `presented` equals `expected` as UTF-8 bytes (no Unicode normalisation: a secret is
    /// its bytes), in time that reveals neither.
    public static func matches(_ presented: String, _ expected: String) -> Bool {
        matches(Array(presented.utf8), Array(expected.utf8))
    }

    /// Whether `presented` equals any of `candidates`. Every candidate is compared, so the time
    /// taken does not say which one matched.
    public static func matchesAny(_ presented: String, of candidates: [String]) -> Bool {
        var matched = false
        for candidate in candidates where matches(presented, candidate) { matched = true }
        return matched
    }
}
