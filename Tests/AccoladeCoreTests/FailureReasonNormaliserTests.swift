import AccoladeCore
import Foundation
import Testing

/// The failure-reason normaliser (issue 18, the dashboard's top failure reasons): per-message
/// variables become placeholders, meaningful codes stay. Texts as `last_error` holds them
/// (`provider code: detail`, see `DeliveryError.description`); the channel classifiers' own
/// output is run through it in `AccoladeChannelsTests` (`FailureReasonChannelTextTests`).
@Suite("Failure reasons: normaliser")
struct FailureReasonNormaliserTests {
    @Test("per-message variables become placeholders", arguments: [
        // SMTP: the recipient named in the reply (Postfix), bare or in brackets, and VERP paths.
        ("smtp 550: 550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
         "smtp 550: 550 5.1.1 <address>: Recipient address rejected: User unknown in virtual mailbox table"),
        ("smtp 552: 552 5.2.2 ana.maria+rewards@mail.example.co.id mailbox full",
         "smtp 552: 552 5.2.2 <address> mailbox full"),
        ("hard bounce 5.1.1: smtp; 550 5.1.1 <bob@example.org>... User unknown",
         "hard bounce 5.1.1: smtp; 550 5.1.1 <address>... User unknown"),
        ("smtp 550: 550 5.7.1 <jörg@beispiel.de>: Empfänger unbekannt", "smtp 550: 550 5.7.1 <address>: Empfänger unbekannt"),
        // Gmail's reply ends in a per-message id with dashes and a dot.
        ("smtp 550: 550-5.1.1 The email account that you tried to reach does not exist. For more information, go to https://support.google.com/mail/?p=NoSuchUser d9443c01a7336-21e1d2a5d4bsi12345678ad.123 - gsmtp",
         "smtp 550: 550-5.1.1 The email account that you tried to reach does not exist. For more information, go to https://support.google.com/mail/?p=NoSuchUser <id> - gsmtp"),
        // Postfix queue ids, SES message ids (hex), UUIDs.
        ("smtp 451: 451 4.3.0 Error: queue file write error for 4BX9f22Lz", "smtp 451: 451 4.3.0 Error: queue file write error for <id>"),
        ("smtp 554: 554 Message 0100018c5d2e3f4a-5b6c7d8e-1f2a-4b3c-9d8e-7f6a5b4c3d2e-000000 rejected",
         "smtp 554: 554 Message <id> rejected"),
        ("ses 400: request 1f0e6c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b throttled", "ses 400: request <id> throttled"),
        // Phone numbers: E.164 with its plus (also behind whatsapp:), without it a digit-run id.
        ("twilio 21211: invalid To number: The 'To' number +15005550001 is not a valid phone number.",
         "twilio 21211: invalid To number: The 'To' number <phone> is not a valid phone number."),
        ("twilio 63003: Channel could not find To address whatsapp:+6281234567890", "twilio 63003: Channel could not find To address whatsapp:<phone>"),
        ("whatsapp 131026: recipient 6281234567890 cannot be reached", "whatsapp 131026: recipient <id> cannot be reached"),
        // Relays by address, curl's timings and byte counts.
        ("gave up after 5 attempts: smtp curl:7: Failed to connect to 10.0.0.25 port 25 after 3 ms: Couldn't connect to server",
         "gave up after 5 attempts: smtp curl:7: Failed to connect to <ip> port 25 after <n> ms: Couldn't connect to server"),
        ("gave up after 5 attempts: smtp curl:28: Operation timed out after 30001 milliseconds with 0 bytes received",
         "gave up after 5 attempts: smtp curl:28: Operation timed out after <n> milliseconds with <n> bytes received"),
        ("smtp 554: 554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using zen.spamhaus.org",
         "smtp 554: 554 5.7.1 Service unavailable; Client host [<ip>] blocked using zen.spamhaus.org"),
        ("sms 503: Temporal failure, retry after 37 s", "sms 503: Temporal failure, retry after <n> s"),
        // Kannel's DLR text: SMPP message id and dates are ids, the command status a code.
        ("rejected by SMSC: id:1234567890 sub:001 dlvrd:000 submit date:2412071010 done date:2412071011 stat:REJECTD err:0x0000000b",
         "rejected by SMSC: id:<id> sub:001 dlvrd:000 submit date:<id> done date:<id> stat:REJECTD err:0x0000000b"),
        // Provider message ids.
        ("whatsapp 131047: re-engagement window closed for wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QkE3NUI0RDA1NjFCQjQyAA==",
         "whatsapp 131047: re-engagement window closed for <id>=="),
    ])
    func placeholders(raw: String, normalised: String) {
        #expect(FailureReasonNormaliser.normalise(raw) == normalised)
    }

