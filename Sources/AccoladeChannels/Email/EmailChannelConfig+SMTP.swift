import AccoladeCore
import AccoladeCurl

extension EmailChannelConfig {
    /// Checks every field the SMTP channel uses and returns the parsed sender; errors name the
    /// key under `channels.email` to fix (`from`, `reply_to`, `smtp.url` …).
    public func validated() throws(ValidationError) -> EmailAddress {
        if EmailAddress.containsLineBreakOrNUL(url) || !(url.hasPrefix("smtp://") || url.hasPrefix("smtps://")) || url.count < 9 {
            throw ValidationError(field: "smtp.url", reason: "must look like smtp://host:587 or smtps://host:465")
        }
        for (field, value) in [("smtp.username", username), ("smtp.password", password), ("smtp.ca_file", caFile)] {
            if let value, EmailAddress.containsLineBreakOrNUL(value) {
                throw ValidationError(field: field, reason: "contains a line break or NUL")
            }
        }
        if password != nil, username == nil {
            throw ValidationError(field: "smtp.username", reason: "a password is set but no username; set both or neither")
        }
        guard connectTimeout > 0, timeout > 0 else {
            throw ValidationError(field: "smtp.timeout", reason: "timeouts must be positive durations")
        }
        guard maxConnections >= 1 else {
            throw ValidationError(field: "smtp.max_connections", reason: "must be at least 1")
        }
        _ = try replyToAddress()
        return try EmailAddress.parse(from, field: "from")
    }

    /// The parsed `reply_to` mailbox, nil when none is set.
    func replyToAddress() throws(ValidationError) -> EmailAddress? {
        guard let replyTo else { return nil }
        return try EmailAddress.parse(replyTo, field: "reply_to")
    }

    /// True when credentials would cross the network unencrypted to a non-loopback host.
    public var sendsCredentialsInClear: Bool {
        username != nil && url.hasPrefix("smtp://") && starttls != .required && !isLoopback
    }

    /// ``connectTimeout`` as the driver takes it.
    var connectDuration: Duration { .milliseconds(Int(connectTimeout * 1000)) }

    /// ``timeout`` as the driver takes it.
    var transferDuration: Duration { .milliseconds(Int(timeout * 1000)) }
}

extension StartTLSPolicy {
    /// The libcurl `CURLOPT_USE_SSL` level.
    public var tlsLevel: CurlTLSLevel {
        switch self {
        case .never: .none
        case .opportunistic: .opportunistic
        case .required: .required
        }
    }
}
