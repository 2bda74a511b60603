import AccoladeCore
import Foundation
import Hummingbird

extension APIServer {
    func addPreferenceRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.get("recipients/{key}/preferences") { request, context in
            try await self.getPreferences(key: context.parameters.require("key"), request: request)
        }
        group.put("recipients/{key}/preferences") { request, context in
            try await self.putPreferences(key: context.parameters.require("key"), request: request)
        }
    }

    /// The configured channels a preference may name (the order the answer lists them in).
    var preferenceChannels: [ChannelKind] { ChannelKind.allCases.filter(deps.channels.contains) }

    /// `GET /v1/recipients/{key}/preferences?locale=`: every configured category × channel with
    /// its effective state.
    func getPreferences(key raw: String, request: Request) async throws -> Response {
        let key = try Self.preferenceKey(raw)
        let locale = try Self.preferenceLocale(request)
        let stored = try await deps.store.preferences(recipientKey: key)
        return HTTPJSON.response(preferencesJSON(key: key, stored: stored, locale: locale))
    }

    /// `PUT /v1/recipients/{key}/preferences` `{"preferences": [{category, channel, opted_in}]}`:
    /// a partial update, all or nothing; then the answer of GET.
    func putPreferences(key raw: String, request: Request) async throws -> Response {
        let key = try Self.preferenceKey(raw)
        let locale = try Self.preferenceLocale(request)
        let body = try await HTTPJSON.body(request, limit: deps.config.maxBodyBytes)
        guard let object = body.objectValue else { throw Problem.malformed("the body must be a JSON object") }
        if let unknown = object.keys.sorted().first(where: { $0 != "preferences" }) {
            throw Problem.invalid(ValidationError(field: unknown, reason: "unknown field; the body has only preferences"))
        }
        guard case .array(let items)? = object["preferences"], !items.isEmpty, items.count <= 1000 else {
            throw Problem.invalid(ValidationError(field: "preferences", reason: "must be a list of 1 to 1000 {category, channel, opted_in} objects"))
        }
        var changes: [PreferenceChange] = []
        for (index, item) in items.enumerated() {
            let at = "preferences[\(index)]"
            guard let entry = item.objectValue else { throw Problem.invalid(ValidationError(field: at, reason: "must be an object")) }
            if let unknown = entry.keys.sorted().first(where: { !["category", "channel", "opted_in"].contains($0) }) {
                throw Problem.invalid(ValidationError(field: "\(at).\(unknown)", reason: "unknown field; an entry has category, channel, opted_in"))
            }
            guard let category = entry["category"]?.stringValue else {
                throw Problem.invalid(ValidationError(field: "\(at).category", reason: "must be a category name"))
            }
            guard let name = entry["channel"]?.stringValue, let channel = ChannelKind(rawValue: name) else {
                throw Problem.invalid(ValidationError(
                    field: "\(at).channel", reason: "must be one of the configured channels: \(preferenceChannels.map(\.rawValue).joined(separator: ", "))"))
            }
            guard case .bool(let optedIn)? = entry["opted_in"] else {
                throw Problem.invalid(ValidationError(field: "\(at).opted_in", reason: "must be true or false"))
            }
            changes.append(PreferenceChange(category: category, channel: channel, optedIn: optedIn))
        }
        let categories = deps.dispatcher.categories
        let channels = preferenceChannels
        try Problem.validating { () throws(ValidationError) in
            try PreferenceChange.validate(changes, categories: categories, channels: channels) { "preferences[\($0)]" }
        }
        try await deps.store.setPreferences(PreferenceChange.choices(changes, recipientKey: key, source: .api, at: deps.clock.now()))
        let stored = try await deps.store.preferences(recipientKey: key)
        return HTTPJSON.response(preferencesJSON(key: key, stored: stored, locale: locale))
    }

    func preferencesJSON(key: String, stored: [Preference], locale: String?) -> JSONValue {
        let table = PreferenceTable(categories: deps.dispatcher.categories, channels: preferenceChannels, stored: stored, locale: locale)
        let entries: [JSONValue] = table.entries.map(\.json)
        return .object([
            "recipient_key": .string(key), "locale": .string(locale ?? deps.templates.defaultLocale), "preferences": .array(entries),
        ])
    }

    /// The path's key, percent-decoded and normalised (an email address lower-cased).
    static func preferenceKey(_ raw: String) throws(Problem) -> String {
        guard let decoded = raw.removingPercentEncoding else {
            throw Problem.invalid(ValidationError(field: "key", reason: "is not valid percent-encoding"))
        }
        var key = ""
        try Problem.validating { () throws(ValidationError) in key = try PreferenceKey.normalise(decoded) }
        return key
    }

    /// `?locale=` (the only query parameter), checked.
    static func preferenceLocale(_ request: Request) throws(Problem) -> String? {
        let q = request.uri.queryParameters
        for (name, _) in q where name != "locale" {
            throw Problem.invalid(ValidationError(field: String(name), reason: "unknown query parameter; only locale is accepted"))
        }
        guard let locale = q.get("locale") else { return nil }
        try Problem.validating { () throws(ValidationError) in try LocaleTag.validate(locale, field: "locale") }
        return locale
    }
}
