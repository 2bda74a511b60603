import AccoladeCore

/// Reads a Twilio status callback (`POST /v1/webhooks/twilio/status`, form-encoded) into an
/// ``ReceiptEvent``: pure. Verify `X-Twilio-Signature` with ``TwilioSignature`` first.
public enum TwilioStatusCallback {
    /// Parses the decoded form fields.
    ///
    /// `MessageSid` (or legacy `SmsSid`) and `MessageStatus` (or `SmsStatus`) are required;
    /// `ErrorCode` is kept on failures. Statuses map to delivery states: queued, accepted,
    /// scheduled, sending, sent, partially_delivered → sent; delivered → delivered; read → read;
    /// undelivered, failed, canceled → failed.
    public static func parse(form: [(String, String)]) throws(WebhookRejection) -> ReceiptEvent {
        func field(_ names: String...) -> String? {
            for name in names { if let v = form.first(where: { $0.0 == name })?.1, !v.isEmpty { return v } }
            return nil
        }
        guard let sid = field("MessageSid", "SmsSid") else {
            throw WebhookRejection(status: 400, reason: "MessageSid is missing; this is not a Twilio message status callback")
        }
        guard sid.utf8.count <= 64, sid.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw WebhookRejection(status: 400, reason: "MessageSid is malformed")
        }
        guard let status = field("MessageStatus", "SmsStatus")?.lowercased() else {
            throw WebhookRejection(status: 400, reason: "MessageStatus is missing")
        }
        guard let state = state(for: status) else {
            throw WebhookRejection(status: 400, reason: "unknown MessageStatus \"\(status.prefix(32))\"")
        }
        let code = field("ErrorCode").flatMap { c in c.allSatisfy(\.isNumber) && c.count <= 8 ? c : nil }
        var detail = status
        if let code { detail += " (error \(code): \(TwilioErrorCodes.meaning(code) ?? "see twilio.com/docs/api/errors/\(code)"))" }
        return ReceiptEvent(
            source: "twilio", reference: .providerMessageID(sid), state: state, rawStatus: status, errorCode: code,
            detail: detail)
    }

    /// The delivery state a Twilio `MessageStatus` reports, or nil for an unknown word.
    public static func state(for status: String) -> DeliveryState? {
        switch status {
        case "queued", "accepted", "scheduled", "sending", "sent", "partially_delivered": .sent
        case "delivered": .delivered
        case "read": .read
        case "undelivered", "failed", "canceled": .failed
        default: nil
        }
    }
}