    @Test("codes and words that mean something are kept", arguments: [
        "smtp 550: 550 5.1.1 no such user",
        "smtp 452: 452 4.2.2 Mailbox full",
        "whatsapp 131026: the number cannot receive WhatsApp messages (not on WhatsApp, old client or terms not accepted): (#131026) Message undeliverable",
        "whatsapp 131056: pair rate limit: this recipient is held back, others go on — (#131056) (Business Account, Consumer Account) pair rate limit hit",
        "whatsapp 429: HTTP 429 with no Graph error: Too Many Requests",
        "twilio 30003: unreachable handset: Unreachable destination handset",
        "twilio 21610: see twilio.com/docs/api/errors/21610",
        "rejected by SMSC: NACK/0x00000045/Submit failed",
        "smtp curl:28: Operation timed out",
        "email: SMTPUTF8 required, 8BITMIME offered; check channels.email.smtp.url (RFC5321bis)",
        "whatsapp 132000: more than 24 hours since the user last wrote: fix manifest.yml",
        "suppressed: the address opted out",
        "",
    ])
    func kept(text: String) {
        #expect(FailureReasonNormaliser.normalise(text) == text)
    }

    @Test("digit runs of seven or more are ids, shorter ones codes")
    func digitRule() {
        #expect(FailureReasonNormaliser.minimumIDDigits == 7)
        #expect(FailureReasonNormaliser.normalise("code 123456") == "code 123456")
        #expect(FailureReasonNormaliser.normalise("code 1234567") == "code <id>")
        #expect(FailureReasonNormaliser.normalise("(#100) ref 12345678901234") == "(#100) ref <id>")
        // Short hex and short mixed words stay (too little to tell an id from a word).
        #expect(FailureReasonNormaliser.normalise("ref ab12cd and x86_64") == "ref ab12cd and x86_64")
        #expect(FailureReasonNormaliser.normalise("sha256WithRSAEncryption") == "sha256WithRSAEncryption")
    }

    @Test("a lease rescue names its worker and the time: both go")
    func leaseRescue() {
        let at = ISOTime.format(Date(timeIntervalSince1970: 1_765_098_443.123))
        let text = "lease of web-1:4821:3735928559 expired at \(at) before it reported; the provider may have received this attempt; no attempts left (max 5)"
        #expect(
            FailureReasonNormaliser.normalise(text)
                == "lease of <worker> expired at <time> before it reported; the provider may have received this attempt; no attempts left (max 5)")
        #expect(FailureReasonNormaliser.normalise("due 2026-12-07T09:07:23+07:00.") == "due <time>.")
    }

    @Test("groups merge by channel and normalised reason, counts add up, most frequent first, limited and cut")
    func merge() {
        let raw = [
            FailureReason(channel: "email", reason: "smtp 550: 550 5.1.1 <ana@example.com>: Recipient address rejected", count: 2),
            FailureReason(channel: "email", reason: "smtp 550: 550 5.1.1 <bob@example.org>: Recipient address rejected", count: 1),
            FailureReason(channel: "sms", reason: "twilio 21211: The 'To' number +15005550001 is not valid", count: 1),
            FailureReason(channel: "sms", reason: "twilio 21211: The 'To' number +628123456789 is not valid", count: 1),
            FailureReason(channel: "whatsapp", reason: "whatsapp 131026: (#131026) Message undeliverable", count: 2),
            // The same text on another channel is another group.
            FailureReason(channel: "email", reason: "whatsapp 131026: (#131026) Message undeliverable", count: 1),
        ]
        let merged = FailureReasonNormaliser.merge(raw, limit: 10)
        #expect(
            merged == [
                FailureReason(channel: "email", reason: "smtp 550: 550 5.1.1 <address>: Recipient address rejected", count: 3),
                FailureReason(channel: "sms", reason: "twilio 21211: The 'To' number <phone> is not valid", count: 2),
                FailureReason(channel: "whatsapp", reason: "whatsapp 131026: (#131026) Message undeliverable", count: 2),
                FailureReason(channel: "email", reason: "whatsapp 131026: (#131026) Message undeliverable", count: 1),
            ])
        #expect(FailureReasonNormaliser.merge(raw, limit: 1).map(\.count) == [3])
        #expect(FailureReasonNormaliser.merge(raw, limit: 0).isEmpty)
        #expect(FailureReasonNormaliser.merge([], limit: 10).isEmpty)

        // Cut after normalising, to the documented length (in characters, as the stores' SQL counts).
        let long = "552 mailbox full of ana@example.com " + String(repeating: "é", count: 400)
        let cut = FailureReasonNormaliser.merge([FailureReason(channel: "email", reason: long, count: 1)], limit: 10)
        #expect(cut.first?.reason.unicodeScalars.count == FailureReason.maximumReasonLength)
        #expect(cut.first?.reason.hasPrefix("552 mailbox full of <address> é") == true)
    }

    @Test("arbitrary text comes back unchanged or with placeholders, never lost or cut")
    func robustness() {
        for text in ["<", "<>", "@", "a@", "@b.c", "+", "+1", "+123456", "1.2.3", "1.2.3.4.5", "2026-12-07T", "ab-", "-", "...", "é@é.é", "<a@b.co"] {
            let out = FailureReasonNormaliser.normalise(text)
            #expect(!out.isEmpty, "\(text)")
        }
        #expect(FailureReasonNormaliser.normalise("<a@b.co") == "<<address>")
        #expect(FailureReasonNormaliser.normalise("1.2.3.4.5") == "1.2.3.4.5")
        #expect(FailureReasonNormaliser.normalise("a@b.c") == "a@b.c")
    }
}
