import Foundation
import Testing

@testable import AccoladeCore

/// The data schema is derived from how parts use each variable, and checked exactly as derived.
@Suite("Template data schema")
struct TemplateDataSchemaTests {
    static func schema(_ files: [String: String], manifest: String? = nil) throws -> TemplateDataSchema {
        let fixture = try TemplateFixture(files: files, manifest: manifest)
        defer { fixture.remove() }
        return try #require(try fixture.library().info("t")).dataSchema
    }

    static func field(_ data: JSONValue, _ schema: TemplateDataSchema) -> String? {
        do {
            try schema.validate(data)
            return nil
        } catch {
            return error.field
        }
    }

    @Test("shown variables are required; section guards make them conditional; dates, subjects and QR payloads have their rules")
    func derivation() throws {
        let schema = try Self.schema([
            "email.subject.mustache": "Hi {{name}}",
            "email.txt.mustache": "{{date(offer.ends)}} {{#note}}{{note}}{{/note}} {{#next}}{{next.tier}}{{/next}} {{uppercased(code)}}",
            "email.html.mustache": "<p>{{name}}</p>",
            "qr.txt.mustache": "  {{url}}\n",
        ])
        let ok: JSONValue = .object([
            "name": .string("Ana"), "offer": .object(["ends": .string("2028-02-29")]), "code": .string("x"), "url": .string("u"),
        ])
        #expect(Self.field(ok, schema) == nil)
        func with(_ key: String, _ value: JSONValue) -> JSONValue {
            guard case .object(var o) = ok else { return ok }
            o[key] = value
            return .object(o)
        }
        #expect(Self.field(with("name", .null), schema) == "data.name")
        #expect(Self.field(with("name", .string("A\nB")), schema) == "data.name")
        #expect(Self.field(with("name", .array([])), schema) == "data.name")
        #expect(Self.field(with("name", .object(["amount": .double(5), "currency": .string("EUR")])), schema) == nil)
        #expect(Self.field(with("offer", .object(["ends": .string("2026-02-31")])), schema) == "data.offer.ends")
        #expect(Self.field(with("offer", .object(["ends": .string("2026-12-31T09:00+07:00")])), schema) == "data.offer.ends")
        #expect(Self.field(with("offer", .object(["ends": .string("2026-12-31t09:00:00.5z")])), schema) == nil)
        #expect(Self.field(with("code", .int(7)), schema) == "data.code")
        #expect(Self.field(with("url", .string(" \t")), schema) == "data.url")
        #expect(Self.field(with("note", .null), schema) == nil)
        #expect(Self.field(with("next", .object([:])), schema) == "data.next.tier")
        #expect(Self.field(with("next", .object(["tier": .string("Gold")])), schema) == nil)
        #expect(Self.field(with("next", .array([])), schema) == "data.next")
    }

    @Test("manifest variables count: required ones must be present and not null, optional ones may be anything")
    func manifestVariables() throws {
        let schema = try Self.schema(
            ["sms.txt.mustache": "Hello"],
            manifest: "description: T.\nvariables:\n  required: [campaign.id]\n  optional: [extra]\n")
        #expect(Self.field(.object([:]), schema) == "data.campaign")
        #expect(Self.field(.object(["campaign": .object(["id": .null])]), schema) == "data.campaign.id")
        #expect(Self.field(.object(["campaign": .object(["id": .array([])]), "extra": .null]), schema) == nil)
        let json = schema.jsonSchema(moneyRef: "#/m")
        #expect(json.objectValue?["required"] == .array([.string("campaign")]))
    }

    @Test("a manifest list is an array; inside its section tags name each item's fields, anchored ones included")
    func lists() throws {
        let schema = try Self.schema(
            ["sms.txt.mustache": "{{program}}:{{#events}} {{.from}} {{date(on)}}{{#.points}} +{{.}}{{/.points}}{{/events}}{{^events}}none{{/events}}"],
            manifest: "description: T.\nvariables:\n  required: [events]\n  lists: [events]\n")
        let item: JSONValue = .object(["from": .string("Budi"), "on": .string("2026-12-01"), "points": .int(5)])
        #expect(Self.field(.object(["program": .string("P"), "events": .array([item, .object(["from": .string("Citra"), "on": .string("2026-12-02")])])]), schema) == nil)
        #expect(Self.field(.object(["program": .string("P"), "events": .object([:])]), schema) == "data.events")
        #expect(Self.field(.object(["program": .string("P")]), schema) == "data.events")
        #expect(Self.field(.object(["program": .string("P"), "events": .array([item, .object(["on": .string("2026-12-02")])])]), schema) == "data.events[1].from")
        #expect(Self.field(.object(["program": .string("P"), "events": .array([.object(["from": .string("B"), "on": .string("soon")])])]), schema) == "data.events[0].on")
        // `{{.}}` inside `{{#.points}}` shows points itself: a value, not an object.
        #expect(Self.field(.object(["program": .string("P"), "events": .array([.object(["from": .string("B"), "on": .string("2026-12-01"), "points": .object([:])])])]), schema) == "data.events[0].points")
        // Outside a list an anchored tag is not a data path, as before; the root's fields stay the root's.
        #expect(Self.field(.object(["events": .array([])]), schema) == "data.program")
        let json = schema.jsonSchema(moneyRef: "#/m")
        let events = json.objectValue?["properties"]?.objectValue?["events"]?.objectValue
        #expect(events?["type"] == .string("array"))
        #expect(events?["items"]?.objectValue?["required"] == .array([.string("from"), .string("on")]))
    }
}
