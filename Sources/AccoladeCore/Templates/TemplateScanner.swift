import Foundation

/// Compiles a Mustache source into Accolade's tag tree, with line numbers.
///
/// swift-mustache validates the syntax at load time (and serves as the reference renderer
/// in tests), but its tokens are private and its generic lookups (`Any`, dynamic casts, a
/// string split per tag) redo on every render what a compiled tree does once. The scanner
/// therefore compiles the same source into ``TemplateRequirements`` nodes that
/// ``TemplateRenderer`` executes directly.
/// Standalone lines follow the Mustache spec as swift-mustache implements it: a line holding
/// only a section, inverted, closing or comment tag (plus spaces or tabs) disappears whole.
///
/// Rejected here: partials, inheritance, custom delimiters, pragmas, unknown transforms,
/// transforms on sections, and unescaped values in HTML parts.
enum TemplateScanner {
    /// A problem found while scanning, before the library adds template and file names.
    struct Issue: Error {
        var message: String
        var line: Int
    }

    private enum TagKind { case variable, unescaped, section, inverted, close, comment }

    private struct Tag {
        var kind: TagKind
        var name: String
        var start: Int
        var end: Int
        var line: Int
    }

    /// Compiles `source`; `html` escapes values and forbids `{{{x}}}` and `{{& x}}`.
    static func scan(_ source: String, html: Bool) throws(Issue) -> TemplateRequirements {
        let bytes = Array(source.utf8)
        let tags = try tokenize(bytes, html: html)

        // Each tag consumes its own bytes, or its whole line when standalone.
        var consumed: [(from: Int, to: Int)] = []
        for tag in tags {
            var range = (from: tag.start, to: tag.end)
            if tag.kind != .variable && tag.kind != .unescaped, let line = standaloneRange(bytes, tag) {
                range = line
            }
            consumed.append(range)
        }

        var stack: [(ref: TemplateRequirements.Reference?, inverted: Bool, nodes: [TemplateRequirements.Node])] = [(nil, false, [])]
        var cursor = 0
        for (index, tag) in tags.enumerated() {
            let range = consumed[index]
            if range.from > cursor {
                stack[stack.count - 1].nodes.append(.text(String(decoding: bytes[cursor..<range.from], as: UTF8.self)))
            }
            cursor = range.to
            switch tag.kind {
            case .comment:
                break
            case .variable, .unescaped:
                let guards = Set(stack.compactMap { $0.ref?.path })
                let ref = try reference(tag.name, line: tag.line, guards: guards).escaping(html && tag.kind == .variable)
                stack[stack.count - 1].nodes.append(.variable(ref))
            case .section, .inverted:
                let ref = try reference(tag.name, line: tag.line, guards: [])
                guard ref.transforms.isEmpty else {
                    throw Issue(message: "transforms are not supported on sections — test the plain value", line: tag.line)
                }
                stack.append((ref, tag.kind == .inverted, []))
            case .close:
                guard stack.count > 1, let open = stack.last, let ref = open.ref else {
                    throw Issue(message: "closing tag {{/\(tag.name)}} without an open section", line: tag.line)
                }
                guard ref.path == tag.name else {
                    throw Issue(message: "{{/\(tag.name)}} closes {{#\(ref.path)}} (line \(ref.line)) — close sections in order", line: tag.line)
                }
                stack.removeLast()
                stack[stack.count - 1].nodes.append(.section(ref, inverted: open.inverted, children: open.nodes))
            }
        }
        if cursor < bytes.count {
            stack[stack.count - 1].nodes.append(.text(String(decoding: bytes[cursor...], as: UTF8.self)))
        }
        if stack.count > 1, let open = stack.last?.ref {
            throw Issue(message: "section {{#\(open.path)}} is never closed — add {{/\(open.path)}}", line: open.line)
        }
        return TemplateRequirements(nodes: stack[0].nodes)
    }

