import AccoladeCore
import Foundation
import Hummingbird

/// An RFC 9457 problem: the error body every API route answers with (`application/problem+json`).
///
/// `field` names the offending request field (a JSON path such as `to.email` or `data`) so a
/// client can show the error next to the input that caused it.
public struct Problem: Error, Sendable {
    /// HTTP status.
    public var status: HTTPResponse.Status
    /// Stable, machine-readable kind (the last segment of `type`).
    public var kind: String
    /// Short summary of the kind.
    public var title: String
    /// What went wrong this time and what to do about it.
    public var detail: String
    /// The offending field, when one is to blame.
    public var field: String?
    /// More members (e.g. `existing_message_id`).
    public var extra: [String: JSONValue]
    /// Response headers to add (e.g. `WWW-Authenticate`).
    public var headers: HTTPFields

    /// Creates a problem.
    public init(
        _ status: HTTPResponse.Status, kind: String, title: String, detail: String, field: String? = nil,
        extra: [String: JSONValue] = [:], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.field = field
        self.extra = extra
        self.headers = headers
    }

    /// The body as JSON.
    public func json(instance: String?) -> JSONValue {
        var body = extra
        body["type"] = .string("urn:accolade:problem:\(kind)")
        body["title"] = .string(title)
        body["status"] = .int(Int64(status.code))
        body["detail"] = .string(detail)
        if let field { body["field"] = .string(field) }
        if let instance { body["instance"] = .string(instance) }
        return .object(body)
    }

    /// The HTTP response.
    public func response(instance: String?) -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        let bytes = (try? json(instance: instance).jsonBytes()) ?? Array("{}".utf8)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension Problem {
    /// `400`: the body is not JSON, or not the expected JSON shape at the top.
    static func malformed(_ detail: String) -> Problem {
        Problem(.badRequest, kind: "malformed-request", title: "Malformed request", detail: detail)
    }

    /// `422`: well-formed but invalid (unknown template, missing variable, bad address, unknown field).
    static func invalid(_ error: ValidationError) -> Problem {
        Problem(
            .unprocessableContent, kind: "validation-failed", title: "Validation failed", detail: error.reason,
            field: error.field)
    }

    /// Runs a check, turning its ``ValidationError`` into a `422` problem.
    static func validating(_ check: () throws(ValidationError) -> Void) throws(Problem) {
        do throws(ValidationError) { try check() } catch { throw invalid(error) }
    }

    /// `404` for a missing resource.
    static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, kind: "not-found", title: "Not found", detail: detail)
    }

    /// `413`: the body is larger than `server.max_body_kib`.
    static func tooLarge(limit: Int) -> Problem {
        Problem(
            .contentTooLarge, kind: "payload-too-large", title: "Payload too large",
            detail: "the request body is larger than \(limit) bytes; split the batch or raise server.max_body_kib")
    }
}
