import AccoladeCore
import Foundation

/// The four channel panels of the preview page.
extension PreviewPage {
    /// WhatsApp's limit for a free-text message body.
    static let whatsAppTextLimit = 4096

    /// Subject, the HTML body in a sandboxed iframe, and the plain-text part.
    func emailPanel(_ email: RenderedEmail) -> String {
        let to = [preview.recipient.name, preview.recipient.email.map { "<\($0)>" }].compactMap { $0 }.joined(separator: " ")
        let body = EmailFrame.prepared(email.html, qrImageURL: qrImageURL)
        let note =
            body.replaced > 0
            ? "<p class=\"note\">\(body.replaced) image\(body.replaced == 1 ? "" : "s") shown as a placeholder: the preview loads nothing from outside this server.</p>"
            : ""
        return """
            <section class="panel email" aria-label="Email">
            <h2>Email</h2>
            <div class="mail">
            <dl class="mail-header">
            \(to.isEmpty ? "" : "<div><dt>To</dt><dd>\(HTMLEscape.text(to))</dd></div>")
            <div><dt>Subject</dt><dd class="subject">\(HTMLEscape.text(email.subject))</dd></div>
            </dl>
            <iframe class="mail-body" title="Email HTML part" sandbox="" referrerpolicy="no-referrer" srcdoc="\(HTMLEscape.srcdoc(body.html))"></iframe>
            </div>
            \(note)
            <h3>Plain-text part</h3>
            <pre class="plain">\(HTMLEscape.text(email.text))</pre>
            </section>
            """
    }

    /// The SMS in a bubble, with encoding, size and segments; characters that forced UCS-2 are marked.
    ///
    /// `analysis` is of the message as sent (secrets in clear); `text` is what the page shows, so
    /// a character that forced UCS-2 from inside a secret value is counted but not revealed.
    func smsPanel(_ text: String, analysis: SMSAnalysis) -> String {
        let offenders = Set(analysis.nonGSMCharacters.map(\.character))
        var bubble = ""
        for character in text {
            let escaped = HTMLEscape.text(String(character))
            bubble += offenders.contains(character) ? "<mark title=\"\(Self.codePoints(character)) is not in GSM-7\">\(escaped)</mark>" : escaped
        }
        let isGSM = analysis.encoding == .gsm7
        let unitName = isGSM ? "septets" : "UTF-16 units"
        let size =
            analysis.segments <= 1
            ? "\(analysis.units) of \(analysis.singleLimit) \(unitName)"
            : "\(analysis.units) \(unitName) (\(analysis.partLimit) per part)"
        return """
            <section class="panel sms" aria-label="SMS">
            <h2>SMS</h2>
            <div class="screen sms-screen">
            <p class="bubble sms-bubble">\(bubble)</p>
            </div>
            <dl class="stats">
            <div><dt>Encoding</dt><dd><span class="badge \(isGSM ? "ok" : "warn")">\(isGSM ? "GSM-7" : "UCS-2")</span></dd></div>
            <div><dt>Length</dt><dd>\(size)</dd></div>
            <div><dt>Segments</dt><dd class="segments">\(analysis.segments)</dd></div>
            </dl>
            \(ucs2Note(analysis, shown: text))
            </section>
            """
    }

    /// Which characters forced UCS-2 and what that costs.
    func ucs2Note(_ analysis: SMSAnalysis, shown text: String) -> String {
        guard !analysis.nonGSMCharacters.isEmpty else { return "" }
        var counts: [Character: Int] = [:]
        var order: [Character] = []
        for item in analysis.nonGSMCharacters {
            if counts[item.character] == nil { order.append(item.character) }
            counts[item.character, default: 0] += 1
        }
        let items = order.map { c -> String in
            let times = counts[c]! > 1 ? " ×\(counts[c]!)" : ""
            guard text.contains(c) else { return "<li>a character inside a secret value\(times)</li>" }
            return "<li><mark>\(HTMLEscape.text(String(c)))</mark> \(Self.codePoints(c))\(times)</li>"
        }
        return """
            <div class="ucs2-note">
            <p>UCS-2 because of these characters; without them the message would use GSM-7 (160 characters per SMS instead of 70):</p>
            <ul class="offenders">\(items.joined())</ul>
            </div>
            """
    }

    /// The WhatsApp text in a chat bubble; `length` is of the text as sent (secrets in clear),
    /// `text` what the page shows.
    func whatsAppPanel(_ text: String, length: Int) -> String {
        let over = length > Self.whatsAppTextLimit
        return """
            <section class="panel whatsapp" aria-label="WhatsApp">
            <h2>WhatsApp</h2>
            <div class="screen wa-screen">
            <p class="bubble wa-bubble">\(HTMLEscape.text(text))<span class="wa-meta">09:41 ✓✓</span></p>
            </div>
            <dl class="stats">
            <div><dt>Length</dt><dd class="wa-length\(over ? " too-long" : "")">\(length) of \(Self.whatsAppTextLimit) characters</dd></div>
            </dl>
            </section>
            """
    }

    /// The QR image when one exists, else its payload and why there is no image; `bytes` is the
    /// size of the payload as encoded (secrets in clear), `payload` what the page shows.
    func qrPanel(_ payload: String, bytes: Int) -> String {
        let image: String
        if let qrImageURL {
            image = "<img class=\"qr-image\" src=\"\(HTMLEscape.text(qrImageURL))\" alt=\"QR code\" width=\"220\" height=\"220\">"
        } else {
            image = """
                <div class="qr-placeholder" aria-hidden="true"></div>
                <p class="note">No image in previews: the QR channel draws and stores it when a message is sent, at <code>/v1/qr/{token}.png</code>. The payload it will encode:</p>
                """
        }
        return """
            <section class="panel qr" aria-label="QR code">
            <h2>QR code</h2>
            <div class="qr-box">\(image)</div>
            <dl class="stats">
            <div><dt>Payload</dt><dd><code class="payload">\(HTMLEscape.text(payload))</code></dd></div>
            <div><dt>Length</dt><dd class="qr-length">\(bytes) bytes</dd></div>
            </dl>
            </section>
            """
    }

    /// `U+2019`, or `U+1F389` — several for a multi-scalar character.
    static func codePoints(_ character: Character) -> String {
        character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(to: 4, with: "0") }.joined(separator: " ")
    }
}
