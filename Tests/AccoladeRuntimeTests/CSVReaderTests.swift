import AccoladeCore
import Testing

@testable import AccoladeRuntime

@Suite struct CSVReaderTests {
    @Test func parsesQuotedFieldsCommasNewlinesAndEscapes() throws {
        let text = "a,b,c\r\n\"x, y\",\"he said \"\"hi\"\"\",\"multi\nline\"\nplain,,end\n"
        let records = try CSVReader.parse(text)
        #expect(records.map(\.fields) == [["a", "b", "c"], ["x, y", "he said \"hi\"", "multi\nline"], ["plain", "", "end"]])
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test func toleratesBOMAndMissingFinalNewlineAndBlankLines() throws {
        let records = try CSVReader.parse("\u{FEFF}email,name\n\nana@example.com,Ana")
        #expect(records.map(\.fields) == [["email", "name"], ["ana@example.com", "Ana"]])
    }

    @Test func keepsUnicode() throws {
        #expect(try CSVReader.parse("name\nJürgen Müller 🎉\n")[1].fields == ["Jürgen Müller 🎉"])
    }

    @Test func rejectsUnclosedQuote() {
        #expect(throws: CSVReader.ParseError.self) { try CSVReader.parse("a\n\"open\n") }
    }

    @Test func rejectsStrayQuote() {
        #expect(throws: CSVReader.ParseError.self) { try CSVReader.parse("a\nab\"c\n") }
    }

    @Test func rowsBecomeRequestsAndBadRowsRejectOnlyThemselves() throws {
        let csv = """
            email,name,locale,idempotency_key,code,reward.amount:number,reward.currency,note
            ana@example.com,Ana,id,k1,007,50000,IDR,Great quarter
            bob@example.com,Bob,de,,RW-2,50.5,EUR,
            carl@example.com,Carl,en,k3,RW-3,lots,USD,x
            dora@example.com,Dora
            """
        let rows = try CSVSendRows.rows(csv: csv, template: SendRequest(template: "reward-earned", recipient: Recipient()))
        #expect(rows.count == 4)
        let ana = try rows[0].result.get()
        #expect(ana.recipient.email == "ana@example.com")
        #expect(ana.recipient.locale == "id")
        #expect(ana.idempotencyKey == "k1")
        #expect(ana.data[path: "code"] == .string("007"))  // codes keep their zeros
        #expect(ana.data[path: "reward.amount"] == .int(50000))
        #expect(ana.data[path: "reward.currency"] == .string("IDR"))
        let bob = try rows[1].result.get()
        #expect(bob.idempotencyKey == nil)
        #expect(bob.data[path: "reward.amount"] == .double(50.5))
        #expect(bob.data[path: "note"] == nil)  // empty cells are omitted
        guard case .failure(let bad) = rows[2].result else { Issue.record("expected rejection"); return }
        #expect(bad.line == 4 && bad.reason.contains("not a number"))
        guard case .failure(let short) = rows[3].result else { Issue.record("expected rejection"); return }
        #expect(short.reason.contains("fields"))
    }

    @Test func duplicateColumnsAreAnError() {
        #expect(throws: CSVSendRows.RowError.self) {
            try CSVSendRows.rows(csv: "email,email\na@b.c,d@e.f\n", template: SendRequest(template: "t", recipient: Recipient()))
        }
    }

    @Test("the data column is read by the API's JSON parser: 50.0 stays a double, bad JSON names the line")
    func dataColumnGrammar() throws {
        let csv = "email,data\na@example.test,\"{\"\"amount\"\":50.0,\"\"n\"\":2}\"\nb@example.test,{01}\n"
        let rows = try CSVSendRows.rows(csv: csv, template: SendRequest(template: "t", recipient: Recipient()))
        let first = try rows[0].result.get()
        #expect(first.data == .object(["amount": .double(50), "n": .int(2)]))
        guard case .failure(let error) = rows[1].result else { Issue.record("accepted {01}"); return }
        #expect(error.line == 3)
    }
}
