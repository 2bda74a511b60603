import AccoladeCore
import Foundation
import HTTPTypes
import Hummingbird

extension APIServer {
    func addReportRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.get("reports") { request, _ in try await self.storeWork("read a report") { try await self.getReport(request) } }
    }

    /// `GET /v1/reports?since=&until=&by=&tz=&format=json|csv`: the figures `accolade report`
    /// prints, from the rollups.
    func getReport(_ request: Request) async throws -> Response {
        let q = request.uri.queryParameters
        let allowed: Set<String> = ["since", "until", "by", "tz", "format"]
        if let unknown = q.map({ String($0.key) }).first(where: { !allowed.contains($0) }) {
            throw Problem.invalid(ValidationError(field: unknown, reason: "unknown query parameter; use \(allowed.sorted().joined(separator: ", "))"))
        }
        // Strict like the document: an empty value is not a date, a zone or a format (only `by=`,
        // an empty list, groups by nothing).
        func value(_ name: String) -> String? { q.get(name) }
        let format = value("format") ?? "json"
        guard format == "json" || format == "csv" else {
            throw Problem.invalid(ValidationError(field: "format", reason: "json or csv"))
        }
        let query: ReportQuery
        switch ReportQuery.parse(since: value("since"), until: value("until"), by: value("by"), tz: value("tz"), now: deps.clock.now()) {
        case .success(let value): query = value
        case .failure(let error): throw Problem.invalid(ValidationError(field: error.field, reason: error.reason))
        }
        let report = try await Report.make(query, store: deps.store)
        guard format == "csv" else { return HTTPJSON.response(report.json) }
        var headers = HTTPFields()
        headers[.contentDisposition] = "attachment; filename=\"accolade-report.csv\""
        return HTTPJSON.text(report.csv, contentType: "text/csv; charset=utf-8", headers: headers)
    }
}
