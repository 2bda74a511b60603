import Foundation
import Testing
@testable import AccoladeCore

@Suite("Shipped templates")
struct TemplateShippedTests {
    @Test("every template × locale × channel renders with its sample")
    func checkAllSucceeds() throws {
        let library = try TemplateLibrary(directory: shippedTemplatesDirectory)
        #expect(library.names == ["kudos-digest", "milestone-reached", "reward-earned", "reward-expiring", "reward-voucher"])
        let results = library.checkAll()
        // reward-earned and reward-expiring 4 locales × 4 channels (email, sms, whatsapp, inbox),
        // milestone-reached and kudos-digest 4 × 3 (email, sms, inbox), reward-voucher 3 locales × 4
        // channels (email, qr, whatsapp, inbox).
        #expect(results.count == 68)
        for result in results {
            if case .failure(let error) = result.result {
                Issue.record("\(result.template) \(result.locale) \(result.channel): \(error)")
            }
        }
        if ProcessInfo.processInfo.environment["ACCOLADE_DUMP_TEMPLATES"] != nil {
            for result in results {
                print("===== \(result.template) \(result.locale) \(result.channel) \(result.sms.map { "\($0.encoding) \($0.units) units \($0.segments) seg" } ?? "")")
                switch result.result {
                case .success(.email(let email)): print(email.subject); print(email.text); print(email.html)
                case .success(let other): print(other)
                case .failure(let error): print(error)
                }
            }
        }
    }

    @Test("every sample SMS is GSM-7 and at most 2 segments in every locale")
    func smsStaysSmall() throws {
        let library = try TemplateLibrary(directory: shippedTemplatesDirectory)
        for result in library.checkAll() where result.channel == .sms {
            let sms = try #require(result.sms)
            #expect(sms.encoding == .gsm7, "\(result.template) \(result.locale): \(sms.nonGSMCharacters.map(\.character))")
            #expect(sms.segments <= 2, "\(result.template) \(result.locale): \(sms.segments) segments")
        }
    }

    @Test("shipped sample renders the documented strings")
    func knownStrings() throws {
        let library = try TemplateLibrary(directory: shippedTemplatesDirectory)
        let info = try #require(library.info("reward-earned"))
        #expect(info.locales == ["en", "de", "es", "id"])
        #expect(info.channels == [.email, .sms, .whatsapp, .inbox])
        let sms = try library.render(template: "reward-earned", channel: .sms, locale: "id-ID", data: info.sample.data, recipient: info.sample.recipient)
        #expect(sms == .sms(text: "Kudos Awards: Selamat Ana Putri! Anda mendapat voucher senilai Rp50.000. Kode RW-7Q2K, berlaku s.d. 31 Des 2026. Tukarkan: https://rewards.example.com/r/RW-7Q2K"))
        #expect(info.maskedData(info.sample.data)[path: "reward.code"] == .string("••••"))
    }
}
