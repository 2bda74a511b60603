import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

/// The README's WhatsApp error tables are the classifier's: every row is read from README.md and
/// checked against `WhatsAppResultClassifier` under several HTTP statuses, so the two cannot drift.
@Suite("WhatsApp: README error table")
struct WhatsAppErrorTableTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// One row of a README table: its first column's text and its outcome column.
    struct Row: Sendable, CustomStringConvertible {
        var key: String
        var outcome: String
        var description: String { "\(key) → \(outcome)" }
    }

    /// The rows of the two tables under "### WhatsApp … #### Errors".
    static func tables() throws -> (codes: [Row], statuses: [Row]) {
        let readme = try String(contentsOf: TestServer.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let whatsapp = try #require(readme.range(of: "### WhatsApp"))
        let errors = try #require(readme.range(of: "#### Errors", range: whatsapp.upperBound..<readme.endIndex))
        let next = readme.range(of: "#### ", range: errors.upperBound..<readme.endIndex)?.lowerBound ?? readme.endIndex
        var tables: [[Row]] = []
        var current: [Row]? = nil
        for line in readme[errors.upperBound..<next].split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else {
                if let rows = current { tables.append(rows) }
                current = nil
                continue
            }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 3 else { continue }
            if current == nil {
                current = []  // the header row
                continue
            }
            if cells[0].hasPrefix("---") { continue }
            current?.append(Row(key: cells[0], outcome: cells[1]))
        }
        if let rows = current { tables.append(rows) }
        try #require(tables.count == 2, "README's WhatsApp errors: expected a code table and a status table, found \(tables.count)")
        return (tables[0], tables[1])
    }

    /// Numeric codes of a first column: `130429, 80007, 4`, ranges `200–299` (every value).
    static func codes(_ key: String) -> [Int]? {
        var out: [Int] = []
        for part in key.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let bounds = part.split(separator: "–")
            if bounds.count == 2, let low = Int(bounds[0]), let high = Int(bounds[1]) {
                out += Array(low...high)
            } else if let code = Int(part) {
                out.append(code)
            } else {
                return nil
            }
        }
        return out
    }

    static func matches(_ disposition: DeliveryDisposition, _ outcome: String) -> Bool {
        switch (disposition, outcome) {
        case (.retry, "retry"), (.rateLimited, "rate-limited"), (.permanent, "permanent"), (.suppressed, "suppressed"),
            (.misconfigured, "misconfigured"):
            true
        default: false
        }
    }

    static func classify(_ result: CurlResult) -> WhatsAppFailure? {
        guard case .failure(let f) = WhatsAppResultClassifier.classifySend(result, now: now) else { return nil }
        return f
    }

    static func graph(_ code: Int, status: Int) -> CurlResult {
        let body = #"{"error":{"message":"(#\#(code)) x","type":"OAuthException","code":\#(code),"fbtrace_id":"A1"}}"#
        return CurlResult(curlCode: 0, responseCode: status, headers: [CurlHeader("Content-Type", "application/json")], body: Array(body.utf8))
    }

    /// Statuses a Graph error arrives under: the code decides under every one of them.
    static let statuses = [200, 400, 401, 403, 404, 429, 500, 502, 503]

    @Test("every code row: error.code decides under any HTTP status; every known code is in the README")
    func codeRows() throws {
        let rows = try Self.tables().codes
        var listed: Set<Int> = []
        var sawOther = false
        for row in rows {
            guard let codes = Self.codes(row.key) else {
                #expect(row.key == "any other code", "unparsable row \(row)")
                #expect(row.outcome == "retry", "\(row)")
                sawOther = true
                continue
            }
            for code in codes {
                #expect(!listed.contains(code), "\(code) is in two rows")
                listed.insert(code)
                for status in Self.statuses {
                    let f = try #require(Self.classify(Self.graph(code, status: status)), "\(code)/\(status) accepted")
                    #expect(Self.matches(f.error.disposition, row.outcome), "README: \(row); classifier: \(code) under HTTP \(status) → \(f.error.disposition)")
                    #expect(f.error.code == "\(code)")
                }
            }
        }
        #expect(sawOther, "README lacks the 'any other code' row")
        // Codes the classifier knows by name (its switch) must all be in the README.
        let known = [4, 80007, 130429, 131048, 131056, 131049, 1, 2, 131000, 131016, 131057, 190, 368, 131031, 0, 3, 10, 100, 131008, 131009,
            132000, 132001, 132012, 132015, 132016, 131026, 131047, 131050] + Array(200...299)
        #expect(Set(known).subtracting(listed).sorted() == [], "codes the classifier knows but README does not list")
        #expect(listed.subtracting(known).sorted() == [], "codes README lists but this test does not know")
    }

    @Test("codes nobody listed retry with backoff under any HTTP status, honouring Retry-After", arguments: [
        -1, 5, 11, 99, 101, 199, 300, 500, 503, 131001, 131005, 131051, 132999, 133010, 2_147_483_647,
    ])
    func unknownCodesRetry(_ code: Int) throws {
        for status in Self.statuses {
            let f = try #require(Self.classify(Self.graph(code, status: status)))
            #expect(f.error.disposition == .retry(after: nil), "\(code) under HTTP \(status): \(f.error.disposition)")
            #expect(f.action == .none)
        }
        var late = Self.graph(code, status: 400)
        late.headers.append(CurlHeader("Retry-After", "30"))
        #expect(Self.classify(late)?.error.disposition == .retry(after: .seconds(30)))
    }

    @Test("every status row: without a Graph error the HTTP status decides; HTML pages retry")
    func statusRows() throws {
        let rows = try Self.tables().statuses
        func expectRow(_ key: String, _ results: [CurlResult]) throws {
            let row = try #require(rows.first { $0.key == key }, "README lacks the row \"\(key)\"")
            for result in results {
                let f = try #require(Self.classify(result), "\(key): accepted")
                #expect(Self.matches(f.error.disposition, row.outcome), "README: \(row); classifier: HTTP \(result.responseCode) curl \(result.curlCode) → \(f.error.disposition)")
            }
        }
        func plain(_ status: Int, _ body: String = "", type: String? = nil) -> CurlResult {
            CurlResult(curlCode: 0, responseCode: status, headers: type.map { [CurlHeader("Content-Type", $0)] } ?? [], body: Array(body.utf8))
        }
        let page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
        try expectRow("HTTP 401", [plain(401), plain(401, "Unauthorized", type: "text/plain"), plain(401, #"{"error":"denied"}"#)])
        try expectRow("HTTP 429", [plain(429), plain(429, page, type: "text/html")])
        try expectRow("HTTP 408, 5xx", [408, 500, 501, 502, 503, 504, 520, 599].flatMap { [plain($0), plain($0, page, type: "text/html"), plain($0, "{}")] })
        try expectRow(
            "an HTML page (a proxy's error page), any other status",
            [400, 403, 404, 405, 409, 413, 451].flatMap {
                [plain($0, page, type: "text/html; charset=utf-8"), plain($0, "  \n<html><body>blocked</body></html>"), plain($0, "<h1>Forbidden</h1>", type: "application/octet-stream")]
            })
        try expectRow(
            "any other status",
            [400, 403, 404, 405, 409, 413].flatMap {
                [plain($0), plain($0, "Forbidden", type: "text/plain"), plain($0, #"{"message":"no"}"#, type: "application/json"),
                 plain($0, #"{"error":{"message":"no code"}}"#), plain($0, #"{"error":{"code":1e20}}"#)]
            })
        try expectRow(
            "certificate not trusted or expired (curl 60), CA file unusable (curl 58, 77, 83)",
            [CurlResult(curlCode: 60, curlError: "SSL certificate problem: self-signed certificate"),
             CurlResult(curlCode: 58, curlError: "unable to set private key file"),
             CurlResult(curlCode: 77, curlError: "error setting certificate file: ca.pem"),
             CurlResult(curlCode: 83, curlError: "issuer check failed")])
        try expectRow(
            "timeouts, connection refused or reset",
            [CurlResult(curlCode: 28, curlError: "Operation timed out"), CurlResult(curlCode: 7, curlError: "Couldn't connect to server"),
             CurlResult(curlCode: 56, curlError: "Connection reset by peer"), CurlResult(curlCode: 52, curlError: "Empty reply from server")])
        #expect(rows.count == 7, "a README row this test does not check: \(rows)")
    }

    @Test("the issue's case: error.code 500 inside an HTTP 400 retries; a Graph 190 inside an HTML-typed 500 is still the token")
    func graphBodyBeatsStatus() throws {
        #expect(Self.classify(Self.graph(500, status: 400))?.error.disposition == .retry(after: nil))
        var wrapped = Self.graph(190, status: 500)
        wrapped.headers = [CurlHeader("Content-Type", "text/html")]
        #expect(Self.classify(wrapped)?.error.disposition == .misconfigured(key: "channels.whatsapp.access_token"))
        // Media uploads follow the same rule.
        guard case .failure(let upload) = WhatsAppResultClassifier.classifyUpload(Self.graph(500, status: 400), now: Self.now) else {
            Issue.record("upload accepted")
            return
        }
        #expect(upload.error.disposition == .retry(after: nil))
    }
}
