import AccoladeCore
import Foundation
import HTTPTypes
import Hummingbird

/// Content that never changes at its URL (a QR image under its unguessable token), answered as
/// static assets are: cacheable by anyone for a year and `immutable`, a strong `ETag` from the
/// bytes, `304 Not Modified` when `If-None-Match` matches, and `HEAD` with the `GET` headers and
/// no body.
struct ImmutableAsset {
    /// `Cache-Control` of every answer: shared caches and CDNs may keep it, browsers never revalidate.
    static let cacheControl = "public, max-age=31536000, immutable"

    let bytes: [UInt8]
    let contentType: String
    /// Headers of the full answer beyond the caching ones (`Content-Security-Policy` for SVG, …).
    var headers: HTTPFields = [:]

    /// The answer to `request` (`GET` or `HEAD`).
    func response(to request: Request) -> Response {
        let etag = EntityTag.strong(of: bytes)
        // Several If-None-Match fields form one list (RFC 9110 §5.3).
        let ifNoneMatch = request.headers[values: .ifNoneMatch]
        if !ifNoneMatch.isEmpty, EntityTag.ifNoneMatch(ifNoneMatch.joined(separator: ", "), matches: etag) {
            // 304 carries the validators and caching fields a 200 would (RFC 9110 §15.4.5).
            return Response(status: .notModified, headers: [.eTag: etag, .cacheControl: Self.cacheControl])
        }
        var fields = headers
        fields[.contentType] = contentType
        fields[.cacheControl] = Self.cacheControl
        fields[.eTag] = etag
        fields[.contentLength] = String(bytes.count)
        if request.method == .head {
            return Response(status: .ok, headers: fields, body: .init())
        }
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
