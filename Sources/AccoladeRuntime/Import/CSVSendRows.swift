import AccoladeCore
import Foundation

/// Turns CSV rows into send requests, one message per row.
///
/// Columns `email`, `phone`, `whatsapp`, `name`, `locale`, `timezone`, `id` and `idempotency_key`
/// fill the recipient and key; every other column is template data. A dotted column name
/// (`reward.code`) builds nested objects. Values are strings unless the column name ends in
/// `:number` (`reward.amount:number`) — codes like `007` must never lose their zeros — and a
/// `data` column may hold a JSON object merged under the columns. Empty cells are omitted.
public struct CSVSendRows: Sendable {
    /// A row that could not become a request.
    public struct RowError: Error, Sendable, Hashable, CustomStringConvertible {
        /// 1-based line in the file.
        public var line: Int
        /// Why.
        public var reason: String
        /// `line N: reason`.
        public var description: String { "line \(line): \(reason)" }
    }

    /// One data row: its line and either a request or why it is rejected.
    public struct Row: Sendable {
        /// 1-based line in the file.
        public var line: Int
        /// The request, or the reason the row is rejected.
        public var result: Result<SendRequest, RowError>
    }

    static let recipientColumns: Set<String> = ["email", "phone", "whatsapp", "name", "locale", "timezone", "id", "idempotency_key"]

    /// Parses a CSV file's text. A malformed file (not a bad row) throws.
    public static func rows(csv: String, template base: SendRequest) throws -> [Row] {
        let records = try CSVReader.parse(csv)
        guard let header = records.first else { return [] }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        if let dup = Dictionary(grouping: columns, by: { $0 }).first(where: { $1.count > 1 })?.key {
            throw RowError(line: header.line, reason: "column \"\(dup)\" appears twice")
        }
        return records.dropFirst().map { record in
            Row(line: record.line, result: request(from: record, columns: columns, base: base))
        }
    }

    private static func request(from record: CSVReader.Record, columns: [String], base: SendRequest) -> Result<SendRequest, RowError> {
        guard record.fields.count == columns.count else {
            return .failure(RowError(line: record.line, reason: "has \(record.fields.count) fields, the header has \(columns.count)"))
        }
        var request = base
        var recipient = base.recipient
        var data: [String: JSONValue] = base.data.objectValue ?? [:]
        for (column, rawValue) in zip(columns, record.fields) {
            let value = rawValue.trimmingCharacters(in: .whitespaces)
            if value.isEmpty { continue }
            switch column {
            case "email": recipient.email = value
            case "phone": recipient.phone = value
            case "whatsapp": recipient.whatsapp = value.hasPrefix("whatsapp:") ? String(value.dropFirst(9)) : value
            case "name": recipient.name = value
            case "locale": recipient.locale = value
            case "timezone": recipient.timezone = value
            case "id": recipient.id = value
            case "idempotency_key": request.idempotencyKey = value
            case "data":
                let object: [String: JSONValue]
                do {
                    guard let parsed = try JSONValue(jsonText: value).objectValue else {
                        return .failure(RowError(line: record.line, reason: "column data must hold a JSON object"))
                    }
                    object = parsed
                } catch {
                    return .failure(RowError(line: record.line, reason: "column data is not valid JSON (\(error))"))
                }
                data.merge(object) { _, new in new }
            default:
                var name = column
                var cell = JSONValue.string(value)
                if name.hasSuffix(":number") {
                    name = String(name.dropLast(7))
                    if let i = Int64(value) {
                        cell = .int(i)
                    } else if let d = Double(value), d.isFinite {
                        cell = .double(d)
                    } else {
                        return .failure(RowError(line: record.line, reason: "column \(column): \"\(value)\" is not a number"))
                    }
                }
                insert(cell, at: name.split(separator: ".").map(String.init), into: &data)
            }
        }
        request.recipient = recipient
        request.data = .object(data)
        return .success(request)
    }

    private static func insert(_ value: JSONValue, at path: [String], into object: inout [String: JSONValue]) {
        guard let head = path.first else { return }
        if path.count == 1 {
            object[head] = value
            return
        }
        var child = object[head]?.objectValue ?? [:]
        insert(value, at: Array(path.dropFirst()), into: &child)
        object[head] = .object(child)
    }
}
