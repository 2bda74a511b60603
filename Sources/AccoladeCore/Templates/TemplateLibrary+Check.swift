/// The outcome of rendering one template × locale × channel with the template's sample.
public struct TemplateCheckResult: Sendable, Hashable {
    /// The template name.
    public var template: String
    /// The locale rendered (`en`, `id`, …).
    public var locale: String
    /// The channel rendered.
    public var channel: ChannelKind
    /// The rendered content, or why it failed.
    public var result: Result<RenderedContent, TemplateError>
    /// For SMS renders: encoding and segments of the body.
    public var sms: SMSAnalysis?

    /// Whether the combination rendered.
    public var succeeded: Bool {
        if case .success = result { return true }
        return false
    }
}

extension TemplateLibrary {
    /// Renders every template in every locale it has, on every channel it has, with its
    /// `sample.json` — what `accolade templates check` reports. Never throws: each
    /// combination carries its own result.
    public func checkAll() -> [TemplateCheckResult] {
        var results: [TemplateCheckResult] = []
        for info in infos {
            // The sample is what previews show and authors copy: it must pass the send-time check.
            var sampleError: TemplateError?
            do throws(ValidationError) {
                try info.dataSchema.validate(info.sample.data)
            } catch {
                sampleError = TemplateError(
                    .invalidFile("\(error) — the sample must be data the template accepts"), template: info.name, file: "sample.json")
            }
            for locale in info.locales {
                var recipient = info.sample.recipient
                // The combination decides the locale, not the sample's recipient.
                recipient.locale = nil
                for channel in info.channels {
                    let result: Result<RenderedContent, TemplateError>
                    if let sampleError {
                        result = .failure(sampleError)
                    } else {
                        do {
                            result = .success(
                                try render(template: info.name, channel: channel, locale: locale, data: info.sample.data, recipient: recipient))
                        } catch {
                            result = .failure(error)
                        }
                    }
                    var sms: SMSAnalysis?
                    if case .success(.sms(let text)) = result { sms = SMSAnalysis(text) }
                    results.append(
                        TemplateCheckResult(template: info.name, locale: locale, channel: channel, result: result, sms: sms))
                }
            }
        }
        return results
    }
}
