import AccoladeCore
import Foundation
import Hummingbird

extension APIServer {
    func addTemplateRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.get("templates") { _, _ in self.listTemplates() }
        group.post("previews") { request, _ in try await self.postPreview(request) }
        group.get("templates/{name}/preview") { request, context in
            try self.previewPage(name: context.parameters.require("name"), request: request)
        }
    }

    /// `GET /v1/templates`: names, channels, locales and variables of every template.
    func listTemplates() -> Response {
        let items: [JSONValue] = deps.templates.infos.map { info in
            .object([
                "name": .string(info.name),
                "description": .string(info.description),
                "channels": .array(info.channels.map { .string($0.rawValue) }),
                "locales": .array(info.locales.map(JSONValue.string)),
                "variables": .object([
                    "required": .array(info.manifest.requiredVariables.map(JSONValue.string)),
                    "optional": .array(info.manifest.optionalVariables.map(JSONValue.string)),
                    "secret": .array(info.manifest.secretVariables.map(JSONValue.string)),
                ]),
            ])
        }
        return HTTPJSON.response(.object(["templates": .array(items)]))
    }

    /// `POST /v1/previews` `{template, channel, locale?, data?, to?}`: the rendered parts of one
    /// channel, secret variables masked; nothing is queued.
    func postPreview(_ request: Request) async throws -> Response {
        let body = try await HTTPJSON.body(request, limit: deps.config.maxBodyBytes)
        guard let object = body.objectValue else { throw Problem.malformed("the body must be a JSON object") }
        let allowed: Set<String> = ["template", "channel", "locale", "data"]
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw Problem.invalid(ValidationError(field: unknown, reason: "unknown field; a preview has \(allowed.sorted().joined(separator: ", "))"))
        }
        guard let name = object["template"]?.stringValue, let info = deps.templates.info(name) else {
            throw Problem.invalid(ValidationError(field: "template", reason: "unknown template; GET /v1/templates lists them"))
        }
        guard let channelName = object["channel"]?.stringValue, let channel = ChannelKind(rawValue: channelName),
            info.channels.contains(channel)
        else {
            throw Problem.invalid(ValidationError(
                field: "channel", reason: "must be one of the template's channels: \(info.channels.map(\.rawValue).joined(separator: ", "))"))
        }
        let locale = try object["locale"].map { value throws(Problem) -> String in
            guard let text = value.stringValue else { throw Problem.invalid(ValidationError(field: "locale", reason: "must be a string")) }
            try Problem.validating { () throws(ValidationError) in try LocaleTag.validate(text, field: "locale") }
            return text
        }
        let data = object["data"] ?? info.sample.data
        guard data.objectValue != nil else { throw Problem.invalid(ValidationError(field: "data", reason: "must be a JSON object")) }
        try Problem.validating { () throws(ValidationError) in try info.dataSchema.validate(data) }
        let preview = TemplatePreview(library: deps.templates, info: info, locale: locale, data: data)
        do {
            return HTTPJSON.response(try preview.json(channel))
        } catch {
            throw Problem.invalid(ValidationError(renderFailure: error))
        }
    }

    /// `GET /v1/templates/{name}/preview?locale=&data=`: every channel side by side, as HTML.
    func previewPage(name: String, request: Request) throws -> Response {
        guard let info = deps.templates.info(name) else {
            throw Problem.notFound("no template \(name); GET /v1/templates lists them")
        }
        let q = request.uri.queryParameters
        var data = info.sample.data
        if let text = HTTPJSON.formValue("data", in: request) {
            guard let value = try? JSONValue(jsonText: text), value.objectValue != nil else {
                throw Problem.invalid(ValidationError(field: "data", reason: "must be a JSON object (URL-encoded)"))
            }
            data = value
        }
        try Problem.validating { () throws(ValidationError) in try LocaleTag.validate(q.get("locale"), field: "locale") }
        let preview = TemplatePreview(library: deps.templates, info: info, locale: q.get("locale"), data: data)
        let html = PreviewPage(preview: preview, qrImageURL: qrDataURL(preview)).html()
        return HTTPJSON.text(
            html, contentType: "text/html; charset=utf-8",
            headers: [
                // The email HTML is untrusted template output: the page shows it in a sandboxed
                // iframe (srcdoc) and allows no scripts at all.
                .contentSecurityPolicy:
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data: 'self'; frame-src 'self' about:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
                .cacheControl: "no-store",
            ])
    }

    /// The template's QR code as an inline `data:` PNG (the page's CSP allows only those), drawn
    /// from the redacted payload so the image never carries a secret.
    func qrDataURL(_ preview: TemplatePreview) -> String? {
        guard preview.info.channels.contains(.qr), let draw = deps.qrPreview,
            case .qr(let payload)? = try? preview.renderRedacted(.qr), let png = draw(payload)
        else { return nil }
        return "data:image/png;base64," + Data(png).base64EncodedString()
    }
}
