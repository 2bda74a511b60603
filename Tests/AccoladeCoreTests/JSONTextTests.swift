import Foundation
import Testing

@testable import AccoladeCore

@Suite("JSON text codec")
struct JSONTextTests {
    static let richData: JSONValue = .object([
        "name": .string("Ana Putri"),
        "reward": .object([
            "amount": .int(50_000), "amountDouble": .double(50_000.0), "rate": .double(0.1),
            "code": .string("RW-7Q2K"), "big": .int(Int64.max), "tiny": .double(1e-7),
        ]),
        "flags": .array([.bool(true), .bool(false), .null]),
        "text": .string("line\n\"quoted\" \\ tab\t ünïcødé 🎉 \u{01}"),
        "empty": .object([:]), "none": .array([]),
    ])

    @Test("round trip keeps every value and kind")
    func roundTrip() throws {
        let text = try Self.richData.jsonText()
        #expect(try JSONValue(jsonText: text) == Self.richData)
    }

    @Test("doubles keep a fraction or exponent; integers do not", arguments: [
        (JSONValue.int(50), "50"), (.double(50), "50.0"), (.double(-0.0), "-0.0"), (.double(1e300), "1e+300"),
        (.int(-9_223_372_036_854_775_808), "-9223372036854775808"), (.double(0.1), "0.1"),
    ])
    func numbers(value: JSONValue, text: String) throws {
        #expect(try value.jsonText() == text)
        #expect(try JSONValue(jsonText: text) == value)
    }

    @Test("parses standard JSON from other writers")
    func foreign() throws {
        let value = try JSONValue(jsonText: #" { "a" : [1, 2.5, -3e2, "\u00e9\ud83c\udf89\n"], "b": {"c": null} } "#)
        #expect(value == .object(["a": .array([.int(1), .double(2.5), .double(-300), .string("é🎉\n")]), "b": .object(["c": .null])]))
        #expect(try JSONValue(jsonText: "12345678901234567890") == .double(Double("12345678901234567890")!))
    }

    @Test("keys are written sorted and strings escaped")
    func canonical() throws {
        let value = JSONValue.object(["b": .int(1), "a": .string("\"\\\u{1f}")])
        #expect(try value.jsonText() == #"{"a":"\"\\\u001f","b":1}"#)
    }

    /// Stored fingerprints hash this exact text: any change to the writer must keep these bytes.
    @Test("the written bytes are stable: multi-byte UTF-8, control characters, nesting")
    func stableBytes() throws {
        let value = JSONValue.object([
            "z": .string("é🎉\u{7}\t\r/ü"), "a": .array([.int(-1), .double(2.5), .null, .bool(true), .object([:])]),
            "Ä": .string(""), "b": .double(1e-07),
        ])
        #expect(try value.jsonText() == #"{"a":[-1,2.5,null,true,{}],"b":1e-07,"z":"é🎉\u0007\t\r/ü","Ä":""}"#)
    }

    @Test("rejects what JSON cannot say and malformed text", arguments: [
        "", "{", "[1,]", "\"open", "tru", "1 2", "{\"a\" 1}", "\"\\x\"", "\"\\ud800\"", "--1",
    ])
    func invalid(text: String) {
        #expect(throws: JSONTextError.self) { try JSONValue(jsonText: text) }
    }

    @Test("NaN and infinity cannot be written")
    func nonFinite() {
        #expect(throws: JSONTextError.self) { try JSONValue.double(.nan).jsonText() }
        #expect(throws: JSONTextError.self) { try JSONValue.array([.double(.infinity)]).jsonText() }
    }

    @Test("numbers follow RFC 8259: no leading zeros, no bare dots; 50.0 stays a double")
    func numberGrammar() throws {
        for bad in ["01", "1.", ".5", "-", "1e", "1e+", "--1", "1.2.3", "+1", "0x10"] {
            #expect(throws: JSONTextError.self, "\(bad)") { try JSONValue(jsonText: bad) }
        }
        #expect(try JSONValue(jsonText: "50.0") == .double(50))
        #expect(try JSONValue(jsonText: "-0.5e-3") == .double(-0.0005))
        #expect(try JSONValue(jsonText: "0") == .int(0))
        #expect(try JSONValue(jsonBytes: Array(#"{"a":50.0,"b":50}"#.utf8)) == .object(["a": .double(50), "b": .int(50)]))
    }

    @Test("sample.json reads numbers as the API does")
    func sampleNumbers() throws {
        let sample = try TemplateSample.parse(Data(#"{"data":{"amount":50.0,"count":3}}"#.utf8), template: "t")
        #expect(sample.data == .object(["amount": .double(50), "count": .int(3)]))
    }
}
