import Foundation
import Testing
@testable import AccoladeCore

@Suite("Benchmark data is personalised")
struct TemplatePersonalisedTests {
    @Test("each index varies name, email, amount and code")
    func variesPerIndex() throws {
        let library = try TemplateLibrary(directory: shippedTemplatesDirectory)
        let sample = try #require(library.info("reward-earned")).sample
        let first = sample.personalised(1)
        let second = sample.personalised(2)
        #expect(first.recipient.name == "Ana Putri 1")
        #expect(first.recipient.email == "user1@example.com")
        #expect(first.data[path: "reward.code"] == .string("RW-7Q2K-1"))
        #expect(second.data[path: "reward.code"] == .string("RW-7Q2K-2"))
        #expect(first.data[path: "reward.voucher.amount"] == .double(50_500))
        #expect(second.data[path: "reward.voucher.amount"] == .double(51_000))
        #expect(first.data[path: "reward.expires_on"] == sample.data[path: "reward.expires_on"])
        // Still a valid message: renders strictly with the varied values.
        let sms = try library.render(
            template: "reward-earned", channel: .sms, locale: "id", data: second.data, recipient: second.recipient)
        #expect(sms == .sms(text: "Kudos Awards: Selamat Ana Putri 2! Anda mendapat voucher senilai Rp51.000. Kode RW-7Q2K-2, berlaku s.d. 31 Des 2026. Tukarkan: https://rewards.example.com/r/RW-7Q2K"))
    }
}
