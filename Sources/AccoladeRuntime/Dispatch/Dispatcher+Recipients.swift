import AccoladeCore

extension Dispatcher {
    /// Checks a recipient the way a send would, before any template is chosen: the recipient
    /// key exists, every address given is well-formed (by its channel when configured), locale,
    /// time zone and name are acceptable. `field` prefixes the error path (`recipients[2]`).
    /// Used by event triggers, whose runs send later: a bad address is the caller's bug to hear
    /// about now, not at the run's third step.
    public func validateRecipient(_ recipient: Recipient, field: String) throws(ValidationError) {
        do throws(ValidationError) {
            try SendValidation.check(SendRequest(template: "", recipient: recipient), now: .distantPast)
            for kind in ChannelKind.allCases where kind != .qr && SendValidation.hasAddress(recipient, for: kind) {
                try channels[kind]?.validate(recipient: recipient)
            }
        } catch {
            throw ValidationError(field: field + "." + error.field.replacingPrefix("to.", with: ""), reason: error.reason)
        }
        guard recipient.key != nil else {
            throw ValidationError(field: field, reason: "needs an id or an address (id, email, phone or whatsapp): the recipient key runs are kept under")
        }
    }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}

extension Dispatcher {
    /// Checks `data` against the template's declared variables (nothing rendered): the cheap
    /// check an event trigger makes for every template its workflows may send.
    public func validateData(template: String, data: JSONValue) throws(ValidationError) {
        guard renderer.hasTemplate(template) else {
            throw ValidationError(field: "template", reason: "unknown template \"\(template)\"")
        }
        try renderer.validateData(template: template, data: data)
    }
}
