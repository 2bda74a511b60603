import AccoladeChannels
import AccoladeCore
import AccoladeTestSupport
import Foundation
import Testing

/// `GET /v1/qr/{token}.png|.svg` serves what the QR channel stored, without auth, privately cached.
@Suite("HTTP API: QR images")
struct QRImageRouteTests {
    @Test("stored PNG and SVG are served byte for byte; unknown or malformed tokens are 404")
    func serves() async throws {
        let directory = try TemporaryDirectory()
        let artifacts = try QRArtifacts(config: QRChannelConfig(directory: directory.path, scale: 4), publicURL: "https://rewards.example.test")
        let artifact = try artifacts.make(messageID: "0190f3a2-7b1c-7d2e-8f00-123456789abc", payload: "https://rewards.example.com/r/RW-7Q2K")
        let images = QRImageStore(directory: directory.path)
        let server = try await APITestServer(qrImage: { token, format in
            guard let format = QRImageFormat(rawValue: format) else { return nil }
            return images.file(token: token, format: format)
        })
        let png = try await server.request("GET", "/v1/qr/\(artifact.token).png", token: nil)
        #expect(png.status == 200)
        #expect(png.header("Content-Type") == "image/png")
        #expect(png.header("Cache-Control")?.hasPrefix("private") == true)
        #expect(png.body == artifact.png)
        #expect(artifact.pngURL == "https://rewards.example.test/v1/qr/\(artifact.token).png")
        let svg = try await server.request("GET", "/v1/qr/\(artifact.token).svg", token: nil)
        #expect(svg.status == 200)
        #expect(svg.header("Content-Type") == "image/svg+xml")
        #expect(svg.text.hasPrefix("<svg") || svg.text.hasPrefix("<?xml"))
        for path in ["/v1/qr/\(String(repeating: "A", count: 32)).png", "/v1/qr/\(artifact.token).gif", "/v1/qr/..%2F.token-key.png", "/v1/qr/.token-key"] {
            #expect(try await server.request("GET", path, token: nil).status == 404, "\(path)")
        }
        await server.stop()
    }
}
