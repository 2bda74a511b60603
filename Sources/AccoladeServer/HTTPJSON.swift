import AccoladeCore
import Foundation
import Hummingbird

/// Reading JSON request bodies and writing JSON responses with the project's own JSON codec
/// (integers stay integers, keys are sorted, output is compact).
enum HTTPJSON {
    /// Collects the body (refusing more than `limit` bytes with `413`) and parses it (`400` when
    /// it is not JSON).
    static func body(_ request: Request, limit: Int) async throws -> JSONValue {
        let bytes = try await rawBody(request, limit: limit)
        guard !bytes.isEmpty else { throw Problem.malformed("the request body is empty; send a JSON object") }
        do {
            return try JSONValue(jsonBytes: bytes)
        } catch {
            throw Problem.malformed("the body is not valid JSON: \(error)")
        }
    }

    /// The body bytes exactly as received, at most `limit` of them.
    static func rawBody(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw Problem.tooLarge(limit: limit)
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw Problem.tooLarge(limit: limit)
        }
    }

    /// A query parameter decoded as HTML forms and HTTP libraries encode it (`+` is a space):
    /// JSON in a query string carries spaces, which the router's plain percent-decoding keeps as `+`.
    static func formValue(_ name: String, in request: Request) -> String? {
        guard let query = request.uri.query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0] == name[...] else { continue }
            let raw = parts.count > 1 ? parts[1].replacingOccurrences(of: "+", with: " ") : ""
            return raw.removingPercentEncoding
        }
        return nil
    }

    /// A JSON response.
    static func response(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        response(bytes: (try? value.jsonBytes()) ?? Array("null".utf8), status: status, headers: headers)
    }

    /// A JSON response whose bytes the caller wrote (a hot path's own writer).
    static func response(bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        response(body: ByteBuffer(bytes: bytes), status: status, headers: headers)
    }

    /// A JSON response of a buffer the caller holds (a kept answer: the buffer is shared, not copied).
    static func response(body: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }

    /// A text response of any content type.
    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
