import AccoladeCore

extension PreviewPage {
    /// The inbox item as a card: title, body and action link (secrets already masked).
    func inboxPanel(_ item: RenderedInbox) -> String {
        let body = item.body.map { "<p class=\"inbox-body\">\(HTMLEscape.text($0))</p>" } ?? ""
        let link = item.url.map { "<p class=\"inbox-link\"><code>\(HTMLEscape.text($0))</code></p>" } ?? ""
        let qr = item.qrPayload == nil ? "" : "<p class=\"note\">The item shows the message's QR code.</p>"
        return """
            <section class="panel inbox" aria-label="Inbox">
            <h2>Inbox</h2>
            <div class="screen">
            <p class="inbox-title"><strong>\(HTMLEscape.text(item.title))</strong></p>
            \(body)\(link)\(qr)
            </div>
            </section>
            """
    }
}
