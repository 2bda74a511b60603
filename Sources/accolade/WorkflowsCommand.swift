import AccoladeCore
import AccoladeWorkflows
import ArgumentParser
import Foundation

/// `accolade workflows check`.
struct WorkflowsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflows",
        abstract: "Check the workflow definitions of the workflows folder.",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse and check every workflow file against the templates and channels; exit 1 if any fails.",
            discussion: """
                Reads every *.yml file of the folder named by `workflows` in the configuration
                (default: workflows/ beside the configuration file, config/workflows for the
                shipped one; when that default folder does not exist there are no workflows). `serve` and `worker` run the same check and refuse to start on an error.
                Examples:
                  accolade workflows check
                  accolade workflows check --json
                """)
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.reporting {
                let (config, _) = try global.loadConfig()
                let templates = try global.loadTemplates(config)
                guard let report = try WorkflowsCommand.report(config, templates: templates) else {
                    if global.json {
                        Output.printJSON([WorkflowCheckView]())
                    } else {
                        print("no workflows (\(config.workflowsDirectory) does not exist)")
                    }
                    return
                }
                let failed = report.filter { !$0.ok }
                if global.json {
                    Output.printJSON(report)
                } else {
                    for view in report {
                        let what = view.workflow.map { "\($0) (\(view.file)" + (view.on.map { ", on \($0)" } ?? "") + ")" } ?? view.file
                        print("\(view.ok ? "ok  " : "FAIL") \(what)")
                        for error in view.errors { print("     \(error)") }
                    }
                    print("\(report.count - failed.count) passed, \(failed.count) failed")
                }
                if !failed.isEmpty { throw ExitCode(1) }
            }
        }
    }

    /// One line per workflow file; `nil` when the default folder does not exist (no
    /// workflows). A folder named in the configuration that does not exist is an error.
    static func report(_ config: AccoladeConfig, templates: TemplateLibrary) throws -> [WorkflowCheckView]? {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: config.workflowsDirectory, isDirectory: &isDirectory)
        if !exists, config.workflowsDirectoryIsDefault { return nil }
        guard exists, isDirectory.boolValue else {
            throw CommandFailure(message: "configuration error at workflows: \"\(config.workflowsDirectory)\" is not a folder; create it or remove the key")
        }
        let folder = WorkflowFolder.load(directory: config.workflowsDirectory)
        let check = WorkflowCheck(templates: templates.channelsByTemplate, channels: config.channels.configuredKinds, categories: config.categories)
        var views: [WorkflowCheckView] = folder.definitions.map { definition in
            let problems = check.problems(definition)
            return WorkflowCheckView(
                workflow: definition.name, file: definition.file, on: definition.event, ok: problems.isEmpty,
                errors: problems.map(\.description))
        }
        for error in folder.errors {
            if let index = views.firstIndex(where: { $0.file == error.file }) {
                views[index].ok = false
                views[index].errors.append(error.description)
            } else {
                views.append(WorkflowCheckView(workflow: nil, file: error.file, on: nil, ok: false, errors: [error.description]))
            }
        }
        return views.sorted { $0.file < $1.file }
    }

    /// For `serve`, `worker` and `trigger`: the workflows, or a failure listing every problem
    /// when any workflow is wrong.
    static func requireValid(_ config: AccoladeConfig, templates: TemplateLibrary) throws -> [WorkflowDefinition] {
        guard let report = try report(config, templates: templates) else { return [] }
        let errors = report.flatMap(\.errors)
        guard errors.isEmpty else {
            throw CommandFailure(message: "workflows (\(config.workflowsDirectory)) have errors; fix them (see `accolade workflows check`):\n" + errors.joined(separator: "\n"))
        }
        return WorkflowFolder.load(directory: config.workflowsDirectory).definitions
    }
}

struct WorkflowCheckView: Encodable {
    var workflow: String?
    var file: String
    var on: String?
    var ok: Bool
    var errors: [String]
}

extension TemplateLibrary {
    /// Template name → its channels, for ``WorkflowCheck``.
    var channelsByTemplate: [String: [ChannelKind]] {
        Dictionary(uniqueKeysWithValues: infos.map { ($0.name, $0.channels) })
    }
}

extension ChannelsConfig {
    /// The channels present in the configuration, whether or not a credential disabled them.
    var configuredKinds: Set<ChannelKind> {
        var kinds = Set(disabledProviders.map(\.channel))
        if email != nil { kinds.insert(.email) }
        if sms != nil { kinds.insert(.sms) }
        if qr != nil { kinds.insert(.qr) }
        if whatsapp != nil { kinds.insert(.whatsapp) }
        // Present but switched off (its secret unset) counts as configured, like a provider without credentials.
        if inbox != nil || inboxDisabledReason != nil { kinds.insert(.inbox) }
        return kinds
    }
}
