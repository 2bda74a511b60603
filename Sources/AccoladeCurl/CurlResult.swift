/// The outcome of one transfer, as plain `Sendable` values.
public struct CurlResult: Sendable {
    /// libcurl's `CURLcode` (0 = success; see ``Code``).
    public var curlCode: Int
    /// libcurl's error text (`CURLOPT_ERRORBUFFER`, or `curl_easy_strerror`); empty on success.
    public var curlError: String
    /// `CURLINFO_RESPONSE_CODE`: the last SMTP reply code or the HTTP status; 0 when none arrived.
    public var responseCode: Int
    /// SMTP: the last server reply line (e.g. `250 2.0.0 Ok: queued as ABC`), when one arrived.
    public var lastReplyLine: String?
    /// HTTP: the final response's headers, in order.
    public var headers: [CurlHeader]
    /// HTTP: the response body.
    public var body: [UInt8]
    /// Wall time of the whole transfer.
    public var totalTime: Duration
    /// New connections opened for this transfer (0 when a cached connection was reused).
    public var connectionsOpened: Int

    /// Creates a result.
    public init(
        curlCode: Int, curlError: String = "", responseCode: Int = 0, lastReplyLine: String? = nil,
        headers: [CurlHeader] = [], body: [UInt8] = [], totalTime: Duration = .zero, connectionsOpened: Int = 0
    ) {
        self.curlCode = curlCode
        self.curlError = curlError
        self.responseCode = responseCode
        self.lastReplyLine = lastReplyLine
        self.headers = headers
        self.body = body
        self.totalTime = totalTime
        self.connectionsOpened = connectionsOpened
    }

    /// True when libcurl finished without error (an HTTP 4xx/5xx is still a successful transfer).
    public var isSuccess: Bool { curlCode == Code.ok }

    /// The body decoded as UTF-8 (invalid bytes replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The `CURLcode` values channels classify on, so they need not import the C module.
    public enum Code {
        /// `CURLE_OK`.
        public static let ok = 0
        /// `CURLE_UNSUPPORTED_PROTOCOL`.
        public static let unsupportedProtocol = 1
        /// `CURLE_URL_MALFORMAT`.
        public static let urlMalformed = 3
        /// `CURLE_COULDNT_RESOLVE_HOST`.
        public static let couldntResolveHost = 6
        /// `CURLE_COULDNT_CONNECT`.
        public static let couldntConnect = 7
        /// `CURLE_WEIRD_SERVER_REPLY`.
        public static let weirdServerReply = 8
        /// `CURLE_HTTP2`.
        public static let http2 = 16
        /// `CURLE_OPERATION_TIMEDOUT`.
        public static let timedOut = 28
        /// `CURLE_SSL_CONNECT_ERROR`.
        public static let sslConnectError = 35
        /// `CURLE_ABORTED_BY_CALLBACK` (also used when the driver shuts down mid-transfer).
        public static let aborted = 42
        /// `CURLE_BAD_FUNCTION_ARGUMENT`.
        public static let badFunctionArgument = 43
        /// `CURLE_UNKNOWN_OPTION`.
        public static let unknownOption = 48
        /// `CURLE_GOT_NOTHING`.
        public static let gotNothing = 52
        /// `CURLE_SEND_ERROR`.
        public static let sendError = 55
        /// `CURLE_RECV_ERROR`.
        public static let recvError = 56
        /// `CURLE_SSL_CERTPROBLEM`.
        public static let sslCertProblem = 58
        /// `CURLE_PEER_FAILED_VERIFICATION`: the server's certificate is untrusted, expired or for
        /// another host name (libcurl 7.88 with OpenSSL 3 answers 60 for all three).
        public static let peerFailedVerification = 60
        /// `CURLE_USE_SSL_FAILED`: TLS required but the server does not offer STARTTLS.
        public static let useSSLFailed = 64
        /// `CURLE_LOGIN_DENIED`.
        public static let loginDenied = 67
        /// `CURLE_SSL_CACERT_BADFILE`: the CA file (`CURLOPT_CAINFO`) is missing, unreadable or not PEM.
        public static let sslCACertBadFile = 77
        /// `CURLE_SSL_ISSUER_ERROR`.
        public static let sslIssuerError = 83
        /// `CURLE_HTTP2_STREAM`.
        public static let http2Stream = 92
    }
}
