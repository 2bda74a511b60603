import Foundation

/// Reads a Mustache source for the tags it uses, with line numbers.
///
/// swift-mustache parses and renders but keeps its tokens private, so this scanner sees the
/// same tags again to build ``TemplateRequirements``. Syntax has already been checked by
/// swift-mustache when this runs; the scanner only rejects what Accolade does not allow:
/// partials, inheritance, custom delimiters, pragmas, unknown transforms, and unescaped
/// values in HTML parts.
enum TemplateScanner {
    /// A problem found while scanning, before the library adds template and file names.
    struct Issue: Error {
        var message: String
        var line: Int
    }

    /// Scans `source`; `html` forbids `{{{x}}}` and `{{& x}}`.
    static func scan(_ source: String, html: Bool) throws(Issue) -> TemplateRequirements {
        let bytes = Array(source.utf8)
        var index = 0
        var line = 1
        // Open sections: reference, inverted flag, children so far.
        var stack: [(TemplateRequirements.Reference?, Bool, [TemplateRequirements.Node])] = [(nil, false, [])]

        func advanceLines(to end: Int) {
            while index < end {
                if bytes[index] == 10 { line += 1 }
                index += 1
            }
        }
        func find(_ needle: [UInt8], from start: Int) -> Int? {
            guard needle.count <= bytes.count else { return nil }
            var i = start
            while i + needle.count <= bytes.count {
                if bytes[i] == needle[0] && Array(bytes[i..<(i + needle.count)]) == needle { return i }
                i += 1
            }
            return nil
        }
        func guardPaths() -> Set<String> {
            Set(stack.compactMap { $0.0?.path })
        }

        let open: [UInt8] = Array("{{".utf8)
        let close: [UInt8] = Array("}}".utf8)
        let tripleClose: [UInt8] = Array("}}}".utf8)

        while let tagStart = find(open, from: index) {
            advanceLines(to: tagStart)
            let tagLine = line
            let contentStart = tagStart + 2
            if contentStart < bytes.count, bytes[contentStart] == UInt8(ascii: "{") {
                guard let end = find(tripleClose, from: contentStart + 1) else {
                    throw Issue(message: "unclosed {{{ tag", line: tagLine)
                }
                if html {
                    throw Issue(
                        message: "unescaped value {{{…}}} in an HTML part — use {{…}} so the value is escaped",
                        line: tagLine)
                }
                let name = String(decoding: bytes[(contentStart + 1)..<end], as: UTF8.self)
                let ref = try reference(name, line: tagLine, guards: guardPaths())
                stack[stack.count - 1].2.append(.variable(ref))
                advanceLines(to: end + 3)
                continue
            }
            guard let end = find(close, from: contentStart) else {
                throw Issue(message: "unclosed {{ tag", line: tagLine)
            }
            let content = String(decoding: bytes[contentStart..<end], as: UTF8.self)
            let trimmed = trim(content)
            let sigil = trimmed.first
            let rest = trim(trimmed.dropFirst())
            switch sigil {
            case "!":
                break
            case "#", "^":
                let ref = try reference(rest, line: tagLine, guards: [])
                guard ref.transforms.isEmpty else {
                    throw Issue(message: "transforms are not supported on sections — test the plain value", line: tagLine)
                }
                stack.append((ref, sigil == "^", []))
            case "/":
                guard stack.count > 1, let (maybeRef, inverted, children) = stack.popLast(), let ref = maybeRef else {
                    throw Issue(message: "closing tag {{/\(rest)}} without an open section", line: tagLine)
                }
                stack[stack.count - 1].2.append(.section(ref, inverted: inverted, children: children))
            case "&":
                if html {
                    throw Issue(
                        message: "unescaped value {{& …}} in an HTML part — use {{…}} so the value is escaped",
                        line: tagLine)
                }
                let ref = try reference(rest, line: tagLine, guards: guardPaths())
                stack[stack.count - 1].2.append(.variable(ref))
            case ">", "<", "$":
                throw Issue(message: "partials and template inheritance are not supported — inline the text", line: tagLine)
            case "=":
                throw Issue(message: "changing delimiters is not supported — keep {{ }}", line: tagLine)
            case "%":
                throw Issue(message: "pragmas are not supported — escaping follows the part (HTML or text)", line: tagLine)
            default:
                let ref = try reference(trimmed, line: tagLine, guards: guardPaths())
                stack[stack.count - 1].2.append(.variable(ref))
            }
            advanceLines(to: end + 2)
        }
        if stack.count > 1, let open = stack.last?.0 {
            throw Issue(message: "section {{#\(open.path)}} is never closed — add {{/\(open.path)}}", line: open.line)
        }
        return TemplateRequirements(nodes: TemplateRequirements.Node.deduplicated(stack[0].2))
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
            optional: guards.contains(path))
    }
}
