/// The Twilio error codes ``TwilioResultClassifier`` acts on, each with a short meaning for the
/// delivery log.
enum TwilioErrorCodes {
    static func meaning(_ code: String) -> String? {
        switch code {
        case "20003": "authentication failed"
        case "20404": "resource not found"
        case "20429": "too many concurrent requests"
        case "21211": "invalid To number"
        case "21212": "invalid From number"
        case "21408": "sending to this region is not enabled"
        case "21606": "From is not an SMS-capable number of this account"
        case "21610": "recipient replied STOP (opted out)"
        case "21612": "cannot route to this number from this sender"
        case "21614": "To is not a mobile number"
        case "21617": "body exceeds 1600 characters"
        case "21659", "21660": "From is not a Twilio number of this account"
        case "30001": "queue overflow"
        case "30003": "unreachable handset"
        case "30004": "blocked by carrier or recipient"
        case "30005": "unknown or inactive number"
        case "30006": "landline or unreachable carrier"
        case "30007": "carrier filtering"
        case "30008": "unknown carrier error"
        default: nil
        }
    }
}
