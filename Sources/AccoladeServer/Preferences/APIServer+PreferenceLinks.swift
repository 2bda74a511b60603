import AccoladeCore
import Foundation
import Hummingbird

extension APIServer {
    /// The public routes behind the signed links in messages (no API token: the link is the
    /// credential). Mounted always; without `preferences.signing_secret` they answer 404.
    func addPreferenceLinkRoutes(to router: Router<BasicRequestContext>) {
        router.get("v1/unsubscribe/{token}") { request, context in
            try await self.unsubscribePage(token: context.parameters.require("token"), request: request)
        }
        router.post("v1/unsubscribe/{token}") { request, context in
            try await self.unsubscribe(token: context.parameters.require("token"), request: request)
        }
        router.get("v1/preferences/{token}") { request, context in
            try await self.preferencesPage(token: context.parameters.require("token"), request: request, saving: false)
        }
        router.post("v1/preferences/{token}") { request, context in
            try await self.preferencesPage(token: context.parameters.require("token"), request: request, saving: true)
        }
    }

    /// The largest form body read: a preferences form is a few hundred bytes per row.
    static let maximumFormBytes = 64 * 1024

    func pageStrings(_ request: Request) -> PreferencePageStrings {
        PreferencePageStrings.choose(
            query: request.uri.queryParameters.get("locale"), acceptLanguage: request.headers[.acceptLanguage])
    }

    /// The verified link, or the refusal page to answer with.
    func verifiedLink(_ token: String, request: Request) -> Result<(PreferenceLinks, PreferenceLink), PreferenceLinkRefusal> {
        let strings = pageStrings(request)
        guard let links = deps.templates.preferenceLinks else {
            return .failure(PreferenceLinkRefusal(response: PreferencePage.response(PreferencePage.refusal(strings, detail: strings.unavailable), status: .notFound)))
        }
        do {
            return .success((links, try links.signer.verify(token)))
        } catch {
            return .failure(PreferenceLinkRefusal(response: PreferencePage.response(PreferencePage.refusal(strings, detail: error.description), status: .badRequest)))
        }
    }

    func categoryName(_ name: String, strings: PreferencePageStrings) -> String {
        deps.dispatcher.categories[name].map { PreferenceTable.displayName($0, locale: strings.language) } ?? name
    }

    /// `GET /v1/unsubscribe/{token}`: the confirmation page; changes nothing.
    func unsubscribePage(token: String, request: Request) async throws -> Response {
        let (links, link): (PreferenceLinks, PreferenceLink)
        switch verifiedLink(token, request: request) {
        case .success(let found): (links, link) = found
        case .failure(let refusal): return refusal.response
        }
        let strings = pageStrings(request)
        guard case .unsubscribe(let category) = link.purpose else {
            return PreferencePage.response(PreferencePage.refusal(strings, detail: PreferenceLinkError.wrongPurpose.description), status: .badRequest)
        }
        return PreferencePage.response(
            PreferencePage.unsubscribeQuestion(
                strings, categoryName: categoryName(category, strings: strings),
                preferencesURL: links.preferencesURL(recipientKey: link.recipientKey)))
    }

    /// `POST /v1/unsubscribe/{token}` with `List-Unsubscribe=One-Click` (RFC 8058, urlencoded or
    /// multipart): opts the recipient out of the category on email; 200, no cookie, no redirect.
    func unsubscribe(token: String, request: Request) async throws -> Response {
        let (links, link): (PreferenceLinks, PreferenceLink)
        switch verifiedLink(token, request: request) {
        case .success(let found): (links, link) = found
        case .failure(let refusal): return refusal.response
        }
        let strings = pageStrings(request)
        guard case .unsubscribe(let category) = link.purpose else {
            return PreferencePage.response(PreferencePage.refusal(strings, detail: PreferenceLinkError.wrongPurpose.description), status: .badRequest)
        }
        let body = try await HTTPJSON.rawBody(request, limit: Self.maximumFormBytes)
        guard OneClickBody.isOneClick(body, contentType: request.headers[.contentType]) else {
            return PreferencePage.response(
                PreferencePage.refusal(strings, detail: "the request must carry List-Unsubscribe=One-Click (RFC 8058)"), status: .badRequest)
        }
        // A category removed from the configuration since the mail went out: nothing to opt out
        // of any more, and a required one cannot be left; either way the answer is the same page.
        if let known = deps.dispatcher.categories[category], !known.required {
            try await deps.store.setPreferences([
                Preference(
                    recipientKey: link.recipientKey, category: category, channel: .email, optedIn: false, source: .unsubscribe,
                    updatedAt: deps.clock.now())
            ])
            deps.logger.info("recipient unsubscribed", metadata: ["preference.category": "\(category)", "preference.source": "unsubscribe"])
        }
        return PreferencePage.response(
            PreferencePage.unsubscribed(
                strings, categoryName: categoryName(category, strings: strings),
                preferencesURL: links.preferencesURL(recipientKey: link.recipientKey)))
    }

