import Foundation
import Testing

@testable import AccoladeCore

/// `ca_file` for SMTP and every HTTP provider: checked at load, errors name the key.
@Suite struct CAFileConfigTests {
    /// A folder with a PEM file, a non-PEM file and a sub-folder; removed when the test ends.
    final class Files {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("accolade-cafile-\(UUID().uuidString)")
        var pem: String { directory.appendingPathComponent("ca.pem").path }
        var der: String { directory.appendingPathComponent("ca.cer").path }
        var folder: String { directory.appendingPathComponent("certs").path }
        var missing: String { directory.appendingPathComponent("missing.pem").path }

        init() throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".utf8).write(to: URL(fileURLWithPath: pem))
            try Data([0x30, 0x82, 0x01, 0x0A]).write(to: URL(fileURLWithPath: der))
        }

        deinit { try? FileManager.default.removeItem(at: directory) }
    }

    static func yaml(smtp: String? = nil, sms: String? = nil, whatsapp: String? = nil) -> String {
        """
        channels:
          email:
            from: "Acme Rewards <rewards@example.com>"
            smtp:
              url: smtps://127.0.0.1:2465
        \(smtp.map { "      ca_file: \"\($0)\"" } ?? "")
          sms:
            providers:
              - name: gateway
                type: kannel
                sendsms_url: https://127.0.0.1:13013/cgi-bin/sendsms
                username: tester
                password: foobar-password
        \(sms.map { "        ca_file: \"\($0)\"" } ?? "")
          whatsapp:
            api_base: https://127.0.0.1:2527
            phone_number_id: "106540352242922"
            access_token: EAAG-test-token
        \(whatsapp.map { "    ca_file: \"\($0)\"" } ?? "")
        """
    }

    @Test func aReadablePEMFileIsKeptForEverySection() throws {
        let files = try Files()
        let config = try AccoladeConfig.parse(yaml: Self.yaml(smtp: files.pem, sms: files.pem, whatsapp: files.pem), environment: [:])
        #expect(config.channels.email?.caFile == files.pem)
        #expect(config.channels.sms?.providers.first?.caFile == files.pem)
        #expect(config.channels.whatsapp?.caFile == files.pem)
        let none = try AccoladeConfig.parse(yaml: Self.yaml(), environment: [:])
        #expect(none.channels.email?.caFile == nil && none.channels.sms?.providers.first?.caFile == nil && none.channels.whatsapp?.caFile == nil)
    }

    @Test(arguments: [
        ("smtp", "channels.email.smtp.ca_file"),
        ("sms", "channels.sms.providers[0].ca_file"),
        ("whatsapp", "channels.whatsapp.ca_file"),
    ])
    func unusableFilesStopStartUpNamingTheKey(section: String, key: String) throws {
        let files = try Files()
        let cases: [(String, String)] = [
            (files.missing, "is not a file"), (files.folder, "is not a file"), (files.der, "is not a PEM file of CA certificates"),
        ]
        for (path, reason) in cases {
            let yaml = switch section {
            case "smtp": Self.yaml(smtp: path)
            case "sms": Self.yaml(sms: path)
            default: Self.yaml(whatsapp: path)
            }
            do {
                _ = try AccoladeConfig.parse(yaml: yaml, environment: [:])
                Issue.record("\(path) accepted for \(key)")
            } catch {
                #expect(error.path == key, "\(path)")
                #expect(error.reason.contains(reason), "\(error.reason)")
                #expect(error.reason.contains(path))
            }
        }
    }
}
