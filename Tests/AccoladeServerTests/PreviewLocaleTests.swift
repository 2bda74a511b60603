import Foundation
import Testing

/// `POST /v1/previews` says which locale the text actually sent is in, per channel and per part.
@Suite("HTTP API: preview locales")
struct PreviewLocaleTests {
    @Test("a WhatsApp template that falls back to en_US reports en-US and formats its parameters in English")
    func whatsAppFallback() async throws {
        let server = try await APITestServer()
        let r = try await server.request("POST", "/v1/previews", json: #"{"template":"reward-voucher","channel":"whatsapp","locale":"es"}"#)
        #expect(r.status == 200, "\(r.text)")
        let body = try r.json()
        #expect(body["locale"] as? String == "es")
        #expect(body["locale_used"] as? String == "en-US")
        #expect(body["part_locales"] as? [String: String] == ["whatsapp.template": "en-US"])
        let template = try #require((body["parts"] as? [String: Any])?["template"] as? [String: Any])
        #expect(template["language"] as? String == "en_US")
        let parameters = try #require(template["body"] as? [String])
        #expect(parameters.contains("IDR\u{A0}50,000") && parameters.contains("Dec 31, 2026"), "\(parameters)")
        await server.stop()
    }

    @Test("SMS and email: the locale of the file used", arguments: [
        ("reward-earned", "sms", "fr", "en", ["sms.txt": "en"]),
        ("reward-earned", "sms", "de-AT", "de-AT", ["sms.txt": "de-AT"]),
        ("reward-voucher", "email", "es-MX", "en", ["email.subject": "en", "email.txt": "en", "email.html": "en"]),
        ("reward-earned", "email", "id", "id", ["email.subject": "id", "email.txt": "id", "email.html": "id"]),
    ])
    func files(template: String, channel: String, locale: String, used: String, parts: [String: String]) async throws {
        let server = try await APITestServer()
        let r = try await server.request(
            "POST", "/v1/previews", json: #"{"template":"\#(template)","channel":"\#(channel)","locale":"\#(locale)"}"#)
        #expect(r.status == 200, "\(r.text)")
        let body = try r.json()
        #expect(body["locale_used"] as? String == used)
        #expect(body["part_locales"] as? [String: String] == parts)
        await server.stop()
    }

    @Test("the preview page names the channels sent in another locale")
    func page() async throws {
        let server = try await APITestServer()
        let es = try await server.request("GET", "/v1/templates/reward-voucher/preview?locale=es")
        #expect(es.status == 200)
        #expect(es.text.contains("<strong>en-US</strong> for WhatsApp"), "\(es.text)")
        #expect(es.text.contains("no text in es for them"))
        let de = try await server.request("GET", "/v1/templates/reward-earned/preview?locale=de")
        #expect(!de.text.contains("class=\"fallback\""))
        await server.stop()
    }
}
