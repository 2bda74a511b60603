import AccoladeCore
import AccoladeRuntime
import ArgumentParser
import Foundation

/// `accolade trigger`: report an event, as `POST /v1/events` does.
struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger",
        abstract: "Report an event: the workflows listening to it start a run for the recipient (or one per CSV row).",
        discussion: """
            Like `send`, repeated --to options are addresses of ONE recipient. Runs start once they are
            durable; a worker (or `serve`) executes them. `reward.redeemed` with no recipient records a
            redemption (--data '{"message_id":"…"}' or '{"reward":{"code":"…"}}').
            Examples:
              accolade trigger deal.closed --recipient-id crm-10492 --to ana@example.com --to whatsapp:+6281234567890 \\
                --data '{"program":"Kudos Awards","reward":{"voucher":{"amount":150000,"currency":"IDR"},"code":"RW-7Q2K","expires_on":"2026-12-31","redeem_url":"https://rewards.example.com/r/RW-7Q2K"}}' \\
                --idempotency-key deal-4711 --cancellation-key deal-4711
              accolade trigger points.earned --csv earners.csv --data '{"program":"Kudos"}'
              accolade trigger reward.redeemed --data '{"reward":{"code":"RW-7Q2K"}}'
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Event name, e.g. deal.closed.")
    var event: String

    @Option(name: .long, parsing: .singleValue, help: "An address of the recipient: email, E.164 phone (+62…) or whatsapp:+62…. Repeat for several channels.")
    var to: [String] = []

    @Option(name: .long, help: "Recipient display name.")
    var name: String?

    @Option(name: .long, help: "Recipient's external id (CRM contact id): the recipient key when given.")
    var recipientId: String?

    @Option(name: .long, help: "Recipient's IANA time zone (delays, reminders and digests use it), e.g. Asia/Jakarta.")
    var timezone: String?

    @Option(name: .long, help: "Recipient's locale, e.g. id, de.")
    var locale: String?

    @Option(name: .long, help: "Event data as JSON, or @file to read it from a file.")
    var data: String?

    @Option(name: .long, help: "Idempotency key: the same event again never starts a second run per recipient and workflow.")
    var idempotencyKey: String?

    @Option(name: .long, help: "Cancellation key: `accolade runs cancel KEY` stops these runs later.")
    var cancellationKey: String?

    @Option(name: .long, help: "CSV file: one event per row (columns email, phone, whatsapp, name, locale, timezone, id, idempotency_key; the rest is added to the data).")
    var csv: String?

    func validate() throws {
        if csv != nil, !to.isEmpty || recipientId != nil { throw ValidationError("--csv excludes --to and --recipient-id: recipients come from the CSV rows") }
    }

    func run() async throws {
        try await global.reporting {
            let dataValue = try data.map { try JSONArgument.parse($0, option: "--data") } ?? .object([:])
            let context = try await AppContext.open(global, workflows: true)
            try await context.run {
                let events = context.eventDispatcher()
                var requests: [(line: Int?, request: EventRequest)] = []
                if let csv {
                    requests = try csvRequests(csv, data: dataValue)
                } else {
                    var recipient = Recipient(name: name, locale: locale, timezone: timezone, id: recipientId)
                    for address in to { try AddressArgument.assign(address, to: &recipient) }
                    let recipients = recipient.key == nil && event == EventRequest.redemption ? [] : [recipient]
                    requests = [(nil, EventRequest(event: event, recipients: recipients, data: dataValue, idempotencyKey: idempotencyKey, cancellationKey: cancellationKey))]
                }
                var views: [TriggerView] = []
                var failures = 0
                for (line, request) in requests {
                    do {
                        views.append(TriggerView(line: line, outcome: try await events.trigger(request)))
                    } catch let error as AccoladeCore.ValidationError {
                        guard line != nil else { throw CommandFailure(message: error.description, exitCode: 2) }
                        failures += 1
                        views.append(TriggerView(line: line, error: error.description))
                    }
                }
                if global.json {
                    Output.printJSON(requests.count == 1 && csv == nil ? [views[0]] : views)
                } else {
                    for view in views { view.print() }
                }
                if failures > 0 { throw CommandFailure(message: "\(failures) of \(requests.count) rows rejected", exitCode: 2) }
            }
        }
    }

    private func csvRequests(_ path: String, data: JSONValue) throws -> [(line: Int?, request: EventRequest)] {
        guard let bytes = FileManager.default.contents(atPath: path), let text = String(data: bytes, encoding: .utf8) else {
            throw CommandFailure(message: "--csv: cannot read \(path) as UTF-8 text", exitCode: 2)
        }
        let rows: [CSVSendRows.Row]
        do {
            rows = try CSVSendRows.rows(csv: text, template: SendRequest(template: "", recipient: Recipient(), data: data))
        } catch {
            throw CommandFailure(message: "--csv \(path): \(error)", exitCode: 2)
        }
        return try rows.map { row in
            switch row.result {
            case .success(let send):
                // A row's own idempotency key wins; else the option's, made per row by its line.
                let key = send.idempotencyKey ?? idempotencyKey.map { "\($0):\(row.line)" }
                return (row.line, EventRequest(event: event, recipients: [send.recipient], data: send.data, idempotencyKey: key, cancellationKey: cancellationKey))
            case .failure(let error):
                throw CommandFailure(message: "--csv \(path): \(error)", exitCode: 2)
            }
        }
    }
}

/// What `accolade trigger` prints per event.
struct TriggerView: Encodable {
    var line: Int?
    var runs: [Started] = []
    var redeemedRuns: [String]?
    var error: String?

    struct Started: Encodable {
        var id: String?
        var workflow: String?
        var recipientKey: String
        var status: String
        var existingRunID: String?

        enum CodingKeys: String, CodingKey {
            case id, workflow, status
            case recipientKey = "recipient_key"
            case existingRunID = "existing_run_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case line, runs, error
        case redeemedRuns = "redeemed_runs"
    }

    init(line: Int?, error: String) {
        self.line = line
        self.error = error
    }

    init(line: Int?, outcome: EventOutcome) {
        self.line = line
        switch outcome {
        case .redeemed(let ids):
            redeemedRuns = ids
        case .runs(let perRecipient):
            for recipient in perRecipient {
                for result in recipient.results {
                    switch result {
                    case .created(let r): runs.append(Started(id: r.id, workflow: r.workflow, recipientKey: recipient.recipientKey, status: "created"))
                    case .replayed(let r): runs.append(Started(id: r.id, workflow: r.workflow, recipientKey: recipient.recipientKey, status: "replayed"))
                    case .conflict(let id): runs.append(Started(recipientKey: recipient.recipientKey, status: "conflict", existingRunID: id))
                    }
                }
            }
        }
    }

    func print() {
        let prefix = line.map { "line \($0): " } ?? ""
        if let error {
            Swift.print(prefix + "rejected: " + error)
        } else if let redeemedRuns {
            Swift.print(prefix + (redeemedRuns.isEmpty ? "redemption recorded; no run sent that reward" : "redemption recorded for runs " + redeemedRuns.joined(separator: ", ")))
        } else if runs.isEmpty {
            Swift.print(prefix + "no workflow listens to this event; nothing started")
        } else {
            for run in runs {
                switch run.status {
                case "conflict":
                    Swift.print(prefix + "conflict: the idempotency key was used for \(run.recipientKey) with a different event (run \(run.existingRunID ?? "?"))")
                default:
                    Swift.print(prefix + "\(run.id ?? "")  \(run.workflow ?? "")  \(run.recipientKey)  \(run.status)")
                }
            }
        }
    }
}
