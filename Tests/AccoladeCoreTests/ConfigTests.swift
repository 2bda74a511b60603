import Foundation
import Testing

@testable import AccoladeCore

@Suite struct ConfigTests {
    let minimal = """
        store:
          sqlite: var/test.sqlite
        templates: templates
        channels:
          email:
            from: "Acme Rewards <rewards@example.com>"
            smtp:
              url: smtp://127.0.0.1:2525
              starttls: opportunistic
              username: ${SMTP_USERNAME}
              password: ${SMTP_PASSWORD}
        worker:
          concurrency: 64
          retry: { max_attempts: 8, base_delay: 2s, max_delay: 1h }
        """

    @Test func parsesTheDocumentedKeys() throws {
        let c = try AccoladeConfig.parse(yaml: minimal, environment: ["SMTP_USERNAME": "mailer", "SMTP_PASSWORD": "hunter2"])
        #expect(c.store == .sqlite(path: "var/test.sqlite"))
        #expect(c.templatesDirectory == "templates")
        let email = try #require(c.channels.email)
        #expect(email.url == "smtp://127.0.0.1:2525")
        #expect(email.starttls == .opportunistic)
        #expect(email.username == "mailer")
        #expect(email.password == "hunter2")
        #expect(c.worker.concurrency == 64)
        #expect(c.worker.retry == RetryPolicy(maxAttempts: 8, baseDelay: 2, maxDelay: 3600))
    }

    @Test func unsetOptionalVariablesMeanAbsent() throws {
        let c = try AccoladeConfig.parse(yaml: minimal, environment: [:])
        #expect(c.channels.email?.username == nil)
        #expect(c.channels.email?.password == nil)
    }

    @Test func defaultsApplyAfterSubstitution() throws {
        let c = try AccoladeConfig.parse(yaml: "store:\n  sqlite: ${DB:-var/x.sqlite}\n", environment: [:])
        #expect(c.store == .sqlite(path: "var/x.sqlite"))
        #expect(c.channels.email == nil)
    }

    @Test func postgresStoreIsSelectedAndItsPasswordMasked() throws {
        let c = try AccoladeConfig.parse(yaml: "store:\n  postgres: postgres://accolade:${PGPASSWORD}@127.0.0.1:5432/accolade\n", environment: ["PGPASSWORD": "s3cret"])
        #expect(c.store == .postgres(url: "postgres://accolade:s3cret@127.0.0.1:5432/accolade"))
        #expect(c.store.description == "postgres(postgres://accolade:••••@127.0.0.1:5432/accolade)")
    }

