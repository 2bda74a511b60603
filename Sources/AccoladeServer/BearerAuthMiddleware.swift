import AccoladeCore
import Foundation
import Hummingbird

/// Requires `Authorization: Bearer <token>` with one of `server.tokens` on the routes it guards.
///
/// Tokens are compared through ``SecretComparison`` (SHA-256 digests, constant time), and every
/// configured token is tried, so response timing says nothing about how much of a guess was right. With no tokens configured (allowed only on a
/// loopback listener) every request passes.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    private let tokens: [String]

    init(tokens: [String]) {
        self.tokens = tokens
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !tokens.isEmpty else { return try await next(request, context) }
        guard let header = request.headers[.authorization] else {
            throw Self.challenge("missing Authorization header; send Authorization: Bearer <token> (one of server.tokens)")
        }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw Self.challenge("Authorization must use the Bearer scheme: Authorization: Bearer <token>")
        }
        guard SecretComparison.matchesAny(String(header.dropFirst(7)), of: tokens) else { throw Self.challenge("the bearer token is not one of server.tokens") }
        return try await next(request, context)
    }

    static func challenge(_ detail: String) -> Problem {
        Problem(
            .unauthorized, kind: "unauthorized", title: "Unauthorized", detail: detail,
            headers: [.wwwAuthenticate: "Bearer realm=\"accolade\""])
    }
}
