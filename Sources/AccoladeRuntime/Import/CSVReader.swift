/// An RFC 4180 CSV parser: quoted fields with `""` escapes, embedded commas and newlines, CRLF or
/// LF line ends, a UTF-8 byte-order mark tolerated. Pure, so it is tested without files.
public struct CSVReader: Sendable {
    /// A malformed CSV, with the 1-based line where it was noticed.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The line.
        public var line: Int
        /// What is wrong.
        public var reason: String
        /// `line N: reason`.
        public var description: String { "CSV line \(line): \(reason)" }
    }

    /// A parsed record and the line it started on.
    public struct Record: Sendable, Hashable {
        /// 1-based line of the record's first character.
        public var line: Int
        /// The fields.
        public var fields: [String]
    }

    /// Parses the whole text into records (blank lines are skipped).
    public static func parse(_ text: String) throws(ParseError) -> [Record] {
        var records: [Record] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var fieldWasQuoted = false
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var iterator = scalars.makeIterator()
        var lookahead: Unicode.Scalar? = iterator.next()

        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
            field = ""
            fieldWasQuoted = false
        }

        while let c = lookahead {
            lookahead = iterator.next()
            if inQuotes {
                if c == "\"" {
                    if lookahead == "\"" {
                        field.unicodeScalars.append("\"")
                        lookahead = iterator.next()
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field)
                field = ""
                fieldWasQuoted = false
            case "\"":
                guard field.isEmpty else {
                    throw ParseError(line: line, reason: "a quote inside an unquoted field; quote the whole field and double inner quotes")
                }
                inQuotes = true
                fieldWasQuoted = true
            case "\r":
                if lookahead == "\n" { lookahead = iterator.next() }
                endRecord()
                line += 1
                recordLine = line
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                if fieldWasQuoted {
                    throw ParseError(line: line, reason: "text after a closing quote")
                }
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw ParseError(line: recordLine, reason: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }
}
