import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension JourneyEndToEndTests {
    /// One journey test's world: the stand-ins, a workspace with its workflows, the test clock
    /// file, and `accolade serve` (restartable) with helpers for its API.
    final class Journey: @unchecked Sendable {
        static let appSecret = "e2e-whatsapp-app-secret-0123456789"
        static let authToken = "e2e-twilio-auth-token-0123456789"
        static let accountSID = "AC" + String(repeating: "0123456789abcdef", count: 2)
        static let whatsappToken = "e2e-whatsapp-access-token"

        let mail: TemporaryDirectory
        let logs: TemporaryDirectory
        let capture: Capture
        let smtp: TestServer
        let twilio: TestServer
        let graph: TestServer
        let ws: Workspace
        let clockFile: String
        let twilioLog: String
        let graphLog: String
        let driver = CurlMultiDriver()
        private(set) var serve: ChildProcess?
        private(set) var port = 0
        private var offsetHours = 0.0

        init(workflows: [String: String]) throws {
            mail = try TemporaryDirectory()
            capture = Capture(directory: mail)
            smtp = try TestServer.python("smtp_capture.py", ["--dir", mail.path])
            logs = try TemporaryDirectory()
            twilioLog = logs.path + "/twilio.jsonl"
            graphLog = logs.path + "/graph.jsonl"
            twilio = try TestServer.python("twilio_standin.py", ["--account-sid", Self.accountSID, "--auth-token", Self.authToken, "--out", twilioLog])
            graph = try TestServer.python("whatsapp_standin.py", ["--phone-number-id", "106540352242922", "--token", Self.whatsappToken, "--out", graphLog])
            ws = try Workspace(
                smtpPort: smtp.port,
                channels: """
                      sms:
                        providers:
                          - { name: twilio, type: twilio, base_url: "http://127.0.0.1:\(twilio.port)", account_sid: \(Self.accountSID), auth_token: \(Self.authToken), from: "+15005550006" }
                      whatsapp:
                        api_base: http://127.0.0.1:\(graph.port)
                        phone_number_id: "106540352242922"
                        access_token: \(Self.whatsappToken)
                        app_secret: \(Self.appSecret)
                    """,
                extra: "workflows: flows")
            let flows = ws.directory.path + "/flows"
            try FileManager.default.createDirectory(atPath: flows, withIntermediateDirectories: true)
            for (name, text) in workflows { try text.write(toFile: flows + "/" + name, atomically: true, encoding: .utf8) }
            clockFile = ws.directory.path + "/clock-offset"
            try "0".write(toFile: clockFile, atomically: true, encoding: .utf8)
        }

        /// Starts `accolade serve` on a free port with the test clock.
        func start() throws {
            let process = try ws.start(["serve", "--listen", "127.0.0.1:0"], environment: ["ACCOLADE_TEST_CLOCK_FILE": clockFile])
            var found = 0
            let listening = try eventually(timeout: .seconds(30)) {
                let out = ws.output(of: process).stdout
                if let line = out.split(separator: "\n").last(where: { $0.contains("listening on http://127.0.0.1:") }),
                    let p = line.split(separator: ":").last.flatMap({ Int($0) })
                {
                    found = p
                    return true
                }
                return !process.isRunning
            }
            guard listening, found > 0 else {
                throw TestServerError.notListening("accolade serve: \(ws.output(of: process).stderr)")
            }
            serve = process
            port = found
        }

        /// SIGKILL: no graceful anything.
        func kill() {
            guard let serve, serve.isRunning else { return }
            Glibc.kill(serve.processIdentifier, SIGKILL)
            serve.waitUntilExit()
        }

        /// Stops everything this journey started.
        func stop() {
            kill()
            smtp.stop()
            twilio.stop()
            graph.stop()
            let driver = self.driver
            Task { await driver.shutdown() }
        }

        /// Moves serve's clock `hours` further ahead (it re-reads the file when it changes).
        func advance(hours: Double) {
            offsetHours += hours
            try? String(offsetHours * 3600).write(toFile: clockFile, atomically: true, encoding: .utf8)
        }

        /// `YYYY-MM-DD` `offset` days from now (UTC).
        static func day(offset: Int) -> String {
            let date = Date().addingTimeInterval(Double(offset) * 86400)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        }

        /// A recipient with WhatsApp and SMS numbers (the same number) and a CRM id, as JSON.
        static func person(_ id: String, phone: String) -> String {
            #"{"id":"\#(id)","name":"Ana","whatsapp":"\#(phone)","phone":"\#(phone)","locale":"id-ID"}"#
        }

        func request(_ method: String, _ path: String, _ body: String? = nil) async throws -> (Int, [String: Any]) {
            let request = try CurlHTTPRequest(
                method: method, url: "http://127.0.0.1:\(port)\(path)",
                headers: body == nil ? [] : [CurlHeader("Content-Type", "application/json")], body: body.map { Array($0.utf8) } ?? [])
            let result = await driver.perform(CurlTransfer(.http(request), connectTimeout: .seconds(2), timeout: .seconds(30)))
            let object = (try? JSONSerialization.jsonObject(with: Data(result.body))) as? [String: Any] ?? [:]
            return (result.responseCode, object)
        }

        func post(_ path: String, _ body: String) async throws -> (Int, [String: Any]) { try await request("POST", path, body) }

        /// `POST /v1/events` for one recipient; returns the one run it started.
        func trigger(_ event: String, to recipient: String, data: String = EmailEndToEndTests.rewardData) async throws -> String {
            let (status, body) = try await post("/v1/events", #"{"event":"\#(event)","recipients":[\#(recipient)],"data":\#(data)}"#)
            #expect(status == 202, "\(body)")
            let runs = body["runs"] as? [[String: Any]] ?? []
            #expect(runs.count == 1, "\(body)")
            return runs.first?["id"] as? String ?? ""
        }

        /// `GET /v1/runs/{id}`.
        func run(_ id: String) async throws -> [String: Any] {
            try await request("GET", "/v1/runs/\(id)").1
        }

        /// Waits until the run satisfies `condition`, and returns it.
        func waitForRun(_ id: String, _ condition: @escaping ([String: Any]) -> Bool) async throws -> [String: Any] {
            var last: [String: Any] = [:]
            do {
                try await waitUntil("run \(id) gets there", timeout: .seconds(60), every: .milliseconds(50)) {
                    last = try await self.run(id)
                    return condition(last)
                }
            } catch {
                Issue.record("run \(id) never got there; last seen: \(last)\nserve stderr: \(serve.map { ws.output(of: $0).stderr.suffix(3000) } ?? "")")
                throw error
            }
            return last
        }

        /// The text/plain part of a captured email.
        static func text(of message: [String: Any]) -> String {
            let parts = message["parts"] as? [[String: Any]] ?? []
            return parts.first { $0["content_type"] as? String == "text/plain" }?["content"] as? String ?? ""
        }

        /// `kind:outcome` of each step record, in order.
        static func outcomes(_ run: [String: Any]) -> [String] {
            (run["steps"] as? [[String: Any]] ?? []).map { "\($0["kind"] as? String ?? "?"):\($0["outcome"] as? String ?? "?")" }
        }

        /// Waits until the run's first message is sent on WhatsApp; returns its wamid.
        func whatsappSent(run id: String) async throws -> String {
            var wamid = ""
            try await waitUntil("run \(id)'s WhatsApp message is sent", timeout: .seconds(60), every: .milliseconds(50)) {
                guard let message = try await self.run(id)["last_message_id"] as? String else { return false }
                let deliveries = try await self.request("GET", "/v1/messages/\(message)").1["deliveries"] as? [[String: Any]] ?? []
                guard let whatsapp = deliveries.first(where: { $0["channel"] as? String == "whatsapp" }),
                    whatsapp["state"] as? String == "sent", let id = whatsapp["provider_message_id"] as? String
                else { return false }
                wamid = id
                return true
            }
            return wamid
        }

        /// Posts a signed WhatsApp status for `wamid`; returns the webhook's HTTP status.
        func postStatus(wamid: String, _ status: String) throws -> Int {
            let script = TestServer.repositoryRoot.appendingPathComponent("scripts/test-servers/whatsapp_status.py").path
            let out = try runFilter(
                "/usr/bin/python3",
                [script, "--url", "http://127.0.0.1:\(port)/v1/webhooks/whatsapp", "--app-secret", Self.appSecret, "--wamid", wamid, "--status", status],
                input: Data())
            return Int(String(decoding: out.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }

        /// The `To` of every SMS Twilio accepted, in order.
        func smsTo() -> [String] {
            lines(twilioLog).compactMap { line in
                guard (line["status"] as? Int).map({ $0 < 300 }) ?? true, let form = line["form"] as? [String: [String]] else { return nil }
                return form["To"]?.first
            }
        }

        /// How many message requests reached the WhatsApp stand-in.
        func whatsappRequests() -> Int { lines(graphLog).count }

        private func lines(_ path: String) -> [[String: Any]] {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }
        }
    }
}
