import AccoladeCore
import Foundation
import HTTPTypes
import Hummingbird

extension APIServer {
    /// The browser side of the inbox, when `channels.inbox` is configured: `GET /v1/inbox/widget.js`
    /// (the `<accolade-inbox>` web component) and the demo page that hosts it,
    /// `GET /v1/inbox/demo?token=…` with its `demo.js` and `demo.css`. All public: the script and
    /// styles are the same for everyone, and the page holds only the token its URL carries.
    func addInboxWidgetRoutes(to router: Router<BasicRequestContext>) {
        guard deps.inbox != nil else { return }
        router.get("v1/inbox/widget.js") { request, _ in InboxAssets.widget.response(to: request) }
        router.get("v1/inbox/demo.js") { request, _ in InboxAssets.demoScript.response(to: request) }
        router.get("v1/inbox/demo.css") { request, _ in InboxAssets.demoStyles.response(to: request) }
        router.get("v1/inbox/demo") { request, _ in self.inboxDemoPage(request) }
    }

    /// `GET /v1/inbox/demo?token=…[&locale=…]`: a page with the widget for the token's recipient.
    /// Without a token, the same page explains how to get one (a page for a person, not a `401`:
    /// whoever opens the bare URL learns what to do). The token is only put into the element's
    /// attribute (HTML-escaped); the widget's own requests find out whether it works.
    func inboxDemoPage(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        let token = query["token"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let locale = query["locale"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let html = InboxDemoPage.html(token: token, locale: locale)
        return Response(
            status: .ok, headers: InboxDemoPage.headers(publicURL: deps.config.publicURL),
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// The demo page's HTML and headers.
enum InboxDemoPage {
    /// A strict policy: scripts and styles only from Accolade's own files, no inline code, no
    /// framing, no form posts. QR images come from `server.public_url` (which may name another
    /// host than the one the page was opened on).
    static func contentSecurityPolicy(publicURL: String) -> String {
        let images = ["'self'", "data:", origin(of: publicURL)].compactMap { $0 }.joined(separator: " ")
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src \(images); connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    static func headers(publicURL: String) -> HTTPFields {
        [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: contentSecurityPolicy(publicURL: publicURL),
            // The URL carries a credential: no cache keeps the page, no link leaks it in a Referer.
            .cacheControl: "no-store",
            .referrerPolicy: "no-referrer",
            .xContentTypeOptions: "nosniff",
        ]
    }

    /// `scheme://host[:port]` of an absolute http(s) URL; `nil` for anything else.
    static func origin(of url: String) -> String? {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = parts.host, !host.isEmpty, !host.contains(where: { $0 == " " || $0 == ";" || $0 == "'" })
        else { return nil }
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost)\(parts.port.map { ":\($0)" } ?? "")"
    }

    static func html(token: String?, locale: String?) -> String {
        let lang = HTMLEscape.text(locale ?? "en")
        var page = """
            <!doctype html>
            <html lang="\(lang)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>Accolade inbox demo</title>
            <link rel="stylesheet" href="/v1/inbox/demo.css">
            <script src="/v1/inbox/widget.js" defer></script>
            <script src="/v1/inbox/demo.js" defer></script>
            </head>
            <body>

            """
        guard let token else {
            page += """
                <header class="bar"><h1>Accolade inbox demo</h1></header>
                <main>
                <h2>This page needs an inbox token</h2>
                <p>Open it as <code>/v1/inbox/demo?token=&lt;inbox token&gt;</code> (optionally <code>&amp;locale=id</code>).
                Your backend gets a token for one recipient with the API token:</p>
                <pre>curl -sS -X POST http://127.0.0.1:8080/v1/inbox/tokens \\
                  -H "Authorization: Bearer $ACCOLADE_TOKEN" -H 'Content-Type: application/json' \\
                  -d '{"recipient_id": "crm-10492", "ttl": "1h"}'</pre>
                <p>Rewards sent with <code>"to": {"id": "crm-10492"}</code> and the <code>inbox</code> channel then appear under the bell.</p>
                </main>
                </body>
                </html>

                """
            return page
        }
        let localeAttribute = locale.map { " locale=\"\(HTMLEscape.text($0))\"" } ?? ""
        page += """
            <header class="bar"><h1>Acme CRM</h1>
            <accolade-inbox id="inbox" token="\(HTMLEscape.text(token))"\(localeAttribute)></accolade-inbox>
            </header>
            <main>
            <h2>Accolade inbox demo</h2>
            <p>The bell shows this recipient's rewards as they are delivered through the <code>inbox</code> channel,
            live, in every tab of this browser (one stream serves them all).</p>
            <p id="token-notice" role="status"></p>
            <form id="token-form" hidden><label for="token-field">New inbox token</label>
            <input id="token-field" name="token" autocomplete="off"><button type="submit">Use token</button></form>
            </main>
            </body>
            </html>

            """
        return page
    }
}
