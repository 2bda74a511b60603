import AccoladeCore
import Foundation
import Hummingbird

extension APIServer {
    /// `POST /v1/inbox/tokens`, behind the API token, when `channels.inbox` is configured.
    func addInboxTokenRoutes(to group: RouterGroup<BasicRequestContext>) {
        guard let signer = inboxSigner else { return }
        group.post("inbox/tokens") { request, _ in try await self.postInboxToken(request, signer: signer) }
    }

    /// The group the inbox feed routes belong in: `/v1/inbox/…`, authenticated by an inbox token
    /// (header or `?token=`), not by the API token; CORS is applied router-wide by
    /// ``InboxCORS`` (in ``APIEdgeMiddleware``). `nil` when `channels.inbox` is not configured.
    ///
    /// Add a feed route as `group.get("items") { request, context in … try context.recipient() … }`.
    func inboxFeedGroup(_ router: Router<BasicRequestContext>) -> RouterGroup<InboxRequestContext>? {
        guard let signer = inboxSigner else { return nil }
        return router.group("v1/inbox", context: InboxRequestContext.self)
            .add(middleware: InboxTokenAuthMiddleware(signer: signer, clock: deps.clock))
    }

    /// `{"recipient_id": "crm-10492", "ttl": "1h"}` → `{"token": "…", "expires_at": "…"}`: a
    /// token that opens that one recipient's inbox until `expires_at` (`ttl` 1 m … 24 h, default
    /// 1 h). Nothing is stored: the token is checked by its signature alone, so a backend may
    /// equally mint it itself with the same secret.
    func postInboxToken(_ request: Request, signer: InboxTokenSigner) async throws -> Response {
        let body = try await HTTPJSON.body(request, limit: deps.config.maxBodyBytes)
        guard let object = body.objectValue else { throw Problem.malformed("the body must be a JSON object") }
        let allowed: Set<String> = ["recipient_id", "ttl"]
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw Problem.invalid(ValidationError(field: unknown, reason: "unknown field; a token request has recipient_id and ttl"))
        }
        guard let recipient = object["recipient_id"]?.stringValue else {
            throw Problem.invalid(ValidationError(field: "recipient_id", reason: "is required: the recipient's id (to.id of the messages)"))
        }
        if let problem = InboxRecipientKey.problem(with: recipient) {
            throw Problem.invalid(ValidationError(field: "recipient_id", reason: problem))
        }
        let lifetime = try Self.inboxTokenLifetime(object["ttl"])
        let token: InboxToken
        do throws(InboxTokenError) {
            token = try signer.mint(subject: recipient, lifetime: lifetime, now: deps.clock.now())
        } catch {
            // Checked above; a failure here is a bug, not bad input.
            throw Problem(.internalServerError, kind: "internal-error", title: "Internal error", detail: "could not mint the token: \(error)")
        }
        return HTTPJSON.response(
            .object(["token": .string(token.compact), "expires_at": .string(ISOTime.format(token.claims.expiresAt))]),
            // A credential: no cache may keep it (RFC 6749 §5.1 does the same for OAuth tokens).
            headers: [.cacheControl: "no-store"])
    }

    /// `ttl` as seconds: absent or null → 1 h; whole seconds or a text like `15m`.
    static func inboxTokenLifetime(_ value: JSONValue?) throws(Problem) -> TimeInterval {
        let reason = "must be whole seconds (60–86400) or a duration like 90s, 15m, 1h, 1d, between 1 minute and 24 hours"
        switch value {
        case nil, .null?: return InboxTokenLifetime.defaultSeconds
        case .int(let seconds)?:
            guard let lifetime = InboxTokenLifetime.seconds(Int(clamping: seconds)) else {
                throw Problem.invalid(ValidationError(field: "ttl", reason: reason))
            }
            return lifetime
        case .double(let seconds)? where seconds == seconds.rounded() && abs(seconds) < 1e9:
            guard let lifetime = InboxTokenLifetime.seconds(Int(seconds)) else { throw Problem.invalid(ValidationError(field: "ttl", reason: reason)) }
            return lifetime
        case .string(let text)?:
            guard let lifetime = InboxTokenLifetime.parse(text) else { throw Problem.invalid(ValidationError(field: "ttl", reason: reason)) }
            return lifetime
        default:
            throw Problem.invalid(ValidationError(field: "ttl", reason: reason))
        }
    }
}