    @Test func storeTakesOneBackend() {
        #expect(throws: ConfigError.self) {
            try AccoladeConfig.parse(yaml: "store:\n  sqlite: a.sqlite\n  postgres: postgres://x@y/z\n", environment: [:])
        }
    }

    @Test func secretsAreNeverPrinted() throws {
        let c = try AccoladeConfig.parse(yaml: minimal, environment: ["SMTP_USERNAME": "u", "SMTP_PASSWORD": "hunter2"])
        #expect(!String(describing: c.channels.email!).contains("hunter2"))
    }

    @Test(arguments: [
        ("worker:\n  concurency: 4\n", "worker.concurency", "unknown key"),
        ("chanels: {}\n", "chanels", "unknown key"),
        ("worker:\n  concurrency: many\n", "worker.concurrency", "whole number"),
        ("worker:\n  concurrency: 0\n", "worker.concurrency", "between"),
        ("worker:\n  retry: { base_delay: soon }\n", "worker.retry.base_delay", "duration"),
        ("channels:\n  email:\n    smtp:\n      url: smtp://x:25\n", "channels.email.from", "required"),
        ("channels:\n  email:\n    from: a@b.c\n    smtp:\n      url: http://x\n", "channels.email.smtp.url", "smtp://"),
        ("channels:\n  email:\n    from: a@b.c\n    smtp:\n      url: smtp://x:25\n      starttls: maybe\n", "channels.email.smtp.starttls", "never | opportunistic | required"),
        ("store: [1, 2]\n", "store", "mapping"),
    ])
    func rejectsBadConfigNamingTheKeyPath(yaml: String, path: String, reason: String) {
        do {
            _ = try AccoladeConfig.parse(yaml: yaml, environment: [:])
            Issue.record("expected an error for \(path)")
        } catch {
            #expect(error.path == path)
            #expect(error.reason.contains(reason), "\(error.reason)")
        }
    }

    /// One source of defaults (README, Configuration): STARTTLS required across the network,
    /// opportunistic on loopback; 16 connections; 10 s to connect, 60 s per send.
    @Test(arguments: [
        ("smtp://smtp.example.com:587", StartTLSPolicy.required),
        ("smtp://10.0.0.5:25", .required),
        ("smtp://mailer@relay.internal:25/ehlo.example", .required),
        ("smtps://smtp.example.com:465", .required),
        ("smtp://127.0.0.1:2525", .opportunistic),
        ("smtp://127.0.0.53:25", .opportunistic),
        ("smtp://localhost:25", .opportunistic),
        ("smtp://[::1]:2525", .opportunistic),
    ])
    func emailDefaultsFollowTheHost(url: String, starttls: StartTLSPolicy) throws {
        let yaml = "channels:\n  email:\n    from: a@b.co\n    smtp:\n      url: \(url)\n"
        let email = try #require(try AccoladeConfig.parse(yaml: yaml, environment: [:]).channels.email)
        #expect(email.starttls == starttls)
        #expect(email.maxConnections == 16)
        #expect(email.connectTimeout == 10 && email.timeout == 60)
        #expect(email.replyTo == nil)
        // Built in code, the same defaults apply.
        let built = EmailChannelConfig(from: "a@b.co", url: url)
        #expect(built == email)
        // An explicit policy wins, on loopback or not; an empty variable means "not set".
        let explicit = try AccoladeConfig.parse(yaml: yaml + "      starttls: never\n", environment: [:])
        #expect(explicit.channels.email?.starttls == .never)
        let empty = try AccoladeConfig.parse(yaml: yaml + "      starttls: ${SMTP_STARTTLS}\n", environment: [:])
        #expect(empty.channels.email?.starttls == starttls)
    }

    @Test func replyToIsRead() throws {
        let yaml = "channels:\n  email:\n    from: a@b.co\n    reply_to: Help <help@b.co>\n    smtp:\n      url: smtp://127.0.0.1:25\n"
        #expect(try AccoladeConfig.parse(yaml: yaml, environment: [:]).channels.email?.replyTo == "Help <help@b.co>")
    }

    @Test func logLevelIsCheckedWhenTheFileIsRead() throws {
        #expect(try AccoladeConfig.parse(yaml: "", environment: [:]).logLevel == .info)
        #expect(try AccoladeConfig.parse(yaml: "log_level: warning\n", environment: [:]).logLevel == .warning)
        #expect(try AccoladeConfig.parse(yaml: "log_level: DEBUG\n", environment: [:]).logLevel == .debug)
        #expect(try AccoladeConfig.parse(yaml: "log_level: ${LEVEL:-notice}\n", environment: [:]).logLevel == .notice)
        let error = #expect(throws: ConfigError.self) { try AccoladeConfig.parse(yaml: "log_level: verbose\n", environment: [:]) }
        #expect(error?.path == "log_level")
        #expect(error?.reason == #"must be one of trace | debug | info | notice | warning | error | critical, got "verbose""#)
    }

    @Test func badPasswordValueIsNotEchoed() {
        do {
            _ = try AccoladeConfig.parse(yaml: "channels:\n  email:\n    from: a@b.c\n    smtp:\n      url: smtp://x:25\n      password: [s3cret]\n", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("s3cret"))
        }
    }

    @Test(arguments: [("500ms", 0.5), ("2s", 2), ("1.5s", 1.5), ("5m", 300), ("1h", 3600), ("1d", 86400), ("30", 30)])
    func durations(text: String, seconds: Double) {
        #expect(ConfigNode.parseDuration(text) == seconds)
    }

    @Test func shippedConfigurationLoads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/accolade.yml").path
        let c = try AccoladeConfig.load(path: path, environment: [:])
        #expect(c.channels.email != nil)
        #expect(c.store == .sqlite(path: "var/accolade.sqlite"))
        #expect(c.webhooks.unmatchedReceiptTTL == 7 * 86_400)
    }

    /// The shipped file has no fallback for any secret: without the environment, the providers
    /// that need one are disabled (naming the variable) rather than using a public value.
    @Test func shippedConfigurationHasNoPublicSecrets() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/accolade.yml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for secret in ["standin-auth-token", "standin-app-secret", "standin-verify-token", "standin-access-token"] {
            #expect(!text.contains(secret), "config/accolade.yml still carries \(secret)")
        }
        let bare = try AccoladeConfig.load(path: path, environment: [:])
        #expect(bare.channels.sms == nil && bare.channels.whatsapp == nil)
        #expect(bare.channels.disabledProviders.map(\.variables) == [["TWILIO_AUTH_TOKEN"], ["WHATSAPP_TOKEN"]])
        #expect(bare.channels.inbox == nil)
        #expect(bare.channels.inboxDisabledReason?.contains("ACCOLADE_INBOX_SECRET") == true)
        let inbox = try AccoladeConfig.load(path: path, environment: ["ACCOLADE_INBOX_SECRET": String(repeating: "k", count: 32)])
        #expect(inbox.channels.inbox?.maxStreams == 10_000 && inbox.channels.inbox?.allowedOrigins == [])
        let env = [
            "TWILIO_AUTH_TOKEN": "standin-auth-token", "WHATSAPP_TOKEN": "standin-access-token",
            "WHATSAPP_APP_SECRET": "standin-app-secret", "WHATSAPP_VERIFY_TOKEN": "standin-verify-token",
        ]
        let full = try AccoladeConfig.load(path: path, environment: env)
        #expect(full.channels.sms?.providers.count == 1 && full.channels.whatsapp != nil)
        #expect(full.channels.disabledProviders.isEmpty && full.channels.webhookGaps.isEmpty)
        let noWebhooks = try AccoladeConfig.load(path: path, environment: env.filter { $0.key == "WHATSAPP_TOKEN" || $0.key == "TWILIO_AUTH_TOKEN" })
        #expect(noWebhooks.channels.webhookGaps.map(\.key) == ["channels.whatsapp.app_secret", "channels.whatsapp.verify_token"])
    }

    @Test func unmatchedReceiptTTL() throws {
        #expect(try AccoladeConfig.parse(yaml: "webhooks:\n  unmatched_receipt_ttl: 2d\n", environment: [:]).webhooks.unmatchedReceiptTTL == 172_800)
        for bad in ["soon", "1m"] {
            do {
                _ = try AccoladeConfig.parse(yaml: "webhooks:\n  unmatched_receipt_ttl: \(bad)\n", environment: [:])
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.path == "webhooks.unmatched_receipt_ttl")
            }
        }
    }
}
