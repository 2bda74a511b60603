import AccoladeCore
import Testing

/// `If-None-Match` as RFC 9110 §13.1.2 reads it: `*`, lists, weak comparison, quoted commas.
@Suite("Entity tags")
struct EntityTagTests {
    @Test("strong tags: quoted, 32 hex digits, different bytes give different tags")
    func strong() {
        let a = EntityTag.strong(of: Array("a".utf8))
        #expect(a.count == 34 && a.hasPrefix("\"") && a.hasSuffix("\""))
        #expect(a == EntityTag.strong(of: Array("a".utf8)))
        #expect(a != EntityTag.strong(of: Array("b".utf8)))
    }

    @Test("matches", arguments: [
        "\"abc\"", "W/\"abc\"", "*", "  *  ", "\"x\", \"abc\"", "\"x\",\"abc\"", "W/\"x\" ,W/\"abc\"", "\"a,b\", \"abc\"", ",\"abc\",",
    ])
    func matches(_ field: String) {
        #expect(EntityTag.ifNoneMatch(field, matches: "\"abc\""), "\(field)")
    }

    @Test("does not match", arguments: [
        "", "\"abd\"", "abc", "\"abc", "W/abc", "w/\"abc\"", "\"abc\"x", "\"a b\", \"abc\"", "\"abcd\"", "\"ABC\"", "*, \"x\"",
    ])
    func doesNotMatch(_ field: String) {
        #expect(!EntityTag.ifNoneMatch(field, matches: "\"abc\""), "\(field)")
    }

    @Test("list parsing keeps commas inside quotes and the weak prefix")
    func parsing() {
        #expect(EntityTag.parseList("W/\"a,b\", \"c\"") == ["W/\"a,b\"", "\"c\""])
        #expect(EntityTag.parseList("\"a\" \"b\"") == nil)
        #expect(EntityTag.parseList(" , ") == nil)
    }
}
