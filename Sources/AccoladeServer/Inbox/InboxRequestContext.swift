import AccoladeCore
import Hummingbird

/// The request context of the inbox feed routes (`/v1/inbox/items…`, `/v1/inbox/stream`): the
/// API's context plus the recipient an inbox token authenticated.
///
/// Feed routes go in the group ``APIServer/inboxFeedGroup(_:)`` returns, whose
/// ``InboxTokenAuthMiddleware`` sets ``claims`` before any handler runs; a handler reads the one
/// recipient whose items it may touch with ``recipient()``.
public struct InboxRequestContext: ChildRequestContext {
    /// The context the router starts with.
    public typealias ParentContext = BasicRequestContext

    /// Hummingbird's own values, copied from the parent so route parameters and the endpoint
    /// path (access log, metrics) survive the change of context.
    public var coreContext: CoreRequestContextStorage
    /// What the presented inbox token says; `nil` until the auth middleware has run.
    public var claims: InboxTokenClaims?

    /// Takes over the parent's values; nothing is authenticated yet.
    public init(context: BasicRequestContext) throws {
        self.coreContext = context.coreContext
        self.claims = nil
    }

    /// The recipient key of the authenticated token. Throws a `500` when a route was mounted
    /// outside the authenticated group — a programming error, never served as another's items.
    public func recipient() throws -> String {
        guard let claims else {
            throw Problem(
                .internalServerError, kind: "internal-error", title: "Internal error",
                detail: "this inbox route is not behind inbox token authentication")
        }
        return claims.subject
    }
}
