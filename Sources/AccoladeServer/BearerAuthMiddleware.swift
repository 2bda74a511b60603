import Crypto
import Foundation
import Hummingbird

/// Requires `Authorization: Bearer <token>` with one of `server.tokens` on the routes it guards.
///
/// Tokens are compared through their SHA-256 digests in constant time, so response timing says
/// nothing about how much of a guess was right. With no tokens configured (allowed only on a
/// loopback listener) every request passes.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    private let digests: [[UInt8]]

    init(tokens: [String]) {
        digests = tokens.map { Array(SHA256.hash(data: Data($0.utf8))) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !digests.isEmpty else { return try await next(request, context) }
        guard let header = request.headers[.authorization] else {
            throw Self.challenge("missing Authorization header; send Authorization: Bearer <token> (one of server.tokens)")
        }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw Self.challenge("Authorization must use the Bearer scheme: Authorization: Bearer <token>")
        }
        let presented = Array(SHA256.hash(data: Data(header.dropFirst(7).utf8)))
        var matched = false
        for digest in digests where Self.constantTimeEqual(digest, presented) { matched = true }
        guard matched else { throw Self.challenge("the bearer token is not one of server.tokens") }
        return try await next(request, context)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    static func challenge(_ detail: String) -> Problem {
        Problem(
            .unauthorized, kind: "unauthorized", title: "Unauthorized", detail: detail,
            headers: [.wwwAuthenticate: "Bearer realm=\"accolade\""])
    }
}
