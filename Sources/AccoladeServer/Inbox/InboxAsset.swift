import AccoladeCore
import Foundation
import HTTPTypes
import Hummingbird

/// A file served at a stable URL whose bytes change with Accolade's version (the inbox widget,
/// the demo page's script and styles): cacheable for a few minutes, then revalidated by its
/// strong `ETag` (`304 Not Modified`), so an upgrade reaches browsers within `maxAge` without
/// versioned URLs in the host pages.
struct InboxAsset: Sendable {
    /// How long a browser or shared cache may use its copy without asking, seconds.
    static let maxAge = 300

    let bytes: [UInt8]
    let contentType: String
    /// The strong entity tag of `bytes`, computed once.
    let etag: String
    /// Headers of every answer beyond the caching ones.
    let headers: HTTPFields

    init(_ bytes: [UInt8], contentType: String, headers: HTTPFields = [:]) {
        self.bytes = bytes
        self.contentType = contentType
        self.etag = EntityTag.strong(of: bytes)
        self.headers = headers
    }

    /// The answer to a `GET`: `304` when `If-None-Match` names the current tag.
    func response(to request: Request) -> Response {
        var fields = headers
        fields[.cacheControl] = "public, max-age=\(Self.maxAge)"
        fields[.eTag] = etag
        // Several If-None-Match fields form one list (RFC 9110 §5.3).
        let ifNoneMatch = request.headers[values: .ifNoneMatch]
        if !ifNoneMatch.isEmpty, EntityTag.ifNoneMatch(ifNoneMatch.joined(separator: ", "), matches: etag) {
            return Response(status: .notModified, headers: fields)
        }
        fields[.contentType] = contentType
        fields[.contentLength] = String(bytes.count)
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The widget and the demo page's files, compiled into the binary from `Inbox/Widget/`
/// (`resources: [.embedInCode(…)]` in Package.swift).
enum InboxAssets {
    /// `GET /v1/inbox/widget.js`. Any page may load it (`<script type="module">` and
    /// `crossorigin` fetch it with CORS): it is public code and carries no credential.
    static let widget = InboxAsset(
        PackageResources.widget_js, contentType: "text/javascript; charset=utf-8",
        headers: [
            .xContentTypeOptions: "nosniff", .accessControlAllowOrigin: "*",
            HTTPField.Name("Cross-Origin-Resource-Policy")!: "cross-origin",
        ])
    /// `GET /v1/inbox/demo.js`.
    static let demoScript = InboxAsset(
        PackageResources.demo_js, contentType: "text/javascript; charset=utf-8", headers: [.xContentTypeOptions: "nosniff"])
    /// `GET /v1/inbox/demo.css`.
    static let demoStyles = InboxAsset(
        PackageResources.demo_css, contentType: "text/css; charset=utf-8", headers: [.xContentTypeOptions: "nosniff"])
}
