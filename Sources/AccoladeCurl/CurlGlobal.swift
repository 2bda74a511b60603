import CCurl

/// Process-wide libcurl initialisation.
///
/// `curl_global_init` is not thread-safe and must run before any handle exists, so it runs once,
/// lazily, through a `static let` (Swift guarantees one thread-safe initialisation).
enum CurlGlobal {
    /// The result of the one `curl_global_init(CURL_GLOBAL_DEFAULT)` call.
    static let initialised: Bool = ccurl_global_init_default() == CURLE_OK

    /// Makes sure libcurl is initialised; cheap after the first call.
    @discardableResult
    static func ensureInitialised() -> Bool { initialised }
}
