import ArgumentParser

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
            ServeCommand.self, StoreCommand.self, QRCommand.self, SuppressCommand.self,
        ]
    )
}
