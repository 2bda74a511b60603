import AccoladeCore
import Foundation
import Testing
@testable import AccoladeWorkflows

@Suite("Workflow folders")
struct WorkflowFolderTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func folder(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("workflows-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return dir
    }

    @Test("every bad file is reported; duplicate names and same-named files are errors")
    func errors() throws {
        let ok = "name: a\non: e\nsteps:\n  - send: { template: t }\n"
        let dir = try folder([
            "a.yml": ok,
            "b.yml": ok,  // name a again
            "c.yml": "name: c\non: e\nsteps:\n  - send: { template: t }\n",
            "c.yaml": "name: c2\non: e\nsteps:\n  - send: { template: t }\n",
            "d.yml": "name: d\non: e\nsteps:\n  - wait: { for: read, within: 1 day }\n",
            "notes.txt": "not a workflow",
            ".hidden.yml": "broken: [",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let loaded = WorkflowFolder.load(directory: dir)
        #expect(loaded.definitions.map(\.name) == ["a", "c2"])
        #expect(loaded.errors.map(\.description) == [
            "\(dir)/b.yml: name: \"a\" is already the name of the workflow in \(dir)/a.yml; names must be unique",
            "\(dir)/c.yml: c.yaml has the same file name; keep one of the two",
            "\(dir)/d.yml: steps[0].wait.within: expected a duration like 30m, 24h or 3d; got \"1 day\"",
        ])
        #expect(loaded.definitions(on: "e").count == 2)
    }

    @Test("a folder that cannot be read is one error naming it")
    func missing() {
        let loaded = WorkflowFolder.load(directory: "/nonexistent/workflows")
        #expect(loaded.definitions.isEmpty)
        #expect(loaded.errors.count == 1 && loaded.errors[0].description.hasPrefix("/nonexistent/workflows: cannot read the workflows folder"))
    }

    @Test("the shipped workflows parse and pass the check against the shipped templates")
    func shipped() throws {
        let loaded = WorkflowFolder.load(directory: Self.repository + "/config/workflows")
        #expect(loaded.errors.map(\.description) == [])
        #expect(loaded.definitions.count >= 3)
        let library = try TemplateLibrary(directory: Self.repository + "/templates")
        // Against the shipped configuration's categories too: every category a workflow names is declared.
        let config = try AccoladeConfig.load(path: Self.repository + "/config/accolade.yml", environment: [:])
        let check = WorkflowCheck(
            templates: Dictionary(uniqueKeysWithValues: library.infos.map { ($0.name, $0.channels) }), channels: Set(ChannelKind.allCases),
            categories: config.categories)
        for definition in loaded.definitions {
            #expect(check.problems(definition).map(\.description) == [], "\(definition.name)")
        }
    }

    @Test("a workflow naming an undeclared category fails the check, naming the key")
    func undeclaredCategory() throws {
        let definition = try WorkflowFileParser.parse(
            yaml: "name: w\non: e\ncategory: news\nsteps:\n  - send: { template: reward-earned }\n", file: "w.yml")
        let check = WorkflowCheck(templates: ["reward-earned": [.email]], channels: [.email], categories: CategoriesConfig())
        #expect(check.problems(definition).map(\.description).contains { $0.hasPrefix("w.yml: category: unknown category \"news\"") })
        let declared = WorkflowCheck(
            templates: ["reward-earned": [.email]], channels: [.email], categories: CategoriesConfig(categories: [MessageCategory(name: "news")]))
        #expect(declared.problems(definition).isEmpty)
    }

    @Test("the workflows key: default config/workflows, or the folder named")
    func configKey() throws {
        let plain = try AccoladeConfig.parse(yaml: "templates: templates\n", environment: [:])
        #expect(plain.workflowsDirectory == "config/workflows" && plain.workflowsDirectoryIsDefault)
        let named = try AccoladeConfig.parse(yaml: "workflows: /etc/accolade/workflows\n", environment: [:])
        #expect(named.workflowsDirectory == "/etc/accolade/workflows" && !named.workflowsDirectoryIsDefault)
    }
}
