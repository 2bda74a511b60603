import AccoladeChannels
import AccoladeCore
import Testing

/// `channels.sms` parsing: ordered providers, strict keys with paths, secrets masked.
struct SMSConfigTests {
    static let sid = "AC" + String(repeating: "0123456789abcdef", count: 2)

    func parse(_ sms: String, env: [String: String] = [:]) throws(ConfigError) -> SMSChannelConfig? {
        try AccoladeConfig.parse(yaml: "channels:\n  sms:\n" + sms, environment: env).channels.sms
    }

    func error(_ sms: String, env: [String: String] = [:]) -> ConfigError? {
        do { _ = try parse(sms, env: env); return nil } catch { return error }
    }

    @Test func readsTheIssueExample() throws {
        let yaml = """
                max_segments: 4
                providers:
                  - name: gateway
                    type: kannel
                    sendsms_url: http://127.0.0.1:13013/cgi-bin/sendsms
                    username: tester
                    password: ${KANNEL_PASSWORD}
                    from: "12345"
                    rate_per_second: 100
                  - name: backup
                    type: twilio
                    base_url: http://127.0.0.1:9999/
                    account_sid: ${TWILIO_ACCOUNT_SID}
                    auth_token: ${TWILIO_AUTH_TOKEN}
                    from: "+15005550006"
                    timeout: 5s
            """
        let sms = try #require(try parse(yaml, env: ["KANNEL_PASSWORD": "kannel-secret", "TWILIO_ACCOUNT_SID": Self.sid, "TWILIO_AUTH_TOKEN": "twilio-secret"]))
        #expect(sms.maxSegments == 4)
        #expect(sms.providers.map(\.name) == ["gateway", "backup"])
        #expect(sms.providers[0].ratePerSecond == 100 && sms.providers[1].ratePerSecond == nil)
        #expect(sms.providers[0].kind == .kannel(KannelProviderConfig(
            sendsmsURL: "http://127.0.0.1:13013/cgi-bin/sendsms", username: "tester", password: "kannel-secret", from: "12345")))
        #expect(sms.providers[1].kind == .twilio(TwilioProviderConfig(
            accountSID: Self.sid, authToken: "twilio-secret", from: "+15005550006", baseURL: "http://127.0.0.1:9999")))
        #expect(sms.providers[1].timeout == 5)
        let printed = "\(sms)"
        #expect(!printed.contains("kannel-secret") && !printed.contains("twilio-secret"))
        #expect(printed.contains("password: ••••") && printed.contains("auth_token: ••••"))
    }

    @Test func defaultsAndMessagingService() throws {
        let sms = try #require(try parse("""
                providers:
                  - name: tw
                    type: twilio
                    account_sid: \(Self.sid)
                    auth_token: t
                    messaging_service_sid: MG\(String(repeating: "a", count: 32))
            """))
        #expect(sms.maxSegments == 6)
        guard case .twilio(let twilio) = sms.providers[0].kind else { Issue.record(); return }
        #expect(twilio.baseURL == "https://api.twilio.com" && twilio.from == nil && twilio.statusCallbacks)
    }

    @Test func errorsNameTheKeyPath() {
        let kannel = "    providers:\n      - name: gw\n        type: kannel\n        sendsms_url: http://127.0.0.1:1/cgi-bin/sendsms\n        username: u\n        password: p\n"
        #expect(error("    providers: []\n")?.path == "channels.sms.providers")
        #expect(error("    max_segments: 0\n" + kannel)?.path == "channels.sms.max_segments")
        #expect(error(kannel + "        rate_per_secnd: 5\n")?.path == "channels.sms.providers[0].rate_per_secnd")
        #expect(error(kannel + "        rate_per_second: fast\n")?.path == "channels.sms.providers[0].rate_per_second")
        #expect(error(kannel + "        dlr_mask: 99\n")?.path == "channels.sms.providers[0].dlr_mask")
        #expect(error(kannel + kannel.replacingOccurrences(of: "    providers:\n", with: ""))?.path == "channels.sms.providers[1].name")
        #expect(error("    providers:\n      - name: gw\n        type: smpp\n")?.path == "channels.sms.providers[0].type")
        #expect(error("    providers:\n      - name: gw\n        type: kannel\n        sendsms_url: ftp://x\n")?.path == "channels.sms.providers[0].sendsms_url")
        #expect(error("    providers:\n      - name: gw\n        type: kannel\n        sendsms_url: http://x/s\n        username: u\n        dlr_secret: short\n        password: p\n")?.path == "channels.sms.providers[0].dlr_secret")
        #expect(error("    providers:\n      - name: gw\n        type: kannel\n        sendsms_url: http://x/s\n        username: u\n        inbound_token: short\n        password: p\n")?.path == "channels.sms.providers[0].inbound_token")
        let twilio = "    providers:\n      - name: tw\n        type: twilio\n        account_sid: \(Self.sid)\n        auth_token: t\n"
        #expect(error(twilio)?.path == "channels.sms.providers[0].from")
        #expect(error(twilio + "        from: x\n        messaging_service_sid: MG\(String(repeating: "a", count: 32))\n")?.path == "channels.sms.providers[0].messaging_service_sid")
        #expect(error(twilio.replacingOccurrences(of: Self.sid, with: "AC123")  + "        from: x\n")?.path == "channels.sms.providers[0].account_sid")
        #expect(error(twilio + "        from: x\n        base_url: api.twilio.com\n")?.path == "channels.sms.providers[0].base_url")
        #expect(error("    providers: twilio\n")?.path == "channels.sms.providers")
        #expect(error("    providers:\n      - name: bad name\n        type: kannel\n")?.path == "channels.sms.providers[0].name")
    }

    /// Empty sending credentials disable the provider rather than stop start-up: the rest of its
    /// entry is still checked, and the warning names the key and the unset variable.
    @Test func emptyCredentialsDisableTheProvider() throws {
        let yaml = """
                providers:
                  - name: gateway
                    type: kannel
                    sendsms_url: http://127.0.0.1:13013/cgi-bin/sendsms
                    username: tester
                    password: ${KANNEL_PASSWORD}
                  - name: backup
                    type: twilio
                    account_sid: \(Self.sid)
                    auth_token: ${TWILIO_AUTH_TOKEN}
                    from: "+15005550006"
            """
        let config = try AccoladeConfig.parse(yaml: "channels:\n  sms:\n" + yaml, environment: ["KANNEL_PASSWORD": "kannel-secret"])
        let sms = try #require(config.channels.sms)
        #expect(sms.providers.map(\.name) == ["gateway"])
        #expect(config.channels.disabledProviders == [
            DisabledProvider(channel: .sms, provider: "backup", key: "channels.sms.providers[1].auth_token", variables: ["TWILIO_AUTH_TOKEN"])
        ])
        // Neither set: the channel is absent, and a send to it says why.
        let none = try AccoladeConfig.parse(yaml: "channels:\n  sms:\n" + yaml, environment: [:])
        #expect(none.channels.sms == nil)
        #expect(none.channels.disabledProviders.map(\.key) == ["channels.sms.providers[0].password", "channels.sms.providers[1].auth_token"])
        let reason = try #require(none.channels.disabledReason(.sms))
        #expect(reason.contains("set KANNEL_PASSWORD") && reason.contains("set TWILIO_AUTH_TOKEN"))
        // A disabled entry is still validated: a typo stops start-up as before.
        #expect(error(yaml + "\n        frm: x\n")?.path == "channels.sms.providers[1].frm")
        // A Kannel provider without inbound_token has no inbound route, said once by key.
        #expect(config.channels.webhookGaps.map(\.key) == ["channels.sms.providers[0].inbound_token"])
    }
}
