import AccoladeCore

extension WhatsAppChannel {
    /// Longest free-text body Meta accepts.
    public static let textLimit = 4096
    /// Longest text header (the rendered header, placeholder included).
    public static let headerTextLimit = 60
    /// Longest body parameter Meta accepts (the whole approved body is capped at 1024 characters).
    public static let bodyParameterLimit = 1024
    /// Longest URL-button suffix accepted here (the full URL must stay a sane length).
    public static let urlSuffixLimit = 2000

    /// Checks, at `send` time, that the recipient has an E.164 WhatsApp number.
    public func validate(recipient: Recipient) throws(ValidationError) {
        guard let number = recipient.whatsapp else {
            throw ValidationError(field: "to.whatsapp", reason: "is missing; the whatsapp channel needs an E.164 number like +6281234567890")
        }
        guard E164.isValid(number) else {
            throw ValidationError(
                field: "to.whatsapp",
                reason: "\"\(number.prefix(40))\" is not an E.164 number; write it like +6281234567890 (plus sign, country code, digits only)")
        }
    }

    /// Checks, at `send` time, that a rendered WhatsApp message can be carried: free text within
    /// 4096 characters; template parameters non-empty and within Meta's sizes; an image header
    /// only when the QR channel can supply the image.
    public func validate(content: RenderedContent) throws(ValidationError) {
        switch content {
        case .whatsapp(let text):
            try Self.checkText(text)
        case .whatsappTemplate(let template, let text):
            if let text { try Self.checkText(text) }
            try Self.check(template)
            if template.header == .qrImage && qrSource == nil {
                throw ValidationError(
                    field: "whatsapp.header",
                    reason: "template \(template.name) has an image header (the message's QR code) but channels.qr is not configured; configure channels.qr")
            }
        default:
            throw ValidationError(field: "channels", reason: "the whatsapp channel can only carry a whatsapp part or an approved template mapping")
        }
    }

    /// The text rule on its own.
    public static func checkText(_ text: String) throws(ValidationError) {
        guard !text.isEmpty else {
            throw ValidationError(field: "whatsapp", reason: "the rendered WhatsApp text is empty; check the template's whatsapp.txt part")
        }
        // Counting characters walks grapheme clusters; the byte count bounds it from above for free.
        guard text.utf8.count <= textLimit || text.count <= textLimit else {
            throw ValidationError(field: "whatsapp", reason: "the rendered WhatsApp text has \(text.count) characters, more than WhatsApp's \(textLimit); shorten whatsapp.txt")
        }
    }

    /// The template parameter rules on their own (counts come from the manifest mapping; every
    /// value must be present and within Meta's limits, or Meta answers 131008/132000 later).
    public static func check(_ template: WhatsAppTemplateMessage) throws(ValidationError) {
        if case .text(let value)? = template.header {
            guard !value.isEmpty, value.utf8.count <= headerTextLimit || value.count <= headerTextLimit else {
                throw ValidationError(
                    field: "whatsapp.header",
                    reason: "the header parameter has \(value.count) characters; WhatsApp text headers hold 1–\(headerTextLimit)")
            }
        }
        for (i, value) in template.body.enumerated() {
            guard !value.isEmpty, value.utf8.count <= bodyParameterLimit || value.count <= bodyParameterLimit else {
                throw ValidationError(
                    field: "whatsapp.body[\(i)]",
                    reason: "body parameter {{\(i + 1)}} has \(value.count) characters; WhatsApp needs 1–\(bodyParameterLimit)")
            }
        }
        var seen = Set<Int>()
        for button in template.buttons {
            guard (0...9).contains(button.index), seen.insert(button.index).inserted else {
                throw ValidationError(field: "whatsapp.buttons", reason: "button index \(button.index) is out of 0–9 or used twice")
            }
            if case .url(let suffix) = button.kind, suffix.isEmpty || (suffix.utf8.count > urlSuffixLimit && suffix.count > urlSuffixLimit) {
                throw ValidationError(
                    field: "whatsapp.buttons[\(button.index)]", reason: "the URL suffix has \(suffix.count) characters; it needs 1–\(urlSuffixLimit)")
            }
        }
    }

    /// The validated number, template and free text a delivery carries.
    func outgoing(_ request: DeliveryRequest) throws(ValidationError) -> (to: String, template: WhatsAppTemplateMessage?, text: String?) {
        try validate(recipient: request.recipient)
        try validate(content: request.content)
        let to = request.recipient.whatsapp ?? ""
        switch request.content {
        case .whatsapp(let text): return (to, nil, text)
        case .whatsappTemplate(let template, let text): return (to, template, text)
        default: throw ValidationError(field: "channels", reason: "content is not a WhatsApp message")
        }
    }
}
