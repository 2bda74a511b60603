import AccoladeCore
import Crypto
import Foundation

/// `X-Twilio-Signature` exactly as Twilio's SDKs compute and check it (twilio-python's
/// `RequestValidator`): pure, no I/O.
///
/// 1. Take the full URL Twilio requested, query string as sent (still URL-encoded).
/// 2. For form POSTs append, for each parameter name in byte order, `name + value`; a repeated
///    name contributes each distinct value in byte order (the SDK sorts a set of them).
/// 3. HMAC-SHA1 keyed with the auth token, base64.
///
/// A request is valid when the header matches the URL **with** the default port (`:443`/`:80`)
/// added or **without** any port — Twilio's backend is inconsistent, and the SDK accepts both.
/// JSON bodies carry `bodySHA256=<hex>` in the query: the URL is signed with no parameters and the
/// body checked against the hash.
public enum TwilioSignature {
    /// The base64 HMAC-SHA1 signature of `url` and form `parameters`.
    public static func compute(url: String, parameters: [(String, String)], authToken: String) -> String {
        var text = url
        for name in Set(parameters.map(\.0)).sorted(by: byteOrder) {
            let values = Set(parameters.filter { $0.0 == name }.map(\.1)).sorted(by: byteOrder)
            for value in values { text += name + value }
        }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Whether `signature` (the `X-Twilio-Signature` header) is valid for this request.
    ///
    /// - Parameters:
    ///   - url: the public URL Twilio called (`PublicURL.join` of `server.public_url` and the
    ///     request's path and raw query, as the server builds it for every webhook).
    ///   - parameters: the decoded form fields of a form POST (empty for GET or JSON).
    ///   - rawBody: the raw body, needed only when the URL carries `bodySHA256`.
    public static func isValid(
        signature: String, url: String, parameters: [(String, String)], authToken: String, rawBody: [UInt8]? = nil
    ) -> Bool {
        guard !signature.isEmpty, !authToken.isEmpty else { return false }
        var parameters = parameters
        var bodyOK = true
        if let hash = queryValue("bodySHA256", in: url) {
            guard let rawBody else { return false }
            let digest = Hex.encode(SHA256.hash(data: rawBody))
            bodyOK = SecretComparison.matches(hash.lowercased(), digest)
            parameters = []
        }
        var matched = false
        for candidate in [withDefaultPort(url), withoutPort(url)] {
            // Both are always computed, so timing does not reveal which form matched.
            if SecretComparison.matches(signature, compute(url: candidate, parameters: parameters, authToken: authToken)) { matched = true }
        }
        return bodyOK && matched
    }

    /// `url` with `:443`/`:80` added when it has no port (twilio-python `add_port`).
    static func withDefaultPort(_ url: String) -> String {
        guard let parts = authority(of: url), parts.port == nil else { return url }
        let port = url.lowercased().hasPrefix("https://") ? "443" : "80"
        return String(url[..<parts.hostEnd]) + ":" + port + String(url[parts.hostEnd...])
    }

    /// `url` without any port (twilio-python `remove_port`).
    static func withoutPort(_ url: String) -> String {
        guard let parts = authority(of: url), let port = parts.port else { return url }
        return String(url[..<parts.hostEnd]) + String(url[port.upperBound...])
    }

    /// The end of the host and the `:port` range (colon included) of an absolute URL.
    private static func authority(of url: String) -> (hostEnd: String.Index, port: Range<String.Index>?)? {
        guard let scheme = url.range(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? url.endIndex
        let authority = url[scheme.upperBound..<end]
        let hostStart = authority.lastIndex(of: "@").map { url.index(after: $0) } ?? authority.startIndex
        let hostPort = url[hostStart..<end]
        // An IPv6 literal's colons are inside brackets.
        let searchFrom = hostPort.lastIndex(of: "]") ?? hostPort.startIndex
        guard let colon = hostPort[searchFrom...].lastIndex(of: ":") else { return (end, nil) }
        return (colon, colon..<end)
    }

    private static func queryValue(_ name: String, in url: String) -> String? {
        guard let q = url.firstIndex(of: "?") else { return nil }
        let query = url[url.index(after: q)...].prefix { $0 != "#" }
        return FormURLEncoding.decode(query).first { $0.0 == name }?.1
    }

    private static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
