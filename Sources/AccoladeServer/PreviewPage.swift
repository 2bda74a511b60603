import AccoladeCore
import Foundation

/// The HTML page of `GET /v1/templates/{name}/preview`: every channel of a template side by side.
///
/// The page is static HTML and CSS — no scripts at all — so it runs under a `default-src 'none'`
/// Content-Security-Policy. Untrusted template output is kept in its place: every text is
/// HTML-escaped, and the email HTML is shown in an `<iframe sandbox="" srcdoc="…">`, which
/// runs nothing and cannot navigate the page.
///
/// Secrets: parts are rendered from masked data (``TemplatePreview``), and secret values that
/// reach the output through another variable (a redeem URL ending in the code) are redacted too.
/// Locale links therefore carry only redacted data, never the raw `?data=` of the request.
///
/// A channel that fails to render shows its error inside its own panel; the page still answers.
struct PreviewPage {
    /// The template, locale and data to lay out.
    let preview: TemplatePreview
    /// Where the QR image can be loaded from (`/v1/qr/{token}.png` or a `data:` URL), when one exists.
    let qrImageURL: String?

    /// The whole page.
    func html() -> String {
        let info = preview.info
        let title = "\(info.name) · \(preview.effectiveLocale) · Accolade preview"
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>\(HTMLEscape.text(title))</title>
            <style>\(Self.css)</style>
            </head>
            <body>
            <header class="page-header">
            <div class="heading">
            <p class="eyebrow">Template preview</p>
            <h1>\(HTMLEscape.text(info.name))</h1>
            <p class="description">\(HTMLEscape.text(info.description))</p>
            </div>
            \(localeSwitcher())
            </header>
            \(summary())
            <main class="channels">
            \(info.channels.map(panel).joined(separator: "\n"))
            </main>
            \(absentChannels())
            \(dataSection())
            </body>
            </html>
            """
    }

    /// One panel per channel the template has.
    func panel(_ channel: ChannelKind) -> String {
        let content: RenderedContent
        do {
            content = try preview.renderRedacted(channel)
        } catch {
            return errorPanel(channel, error: error)
        }
        switch content {
        case .email(let email): return emailPanel(email)
        case .sms(let text):
            // Encoding and segments of the message as sent, not of its masked copy.
            guard case .sms(let sent)? = try? preview.renderUnmasked(.sms) else { return smsPanel(text, analysis: SMSAnalysis(text)) }
            return smsPanel(text, analysis: SMSAnalysis(sent))
        case .whatsapp(let text): return whatsAppPanel(text, length: sentWhatsAppText(channel)?.count ?? text.count)
        case .whatsappTemplate(let template, let text):
            let shown = text ?? template.summary
            return whatsAppPanel(shown, length: sentWhatsAppText(channel)?.count ?? shown.count)
        case .qr(let payload):
            guard case .qr(let sent)? = try? preview.renderUnmasked(.qr) else { return qrPanel(payload, bytes: payload.utf8.count) }
            return qrPanel(payload, bytes: sent.utf8.count)
        case .inbox(let item): return inboxPanel(item)
        }
    }

    /// The WhatsApp text as sent (secrets in clear), for its length: the mask is display only,
    /// and `••••` is rarely as long as the secret it hides.
    func sentWhatsAppText(_ channel: ChannelKind) -> String? {
        switch try? preview.renderUnmasked(channel) {
        case .whatsapp(let text)?: text
        case .whatsappTemplate(let template, let text)?: text ?? template.summary
        default: nil
        }
    }

    /// Links to every locale the template has files for; the one in use is marked current.
    func localeSwitcher() -> String {
        let query = dataQuery()
        let links = preview.info.locales.map { locale -> String in
            let href = "?locale=\(Self.queryEscaped(locale))\(query)"
            let current = isCurrent(locale) ? " aria-current=\"page\" class=\"current\"" : ""
            return "<li><a href=\"\(HTMLEscape.text(href))\"\(current)>\(HTMLEscape.text(locale))</a></li>"
        }
        return """
            <nav class="locales" aria-label="Locale">
            <span class="label">Locale</span>
            <ul>\(links.joined())</ul>
            </nav>
            """
    }

    /// Which sample this is, who it is for, and the template's variables.
    func summary() -> String {
        let manifest = preview.info.manifest
        let recipient = preview.recipient
        let who = [recipient.name, recipient.timezone].compactMap { $0 }.map(HTMLEscape.text).joined(separator: " · ")
        let source = isSampleData ? "the template's sample data" : "data from the <code>data</code> parameter"
        func chips(_ names: [String], _ kind: String) -> String {
            guard !names.isEmpty else { return "<span class=\"none\">none</span>" }
            return names.map { "<code class=\"chip \(kind)\">\(HTMLEscape.text($0))</code>" }.joined(separator: " ")
        }
        return """
            <section class="summary" aria-label="Template details">
            <p class="rendered-for">Rendered in <strong>\(HTMLEscape.text(preview.effectiveLocale))</strong> with \(source)\(who.isEmpty ? "" : " for <strong>\(who)</strong>")</p>
            \(fallbackNote())
            <dl class="variables">
            <div><dt>Required</dt><dd>\(chips(manifest.requiredVariables, "required"))</dd></div>
            <div><dt>Optional</dt><dd>\(chips(manifest.optionalVariables, "optional"))</dd></div>
            <div><dt>Secret <span class="hint">(masked as \(TemplateManifest.mask))</span></dt><dd>\(chips(manifest.secretVariables, "secret"))</dd></div>
            </dl>
            </section>
            """
    }

    /// Names the channels whose text is sent in another locale than the one asked for (a
    /// fallback file or WhatsApp language), so the author sees it before recipients do.
    func fallbackNote() -> String {
        let sent = preview.info.channels.compactMap { channel -> String? in
            guard let locales = try? preview.locales(channel), locales.used != locales.requested else { return nil }
            return "<strong>\(HTMLEscape.text(locales.used))</strong> for \(Self.channelTitle(channel))"
        }
        guard !sent.isEmpty else { return "" }
        return "<p class=\"fallback\">Sent in \(sent.joined(separator: ", ")): no text in \(HTMLEscape.text(preview.effectiveLocale)) for them.</p>"
    }

    /// Names the channels this template has no parts for, so their absence is not a surprise.
    func absentChannels() -> String {
        let absent = ChannelKind.allCases.filter { !preview.info.channels.contains($0) }
        guard !absent.isEmpty else { return "" }
        return "<p class=\"absent\">No parts in this template for: \(absent.map { Self.channelTitle($0) }.joined(separator: ", ")).</p>"
    }

    /// The data the page was rendered with, secrets masked.
    func dataSection() -> String {
        let json = (try? Self.prettyJSON(preview.publicData)) ?? "{}"
        return """
            <details class="data">
            <summary>Data used (secrets masked)</summary>
            <pre>\(HTMLEscape.text(json))</pre>
            </details>
            """
    }

    // MARK: - Helpers

    /// Whether the page shows the template's own sample (then locale links need no data).
    var isSampleData: Bool { preview.data == preview.info.sample.data }

    /// `&data=…` for locale links when the request brought its own data: the redacted data, so a
    /// link never carries a secret.
    func dataQuery() -> String {
        guard !isSampleData, let text = try? preview.publicData.jsonText() else { return "" }
        return "&data=\(Self.queryEscaped(text))"
    }

    /// Whether `locale` (a template locale folder) is the one the page renders in.
    func isCurrent(_ locale: String) -> Bool {
        let effective = preview.effectiveLocale.lowercased().replacingOccurrences(of: "_", with: "-")
        let candidate = locale.lowercased().replacingOccurrences(of: "_", with: "-")
        let exact = preview.info.locales.contains { $0.lowercased().replacingOccurrences(of: "_", with: "-") == effective }
        return exact ? candidate == effective : effective.hasPrefix(candidate + "-")
    }

    /// A query-string value: everything but unreserved characters percent-encoded.
    static func queryEscaped(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Indented JSON with sorted keys, for people to read.
    static func prettyJSON(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The panel heading of a channel.
    static func channelTitle(_ channel: ChannelKind) -> String {
        switch channel {
        case .email: return "Email"
        case .sms: return "SMS"
        case .whatsapp: return "WhatsApp"
        case .qr: return "QR code"
        case .inbox: return "Inbox"
        }
    }

    /// A channel whose parts did not render: the error in place (template errors carry no data
    /// values; redacted all the same in case another error does).
    func errorPanel(_ channel: ChannelKind, error: any Error) -> String {
        """
        <section class="panel \(channel.rawValue) failed" aria-label="\(Self.channelTitle(channel))">
        <h2>\(Self.channelTitle(channel))</h2>
        <div class="render-error" role="alert">
        <p><strong>This channel does not render with this data.</strong> Nothing would be queued for such a message.</p>
        <pre>\(HTMLEscape.text(preview.redacting(String(describing: error))))</pre>
        </div>
        </section>
        """
    }
}
