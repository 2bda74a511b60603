import AccoladeChannels
import AccoladeCore
import Testing

@Suite struct EmailAddressTests {
    @Test(arguments: [
        "ana@example.com", "ana.putri@mail.example.co.id", "a+tag@example.org", "o'brien@example.ie",
        "x_y-z@sub-domain.example", "1234@example.com", "A@EXAMPLE.COM",
    ])
    func accepts(address: String) {
        #expect(EmailAddress.isValid(address))
    }

    @Test(arguments: [
        "", "ana", "@example.com", "ana@", "ana@@example.com", "ana@b@example.com", "ana @example.com",
        "ana@example .com", "ana@localhost", ".ana@example.com", "ana.@example.com", "an..a@example.com",
        "ana@-example.com", "ana@example-.com", "ana@example..com", "ana@exa_mple.com", "ana@1.2.3.4",
        "\"ana\"@example.com", "ana@example.com\r\nBcc: x@evil.example", "ana@example.com\n", "ana\0@example.com",
        "anä@example.com", "ana@exämple.com", "<ana@example.com>", "Ana <ana@example.com>",
        String(repeating: "a", count: 65) + "@example.com",
    ])
    func rejects(address: String) {
        #expect(!EmailAddress.isValid(address))
        #expect(throws: ValidationError.self) { try EmailAddress.validate(address, field: "to.email") }
    }

    @Test func validationErrorNamesTheField() {
        #expect(throws: ValidationError(field: "to.email", reason: "must contain exactly one @, like name@example.com")) {
            try EmailAddress.validate("ana", field: "to.email")
        }
    }

    @Test func parsesMailboxForms() throws {
        let plain = try EmailAddress.parse("Acme Rewards <rewards@example.com>")
        #expect(plain.displayName == "Acme Rewards")
        #expect(plain.address == "rewards@example.com")
        let quoted = try EmailAddress.parse("\"Acme, Inc. \\\"Rewards\\\"\" <rewards@example.com>")
        #expect(quoted.displayName == "Acme, Inc. \"Rewards\"")
        let bare = try EmailAddress.parse("rewards@example.com")
        #expect(bare.displayName == nil)
        #expect(bare.domain == "example.com")
        #expect(throws: ValidationError.self) { try EmailAddress.parse("Acme <rewards@example.com") }
        #expect(throws: ValidationError.self) { try EmailAddress.parse("Acme\r\nBcc: x@y.com <rewards@example.com>") }
    }

    @Test func nameWithLineBreakIsRejected() {
        #expect(throws: ValidationError.self) { try EmailAddress(address: "a@b.co", displayName: "Ana\r\nBcc: x@y.co") }
    }
}
