import AccoladeChannels
import AccoladeCore
import AccoladeTestSupport
import Foundation
import Testing

/// `GET|HEAD /v1/qr/{token}.png|.svg` serves what the QR channel stored, without auth, as an
/// immutable static asset: public caching for a year, strong ETag, 304 on `If-None-Match`.
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
        #expect(png.header("Cache-Control") == "public, max-age=31536000, immutable")
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

    @Test("strong ETag per representation; If-None-Match (lists, weak, *) answers 304; HEAD is GET without the body")
    func conditional() async throws {
        let directory = try TemporaryDirectory()
        let artifacts = try QRArtifacts(config: QRChannelConfig(directory: directory.path, scale: 4), publicURL: "https://rewards.example.test")
        let artifact = try artifacts.make(messageID: "0190f3a2-7b1c-7d2e-8f00-123456789abd", payload: "https://rewards.example.com/r/RW-9X1Z")
        let images = QRImageStore(directory: directory.path)
        let server = try await APITestServer(qrImage: { token, format in
            guard let format = QRImageFormat(rawValue: format) else { return nil }
            return images.file(token: token, format: format)
        })
        for format in ["png", "svg"] {
            let path = "/v1/qr/\(artifact.token).\(format)"
            let full = try await server.request("GET", path, token: nil)
            let etag = try #require(full.header("ETag"))
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && !etag.hasPrefix("W/"), "strong: \(etag)")
            #expect(full.header("Content-Length") == String(full.body.count))

            let head = try await server.request("HEAD", path, token: nil)
            #expect(head.status == 200, "HEAD \(path)")
            #expect(head.body.isEmpty)
            for name in ["Content-Type", "Content-Length", "ETag", "Cache-Control", "X-Content-Type-Options", "Content-Security-Policy"] {
                #expect(head.header(name) == full.header(name), "HEAD \(path): \(name)")
            }

            let matching = [etag, "W/\(etag)", "\"other\", \(etag)", "\"a,b\",W/\(etag) ", "*", " * "]
            for method in ["GET", "HEAD"] {
                for value in matching {
                    let r = try await server.request(method, path, token: nil, headers: ["If-None-Match": value])
                    #expect(r.status == 304, "\(method) \(path) If-None-Match: \(value)")
                    #expect(r.body.isEmpty)
                    #expect(r.header("ETag") == etag)
                    #expect(r.header("Cache-Control") == "public, max-age=31536000, immutable")
                }
                for value in ["\"other\"", "W/\"other\", \"x\"", String(etag.dropLast()), "garbage", ""] {
                    let r = try await server.request(method, path, token: nil, headers: ["If-None-Match": value])
                    #expect(r.status == 200, "\(method) \(path) If-None-Match: \(value)")
                    #expect(r.body.count == (method == "GET" ? full.body.count : 0))
                }
            }
        }
        let png = try await server.request("GET", "/v1/qr/\(artifact.token).png", token: nil)
        let svg = try await server.request("GET", "/v1/qr/\(artifact.token).svg", token: nil)
        #expect(png.header("ETag") != svg.header("ETag"), "each representation has its own tag")
        // An image that does not exist is 404 even for `*` and for HEAD.
        let missing = "/v1/qr/\(String(repeating: "B", count: 32)).png"
        #expect(try await server.request("GET", missing, token: nil, headers: ["If-None-Match": "*"]).status == 404)
        #expect(try await server.request("HEAD", missing, token: nil).status == 404)
        await server.stop()
    }
}
