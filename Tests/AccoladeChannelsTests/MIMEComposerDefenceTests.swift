// Needs internal API (an unchecked EmailAddress), so it only builds where testable imports are
// available: debug builds. Release test builds (the speed check) skip it.
#if DEBUG
@testable import AccoladeChannels
import AccoladeCore
import Foundation
import Testing

@Suite struct MIMEComposerDefenceTests {
    private func compose(to: EmailAddress = try! EmailAddress(address: "ana@example.com"), from: EmailAddress = try! EmailAddress.parse("Acme <rewards@acme.example>")) throws -> [UInt8] {
        try MIMEComposer().compose(
            RenderedEmail(subject: "s", text: "t", html: "h"), from: from, to: to, date: Date(timeIntervalSince1970: 0), messageID: "<x@acme.example>")
    }

    /// Values that bypassed `EmailAddress` validation are still refused by the composer.
    @Test func composerRejectsUncheckedInjection() throws {
        let forged = EmailAddress(unchecked: "ana@example.com", displayName: "Ana\nX")
        #expect(throws: MIMEError.headerInjection(field: "to.name")) { try compose(to: forged) }
        let forgedFrom = EmailAddress(unchecked: "rewards@acme.example\r\nBcc: x@y.co", displayName: nil)
        #expect(throws: MIMEError.headerInjection(field: "from.email")) { try compose(from: forgedFrom) }
        let invalid = EmailAddress(unchecked: "not an address", displayName: nil)
        #expect(throws: MIMEError.self) { try compose(to: invalid) }
    }
}
#endif
