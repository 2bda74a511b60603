import AccoladeCore
import Foundation
import HTTPTypes
import Hummingbird

extension APIServer {
    /// `POST /v1/reports/tokens` behind the API token; `GET /v1/reports/dashboard` public, its
    /// `token` query parameter the credential (a browser navigation cannot send a bearer header).
    func addDashboardRoutes(api: RouterGroup<BasicRequestContext>, public router: Router<BasicRequestContext>) {
        api.post("reports/tokens") { request, _ in try await self.postDashboardToken(request) }
        router.get("v1/reports/dashboard") { request, _ in try await self.dashboard(request) }
    }

    /// The signer for `secret`, else for a key derived from the API tokens, else (a loopback
    /// server without tokens) for random bytes of this process: links then end with the process.
    static func makeDashboardSigner(secret: String?, tokens: [String]) -> DashboardTokenSigner {
        if let secret, !secret.isEmpty { return DashboardTokenSigner(secret: secret) }
        if let derived = DashboardTokenSigner.derived(fromAPITokens: tokens) { return derived }
        var generator = SystemRandomNumberGenerator()
        return DashboardTokenSigner(keyMaterial: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// `{"ttl": "1h"}` (or no body) → `{"token", "expires_at", "url"}`: a link that opens the
    /// dashboard until `expires_at` (`ttl` 1 min … 24 h, default 15 min). Nothing is stored.
    func postDashboardToken(_ request: Request) async throws -> Response {
        let bytes = try await HTTPJSON.rawBody(request, limit: deps.config.maxBodyBytes)
        var lifetime = DashboardTokenSigner.defaultLifetime
        if !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            let body: JSONValue
            do { body = try JSONValue(jsonBytes: bytes) } catch { throw Problem.malformed("the body is not valid JSON: \(error)") }
            guard let object = body.objectValue else { throw Problem.malformed("the body must be a JSON object (or empty)") }
            if let unknown = object.keys.sorted().first(where: { $0 != "ttl" }) {
                throw Problem.invalid(ValidationError(field: unknown, reason: "unknown field; a dashboard token request has only ttl"))
            }
            if let ttl = object["ttl"], ttl != .null { lifetime = try Self.inboxTokenLifetime(ttl) }
        }
        let token: DashboardToken
        do throws(DashboardTokenError) {
            token = try dashboardSigner.mint(lifetime: lifetime, now: deps.clock.now())
        } catch {
            throw Problem(.internalServerError, kind: "internal-error", title: "Internal error", detail: "\(error)")
        }
        let url = PublicURL.join(deps.config.publicURL, "/v1/reports/dashboard?token=\(token.compact)")
        return HTTPJSON.response(
            .object(["token": .string(token.compact), "expires_at": .string(ISOTime.format(token.expiresAt)), "url": .string(url)]),
            headers: [.cacheControl: "no-store"])
    }

    /// `GET /v1/reports/dashboard?token=…&since=&until=&tz=`: the HTML dashboard, or a page
    /// saying why not (401 no token, or one that does not open it: missing, cut, altered,
    /// expired; 400 an unknown parameter; 422 a period that cannot be read — with the picker to
    /// fix it).
    func dashboard(_ request: Request) async throws -> Response {
        let q = request.uri.queryParameters
        let allowed: Set<String> = ["token", "since", "until", "tz"]
        if let unknown = q.map({ String($0.key) }).first(where: { !allowed.contains($0) }) {
            return DashboardPage.response(
                DashboardPage.refusal(
                    title: "Unknown parameter", detail: "\(unknown.prefix(40)) is not a dashboard parameter; use token, since, until and tz"),
                status: .badRequest)
        }
        guard let token = q.get("token"), !token.isEmpty else {
            return Self.dashboardRefusal(
                status: .unauthorized, title: "No dashboard token",
                detail: "this address needs ?token=… from POST /v1/reports/tokens (the API token cannot be sent by a browser link)")
        }
        let now = deps.clock.now()
        let expiresAt: Date
        do throws(DashboardTokenError) {
            expiresAt = try dashboardSigner.verify(token, now: now)
        } catch {
            if case .expired = error {
                return Self.dashboardRefusal(status: .unauthorized, title: "This dashboard link has expired", detail: error.description)
            }
            return Self.dashboardRefusal(status: .unauthorized, title: "This dashboard link is not valid", detail: error.description)
        }
        // Strict like GET /v1/reports: an empty value is not a date or a zone (the picker's
        // fields are required, so a browser does not send one).
        func value(_ name: String) -> String? { q.get(name) }
        let parsed: ReportQuery
        switch ReportQuery.parse(since: value("since"), until: value("until"), by: nil, tz: value("tz"), now: now) {
        case .success(let query): parsed = query
        case .failure(let error):
            let input = DashboardPeriodInput(since: value("since") ?? "", until: value("until") ?? "", tz: value("tz") ?? "UTC")
            return DashboardPage.response(
                DashboardPage.invalidPeriod(input: input, field: error.field, reason: error.reason, token: token, expiresAt: expiresAt),
                status: .unprocessableContent)
        }
        let data = try await storeWork("read the dashboard") { try await self.dashboardData(parsed) }
        return DashboardPage.response(DashboardPage(data: data, token: token, expiresAt: expiresAt, zoneText: value("tz")).html())
    }

    /// A refusal page; a 401 says how to authenticate (RFC 9110 §11.6.1: a `WWW-Authenticate`).
    static func dashboardRefusal(status: HTTPResponse.Status, title: String, detail: String) -> Response {
        var response = DashboardPage.response(DashboardPage.refusal(title: title, detail: detail), status: status)
        if status == .unauthorized {
            response.headers[.wwwAuthenticate] = "Bearer realm=\"accolade-dashboard\", error=\"invalid_token\""
        }
        return response
    }

    /// The two reports and the failure reasons of `query`'s range.
    func dashboardData(_ query: ReportQuery) async throws -> DashboardData {
        let grain = DashboardData.grain(since: query.since, until: query.until)
        let byPeriod = ReportQuery(since: query.since, until: query.until, grain: grain, dimensions: [.channel], timeZone: query.timeZone)
        let byProvider = ReportQuery(since: query.since, until: query.until, grain: nil, dimensions: [.channel, .provider], timeZone: query.timeZone)
        async let a = Report.make(byPeriod, store: deps.store)
        async let b = Report.make(byProvider, store: deps.store)
        async let c = deps.store.failureReasons(since: query.since, until: query.until, limit: DashboardData.failureLimit)
        return try await DashboardData(byPeriodAndChannel: a, byChannelAndProvider: b, failures: c)
    }
}
