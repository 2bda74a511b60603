import AccoladeCore

extension JSONValue {
    /// The member `key` of an object (Graph answers and webhook payloads are read field by field).
    subscript(_ key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The elements of an array, empty for anything else.
    var arrayValues: [JSONValue] {
        if case .array(let array) = self { return array }
        return []
    }

    /// An integer from a number or a numeric string (Graph mixes both).
    var intValue: Int? {
        switch self {
        case .int(let i): return Int(exactly: i)
        case .double(let d): return Int(exactly: d)
        case .string(let s): return Int(s)
        default: return nil
        }
    }
}
