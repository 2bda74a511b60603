import AccoladeCore
import ArgumentParser
import Foundation

/// `accolade templates list|check`.
struct TemplatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "List templates, or render every template × locale × channel with its sample data.",
        subcommands: [List.self, Check.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List templates with their channels and locales.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.reporting {
                let library = try TemplatesCommand.library(global)
                let views = library.infos.map { TemplateView(name: $0.name, description: $0.description, channels: $0.channels.map(\.rawValue), locales: $0.locales) }
                if global.json {
                    Output.printJSON(views)
                } else {
                    Output.table(["TEMPLATE", "CHANNELS", "LOCALES", "DESCRIPTION"], views.map { [$0.name, $0.channels.joined(separator: ","), $0.locales.joined(separator: ","), $0.description] })
                }
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render every template × locale × channel with its sample.json; exit 1 if any fails.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.reporting {
                let library = try TemplatesCommand.library(global)
                let results = library.checkAll().map { r -> CheckView in
                    var view = CheckView(template: r.template, locale: r.locale, channel: r.channel.rawValue, ok: r.succeeded, error: nil)
                    if case .failure(let error) = r.result { view.error = "\(error)" }
                    if let sms = r.sms { view.sms = "\(sms.encoding.rawValue), \(sms.segments) segment\(sms.segments == 1 ? "" : "s")" }
                    return view
                }
                let failed = results.filter { !$0.ok }
                if global.json {
                    Output.printJSON(results)
                } else {
                    for r in results {
                        print("\(r.ok ? "ok  " : "FAIL") \(r.template) \(r.locale) \(r.channel)\(r.sms.map { " (\($0))" } ?? "")\(r.error.map { ": \($0)" } ?? "")")
                    }
                    print("\(results.count - failed.count) passed, \(failed.count) failed")
                }
                if !failed.isEmpty { throw ExitCode(1) }
            }
        }
    }

    static func library(_ global: GlobalOptions) throws -> TemplateLibrary {
        let (config, _) = try global.loadConfig()
        return try global.loadTemplates(config)
    }
}

struct TemplateView: Encodable {
    var name: String
    var description: String
    var channels: [String]
    var locales: [String]
}

struct CheckView: Encodable {
    var template: String
    var locale: String
    var channel: String
    var ok: Bool
    var error: String?
    var sms: String?
}
