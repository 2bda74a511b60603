import AccoladeCore
import AccoladeRuntime
import ArgumentParser
import Foundation

/// `accolade bounce < message`: records one bounce or complaint piped in by the mail system.
///
/// Made for an MTA's pipe transport, so it answers with sysexits codes the MTA understands: 0 when
/// done (including a report that matches nothing Accolade sent, which is logged and dropped), 65
/// (`EX_DATAERR`) for a message that is not a report, and 75 (`EX_TEMPFAIL`) when the store or the
/// configuration cannot be used now, so the MTA keeps the message and tries again later.
struct BounceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bounce",
        abstract: "Record a bounce (RFC 3464 DSN) or spam complaint (RFC 5965) read from stdin.",
        discussion: """
            Set channels.email.return_path (e.g. bounces+{delivery_id}@example.com) so bounces come back to an
            address that names their delivery, and pipe that mailbox to this command. Postfix master.cf:
              accolade-bounce unix - n n - - pipe
                flags=Rq user=accolade argv=/usr/local/bin/accolade bounce --recipient ${recipient} --config /etc/accolade/accolade.yml
            Exit codes: 0 done (also when the report matches nothing sent), 65 not a report, 75 try again later.
            """)

    /// Largest part of a message read; the delivery status comes before the returned original.
    static let readLimit = 10 << 20
    static let exDataErr: Int32 = 65
    static let exTempFail: Int32 = 75

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "The address the mail system delivered the report to (the VERP return path), e.g. Postfix's ${recipient}.")
    var recipient: String?

    func run() async throws {
        let bytes = Self.readStandardInput(limit: Self.readLimit)
        let context: AppContext
        do {
            context = try await AppContext.open(global, channels: false)
        } catch {
            Self.fail("\(error)")
            throw ExitCode(Self.exTempFail)
        }
        let recorder = BounceRecorder(
            store: context.store, settings: context.config.bounces, returnPath: context.config.channels.email?.returnPath,
            logger: context.logger, now: { context.clock.now() })
        let outcome: BounceOutcome
        do {
            outcome = try await context.run { try await recorder.record(bytes, envelopeRecipient: recipient) }
        } catch let error as BounceReportError {
            Self.fail(error.description)
            throw ExitCode(Self.exDataErr)
        } catch {
            Self.fail("could not record the bounce now: \(error)")
            throw ExitCode(Self.exTempFail)
        }
        if global.json {
            Output.printJSON(outcome)
        } else if let delivery = outcome.deliveryID {
            let what = outcome.kind.map { "\($0.rawValue) bounce" } ?? "no failure for this recipient"
            print("\(delivery) \(outcome.address ?? "-"): \(what)\(outcome.suppressed ? ", suppressed on email" : "")")
        } else {
            print("matched no delivery; nothing changed")
        }
    }

    /// Reads up to `limit` bytes and drains the rest, so the writer never sees a broken pipe.
    static func readStandardInput(limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            if out.count < limit { out += buffer[0..<min(count, limit - out.count)] }
        }
        return out
    }

    private static func fail(_ message: String) {
        try? FileHandle.standardError.write(contentsOf: Data("error: \(message)\n".utf8))
    }
}
