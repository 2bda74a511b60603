import AccoladeCore
import Foundation
import Testing

@testable import AccoladeServer

/// `GET/PUT /v1/recipients/{key}/preferences` and the public link routes: one-click unsubscribe
/// (RFC 8058) and the hosted preferences page.
@Suite struct PreferencesAPITests {
    static let secret = "preferences-test-secret-0123456789abcdef"
    static let categories = CategoriesConfig(categories: [
        MessageCategory(name: "security", displayNames: ["en": "Account security", "de": "Kontosicherheit"], required: true),
        MessageCategory(name: "rewards", displayNames: ["en": "Rewards", "de": "Prämien"]),
    ])

    func server() async throws -> APITestServer {
        try await APITestServer(categories: Self.categories, preferences: PreferencesConfig(signingSecret: Self.secret))
    }

    func entries(_ result: HTTPResult) throws -> [String: [String: Any]] {
        let list = try #require(try result.json()["preferences"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ("\($0["category"]!) \($0["channel"]!)", $0) })
    }

    @Test func getDefaultsPutUpdatesPartlyAndRefusalsChangeNothing() async throws {
        let api = try await server()
        defer { Task { await api.stop() } }
        let path = "/v1/recipients/Ana%40Example.com/preferences"
        let first = try await api.request("GET", path + "?locale=de")
        #expect(first.status == 200)
        let body = try first.json()
        #expect(body["recipient_key"] as? String == "ana@example.com")
        var table = try entries(first)
        #expect(table.count == 2)  // two categories × the one configured channel (email)
        #expect(table["rewards email"]?["opted_in"] as? Bool == true)
        #expect(table["rewards email"]?["name"] as? String == "Prämien")
        #expect(table["security email"]?["required"] as? Bool == true)

        let put = try await api.request(
            "PUT", path, json: #"{"preferences": [{"category": "rewards", "channel": "email", "opted_in": false}]}"#)
        #expect(put.status == 200)
        table = try entries(put)
        #expect(table["rewards email"]?["opted_in"] as? Bool == false)
        #expect(table["rewards email"]?["source"] as? String == "api")
        #expect(table["security email"]?["opted_in"] as? Bool == true)

        for (json, field) in [
            (#"{"preferences": [{"category": "rewards", "channel": "email", "opted_in": true}, {"category": "security", "channel": "email", "opted_in": false}]}"#, "preferences[1].opted_in"),
            (#"{"preferences": [{"category": "rewards", "channel": "email", "opted_in": true}, {"category": "nope", "channel": "email", "opted_in": true}]}"#, "preferences[1].category"),
            (#"{"preferences": [{"category": "rewards", "channel": "sms", "opted_in": true}]}"#, "preferences[0].channel"),
            (#"{"preferences": []}"#, "preferences"),
        ] {
            let refused = try await api.request("PUT", path, json: json)
            #expect(refused.status == 422)
            #expect(try refused.json()["field"] as? String == field)
        }
        // Nothing of a refused update was stored: rewards stays out.
        #expect(try entries(try await api.request("GET", path))["rewards email"]?["opted_in"] as? Bool == false)
        #expect(try await api.request("GET", path, token: nil).status == 401)
    }

    @Test func oneClickUnsubscribesWithoutCookiesOrRedirectsAndGetChangesNothing() async throws {
        let api = try await server()
        defer { Task { await api.stop() } }
        let links = try #require(api.preferenceLinks)
        let headers = links.emailHeaders(recipientKey: "crm-42", category: "rewards")
        #expect(headers.map(\.name) == ["List-Unsubscribe", "List-Unsubscribe-Post"])  // public_url is https
        let url = try #require(headers.first?.value.dropFirst().prefix { $0 != ">" })
        let path = String(url.dropFirst("https://rewards.example.test".count))

        let page = try await api.request("GET", path, token: nil, headers: ["Accept-Language": "de-DE,de;q=0.9"])
        #expect(page.status == 200)
        #expect(page.text.contains("<form method=\"post\">") && page.text.contains("Prämien"))
        #expect(page.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
        #expect(page.header("Set-Cookie") == nil)
        #expect(try await api.store.preferences(recipientKey: "crm-42").isEmpty)  // a GET changes nothing

        for _ in 0..<2 {  // idempotent
            let post = try await api.request(
                "POST", path, body: Array("List-Unsubscribe=One-Click".utf8), token: nil,
                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(post.status == 200)
            #expect(post.header("Set-Cookie") == nil && post.header("Location") == nil)
        }
        let multipart = "--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ--\r\n"
        let post = try await api.request(
            "POST", path, body: Array(multipart.utf8), token: nil, headers: ["Content-Type": "multipart/form-data; boundary=XyZ"])
        #expect(post.status == 200)
        let stored = try await api.store.preferences(recipientKey: "crm-42")
        #expect(stored.map { "\($0.category) \($0.channel) \($0.optedIn) \($0.source)" } == ["rewards email false unsubscribe"])

        // Without the one-click body, with a tampered token, or a preferences token: refused.
        #expect(try await api.request("POST", path, body: Array("x=1".utf8), token: nil, headers: ["Content-Type": "application/x-www-form-urlencoded"]).status == 400)
        var tampered = Array(path)
        tampered[tampered.count - 3] = tampered[tampered.count - 3] == "A" ? "B" : "A"
        let refused = try await api.request("GET", String(tampered), token: nil)
        #expect(refused.status == 400 && refused.text.contains("signature"))
        let other = links.preferencesURL(recipientKey: "crm-42").split(separator: "/").last.map(String.init) ?? ""
        #expect(try await api.request("GET", "/v1/unsubscribe/" + other, token: nil).status == 400)
    }

    @Test func thePreferencesPageShowsAndSavesTheForm() async throws {
        let api = try await server()
        defer { Task { await api.stop() } }
        let links = try #require(api.preferenceLinks)
        let path = String(links.preferencesURL(recipientKey: "crm-7").dropFirst("https://rewards.example.test".count))
        let page = try await api.request("GET", path + "?locale=id", token: nil)
        #expect(page.status == 200)
        #expect(page.text.contains("lang=\"id\"") && page.text.contains("Simpan preferensi"))
        #expect(page.text.contains("name=\"pref:security:email\" value=\"on\" aria-label=\"Account security — Email\" checked disabled"))
        #expect(page.text.contains("name=\"pref:rewards:email\" value=\"on\" aria-label=\"Rewards — Email\" checked>"))
        // Saving without the rewards box opts out of it; the required one cannot be changed.
        let saved = try await api.request(
            "POST", path, body: Array("submitted=1&pref%3Asecurity%3Aemail=off".utf8), token: nil,
            headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(saved.status == 200 && saved.text.contains("id=\"saved\""))
        #expect(saved.text.contains("name=\"pref:rewards:email\" value=\"on\" aria-label=\"Rewards — Email\">"))
        let stored = try await api.store.preferences(recipientKey: "crm-7")
        #expect(stored.map { "\($0.category) \($0.channel) \($0.optedIn) \($0.source)" } == ["rewards email false page"])
        let back = try await api.request(
            "POST", path, body: Array("submitted=1&pref:rewards:email=on".utf8), token: nil,
            headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(back.status == 200)
        #expect(try await api.store.preferences(recipientKey: "crm-7").map(\.optedIn) == [true])
    }

    @Test func linksAnswer404WhenNoSecretIsConfigured() async throws {
        let api = try await APITestServer(categories: Self.categories)
        defer { Task { await api.stop() } }
        let token = PreferenceLinkSigner(secret: Self.secret).token(for: PreferenceLink(recipientKey: "k", purpose: .preferences))
        #expect(try await api.request("GET", "/v1/preferences/" + token, token: nil).status == 404)
        // The API works without links.
        #expect(try await api.request("GET", "/v1/recipients/k/preferences").status == 200)
    }
}
