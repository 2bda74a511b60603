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

    /// Runs `iterations` full renders (every channel of the template: for `reward-earned`,
    /// email subject + text + HTML and SMS, strict checks included) on the calling thread, and
    /// returns the elapsed time. `accolade bench` reports `iterations / elapsed` as renders per
    /// second.
    ///
    /// Every iteration renders different data, as real traffic does: the sample varied by
    /// ``TemplateSample/personalised(_:)`` (name, email, money amounts, integers, codes), built
    /// inside the timed loop. `locale` is used for every render; `nil` rotates through the
    /// template's locales.
    public func benchmark(
        template: String = "reward-earned", locale: String? = "id-ID", iterations: Int
    ) throws(TemplateError) -> Duration {
        guard let info = info(template) else { throw TemplateError(.unknownTemplate(template)) }
        var sample = info.sample
        sample.recipient.locale = nil
        let locales = locale.map { [$0] } ?? info.locales
        // One untimed render per locale warms the formatters and surfaces errors before timing.
        for locale in locales {
            try validate(template: template, channels: info.channels, locale: locale, data: sample.data, recipient: sample.recipient)
        }
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<max(iterations, 0) {
            let varied = sample.personalised(index)
            try validate(
                template: template, channels: info.channels, locale: locales[index % locales.count], data: varied.data,
                recipient: varied.recipient)
        }
        return clock.now - start
    }
}
