/// One libcurl transfer to run on a ``CurlMultiDriver``: an SMTP send or an HTTP request.
///
/// Values are validated when built (no CR/LF/NUL in anything that reaches the wire framing), so a
/// `CurlTransfer` that exists is safe to hand to libcurl.
public struct CurlTransfer: Sendable {
    /// What the transfer does.
    public enum Operation: Sendable {
        /// Send one message over SMTP.
        case smtp(CurlSMTPSend)
        /// Make one HTTP request.
        case http(CurlHTTPRequest)
    }

    /// What the transfer does.
    public var operation: Operation
    /// Time allowed to establish the connection (TCP and TLS).
    public var connectTimeout: Duration
    /// Time allowed for the whole transfer, connection included.
    public var timeout: Duration
    /// A PEM file of CA certificates to trust for the server's TLS certificate (libcurl
    /// `CURLOPT_CAINFO`), e.g. a private CA of an internal relay; nil keeps libcurl's default bundle.
    public var caFile: String?

    /// Creates a transfer.
    public init(_ operation: Operation, connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60), caFile: String? = nil) {
        self.operation = operation
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.caFile = caFile
    }
}

/// How an SMTP connection uses TLS (libcurl's `CURLOPT_USE_SSL`).
public enum CurlTLSLevel: Sendable, Hashable {
    /// Plain text (loopback and test servers only).
    case none
    /// STARTTLS when offered; silently plain otherwise (downgradable).
    case opportunistic
    /// STARTTLS required: the transfer fails with `CURLE_USE_SSL_FAILED` when it is not offered.
    case required
}

/// One SMTP message: envelope plus the RFC 5322 bytes libcurl uploads as `DATA`.
public struct CurlSMTPSend: Sendable {
    /// `smtp://host:port[/ehlo-name]` or `smtps://host:port` (implicit TLS).
    public let url: String
    /// STARTTLS policy (ignored by `smtps://`, which is always TLS).
    public let tls: CurlTLSLevel
    /// SASL user name, when the server needs AUTH.
    public let username: String?
    /// SASL password; never logged.
    public let password: String?
    /// Envelope sender, a bare address (`rewards@example.com`); empty means the null sender `<>`.
    public let mailFrom: String
    /// Envelope recipients, bare addresses.
    public let recipients: [String]
    /// The complete message with CRLF line ends, not dot-stuffed (libcurl does that).
    public let payload: [UInt8]

    /// Creates a send, rejecting envelope values that could smuggle SMTP commands.
    public init(
        url: String, tls: CurlTLSLevel, username: String? = nil, password: String? = nil,
        mailFrom: String, recipients: [String], payload: [UInt8]
    ) throws(CurlTransferError) {
        try CurlTransferError.checkLine(url, field: "smtp.url")
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
            throw .unsupportedURL(field: "smtp.url", expected: "smtp:// or smtps://")
        }
        // Defence in depth: callers validate addresses too, but nothing with a line break may
        // ever reach MAIL FROM / RCPT TO.
        try CurlTransferError.checkLine(mailFrom, field: "smtp.mailFrom")
        guard !recipients.isEmpty else { throw .empty(field: "smtp.recipients") }
        for recipient in recipients {
            try CurlTransferError.checkLine(recipient, field: "smtp.recipient")
            if recipient.isEmpty { throw .empty(field: "smtp.recipient") }
        }
        if let username { try CurlTransferError.checkLine(username, field: "smtp.username") }
        if let password { try CurlTransferError.checkLine(password, field: "smtp.password") }
        self.url = url
        self.tls = tls
        self.username = username
        self.password = password
        self.mailFrom = mailFrom
        self.recipients = recipients
        self.payload = payload
    }
}

/// A header name and value, in order as sent or received.
public struct CurlHeader: Sendable, Hashable {
    /// Header name as written (compare case-insensitively).
    public var name: String
    /// Header value, trimmed.
    public var value: String

    /// Creates a header.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One HTTP request. Redirects are not followed; the response is returned as is.
public struct CurlHTTPRequest: Sendable {
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, …
    public let method: String
    /// `http://` or `https://` URL.
    public let url: String
    /// Request headers (libcurl adds Host, Content-Length and the like).
    public let headers: [CurlHeader]
    /// Request body, sent as is.
    public let body: [UInt8]?
    /// Basic-auth user name and password (the password is never logged).
    public let basicAuth: (username: String, password: String)?

    /// Creates a request, rejecting header values with line breaks (header injection).
    public init(
        method: String = "GET", url: String, headers: [CurlHeader] = [], body: [UInt8]? = nil,
        basicAuth: (username: String, password: String)? = nil
    ) throws(CurlTransferError) {
        try CurlTransferError.checkLine(url, field: "http.url")
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw .unsupportedURL(field: "http.url", expected: "http:// or https://")
        }
        try CurlTransferError.checkLine(method, field: "http.method")
        guard !method.isEmpty, method.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .empty(field: "http.method")
        }
        for header in headers {
            try CurlTransferError.checkLine(header.name, field: "http.header")
            try CurlTransferError.checkLine(header.value, field: "http.header.\(header.name)")
        }
        if let basicAuth {
            try CurlTransferError.checkLine(basicAuth.username, field: "http.username")
            try CurlTransferError.checkLine(basicAuth.password, field: "http.password")
        }
        self.method = method.uppercased()
        self.url = url
        self.headers = headers
        self.body = body
        self.basicAuth = basicAuth
    }
}
