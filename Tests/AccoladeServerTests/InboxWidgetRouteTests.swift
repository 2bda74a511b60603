import AccoladeCore
@testable import AccoladeServer
import Foundation
import Testing

/// `GET /v1/inbox/widget.js`, the demo page and its files, over HTTP against a real server.
/// What the widget does in a browser is checked by `scripts/check-inbox-browser.py` (headless
/// Chromium); here: who may load the files, how they are cached, and that the page is safe.
@Suite("Inbox: widget.js and the demo page")
struct InboxWidgetRouteTests {
    static let config = InboxChannelConfig(signingSecret: "inbox-widget-tests-secret-0123456789", allowedOrigins: ["https://crm.example.test"])

    @Test("widget.js: public JavaScript from the binary, cacheable, revalidated by ETag, loadable from any origin")
    func widget() async throws {
        let server = try await APITestServer(inbox: Self.config)
        var r = try await server.request("GET", "/v1/inbox/widget.js", token: nil)
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "text/javascript; charset=utf-8")
        #expect(r.header("Cache-Control") == "public, max-age=\(InboxAsset.maxAge)")
        #expect(r.header("X-Content-Type-Options") == "nosniff")
        #expect(r.text.contains("customElements.define('accolade-inbox'"))
        #expect(r.body == PackageResources.widget_js)
        let etag = try #require(r.header("ETag"))
        #expect(etag == EntityTag.strong(of: PackageResources.widget_js))

        r = try await server.request("GET", "/v1/inbox/widget.js", token: nil, headers: ["If-None-Match": "W/\(etag)"])
        #expect(r.status == 304)
        #expect(r.body.isEmpty)
        #expect(r.header("ETag") == etag)
        r = try await server.request("GET", "/v1/inbox/widget.js", token: nil, headers: ["If-None-Match": "\"0\""])
        #expect(r.status == 200)

        // A page on an origin the inbox does not allow may still load the script (it carries
        // no credential); only the feed refuses it.
        r = try await server.request("GET", "/v1/inbox/widget.js", token: nil, headers: ["Origin": "https://elsewhere.example"])
        #expect(r.status == 200)
        #expect(r.header("Access-Control-Allow-Origin") == "*")
        // With the API token, or a wrong one, the answer is the same: no credential is looked at.
        r = try await server.request("GET", "/v1/inbox/widget.js", token: "not-a-token")
        #expect(r.status == 200)

        for (path, type) in [("/v1/inbox/demo.js", "text/javascript; charset=utf-8"), ("/v1/inbox/demo.css", "text/css; charset=utf-8")] {
            r = try await server.request("GET", path, token: nil)
            #expect(r.status == 200, "\(path)")
            #expect(r.header("Content-Type") == type, "\(path)")
            #expect(r.header("ETag") != nil, "\(path)")
        }
        await server.stop()
    }

    @Test("the demo page: the token only in an escaped attribute, a strict CSP without inline code, never cached")
    func demo() async throws {
        let server = try await APITestServer(inbox: Self.config)
        let hostile = #""><script>alert(1)</script>&'"#
        let encoded = try #require(hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        var r = try await server.request("GET", "/v1/inbox/demo?token=\(encoded)&locale=id", token: nil)
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "text/html; charset=utf-8")
        #expect(r.header("Cache-Control") == "no-store")
        #expect(r.header("Referrer-Policy") == "no-referrer")
        let csp = try #require(r.header("Content-Security-Policy"))
        #expect(csp.hasPrefix("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:"))
        #expect(!csp.contains("unsafe"))
        #expect(r.text.contains(#"token="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;""#), "\(r.text)")
        #expect(!r.text.contains("<script>alert"))
        #expect(r.text.contains(#"locale="id""#))
        // Every script and style is a file of its own: no inline code, no style attributes.
        let scripts = r.text.matches(of: /<script[^>]*>/).map { String($0.output) }
        #expect(scripts == [#"<script src="/v1/inbox/widget.js" defer>"#, #"<script src="/v1/inbox/demo.js" defer>"#])
        #expect(!r.text.contains("<style") && !r.text.contains("style="))

        r = try await server.request("GET", "/v1/inbox/demo", token: nil)
        #expect(r.status == 200)
        #expect(r.text.contains("POST http://127.0.0.1:8080/v1/inbox/tokens") && !r.text.contains("<accolade-inbox"))
        await server.stop()
    }

    @Test("the img-src of the demo names server.public_url's origin, or nothing when it is not an http(s) URL")
    func imageOrigin() {
        #expect(InboxDemoPage.origin(of: "https://accolade.example.com/base/") == "https://accolade.example.com")
        #expect(InboxDemoPage.origin(of: "http://127.0.0.1:8080") == "http://127.0.0.1:8080")
        #expect(InboxDemoPage.origin(of: "ftp://x.example") == nil)
        #expect(InboxDemoPage.origin(of: "not a url") == nil)
        #expect(InboxDemoPage.contentSecurityPolicy(publicURL: "https://a.example").contains("img-src 'self' data: https://a.example;"))
    }

    @Test("without channels.inbox there is no widget and no demo")
    func absentWithoutInbox() async throws {
        let server = try await APITestServer()
        for path in ["/v1/inbox/widget.js", "/v1/inbox/demo", "/v1/inbox/demo.js", "/v1/inbox/demo.css"] {
            let r = try await server.request("GET", path, token: nil)
            #expect(r.status == 404, "\(path): \(r.status)")
        }
        await server.stop()
    }
}