    private static func tokenize(_ bytes: [UInt8], html: Bool) throws(Issue) -> [Tag] {
        var tags: [Tag] = []
        var index = 0
        var line = 1
        let open: [UInt8] = [123, 123]
        while let tagStart = find(open, in: bytes, from: index) {
            for i in index..<tagStart where bytes[i] == 10 { line += 1 }
            let tagLine = line
            let contentStart = tagStart + 2
            let kind: TagKind
            let name: String
            let end: Int
            if contentStart < bytes.count, bytes[contentStart] == 123 {
                guard let close = find([125, 125, 125], in: bytes, from: contentStart + 1) else {
                    throw Issue(message: "unclosed {{{ tag — add }}}", line: tagLine)
                }
                if html {
                    throw Issue(message: "unescaped value {{{…}}} in an HTML part — use {{…}} so the value is escaped", line: tagLine)
                }
                kind = .unescaped
                name = trim(String(decoding: bytes[(contentStart + 1)..<close], as: UTF8.self))
                end = close + 3
            } else {
                guard let close = find([125, 125], in: bytes, from: contentStart) else {
                    throw Issue(message: "unclosed {{ tag — add }}", line: tagLine)
                }
                let content = trim(String(decoding: bytes[contentStart..<close], as: UTF8.self))
                let rest = trim(content.dropFirst())
                end = close + 2
                switch content.first {
                case "!": kind = .comment; name = ""
                case "#": kind = .section; name = rest
                case "^": kind = .inverted; name = rest
                case "/": kind = .close; name = rest
                case "&":
                    if html {
                        throw Issue(message: "unescaped value {{& …}} in an HTML part — use {{…}} so the value is escaped", line: tagLine)
                    }
                    kind = .unescaped; name = rest
                case ">", "<", "$":
                    throw Issue(message: "partials and template inheritance are not supported — inline the text", line: tagLine)
                case "=":
                    throw Issue(message: "changing delimiters is not supported — keep {{ }}", line: tagLine)
                case "%":
                    throw Issue(message: "pragmas are not supported — escaping follows the part (HTML or text)", line: tagLine)
                default: kind = .variable; name = content
                }
            }
            tags.append(Tag(kind: kind, name: name, start: tagStart, end: end, line: tagLine))
            for i in tagStart..<end where bytes[i] == 10 { line += 1 }
            index = end
        }
        return tags
    }

    /// The whole-line range of a standalone tag, or `nil` when other text shares its line.
    private static func standaloneRange(_ bytes: [UInt8], _ tag: Tag) -> (from: Int, to: Int)? {
        var from = tag.start
        while from > 0, bytes[from - 1] == 32 || bytes[from - 1] == 9 { from -= 1 }
        guard from == 0 || bytes[from - 1] == 10 else { return nil }
        var to = tag.end
        while to < bytes.count, bytes[to] == 32 || bytes[to] == 9 { to += 1 }
        if to == bytes.count { return (from, to) }
        if bytes[to] == 10 { return (from, to + 1) }
        if bytes[to] == 13, to + 1 < bytes.count, bytes[to + 1] == 10 { return (from, to + 2) }
        return nil
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var i = start
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0] {
                var match = true
                for j in 1..<needle.count where bytes[i + j] != needle[j] {
                    match = false
                    break
                }
                if match { return i }
            }
            i += 1
        }
        return nil
    }

    private static func trim(_ s: some StringProtocol) -> String {
        s.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Parses `name`, `t(name)` or `t1(t2(name))`.
    private static func reference(_ text: String, line: Int, guards: Set<String>) throws(Issue)
        -> TemplateRequirements.Reference
    {
        var transforms: [String] = []
        var name = Substring(text)
        while let paren = name.firstIndex(of: "(") {
            guard name.hasSuffix(")") else { throw Issue(message: "malformed tag {{\(text)}}", line: line) }
            let transform = String(name[..<paren])
            guard TemplateRequirements.dateTransforms.contains(transform) || TemplateRequirements.textTransforms.contains(transform)
            else {
                let known = (TemplateRequirements.dateTransforms.union(TemplateRequirements.textTransforms)).sorted()
                throw Issue(message: "unknown transform \"\(transform)\" — use one of \(known.joined(separator: ", "))", line: line)
            }
            transforms.append(transform)
            name = name[name.index(after: paren)..<name.index(before: name.endIndex)]
        }
        guard !name.isEmpty else { throw Issue(message: "empty tag {{\(text)}} — name a variable", line: line) }
        let path = String(name)
        let anchored = path != "." && path.hasPrefix(".")
        let segments = path == "." ? [] : path.split(separator: ".").map(String.init)
        return TemplateRequirements.Reference(
            path: path, segments: segments, anchored: anchored, transforms: transforms, line: line,
            optional: guards.contains(path), escaped: false)
    }
}
