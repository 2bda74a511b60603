import AccoladeCore
import Foundation
import Hummingbird

/// Admits a request to the inbox feed routes only with a valid inbox token, and tells the
/// handler whose inbox it is (``InboxRequestContext/claims``).
///
/// The token comes as `Authorization: Bearer <token>` or, for `EventSource` (which cannot set
/// headers), as `?token=<token>`; sending both is refused rather than guessing which one counts.
/// This is not ``BearerAuthMiddleware``: API tokens open every recipient's data and never belong
/// in a browser, inbox tokens open one recipient's feed and nothing else, so neither kind is
/// accepted where the other is expected. Refusals are `401` problems whose `type` ends in
/// `token-expired` (ask the page for a new token, then retry) or `token-invalid` (do not retry
/// with the same token), with an RFC 6750 `WWW-Authenticate` challenge.
struct InboxTokenAuthMiddleware: RouterMiddleware {
    typealias Context = InboxRequestContext

    /// Verifies tokens, remembering the ones that passed (a widget sends the same token many times).
    let tokens: InboxTokenCache
    let clock: any WallClock

    init(signer: InboxTokenSigner, clock: any WallClock) {
        self.tokens = InboxTokenCache(signer: signer)
        self.clock = clock
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let token = try Self.presentedToken(request)
        let claims: InboxTokenClaims
        do throws(InboxTokenError) {
            claims = try tokens.verify(token, now: clock.now())
        } catch {
            throw Self.refusal(error)
        }
        var context = context
        context.claims = claims
        return try await next(request, context)
    }

    /// The token from the `Authorization` header or the `token` query parameter.
    static func presentedToken(_ request: Request) throws -> String {
        let header = request.headers[.authorization]
        let query = request.uri.queryParameters.getAll("token")
        guard query.count <= 1 else {
            throw Problem.malformed("send the inbox token once: ?token= appears \(query.count) times")
        }
        switch (header, query.first) {
        case (nil, nil):
            throw challenge(
                kind: "token-invalid", error: "invalid_request", description: "no token",
                detail: "missing inbox token; send Authorization: Bearer <token> (from POST /v1/inbox/tokens) or ?token=<token>")
        case (_?, _?):
            throw Problem.malformed("send the inbox token once: in the Authorization header or as ?token=, not both")
        case (let header?, nil):
            guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
                throw challenge(
                    kind: "token-invalid", error: "invalid_request", description: "bearer scheme required",
                    detail: "Authorization must use the Bearer scheme: Authorization: Bearer <inbox token>")
            }
            return String(header.dropFirst(7))
        case (nil, let token?):
            return String(token)
        }
    }

    /// The `401` for a token that did not verify.
    static func refusal(_ error: InboxTokenError) -> Problem {
        var problem = challenge(
            kind: error.kind, error: "invalid_token", description: error.kind == "token-expired" ? "the token expired" : "the token is invalid",
            detail: error.description)
        if case .expired(let at) = error { problem.extra["expired_at"] = .string(ISOTime.format(at)) }
        return problem
    }

    /// A `401` with the RFC 6750 §3 challenge (`error_description` is a fixed text: no quotes to escape).
    static func challenge(kind: String, error: String, description: String, detail: String) -> Problem {
        Problem(
            .unauthorized, kind: kind, title: kind == "token-expired" ? "Token expired" : "Invalid inbox token", detail: detail,
            headers: [.wwwAuthenticate: "Bearer realm=\"accolade-inbox\", error=\"\(error)\", error_description=\"\(description)\""])
    }
}
