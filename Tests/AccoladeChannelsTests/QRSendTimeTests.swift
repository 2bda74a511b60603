import AccoladeChannels
import AccoladeCore
import AccoladeTestSupport
import Logging
import Testing

/// A QR payload that cannot be drawn is refused when the message is sent, not when it is delivered.
@Suite struct QRSendTimeTests {
    @Test func oversizedPayloadIsRefusedAtSendTimeNamingTheLimit() throws {
        let directory = try TemporaryDirectory()
        let artifacts = try QRArtifacts(config: QRChannelConfig(directory: directory.path, level: .H), publicURL: "http://127.0.0.1:8080")
        let channel = QRChannel(artifacts: artifacts, logger: Logger(label: "qr-test"))
        try channel.validate(content: .qr(payload: "https://rewards.example.com/r/RW-7Q2K"))
        let error = #expect(throws: ValidationError.self) {
            try channel.validate(content: .qr(payload: String(repeating: "x", count: 1300)))
        }
        #expect(error?.field == "data")
        #expect(error?.reason.contains("1273") == true, "\(error?.reason ?? "")")
    }
}
