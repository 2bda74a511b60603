import AccoladeServer
import ArgumentParser
import Foundation

/// `accolade`: send, deliver and inspect reward messages.
@main
struct Accolade: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accolade",
        abstract: "Dispatch reward and recognition messages: email, SMS, WhatsApp and QR, from a durable queue.",
        discussion: """
            Configuration comes from config/accolade.yml, --config PATH or ACCOLADE_CONFIG.
            Example:
              accolade send reward-earned --to ana@example.com --data @reward.json
              accolade worker --drain
              accolade log <message-id>
            """,
        subcommands: [
            SendCommand.self, WorkerCommand.self, PreviewCommand.self, TemplatesCommand.self,
            StatusCommand.self, LogCommand.self, DeadCommand.self, StatsCommand.self, MigrateCommand.self, BenchCommand.self,
            ServeCommand.self, StoreCommand.self, QRCommand.self, SuppressCommand.self, InboxCommand.self, WorkflowsCommand.self,
            TriggerCommand.self, RunsCommand.self, BounceCommand.self, PreferencesCommand.self, ReportCommand.self,
            SimulateOptimalSendCommand.self,
        ]
    )

    /// Parses the command line and runs the command, as ArgumentParser's own `main` does, except
    /// that with `ACCOLADE_CHECK_ARGUMENTS=1` it stops after parsing and validation (exit 0, or
    /// the usage error): `scripts/check-examples.py` checks the syntax of documented examples
    /// that name real hosts this way, without contacting them.
    static func main() async {
        AllocatorTuning.apply(environment: ProcessInfo.processInfo.environment)
        do {
            var command = try parseAsRoot()
            if ProcessInfo.processInfo.environment["ACCOLADE_CHECK_ARGUMENTS"] == "1" {
                print("arguments ok: \(type(of: command)._commandName)")
                return
            }
            // Before any task runs, from the main thread, as NIO requires (see the method).
            if command is ServeCommand { APIServer.runTasksOnEventLoops() }
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
