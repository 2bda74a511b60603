import AccoladeChannels
import Foundation
import Testing

/// `X-Twilio-Signature` against vectors computed independently with Python's `hmac`:
///
/// ```python
/// s = url + "".join(k + v for k in sorted(set(params)) for v in sorted(set(params[k])))
/// base64.b64encode(hmac.new(token.encode(), s.encode(), hashlib.sha1).digest())
/// ```
struct TwilioSignatureTests {
    static let docsParams: [(String, String)] = [
        ("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"), ("To", "+18005551212"),
    ]
    static let statusParams: [(String, String)] = [
        ("MessageSid", "SM0123456789abcdef0123456789abcdef"), ("MessageStatus", "delivered"),
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"), ("To", "+6281234567890"), ("From", "+15005550006"),
        ("ApiVersion", "2010-04-01"), ("SmsSid", "SM0123456789abcdef0123456789abcdef"), ("SmsStatus", "delivered"),
    ]
    static let token = "c0ffee0123456789abcdef0123456789"

    @Test func computesTheDocumentedExample() {
        // Twilio's own documentation example (auth token 12345).
        #expect(TwilioSignature.compute(url: "https://mycompany.com/myapp.php?foo=1&bar=2", parameters: Self.docsParams, authToken: "12345")
            == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        #expect(TwilioSignature.compute(url: "https://mycompany.com:443/myapp.php?foo=1&bar=2", parameters: Self.docsParams, authToken: "12345")
            == "EpDEmp1PyjDYp77YxYU3GILBWzE=")
    }

    @Test func acceptsWithAndWithoutTheDefaultPort() {
        let url = "https://hooks.example.com/v1/webhooks/twilio/status"
        let params = Self.statusParams.shuffled()  // order of arrival does not matter
        #expect(TwilioSignature.compute(url: url, parameters: params, authToken: Self.token) == "kRQFa/auBBYEnpXmAX7gFsCH8tE=")
        // Signed without a port, checked with or without one; signed with :443 likewise.
        for signature in ["kRQFa/auBBYEnpXmAX7gFsCH8tE=", "c5xdzxywEMRPTgWcdsCUfHVnDsk="] {
            #expect(TwilioSignature.isValid(signature: signature, url: url, parameters: params, authToken: Self.token))
            #expect(TwilioSignature.isValid(signature: signature, url: "https://hooks.example.com:443/v1/webhooks/twilio/status", parameters: params, authToken: Self.token))
        }
    }

    @Test func nonDefaultPortRawQueryUnicodeAndRepeatedParameters() {
        let url = "http://127.0.0.1:8080/v1/webhooks/twilio/status?x=%C3%A9+a"
        let params: [(String, String)] = [("Body", "Stop ümlaut 😀"), ("MediaUrl", "http://b"), ("MediaUrl", "http://a"), ("From", "+4915112345678")]
        #expect(TwilioSignature.compute(url: url, parameters: params, authToken: Self.token) == "OQZKFi7ItqOGBnUJn0XVUfYOSY4=")
        #expect(TwilioSignature.isValid(signature: "OQZKFi7ItqOGBnUJn0XVUfYOSY4=", url: url, parameters: params, authToken: Self.token))
        // The SDK also accepts the URL with the port removed.
        #expect(TwilioSignature.isValid(signature: "vcz7buz3ZnW0fQX0M21DzwzT1t8=", url: url, parameters: params, authToken: Self.token))
    }

    @Test func rejectsTamperedURLParametersTokenOrSignature() {
        let url = "https://hooks.example.com/v1/webhooks/twilio/status"
        let good = "kRQFa/auBBYEnpXmAX7gFsCH8tE="
        var changed = Self.statusParams
        changed[1] = ("MessageStatus", "failed")
        #expect(!TwilioSignature.isValid(signature: good, url: url, parameters: changed, authToken: Self.token))
        #expect(!TwilioSignature.isValid(signature: good, url: url, parameters: Self.statusParams + [("ErrorCode", "30003")], authToken: Self.token))
        #expect(!TwilioSignature.isValid(signature: good, url: url, parameters: Array(Self.statusParams.dropLast()), authToken: Self.token))
        #expect(!TwilioSignature.isValid(signature: good, url: url + "?x=1", parameters: Self.statusParams, authToken: Self.token))
        #expect(!TwilioSignature.isValid(signature: good, url: "http://hooks.example.com/v1/webhooks/twilio/status", parameters: Self.statusParams, authToken: Self.token))
        // Like twilio-python's remove_port, any port is stripped for the second try.
        #expect(TwilioSignature.isValid(signature: good, url: "https://hooks.example.com:8443/v1/webhooks/twilio/status", parameters: Self.statusParams, authToken: Self.token))
        #expect(!TwilioSignature.isValid(signature: good, url: "https://hooks.example.org/v1/webhooks/twilio/status", parameters: Self.statusParams, authToken: Self.token))
        #expect(!TwilioSignature.isValid(signature: good, url: url, parameters: Self.statusParams, authToken: "other-token"))
        #expect(!TwilioSignature.isValid(signature: "kRQFa/auBBYEnpXmAX7gFsCH8tE", url: url, parameters: Self.statusParams, authToken: Self.token))
        #expect(!TwilioSignature.isValid(signature: "", url: url, parameters: Self.statusParams, authToken: Self.token))
    }

    @Test func jsonBodiesAreCheckedByTheirHash() {
        let body = Array(#"{"property": "value", "boolean": true}"#.utf8)
        let url = "https://mycompany.com/myapp?bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
        #expect(TwilioSignature.isValid(signature: "UEGkzoW/cP+5rgfjjBKC7Wch1b4=", url: url, parameters: [], authToken: "12345", rawBody: body))
        #expect(!TwilioSignature.isValid(signature: "UEGkzoW/cP+5rgfjjBKC7Wch1b4=", url: url, parameters: [], authToken: "12345", rawBody: body + [0x20]))
        #expect(!TwilioSignature.isValid(signature: "UEGkzoW/cP+5rgfjjBKC7Wch1b4=", url: url, parameters: [], authToken: "12345"))
    }
}
