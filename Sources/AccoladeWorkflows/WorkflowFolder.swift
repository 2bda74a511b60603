import Foundation

/// The workflows of a folder (config key `workflows`): every `*.yml` / `*.yaml` file in it, one
/// workflow per file, read in file-name order.
///
/// Loading never stops at the first bad file: ``errors`` lists one problem per file that does
/// not parse, plus names used twice and two files that differ only in extension, so
/// `accolade workflows check` can report them all at once.
public struct WorkflowFolder: Sendable {
    /// The folder, as given.
    public var directory: String
    /// The workflows that parsed, in file-name order (a duplicate name keeps the first file's).
    public var definitions: [WorkflowDefinition]
    /// Problems found while reading; any one stops `serve` and `worker`.
    public var errors: [WorkflowError]

    /// Reads every workflow file of `directory`. A folder that does not exist or cannot be read
    /// is one error naming it.
    public static func load(directory: String) -> WorkflowFolder {
        var folder = WorkflowFolder(directory: directory, definitions: [], errors: [])
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yml") || $0.hasSuffix(".yaml")) }
                .sorted()
        } catch {
            folder.errors.append(WorkflowError(file: directory, path: "", reason: "cannot read the workflows folder: \(error.localizedDescription)"))
            return folder
        }
        var stems: [String: String] = [:]
        var byName: [String: String] = [:]
        for name in names {
            let file = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let stem = String(name.prefix(upTo: name.lastIndex(of: ".")!))
            if let other = stems[stem] {
                folder.errors.append(WorkflowError(file: file, path: "", reason: "\(other) has the same file name; keep one of the two"))
                continue
            }
            stems[stem] = name
            do throws(WorkflowError) {
                let definition = try WorkflowFileParser.load(file: file)
                if let other = byName[definition.name] {
                    folder.errors.append(
                        WorkflowError(file: file, path: "name", reason: "\"\(definition.name)\" is already the name of the workflow in \(other); names must be unique"))
                    continue
                }
                byName[definition.name] = file
                folder.definitions.append(definition)
            } catch {
                folder.errors.append(error)
            }
        }
        return folder
    }

    /// The workflows started by `event`, in file-name order.
    public func definitions(on event: String) -> [WorkflowDefinition] {
        definitions.filter { $0.event == event }
    }
}
