import AccoladeCore
import AccoladeTestSupport
import Foundation
import Testing

@testable import AccoladeServer

/// The template preview page: fetched from the real server over HTTP, laid out from temporary
/// templates for the channels the shipped ones lack, and opened in headless Chromium.
@Suite("Template preview page")
struct PreviewPageTests {
    static let page = "/v1/templates/reward-earned/preview"

    @Test("the page shows every channel, masks the secret and links every locale")
    func structure() async throws {
        let server = try await APITestServer()
        let r = try await server.request("GET", Self.page + "?locale=id")
        #expect(r.status == 200, "\(r.text)")
        #expect(r.header("Content-Type") == "text/html; charset=utf-8")
        let csp = try #require(r.header("Content-Security-Policy"))
        #expect(csp.contains("default-src 'none'"))
        #expect(!csp.contains("script-src"))
        #expect(csp.contains("frame-ancestors 'none'") && csp.contains("base-uri 'none'"))
        let html = r.text
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(!html.contains("<script"))
        // Email: subject, sandboxed iframe with the HTML body as srcdoc, text part in a <pre>.
        #expect(html.contains("Hadiah Kudos Awards Anda sudah tersedia"))
        #expect(html.contains(#"<iframe class="mail-body" title="Email HTML part" sandbox="" "#))
        #expect(html.contains(#"srcdoc="<!DOCTYPE html>"#))
        #expect(html.contains(#"<pre class="plain">Halo Ana Putri,"#))
        // SMS: encoding, size and segments.
        #expect(html.contains(#"<span class="badge ok">GSM-7</span>"#))
        #expect(html.contains("<dt>Segments</dt>"))
        // 160 GSM-7 characters with `Rp50.000` (the real code, not the mask, is measured): one
        // segment, exactly full.
        #expect(html.contains(#"<dd class="segments">1</dd>"#))
        // The secret value appears nowhere: not from reward.code, not through reward.redeem_url.
        #expect(!html.contains("RW-7Q2K"))
        #expect(html.contains(TemplateManifest.mask))
        // Locales, the current one marked; description and variables.
        for locale in ["en", "de", "es"] { #expect(html.contains(#"<a href="?locale=\#(locale)">"#)) }
        #expect(html.contains(#"<a href="?locale=id" aria-current="page" class="current">id</a>"#))
        #expect(html.contains("A person earned a reward (voucher, cash bonus or points)"))
        #expect(html.contains(#"<code class="chip secret">reward.code</code>"#))
        #expect(html.contains(#"<code class="chip required">program</code>"#))
        #expect(html.contains("No parts in this template for: QR code."))
        await server.stop()
    }

    @Test("characters that force UCS-2 are marked; ?data= secrets stay out of the page and its links")
    func ucs2AndCustomData() async throws {
        let server = try await APITestServer()
        let data = #"{"program":"Kudos Awards ✨","reward":{"code":"SECRET-991","expires_on":"2026-12-31","points":1250,"redeem_url":"https://r.example/SECRET-991"}}"#
        let r = try await server.request("GET", Self.page + "?locale=en&data=" + PreviewPage.queryEscaped(data))
        #expect(r.status == 200, "\(r.text)")
        let html = r.text
        #expect(html.contains(#"<span class="badge warn">UCS-2</span>"#))
        #expect(html.contains(#"<mark title="U+2728 is not in GSM-7">✨</mark>"#))
        #expect(html.contains("<li><mark>✨</mark> U+2728</li>"))
        #expect(html.contains("UTF-16 units"))
        #expect(!html.contains("SECRET-991"))
        #expect(!html.contains(PreviewPage.queryEscaped("SECRET-991")))
        // Locale links keep the (redacted) custom data.
        #expect(html.contains(#"<a href="?locale=de&amp;data=%7B%22program%22"#))
        #expect(html.contains("data from the <code>data</code> parameter"))
        // A secret that forces UCS-2 is counted (the message as sent) but its character not shown.
        let hidden = #"{"program":"Kudos","reward":{"code":"ŁX-9921","expires_on":"2026-12-31","points":5}}"#
        let h = try await server.request("GET", Self.page + "?data=" + PreviewPage.queryEscaped(hidden)).text
        #expect(h.contains(#"<span class="badge warn">UCS-2</span>"#))
        #expect(h.contains("<li>a character inside a secret value</li>"))
        #expect(!h.contains("Ł"))
        // The sample's SMS is GSM-7 although the mask (••••) is not: the analysis is of the real text.
        let sample = try await server.request("GET", Self.page + "?locale=en").text
        #expect(sample.contains(#"<span class="badge ok">GSM-7</span>"#))
        await server.stop()
    }

    @Test("a channel that cannot render shows its error in its panel; text is escaped everywhere")
    func errorsAndEscaping() async throws {
        let server = try await APITestServer()
        let missing = try await server.request("GET", Self.page + "?data=" + PreviewPage.queryEscaped(#"{"program":"X"}"#))
        #expect(missing.status == 200)
        #expect(missing.text.contains(#"<div class="render-error" role="alert">"#))
        #expect(missing.text.contains("missing variable"))
        let hostile = #"{"program":"<script>alert(1)</script> & \"q\" 'x'","reward":{"code":"RW-1234","expires_on":"2026-12-31","points":5}}"#
        let r = try await server.request("GET", Self.page + "?data=" + PreviewPage.queryEscaped(hostile))
        #expect(r.status == 200)
        #expect(!r.text.contains("<script"))
        #expect(r.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;x&#39;"))
        // Inside srcdoc the renderer's entities are escaped once more, so the iframe sees them intact.
        #expect(r.text.contains("&amp;lt;script&amp;gt;"))
        let bad = try await server.request("GET", Self.page + "?data=not-json")
        #expect(bad.status == 422)
        #expect(try await server.request("GET", Self.page, token: nil).status == 401)
        await server.stop()
    }

    @Test("WhatsApp and QR panels; external email images become placeholders")
    func whatsAppAndQR() throws {
        let directory = try TemporaryDirectory()
        let library = try Self.library(in: directory)
        let info = try #require(library.info("loyalty"))
        let preview = TemplatePreview(library: library, info: info, locale: nil, data: info.sample.data)
        let html = PreviewPage(preview: preview, qrImageURL: nil).html()
        #expect(html.contains(#"<p class="bubble wa-bubble">Hi Ana, you have 1,250 points in Club. Code ••••"#))
        #expect(html.contains("of 4096 characters"))
        #expect(html.contains(#"<div class="qr-placeholder" aria-hidden="true"></div>"#))
        #expect(html.contains(#"<code class="payload">https://club.example/redeem/••••</code>"#))
        #expect(!html.contains("LX-5521"))
        #expect(!html.contains("cdn.example"))
        #expect(!html.contains("cid:qr@accolade"))
        #expect(html.contains("1 image shown as a placeholder"))
        let withImage = PreviewPage(preview: preview, qrImageURL: "/v1/qr/abc.png").html()
        #expect(withImage.contains(#"<img class="qr-image" src="/v1/qr/abc.png""#))
        #expect(withImage.contains(#"src=&quot;/v1/qr/abc.png&quot;"#))
    }

    @Test("QR and WhatsApp lengths count the payload as sent, not its masked copy")
    func lengthsAreOfTheRealPayload() throws {
        let directory = try TemporaryDirectory()
        let library = try Self.library(in: directory)
        let info = try #require(library.info("loyalty"))
        for code in ["LX-5521", "LX-5521-\(String(repeating: "Q", count: 40))", "Ключ-Σ-🎉", "ab"] {
            let data: JSONValue = .object(["club": .string("Club"), "points": .int(1250), "code": .string(code)])
            let html = PreviewPage(preview: TemplatePreview(library: library, info: info, locale: nil, data: data), qrImageURL: nil).html()
            let text = "Hi Ana, you have 1,250 points in Club. Code \(code)"
            let payload = "https://club.example/redeem/\(code)"
            #expect(html.contains(#"<dd class="wa-length">\#(text.count) of 4096 characters</dd>"#), "\(code)")
            #expect(html.contains(#"<dd class="qr-length">\#(payload.utf8.count) bytes</dd>"#), "\(code)")
            if code.count >= TemplatePreview.minimumRedactedLength { #expect(!html.contains(code)) }
        }
        // Over the limit because of the secret alone: flagged although the masked text is short.
        let long: JSONValue = .object(["club": .string("Club"), "points": .int(1), "code": .string(String(repeating: "Z", count: 4100))])
        let html = PreviewPage(preview: TemplatePreview(library: library, info: info, locale: nil, data: long), qrImageURL: nil).html()
        #expect(html.contains(#"<dd class="wa-length too-long">"#))
    }

    @Test("escaping helpers")
    func escaping() {
        #expect(HTMLEscape.text(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(HTMLEscape.srcdoc(#"<p class="a">&amp;</p>"#) == "<p class=&quot;a&quot;>&amp;amp;</p>")
    }

    @Test(
        "the page opens in headless Chromium without console errors",
        .enabled(if: Chromium.path != nil, "chromium is not installed (apt-get install chromium); browser check skipped"))
    func browser() async throws {
        let directory = try TemporaryDirectory()
        // The detector must see a console error when there is one, or a silent pass proves nothing.
        let control = directory.url.appendingPathComponent("control.html")
        try #"<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><script>x()</script>"#
            .write(to: control, atomically: true, encoding: .utf8)
        let controlRun = try await Chromium.dumpDOM(control.absoluteString, directory: directory)
        #expect(!controlRun.consoleErrors.isEmpty, "the control page's blocked script was not reported: \(controlRun.stderr)")

        let server = try await APITestServer(tokens: [])
        let ucs2 = PreviewPage.queryEscaped(#"{"program":"Kudos ✨","reward":{"code":"RW-7Q2K","expires_on":"2026-12-31","points":10}}"#)
        let pages = [
            (Self.page + "?locale=id", ["<iframe class=\"mail-body\"", "GSM-7", "class=\"segments\"", "Hadiah Kudos Awards"]),
            ("/v1/templates/reward-voucher/preview?locale=de", ["QR code", "class=\"qr-placeholder\""]),
            (Self.page + "?locale=es&data=" + ucs2, ["UCS-2", "<mark"]),
        ]
        for (path, expected) in pages {
            let run = try await Chromium.dumpDOM(server.base + path, directory: directory)
            #expect(run.status == 0, "chromium exited \(run.status): \(run.stderr.suffix(2000))")
            #expect(run.consoleErrors.isEmpty, "console output on \(path): \(run.consoleErrors)")
            for text in expected { #expect(run.stdout.contains(text), "\(path): the DOM lacks \(text)") }
            #expect(!run.stdout.contains("RW-7Q2K"))
        }
        // During development: ACCOLADE_PREVIEW_SCREENSHOT=/tmp/preview.png saves a screenshot.
        if let shot = ProcessInfo.processInfo.environment["ACCOLADE_PREVIEW_SCREENSHOT"] {
            let query = ProcessInfo.processInfo.environment["ACCOLADE_PREVIEW_PATH"] ?? Self.page + "?locale=id"
            _ = try await Chromium.run(
                // Sandboxed frames get their own process by default and a screenshot may be taken
                // before theirs paints (measured: blank email about half the time).
                server.base + query,
                extra: [
                    "--screenshot=\(shot)", "--window-size=1400,\(ProcessInfo.processInfo.environment["ACCOLADE_PREVIEW_HEIGHT"] ?? "1000")",
                    "--hide-scrollbars", "--disable-features=IsolateSandboxedIframes",
                ],
                directory: directory)
        }
        await server.stop()
    }

    /// A template with every channel, an inline QR image and a remote image.
    static func library(in directory: TemporaryDirectory) throws -> TemplateLibrary {
        let folder = directory.url.appendingPathComponent("loyalty")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let files: [String: String] = [
            "manifest.yml": """
                description: Loyalty points with a redeem link.
                variables:
                  required: [club, points, code]
                  secret: [code]
                """,
            "sample.json": #"{"recipient":{"name":"Ana","email":"ana@example.com"},"data":{"club":"Club","points":1250,"code":"LX-5521"}}"#,
            "email.subject.mustache": "Your {{club}} points",
            "email.txt.mustache": "Hi {{recipient.name}}, code {{code}}.",
            "email.html.mustache": #"<p>Hi {{recipient.name}}</p><img src="cid:qr@accolade" alt="QR"><img src="https://cdn.example/logo.png" alt="logo">"#,
            "sms.txt.mustache": "{{club}}: {{points}} points, code {{code}}",
            "whatsapp.txt.mustache": "Hi {{recipient.name}}, you have {{points}} points in {{club}}. Code {{code}}",
            "qr.txt.mustache": "https://club.example/redeem/{{code}}",
        ]
        for (name, text) in files {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return try TemplateLibrary(directory: directory.path)
    }
}

/// Headless Chromium, kept on loopback: every host name but 127.0.0.1 fails to resolve and the
/// background services that phone home are off.
enum Chromium {
    /// The browser, when installed.
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// What one run printed.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Console messages (errors, CSP violations, uncaught exceptions) the page produced.
        var consoleErrors: [String] {
            stderr.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }
        }
    }

    /// Loads `url` and prints the DOM after load.
    static func dumpDOM(_ url: String, directory: TemporaryDirectory) async throws -> Run {
        try await run(url, extra: ["--dump-dom"], directory: directory)
    }

    /// Runs the browser on `url` with `extra` flags, killed after `timeout`.
    static func run(_ url: String, extra: [String], directory: TemporaryDirectory, timeout: Duration = .seconds(60)) async throws -> Run {
        let id = UUID().uuidString
        let out = directory.url.appendingPathComponent("chromium-\(id).out")
        let err = directory.url.appendingPathComponent("chromium-\(id).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let arguments =
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--no-first-run", "--disable-sync",
                "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
                "--user-data-dir=\(directory.path)/chromium-profile-\(id)",
            ] + extra + [url]
        let process = try ChildProcess(
            path ?? "/usr/bin/chromium", arguments,
            stdout: .file(try FileHandle(forWritingTo: out)), stderr: .file(try FileHandle(forWritingTo: err)))
        let pid = process.processIdentifier
        // A hung browser must not hang the suite; cancelled once it has exited.
        let watchdog = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            kill(pid, SIGKILL)
        }
        let status = await process.exitStatus()
        watchdog.cancel()
        return Run(
            status: status, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