    /// `GET /v1/preferences/{token}` shows the form; `POST` saves it (every non-required
    /// category × channel: checked is in, unchecked is out) and shows it again.
    func preferencesPage(token: String, request: Request, saving: Bool) async throws -> Response {
        let link: PreferenceLink
        switch verifiedLink(token, request: request) {
        case .success(let found): link = found.1
        case .failure(let refusal): return refusal.response
        }
        let strings = pageStrings(request)
        guard case .preferences = link.purpose else {
            return PreferencePage.response(PreferencePage.refusal(strings, detail: PreferenceLinkError.wrongPurpose.description), status: .badRequest)
        }
        let categories = deps.dispatcher.categories
        let channels = preferenceChannels
        if saving {
            let body = try await HTTPJSON.rawBody(request, limit: Self.maximumFormBytes)
            let checked = Set(OneClickBody.urlencodedNames(body))
            guard checked.contains("submitted") else {
                return PreferencePage.response(PreferencePage.refusal(strings, detail: "the form was not sent whole; open the page and save again"), status: .badRequest)
            }
            var changes: [PreferenceChange] = []
            for name in categories.names where categories[name]?.required == false {
                for channel in channels {
                    changes.append(
                        PreferenceChange(
                            category: name, channel: channel, optedIn: checked.contains(PreferencePage.fieldName(category: name, channel: channel))))
                }
            }
            try await deps.store.setPreferences(PreferenceChange.choices(changes, recipientKey: link.recipientKey, source: .page, at: deps.clock.now()))
        }
        let stored = try await deps.store.preferences(recipientKey: link.recipientKey)
        let table = PreferenceTable(categories: categories, channels: channels, stored: stored, locale: strings.language)
        return PreferencePage.response(PreferencePage.preferences(strings, table: table, channels: channels, saved: saving))
    }
}

/// A refusal page, as an error value so `Result` can carry it.
struct PreferenceLinkRefusal: Error {
    var response: Response
}

/// Reads the small form bodies the link routes accept.
enum OneClickBody {
    /// Whether `body` carries `List-Unsubscribe=One-Click`: as `application/x-www-form-urlencoded`,
    /// or as a `multipart/form-data` part named `List-Unsubscribe` with the value `One-Click`.
    static func isOneClick(_ body: [UInt8], contentType: String?) -> Bool {
        let type = (contentType ?? "").lowercased()
        if type.hasPrefix("multipart/form-data") {
            guard let text = String(validating: body, as: UTF8.self) else { return false }
            // Each part: headers, blank line, value, CRLF, boundary. Only the one field matters.
            let pieces = text.components(separatedBy: "\r\n\r\n")
            for index in pieces.indices.dropLast() where pieces[index].lowercased().contains("name=\"list-unsubscribe\"") {
                let value = pieces[index + 1].components(separatedBy: "\r\n").first ?? ""
                if value.trimmingCharacters(in: .whitespaces) == "One-Click" { return true }
            }
            return false
        }
        return urlencodedPairs(body).contains { $0.name == "List-Unsubscribe" && $0.value == "One-Click" }
    }

    /// The names of an urlencoded body's fields.
    static func urlencodedNames(_ body: [UInt8]) -> [String] { urlencodedPairs(body).map(\.name) }

    static func urlencodedPairs(_ body: [UInt8]) -> [(name: String, value: String)] {
        guard let text = String(validating: body, as: UTF8.self) else { return [] }
        return text.split(separator: "&").prefix(10_000).compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String? { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]) else { return nil }
            let value = parts.count > 1 ? decode(parts[1]) ?? "" : ""
            return (name.trimmingCharacters(in: .whitespacesAndNewlines), value.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
