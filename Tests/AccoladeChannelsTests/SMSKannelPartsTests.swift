import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

/// A gateway that fails part-way through a long SMS (the loopback echo server answering a
/// scripted status per request): accepted parts must not be sent again elsewhere.
@Suite(.serialized) struct SMSKannelPartsTests {
    let text = String(repeating: "á", count: 66) + "😀" + String(repeating: "b", count: 10)

    func channel(statuses: String, server: TestServer, driver: CurlMultiDriver, backup: ScriptedProvider) throws -> SMSChannel {
        let kannel = KannelSMSProvider(
            name: "gateway",
            config: KannelProviderConfig(sendsmsURL: "http://127.0.0.1:\(server.port)/statuses/\(statuses)", username: "u", password: "p"),
            publicURL: "http://127.0.0.1:9", driver: driver)
        return try SMSChannel(providers: [.init(kannel), .init(backup)], logger: SMSFixtures.logger)
    }

    @Test func aPartRefusedAfterAnAcceptedOneIsRetriedOnTheSameProviderNeverFailedOver() async throws {
        let server = try TestServer.python("http_echo.py")
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let backup = ScriptedProvider("backup")
        let channel = try channel(statuses: "202,503", server: server, driver: driver, backup: backup)
        do {
            _ = try await channel.deliver(SMSFixtures.request(text: text, id: "d-partial"))
            Issue.record("a half-sent message was reported sent")
        } catch {
            #expect(error.disposition == .rateLimited(after: nil))
            #expect(error.detail.hasPrefix("part 2 of 2 refused after 1 accepted"), "\(error.detail)")
        }
        #expect(backup.sent.isEmpty, "the backup would repeat the accepted part under another reference")
        await driver.shutdown()
    }

    @Test func aFirstPartRefusedFailsOverAsAnyMessage() async throws {
        let server = try TestServer.python("http_echo.py")
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let backup = ScriptedProvider("backup")
        let channel = try channel(statuses: "503,202", server: server, driver: driver, backup: backup)
        let receipt = try await channel.deliver(SMSFixtures.request(text: text, id: "d-first"))
        #expect(receipt.provider == "backup")
        #expect(backup.sent.map(\.text) == [text])
        await driver.shutdown()
    }
}
