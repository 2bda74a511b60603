import AccoladeCore

extension SMSChannel {
    /// Checks, at `send` time, that the recipient has an E.164 phone number.
    public func validate(recipient: Recipient) throws(ValidationError) {
        guard let phone = recipient.phone else {
            throw ValidationError(field: "to.phone", reason: "is missing; the sms channel needs an E.164 number like +6281234567890")
        }
        guard E164.isValid(phone) else {
            throw ValidationError(
                field: "to.phone",
                reason: "\"\(phone.prefix(40))\" is not an E.164 number; write it like +6281234567890 (plus sign, country code, digits only)")
        }
    }

    /// Checks, at `send` time, that a rendered SMS is not empty and fits in `max_segments`.
    public func validate(content: RenderedContent) throws(ValidationError) {
        guard case .sms(let text) = content else {
            throw ValidationError(field: "channels", reason: "the sms channel can only carry an SMS part")
        }
        try Self.checkSize(SMSAnalysis(text), maxSegments: settings.maxSegments)
    }

    /// The size rule on its own, for previews and tests.
    public static func checkSize(_ analysis: SMSAnalysis, maxSegments: Int) throws(ValidationError) {
        guard analysis.segments > 0 else {
            throw ValidationError(field: "sms", reason: "the rendered SMS is empty; check the template's sms part")
        }
        guard analysis.segments <= maxSegments else {
            let encoding = analysis.encoding == .gsm7 ? "GSM-7" : "UCS-2"
            throw ValidationError(
                field: "sms",
                reason: "the rendered SMS needs \(analysis.segments) segments (\(analysis.units) \(encoding) units), more than channels.sms.max_segments = \(maxSegments); shorten the text or raise max_segments")
        }
    }

    /// The validated message a provider sends, or the reason it cannot be sent.
    func outgoing(_ request: DeliveryRequest) throws(ValidationError) -> SMSOutgoing {
        guard case .sms(let text) = request.content else {
            throw ValidationError(field: "channels", reason: "content is not an SMS; route this delivery to the sms channel only with sms templates")
        }
        try validate(recipient: request.recipient)
        let analysis = SMSAnalysis(text)
        try Self.checkSize(analysis, maxSegments: settings.maxSegments)
        return SMSOutgoing(deliveryID: request.deliveryID, to: request.recipient.phone ?? "", text: text, analysis: analysis)
    }
}
