import Crypto
import Foundation

/// Content-Security-Policy hash sources (CSP Level 3 §8.4): `'sha256-…'` allows exactly one
/// inline `<style>` or `<script>` body, so a page's own style sheet runs without
/// `'unsafe-inline'` and an injected one does not.
public enum CSPHash {
    /// `'sha256-<base64 of SHA-256(text's UTF-8)>'`, quotes included, for a `style-src` or `script-src`.
    public static func sha256(_ text: String) -> String {
        "'sha256-" + Data(SHA256.hash(data: Array(text.utf8))).base64EncodedString() + "'"
    }
}
