import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Foundation
import Testing

/// The texts our own classifiers write into `last_error` (as `DeliveryError.description`, or a
/// receipt's detail), for two failures that differ only by the recipient, a provider's id or a
/// timing: the normaliser makes them one failure reason and keeps the codes that tell reasons apart.
@Suite("Failure reasons: the channels' own texts")
struct FailureReasonChannelTextTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Both texts normalise to one, which is returned.
    private func same(_ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        #expect(a != b, sourceLocation: sourceLocation)
        let (na, nb) = (FailureReasonNormaliser.normalise(a), FailureReasonNormaliser.normalise(b))
        #expect(na == nb, "\(a) → \(na)\n\(b) → \(nb)", sourceLocation: sourceLocation)
        return na
    }

    @Test("SMTP: a rejected recipient's address")
    func smtpRecipient() throws {
        func text(_ address: String) throws -> String {
            let result = CurlResult(
                curlCode: 55, curlError: "RCPT failed: 550", responseCode: 550,
                lastReplyLine: "550 5.1.1 <\(address)>: Recipient address rejected: User unknown in virtual mailbox table")
            guard case .failure(let error) = SMTPResultClassifier.classify(result, provider: "smtp") else { throw Unexpected() }
            return error.description
        }
        let reason = same(try text("ana@example.com"), try text("budi.santoso+kudos@mail.example.co.id"))
        #expect(reason == "smtp 550: 550 5.1.1 <address>: Recipient address rejected: User unknown in virtual mailbox table")
    }

    @Test("SMTP: a timeout's milliseconds (retried, then given up)")
    func smtpTimeout() throws {
        func text(_ ms: Int) throws -> String {
            let result = CurlResult(curlCode: 28, curlError: "Operation timed out after \(ms) milliseconds with 0 bytes received")
            guard case .failure(let error) = SMTPResultClassifier.classify(result, provider: "smtp") else { throw Unexpected() }
            // As the state machine writes it once the attempts are used up.
            return "gave up after 5 attempts: \(error.description)"
        }
        #expect(same(try text(30_001), try text(30_004)) == "gave up after 5 attempts: smtp curl:28: Operation timed out after <n> milliseconds with <n> bytes received")
    }

    @Test("Twilio: the number named in 21211, the code kept")
    func twilioNumber() throws {
        func text(_ number: String) throws -> String {
            let body = #"{"code": 21211, "message": "The 'To' number \#(number) is not a valid phone number.", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}"#
            let result = CurlResult(curlCode: 0, responseCode: 400, body: Array(body.utf8))
            guard case .failure(let failure) = TwilioResultClassifier.classify(result, provider: "twilio", now: Self.now) else { throw Unexpected() }
            return failure.error.description
        }
        let reason = same(try text("+15005550001"), try text("+6281234567890"))
        #expect(reason.hasPrefix("twilio 21211: "), "\(reason)")
        #expect(reason.contains("The 'To' number <phone> is not a valid phone number."), "\(reason)")
    }

    @Test("WhatsApp: the recipient in Meta's details, the Graph code kept")
    func whatsappDetails() throws {
        func text(_ number: String) throws -> String {
            let body = #"{"error":{"message":"(#131026) Message undeliverable","type":"OAuthException","code":131026,"error_data":{"messaging_product":"whatsapp","details":"Message could not be delivered to \#(number)"}}}"#
            let result = CurlResult(curlCode: 0, responseCode: 400, body: Array(body.utf8))
            guard case .failure(let failure) = WhatsAppResultClassifier.classifySend(result, now: Self.now) else { throw Unexpected() }
            return failure.error.description
        }
        let reason = same(try text("6281234567890"), try text("15551234567"))
        #expect(reason.hasPrefix("whatsapp 131026: "), "\(reason)")
        #expect(reason.contains("(#131026) Message undeliverable (Message could not be delivered to <id>)"), "\(reason)")
    }

    @Test("Kannel: the SMSC's message id and dates in a rejected DLR, its status kept")
    func kannelDLR() throws {
        let tokens = KannelDLRToken(secret: "test")
        func text(_ id: String, _ date: String) throws -> String {
            let reply = "id:\(id) sub:001 dlvrd:000 submit date:\(date) done date:\(date) stat:REJECTD err:0x0000000b text:Selamat"
            let event = try KannelDLR.parse(
                query: [("token", tokens.make(deliveryID: "d1")), ("status", "16"), ("reply", reply)], tokens: tokens)
            #expect(event.state == .failed)
            return event.detail
        }
        let reason = same(try text("4f3a2b1c", "2412071010"), try text("98765432", "2412071107"))
        #expect(reason == "rejected by SMSC: id:<id> sub:001 dlvrd:000 submit date:<id> done date:<id> stat:REJECTD err:0x0000000b text:Selamat")
    }

    @Test("different codes stay different reasons")
    func codesApart() {
        let a = FailureReasonNormaliser.normalise("twilio 21211: invalid To number: The 'To' number +15005550001 is not a valid phone number.")
        let b = FailureReasonNormaliser.normalise("twilio 21614: To is not a mobile number: The 'To' number +15005550001 is not a mobile number.")
        #expect(a != b)
        #expect(FailureReasonNormaliser.normalise("smtp 550: 550 5.1.1 <a@example.com>: no such user")
            != FailureReasonNormaliser.normalise("smtp 552: 552 5.2.2 <a@example.com>: mailbox full"))
    }

    private struct Unexpected: Error {}
}
