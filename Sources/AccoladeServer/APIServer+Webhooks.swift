import AccoladeCore
import Foundation
import Hummingbird

extension APIServer {
    /// Routes without bearer auth: provider webhooks (each handler checks its provider's
    /// signature or token) and QR images (their tokens are unguessable).
    func addPublicRoutes(to router: Router<BasicRequestContext>) {
        for path in ["v1/webhooks/{provider}", "v1/webhooks/{provider}/{event}"] {
            router.get(RouterPath(path)) { request, context in try await self.webhook(request, context) }
            router.post(RouterPath(path)) { request, context in try await self.webhook(request, context) }
        }
        router.get("v1/qr/{file}") { request, context in try self.qrImage(context.parameters.require("file"), request) }
        router.head("v1/qr/{file}") { request, context in try self.qrImage(context.parameters.require("file"), request) }
    }

    /// Hands the raw callback to the provider's handler.
    func webhook(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let provider = try context.parameters.require("provider")
        guard let handler = deps.webhooks[provider] else {
            let configured = deps.webhooks.keys.sorted().joined(separator: ", ")
            throw Problem.notFound(
                "no webhook for provider \"\(provider)\"; configured: \(configured.isEmpty ? "none" : configured)")
        }
        let body = try await HTTPJSON.rawBody(request, limit: deps.config.maxBodyBytes)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        let query = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
        let rawQuery = request.uri.query.map { "?\($0)" } ?? ""
        let webhookRequest = WebhookRequest(
            method: request.method.rawValue, provider: provider, event: context.parameters.get("event") ?? "",
            query: query, headers: headers, body: body, publicURL: PublicURL.join(deps.config.publicURL, request.uri.path + rawQuery))
        do {
            let answer = try await handler.handle(webhookRequest)
            return Response(
                status: HTTPResponse.Status(code: answer.status),
                headers: [.contentType: answer.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        } catch let rejection as WebhookRejection {
            deps.logger.warning(
                "webhook rejected", metadata: ["webhook.provider": "\(provider)", "reason": "\(rejection.reason)"])
            throw Problem(
                HTTPResponse.Status(code: rejection.status), kind: "webhook-rejected", title: "Webhook rejected",
                detail: rejection.reason)
        }
    }

    /// `GET|HEAD /v1/qr/{token}.png|.svg`: the stored image, as an immutable asset. The token is
    /// unguessable (192 bits) and its image never changes, so it is served like any static file:
    /// public, cached for a year, revalidated by `ETag` if ever.
    func qrImage(_ file: String, _ request: Request) throws -> Response {
        let parts = file.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, ["png", "svg"].contains(parts[1]), let lookup = deps.qrImage,
            let path = lookup(String(parts[0]), String(parts[1])), let bytes = FileManager.default.contents(atPath: path)
        else {
            throw Problem.notFound("no QR image \(file)")
        }
        var headers: HTTPFields = [.xContentTypeOptions: "nosniff", .referrerPolicy: "no-referrer"]
        // An SVG opened directly is a document: no scripts, no external loads.
        if parts[1] == "svg" { headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'" }
        let asset = ImmutableAsset(bytes: Array(bytes), contentType: parts[1] == "png" ? "image/png" : "image/svg+xml", headers: headers)
        return asset.response(to: request)
    }
}
