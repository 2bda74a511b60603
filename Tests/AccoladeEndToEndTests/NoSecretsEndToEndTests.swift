import AccoladeTestSupport
import Foundation
import Testing

/// The shipped `config/accolade.yml` outside `scripts/run.sh`: no provider secret in the
/// environment. Commands that need no provider work; a send to a disabled channel says which
/// variable to set; nothing falls back to a public secret.
@Suite("End to end: the shipped configuration without secrets")
struct NoSecretsEndToEndTests {
    /// Runs the binary with the shipped configuration in a fresh folder (its own `var/`, the
    /// repository's templates linked in) and an environment without any provider variable.
    func run(_ directory: TemporaryDirectory, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let environment = ProcessInfo.processInfo.environment.filter {
            !($0.key.hasPrefix("TWILIO_") || $0.key.hasPrefix("WHATSAPP_") || $0.key.hasPrefix("SMTP_") || $0.key.hasPrefix("ACCOLADE_"))
        }
        let out = directory.url.appendingPathComponent("\(UUID().uuidString).out")
        let err = directory.url.appendingPathComponent("\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = try ChildProcess(
            Workspace.binary, arguments + ["--config", TestServer.repositoryRoot.appendingPathComponent("config/accolade.yml").path],
            environment: environment, directory: directory.path,
            stdout: .file(try FileHandle(forWritingTo: out)), stderr: .file(try FileHandle(forWritingTo: err)))
        process.waitUntilExit()
        return (
            process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        )
    }

    @Test("templates check, preview and status work; send to SMS names TWILIO_AUTH_TOKEN; no secret is printed")
    func withoutSecrets() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(
            at: directory.url.appendingPathComponent("templates"), withDestinationURL: TestServer.repositoryRoot.appendingPathComponent("templates"))

        let check = try run(directory, ["templates", "check"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains(" 0 failed"))

        let preview = try run(directory, ["preview", "reward-earned", "--channel", "sms", "--locale", "id", "--out", directory.path + "/preview"])
        #expect(preview.status == 0, "\(preview.stderr)")

        let data = #"{"program":"Kudos Awards","reward":{"points":1200,"code":"PT-1200","expires_on":"2026-12-31"}}"#
        let sms = try run(directory, ["send", "reward-earned", "--to", "+6281234567890", "--channels", "sms", "--data", data])
        #expect(sms.status != 0)
        #expect(sms.stderr.contains("channel sms cannot send") && sms.stderr.contains("TWILIO_AUTH_TOKEN"), "\(sms.stderr)")
        // The start-up warnings name each disabled provider's variable, once.
        #expect(sms.stderr.components(separatedBy: "set WHATSAPP_TOKEN").count - 1 == 1, "\(sms.stderr)")

        let email = try run(directory, ["send", "reward-earned", "--to", "ana@example.com", "--data", data, "--json"])
        #expect(email.status == 0, "\(email.stderr)")
        let id = try #require((try JSONSerialization.jsonObject(with: Data(email.stdout.utf8)) as? [String: Any])?["id"] as? String)
        let status = try run(directory, ["status", id])
        #expect(status.status == 0 && status.stdout.contains("email"), "\(status.stderr)")
        #expect(!status.stderr.contains("disabled"))  // commands without channels say nothing about providers

        for output in [check, preview, sms, email, status] {
            for secret in ["standin-auth-token", "standin-app-secret", "standin-verify-token", "standin-access-token"] {
                #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret))
            }
        }
    }
}
