import Foundation
@testable import AccoladeCore

/// Builds a throw-away `templates/` folder for one test.
struct TemplateFixture {
    let root: String

    /// Writes `files` (path relative to the template folder → content) for template `name`.
    init(_ name: String = "t", files: [String: String], manifest: String? = nil, sample: String? = nil) throws {
        root = NSTemporaryDirectory() + "accolade-templates-" + UUID().uuidString
        let folder = root + "/" + name
        var all = files
        all["manifest.yml"] = manifest ?? "description: Test template.\n"
        all["sample.json"] = sample ?? #"{"data": {"name": "Ana"}}"#
        for (path, content) in all {
            let full = folder + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: full, atomically: true, encoding: .utf8)
        }
    }

    /// Loads the folder.
    func library() throws(TemplateError) -> TemplateLibrary { try TemplateLibrary(directory: root) }

    /// The error loading the folder throws, if any.
    func loadError() -> TemplateError? {
        do {
            _ = try library()
            return nil
        } catch {
            return error
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// The repository's shipped `templates/` folder.
let shippedTemplatesDirectory: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        let candidate = url.appendingPathComponent("templates").path
        if FileManager.default.fileExists(atPath: candidate + "/reward-earned/manifest.yml") { return candidate }
    }
    return "templates"
}()

/// Renders an SMS-only fixture with `data` and returns the text or the error.
func renderSMS(
    _ library: TemplateLibrary, _ data: JSONValue, locale: String? = nil, recipient: Recipient = Recipient(),
    template: String = "t"
) -> Result<String, TemplateError> {
    do {
        guard case .sms(let text) = try library.render(template: template, channel: .sms, locale: locale, data: data, recipient: recipient)
        else { return .failure(TemplateError(.syntax("not sms"))) }
        return .success(text)
    } catch {
        return .failure(error)
    }
}

/// Parses a JSON literal for test data.
func json(_ text: String) -> JSONValue {
    try! JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}
