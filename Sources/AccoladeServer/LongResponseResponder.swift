import Hummingbird

/// The router's responder, except that requests opening a long-lived response (the inbox event
/// stream) are answered in a child task.
///
/// Why: a Swift task keeps the memory its deepest chain of `async` calls ever needed — the task
/// allocator holds on to its slabs until the task ends. Hummingbird answers every request of a
/// connection in the connection's task, and that task then writes the response body; for an
/// event stream it writes for hours. Handling the request (every middleware, the route, the
/// first store read) took about 25 KB of frames, which each open stream kept for its life: with
/// 5,000 streams that alone was over 120 MB. In a child task those frames are freed as soon as
/// the response head is ready, and the connection task keeps only what writing the body needs.
/// Other requests run inline: a child task costs a task creation and two executor hops that
/// short requests need not pay (their connection's frames are freed when it closes).
struct LongResponseResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let router: RouterResponder<BasicRequestContext>
    /// Request paths (exact) whose responses are long-lived.
    let longLivedPaths: Set<String>

    func respond(to request: Request, context: Context) async throws -> Response {
        guard !longLivedPaths.isEmpty, longLivedPaths.contains(request.uri.path) else {
            return try await router.respond(to: request, context: context)
        }
        let router = self.router
        return try await withThrowingTaskGroup(of: Response.self) { group in
            group.addTask { try await router.respond(to: request, context: context) }
            // One child, which returns a response or throws: `next()` never finds the group empty.
            return try await group.next()!
        }
    }
}
