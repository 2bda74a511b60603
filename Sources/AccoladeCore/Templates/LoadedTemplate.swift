import Foundation

/// One template folder, compiled: default parts plus per-locale overrides.
final class LoadedTemplate: Sendable {
    let info: TemplateInfo
    let defaultParts: [TemplatePart: CompiledPart]
    /// Overrides by locale key (`id`, `pt-br`).
    let localeParts: [String: [TemplatePart: CompiledPart]]
    /// Manifest `required` paths, split once.
    let required: [(path: String, segments: [Substring], line: Int?)]

    init(
        info: TemplateInfo, defaultParts: [TemplatePart: CompiledPart], localeParts: [String: [TemplatePart: CompiledPart]],
        required: [(path: String, segments: [Substring], line: Int?)]
    ) {
        self.info = info
        self.defaultParts = defaultParts
        self.localeParts = localeParts
        self.required = required
    }

    /// Files allowed at the top of a template folder besides part files.
    private static let companionFiles: Set<String> = ["manifest.yml", "sample.json", "README.md"]

    /// Reads, validates and compiles the folder at `directory`.
    static func load(directory: String, name: String, defaultLocale: String) throws(TemplateError) -> LoadedTemplate {
        let manifest = try TemplateManifest.parse(try read(directory + "/manifest.yml", template: name, file: "manifest.yml"), template: name)
        let sampleBytes = try readData(directory + "/sample.json", template: name, file: "sample.json")
        let sample = try TemplateSample.parse(sampleBytes, template: name)

        var defaultParts: [TemplatePart: CompiledPart] = [:]
        var localeParts: [String: [TemplatePart: CompiledPart]] = [:]
        var localeNames: [String] = []
        for entry in try TemplateLibrary.entries(of: directory, template: name) {
            let path = directory + "/" + entry
            if TemplateLibrary.isDirectory(path) {
                guard TemplateLocale.isLocaleName(entry) else {
                    throw TemplateError(
                        .invalidFile("folder \"\(entry)\" is not a locale name — name locale folders like id, de or pt-BR"),
                        template: name)
                }
                let key = TemplateLocale.key(entry)
                guard localeParts[key] == nil else {
                    throw TemplateError(.invalidFile("two folders name locale \"\(key)\" — keep one"), template: name)
                }
                var parts: [TemplatePart: CompiledPart] = [:]
                for file in try TemplateLibrary.entries(of: path, template: name) {
                    let relative = entry + "/" + file
                    guard let part = TemplatePart(fileName: file) else {
                        throw TemplateError(.invalidFile(Self.unknownFileMessage(file)), template: name, file: relative)
                    }
                    let source = try read(path + "/" + file, template: name, file: relative)
                    parts[part] = try CompiledPart.compile(source, part: part, template: name, file: relative, localeKey: key)
                }
                localeParts[key] = parts
                localeNames.append(TemplateLocale.canonical(entry))
            } else if let part = TemplatePart(fileName: entry) {
                let source = try read(path, template: name, file: entry)
                defaultParts[part] = try CompiledPart.compile(source, part: part, template: name, file: entry, localeKey: nil)
            } else if !companionFiles.contains(entry) {
                throw TemplateError(.invalidFile(Self.unknownFileMessage(entry)), template: name, file: entry)
            }
        }

        // Locale folders may only override parts the default has: the default is the fallback.
        for (key, parts) in localeParts {
            for part in parts.keys where defaultParts[part] == nil {
                throw TemplateError(
                    .invalidFile("\(part.fileName) has no default version — add \(part.fileName) at the top of the template first"),
                    template: name, file: "\(key)/\(part.fileName)")
            }
        }
        let channels = try Self.channels(defaultParts: defaultParts, manifest: manifest, template: name)
        let allParts = Array(defaultParts.values) + localeParts.values.flatMap(\.values)
        let schema = TemplateDataSchema.derive(parts: allParts, whatsapp: manifest.whatsappMapping, manifest: manifest)
        let info = TemplateInfo(
            name: name, manifest: manifest, channels: channels,
            locales: [defaultLocale] + localeNames.sorted(), sample: sample, dataSchema: schema)
        let required = manifest.requiredVariables.map { ($0, $0.split(separator: "."), manifest.requiredLines[$0]) }
        return LoadedTemplate(info: info, defaultParts: defaultParts, localeParts: localeParts, required: required)
    }

    /// Channels from the files, reconciled with the manifest's `channels` list when present.
    private static func channels(
        defaultParts: [TemplatePart: CompiledPart], manifest: TemplateManifest, template: String
    ) throws(TemplateError) -> [ChannelKind] {
        var found: [ChannelKind] = []
        for channel in ChannelKind.allCases {
            let needed = TemplatePart.parts(for: channel)
            let present = needed.filter { defaultParts[$0] != nil }
            // An optional part (the inbox body or link) without the channel's required ones is
            // a forgotten file, not a channel-less template.
            let extras = TemplatePart.optionalParts(for: channel).filter { defaultParts[$0] != nil }
            if present.count == needed.count {
                found.append(channel)
            } else if !present.isEmpty || !extras.isEmpty {
                let missing = needed.filter { defaultParts[$0] == nil }.map(\.fileName).joined(separator: ", ")
                throw TemplateError(.invalidFile("\(channel) is incomplete — add \(missing)"), template: template)
            }
        }
        // An approved WhatsApp template mapping serves the channel with or without whatsapp.txt.
        if let mapping = manifest.whatsappMapping {
            found = ChannelKind.allCases.filter { found.contains($0) || $0 == .whatsapp }
            if mapping.header == .image && !found.contains(.qr) {
                throw TemplateError(
                    .invalidFile("whatsapp.header type image sends the message's QR code — add qr.txt.mustache or use a text header"),
                    template: template, file: "manifest.yml")
            }
        }
        guard let listed = manifest.channels else { return found }
        if manifest.whatsappMapping != nil && !listed.contains(.whatsapp) {
            throw TemplateError(
                .invalidFile("the manifest maps a WhatsApp template but channels does not list whatsapp — add whatsapp to channels"),
                template: template, file: "manifest.yml")
        }
        for channel in listed where !found.contains(channel) {
            let files = TemplatePart.parts(for: channel).map(\.fileName).joined(separator: ", ")
            throw TemplateError(
                .invalidFile("channels lists \(channel) but \(files) is missing — add the file or remove the channel"),
                template: template, file: "manifest.yml")
        }
        for channel in found where !listed.contains(channel) {
            throw TemplateError(
                .invalidFile("files for \(channel) exist but channels does not list it — add \(channel) to channels"),
                template: template, file: "manifest.yml")
        }
        return found
    }

    private static func unknownFileMessage(_ file: String) -> String {
        let known = TemplatePart.allCases.map(\.fileName).joined(separator: ", ")
        return "unknown file \"\(file)\" — part files are \(known)"
    }

    private static func read(_ path: String, template: String, file: String) throws(TemplateError) -> String {
        let data = try readData(path, template: template, file: file)
        guard let text = String(data: data, encoding: .utf8) else {
            throw TemplateError(.invalidFile("not UTF-8 text — save the file as UTF-8"), template: template, file: file)
        }
        return text
    }

    private static func readData(_ path: String, template: String, file: String) throws(TemplateError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TemplateError(.unreadable("\(file) is missing or unreadable"), template: template, file: file)
        }
        return data
    }

    /// The compiled file for `part` in the locale chain, falling back to the default.
    func part(_ part: TemplatePart, chain: [String]) -> CompiledPart? {
        for key in chain {
            if let found = localeParts[key]?[part] { return found }
        }
        return defaultParts[part]
    }
}
