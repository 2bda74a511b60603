import Foundation
import AccoladeChannels
import Testing

@Suite struct HeaderEncodingTests {
    @Test func asciiSubjectIsUntouched() {
        #expect(HeaderEncoding.unstructured(name: "Subject", value: "You earned a reward") == "Subject: You earned a reward")
    }

    @Test func longASCIISubjectFoldsAtSpaces() {
        let subject = Array(repeating: "reward", count: 30).joined(separator: " ")
        let header = HeaderEncoding.unstructured(name: "Subject", value: subject)
        for line in header.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 76) }
        #expect(header.contains("\r\n "))
        #expect(MailDecoding.header("Subject", in: header) == subject)
    }

    @Test(arguments: [
        "Selamat, Ana! Voucher Rp 50.000 untuk Anda 🎉",
        "Glückwunsch, Jürgen – Ihr Gutschein über 50,00 € ist da",
        "🎉 Hadiah untuk Anda 🎁",
        String(repeating: "Grüße 🎉 ", count: 20),
        "あなたへのご褒美です。コードは RW-7Q2K です。ありがとうございます！",
    ])
    func utf8SubjectRoundTrips(subject: String) {
        let header = HeaderEncoding.unstructured(name: "Subject", value: subject)
        #expect(header.utf8.allSatisfy { $0 < 0x80 })
        let lines = header.components(separatedBy: "\r\n")
        for (index, line) in lines.enumerated() {
            #expect(line.utf8.count <= 76, "line \(index) too long: \(line)")
            if index > 0 { #expect(line.hasPrefix(" ")) }
        }
        let words = header.dropFirst("Subject: ".count).split(whereSeparator: { $0 == " " || $0 == "\r\n" })
        for word in words {
            #expect(word.utf8.count <= 75)
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            // Each word decodes on its own to valid UTF-8: no sequence was split between words.
            let payload = word.dropFirst(10).dropLast(2)
            let bytes = Array(Data(base64Encoded: String(payload)) ?? Data())
            #expect(String(validating: bytes, as: UTF8.self) != nil)
        }
        #expect(MailDecoding.decodeHeader(MailDecoding.header("Subject", in: header) ?? "") == subject)
    }

    @Test func lookalikeEncodedWordInASCIIIsEncoded() {
        let header = HeaderEncoding.unstructured(name: "Subject", value: "=?UTF-8?B?SGk=?=")
        #expect(header.hasPrefix("Subject: =?UTF-8?B?"))
        #expect(MailDecoding.decodeHeader(String(header.dropFirst(9))) == "=?UTF-8?B?SGk=?=")
    }

    @Test func plainDisplayNameIsLeftAsIs() throws {
        let mailbox = try EmailAddress(address: "rewards@acme.example", displayName: "Acme Rewards")
        #expect(HeaderEncoding.mailbox(name: "From", mailbox) == "From: Acme Rewards <rewards@acme.example>")
    }

    @Test func displayNameWithSpecialsIsQuoted() throws {
        let mailbox = try EmailAddress(address: "ana@example.com", displayName: "Putri, Ana \"AP\" (ops)")
        #expect(HeaderEncoding.mailbox(name: "To", mailbox) == "To: \"Putri, Ana \\\"AP\\\" (ops)\" <ana@example.com>")
    }

    @Test func nonASCIIDisplayNameEncodesOnlyThePhrase() throws {
        let mailbox = try EmailAddress(address: "jurgen@example.de", displayName: "Jürgen Müller")
        let header = HeaderEncoding.mailbox(name: "To", mailbox)
        #expect(header.hasPrefix("To: =?UTF-8?B?"))
        #expect(header.hasSuffix(" <jurgen@example.de>"))
        #expect(MailDecoding.decodeHeader(MailDecoding.header("To", in: header)!) == "Jürgen Müller <jurgen@example.de>")
    }

    @Test func mailboxWithoutNameIsAngleAddress() throws {
        #expect(HeaderEncoding.mailbox(name: "To", try EmailAddress(address: "a@b.co")) == "To: <a@b.co>")
    }

    @Test func firstWordLeavesRoomForHeaderName() {
        let words = HeaderEncoding.encodedWords(String(repeating: "é", count: 100), firstRoom: 76 - "Subject: ".count)
        #expect(words[0].utf8.count <= 67)
        for word in words.dropFirst() { #expect(word.utf8.count <= 75) }
    }
}

