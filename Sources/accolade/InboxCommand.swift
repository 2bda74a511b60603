import AccoladeCore
import ArgumentParser
import Foundation

/// `accolade inbox token`: mint an inbox token from the command line.
struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "Work with the in-app inbox (channels.inbox).",
        subcommands: [Token.self])

    /// `accolade inbox token <recipient-id>`.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an inbox token for one recipient (what POST /v1/inbox/tokens answers), e.g. for the demo page.",
            discussion: """
                Signs with channels.inbox.signing_secret locally; the server is not contacted and
                nothing is stored. The token opens that recipient's feed until it expires.
                Example:
                  accolade inbox token crm-10492 --ttl 1h
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The recipient's id (to.id of the messages, --recipient-id of send).")
        var recipientID: String

        @Option(help: "Lifetime: whole seconds or 90s, 15m, 1h, 1d; 1 minute to 24 hours.")
        var ttl = "1h"

        func run() async throws {
            try await global.reporting {
                let (config, _) = try global.loadConfig(defaultLogLevel: .warning)
                guard let inbox = config.channels.inbox else {
                    throw CommandFailure(
                        message: "channels.inbox is not configured (set channels.inbox.signing_secret, e.g. ACCOLADE_INBOX_SECRET)", exitCode: 2)
                }
                if let problem = InboxRecipientKey.problem(with: recipientID) {
                    throw CommandFailure(message: "recipient id \(problem)", exitCode: 2)
                }
                guard let lifetime = InboxTokenLifetime.parse(ttl) ?? Int(ttl).flatMap(InboxTokenLifetime.seconds) else {
                    throw CommandFailure(message: "--ttl must be whole seconds or a duration like 90s, 15m, 1h, 1d, between 1 minute and 24 hours", exitCode: 2)
                }
                let token = try InboxTokenSigner(secret: inbox.signingSecret).mint(subject: recipientID, lifetime: lifetime, now: Date())
                if global.json {
                    Output.printJSON(TokenView(token: token.compact, expiresAt: ISOTime.format(token.claims.expiresAt)))
                } else {
                    print(token.compact)
                }
            }
        }
    }

    struct TokenView: Encodable {
        var token: String
        var expiresAt: String

        enum CodingKeys: String, CodingKey {
            case token
            case expiresAt = "expires_at"
        }
    }
}
