import Foundation
import Testing

@testable import AccoladeCore

/// The one secret comparison: equal bytes match, anything else does not, whatever the lengths.
@Suite struct SecretComparisonTests {
    @Test func equalSecretsMatch() {
        #expect(SecretComparison.matches("standin-verify-token", "standin-verify-token"))
        #expect(SecretComparison.matches("", ""))
        #expect(SecretComparison.matches([UInt8](repeating: 7, count: 16), [UInt8](repeating: 7, count: 16)))
    }

    @Test func differentSecretsDoNotMatch() {
        #expect(!SecretComparison.matches("standin-verify-token", "standin-verify-tokeN"))
        #expect(!SecretComparison.matches("a", "b"))
        #expect(!SecretComparison.matches("token", ""))
        #expect(!SecretComparison.matches("", "token"))
    }

    /// The copy this replaced folded the length difference into one byte and padded the shorter
    /// side with zeros: a token followed by 256 NUL bytes (or an empty string against 256 NULs)
    /// compared equal.
    @Test func lengthsDifferingByMultiplesOf256NeverMatch() {
        let nuls = String(repeating: "\u{0}", count: 256)
        #expect(!SecretComparison.matches(nuls, ""))
        #expect(!SecretComparison.matches("", nuls))
        #expect(!SecretComparison.matches("abc" + nuls, "abc"))
        #expect(!SecretComparison.matches([UInt8](repeating: 0, count: 512), [UInt8]()))
    }

    @Test func prefixesAndExtensionsDoNotMatch() {
        let secret = "0123456789abcdef0123456789abcdef"
        for n in 0..<secret.utf8.count { #expect(!SecretComparison.matches(String(secret.prefix(n)), secret)) }
        #expect(!SecretComparison.matches(secret + "0", secret))
    }

    @Test func stringsCompareAsBytesWithoutNormalisation() {
        // "é" precomposed and decomposed are equal Strings in Swift but different secrets.
        #expect("\u{E9}" == "e\u{301}")
        #expect(!SecretComparison.matches("\u{E9}", "e\u{301}"))
    }

    @Test func matchesAnyTriesEveryCandidate() {
        #expect(SecretComparison.matchesAny("b-token-0123456789", of: ["a-token-0123456789", "b-token-0123456789"]))
        #expect(!SecretComparison.matchesAny("c-token-0123456789", of: ["a-token-0123456789", "b-token-0123456789"]))
        #expect(!SecretComparison.matchesAny("", of: []))
    }
}
