import Foundation
import Testing

/// `accolade preview` says which locale each channel's text is actually sent in.
@Suite("CLI preview: locale used")
struct PreviewLocaleEndToEndTests {
    @Test("--json reports locale, locale_used and part_locales; the text output names a fallback")
    func fallback() throws {
        let ws = try Workspace(smtpPort: 9)
        let out = ws.directory.path + "/preview"
        let json = try ws.call(["preview", "reward-voucher", "--locale", "es", "--channel", "whatsapp", "--json", "--out", out])
        #expect(json.status == 0, "\(json.stderr)")
        let views = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let view = try #require(views.first)
        #expect(view["locale"] as? String == "es")
        #expect(view["locale_used"] as? String == "en-US")
        #expect(view["part_locales"] as? [String: String] == ["whatsapp.template": "en-US"])
        #expect((view["text"] as? String ?? "").contains("Dec 31, 2026"), "\(view)")

        let text = try ws.call(["preview", "reward-earned", "--locale", "fr", "--channel", "sms", "--out", out])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Locale: sent in en, asked for fr"), "\(text.stdout)")
        let same = try ws.call(["preview", "reward-earned", "--locale", "de", "--channel", "sms", "--out", out])
        #expect(same.stdout.contains("Locale: de\n"), "\(same.stdout)")
    }
}
