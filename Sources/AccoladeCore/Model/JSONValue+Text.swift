/// JSON text that keeps ``JSONValue/int(_:)`` and ``JSONValue/double(_:)`` apart.
///
/// Foundation's `JSONEncoder` writes `50.0` as `50` and `JSONDecoder` reads `50.0` back as an
/// integer, so message data would change type on its way through the store (`50000.0` rendering as
/// `50000`, or the reverse). Here doubles are always written with a fraction or exponent (Swift's
/// shortest round-trip form, e.g. `50.0`, `1e-07`), and any number with a fraction or exponent is
/// read back as a double. Object keys are written sorted so equal values give equal text.
extension JSONValue {
    /// Compact JSON text for this value.
    ///
    /// - Throws: ``JSONTextError`` for a NaN or infinite double, which JSON cannot express.
    public func jsonText() throws(JSONTextError) -> String {
        String(decoding: try jsonBytes(), as: UTF8.self)
    }

    /// The same text as ``jsonText()``, as the UTF-8 bytes a response body or a request needs
    /// (no trip through `String` and back).
    ///
    /// - Throws: ``JSONTextError`` for a NaN or infinite double, which JSON cannot express.
    public func jsonBytes() throws(JSONTextError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        try JSONTextWriter.write(self, into: &out)
        return out
    }

    /// Appends `text` as a JSON string, escaped byte for byte as ``jsonBytes()`` escapes strings:
    /// for hot paths that write a fixed shape straight to bytes instead of building a value whose
    /// keys are then hashed and sorted (the inbox feed's pages).
    public static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        JSONTextWriter.writeString(text, into: &out)
    }

    /// Parses JSON text written by ``jsonText()`` (or any standard JSON).
    ///
    /// The one JSON reader of every input (API bodies, `--data`, the CSV `data` column,
    /// `sample.json`), so the same text becomes the same value, and the same idempotency
    /// fingerprint, whichever way it arrives: `50.0` stays a double, `50` an integer.
    public init(jsonText text: String) throws(JSONTextError) {
        var parser = JSONTextParser(bytes: Array(text.utf8))
        self = try parser.parseDocument()
    }

    /// Parses JSON from UTF-8 bytes (a file, a request body); see ``init(jsonText:)``.
    public init(jsonBytes bytes: some Sequence<UInt8>) throws(JSONTextError) {
        var parser = JSONTextParser(bytes: Array(bytes))
        self = try parser.parseDocument()
    }
}

/// JSON text that cannot be written or parsed; the description says where and why.
public struct JSONTextError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset of the problem in the text (0 when writing).
    public var offset: Int
    /// What is wrong.
    public var reason: String

    /// `invalid JSON at byte N: reason`.
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// Writes UTF-8 bytes: appending to a `String` scalar by scalar cost more than the rest of an
/// API send together. The output is byte-for-byte what earlier versions wrote (fingerprints of
/// stored messages depend on it): keys sorted as Swift sorts strings, only `"`, `\\` and control
/// characters escaped.
private enum JSONTextWriter {
    static func write(_ value: JSONValue, into out: inout [UInt8]) throws(JSONTextError) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d):
            guard d.isFinite else {
                throw JSONTextError(offset: 0, reason: "\(d) has no JSON form; send finite numbers only")
            }
            // `description` is the shortest text that parses back to the same bits and always
            // carries a `.` or an exponent, which is what marks the number as a double.
            out.append(contentsOf: d.description.utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                try write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                try write(members[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var runStart = 0
            for (i, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                runStart = i + 1
                switch byte {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    // Lower-case hex, as `String(_:radix:)` wrote it before.
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
                    Hex.append(byte, to: &out)
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

private struct JSONTextParser {
    let bytes: [UInt8]
    var index = 0
    /// Deep enough for any real message data, shallow enough never to exhaust the stack.
    let maxDepth = 256

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws(JSONTextError) -> JSONValue {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected text after the value") }
        return value
    }

    private func fail(_ reason: String) -> JSONTextError { JSONTextError(offset: index, reason: reason) }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ literal: StaticString, _ value: JSONValue) throws(JSONTextError) -> JSONValue {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count,
            (0..<count).allSatisfy({ bytes[index + $0] == literal.utf8Start[$0] })
        else { throw fail("expected \(literal)") }
        index += count
        return value
    }

    private mutating func parseValue(depth: Int) throws(JSONTextError) -> JSONValue {
        guard depth < maxDepth else { throw fail("nested deeper than \(maxDepth) levels") }
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of text") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONTextError) -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            members[key] = try parseValue(depth: depth + 1)
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONTextError) -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func parseNumber() throws(JSONTextError) -> JSONValue {
        let start = index
        var isInteger = true
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        while index < bytes.count {
            let b = bytes[index]
            if isDigit(b) {
                index += 1
            } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
            {
                isInteger = false
                index += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard Self.isJSONNumber(bytes[start..<index]) else {
            throw JSONTextError(offset: start, reason: "malformed number \(text)")
        }
        if isInteger, let i = Int64(text) { return .int(i) }
        // Integers beyond Int64 degrade to doubles, as in JSONValue's own decoder.
        guard let d = Double(text), d.isFinite else {
            throw JSONTextError(offset: start, reason: "malformed number \(text)")
        }
        return .double(d)
    }

    /// RFC 8259's number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, so
    /// `01`, `1.` and `.5` are refused as every other JSON reader refuses them.
    static func isJSONNumber(_ text: ArraySlice<UInt8>) -> Bool {
        var i = text.startIndex
        func digits() -> Int {
            let start = i
            while i < text.endIndex, text[i] >= UInt8(ascii: "0"), text[i] <= UInt8(ascii: "9") { i += 1 }
            return i - start
        }
        if i < text.endIndex, text[i] == UInt8(ascii: "-") { i += 1 }
        let first = i
        let whole = digits()
        guard whole > 0, whole == 1 || text[first] != UInt8(ascii: "0") else { return false }
        if i < text.endIndex, text[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < text.endIndex, text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
            i += 1
            if i < text.endIndex, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == text.endIndex
    }

    private mutating func parseString() throws(JSONTextError) -> String {
        index += 1
        // Fast path: most strings have no escapes and become one slice.
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            defer { index = end + 1 }
            return String(decoding: bytes[index..<end], as: UTF8.self)
        }
        var utf8: [UInt8] = Array(bytes[index..<end])
        index = end
        while index < bytes.count {
            let b = bytes[index]
            index += 1
            switch b {
            case UInt8(ascii: "\""):
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { break }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(e)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "u"): utf8.append(contentsOf: try parseUnicodeEscape())
                default: throw fail("unknown escape")
                }
            default:
                utf8.append(b)
            }
        }
        throw fail("unterminated string")
    }

    /// Reads the hex digits after `\u` (and a following low surrogate), returning UTF-8 bytes.
    private mutating func parseUnicodeEscape() throws(JSONTextError) -> [UInt8] {
        var value = try hex4()
        if (0xD800..<0xDC00).contains(value) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw fail("lone high surrogate") }
            index += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw fail("invalid low surrogate") }
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(value) else { throw fail("invalid code point") }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hex4() throws(JSONTextError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("expected four hex digits") }
        var v: UInt32 = 0
        // Digit by digit: `UInt32(_:radix:)` would also take a sign (`\u+123`).
        for byte in bytes[index..<index + 4] {
            guard let digit = Hex.value(ofDigit: byte) else { throw fail("expected four hex digits") }
            v = v << 4 | UInt32(digit)
        }
        index += 4
        return v
    }
}
