import Foundation

/// Locale names as templates use them: folder lookup keys and fallback chains.
///
/// Matching is case-insensitive and treats `_` as `-`, so `id_ID`, `id-id` and `id-ID` name
/// the same folder. The chain for `id-ID` is `id-id` → `id` (then the default files).
enum TemplateLocale {
    /// The lookup key of a locale (`id_ID` → `id-id`).
    static func key(_ identifier: String) -> String {
        identifier.replacingOccurrences(of: "_", with: "-").lowercased()
    }

    /// The display form (`id_id` → `id-ID`): language lower-case, region upper-case.
    static func canonical(_ identifier: String) -> String {
        let parts = identifier.replacingOccurrences(of: "_", with: "-").split(separator: "-")
        return parts.enumerated().map { index, part in
            if index == 0 { return part.lowercased() }
            if part.count == 2 { return part.uppercased() }
            if part.count == 4 { return part.prefix(1).uppercased() + part.dropFirst().lowercased() }
            return part.lowercased()
        }.joined(separator: "-")
    }

    /// Lookup keys from most to least specific, without the default.
    static func chain(_ identifier: String) -> [String] {
        var parts = key(identifier).split(separator: "-").map(String.init)
        var chain: [String] = []
        while !parts.isEmpty {
            chain.append(parts.joined(separator: "-"))
            parts.removeLast()
        }
        return chain
    }

    /// The language subtag (`id-ID` → `id`).
    static func language(_ identifier: String) -> String {
        String(key(identifier).split(separator: "-").first ?? "")
    }

    /// Whether a folder name looks like a locale (`id`, `pt-BR`, `zh_Hant`).
    static func isLocaleName(_ name: String) -> Bool {
        let parts = name.replacingOccurrences(of: "_", with: "-").split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy(\.isLetter) else { return false }
        return parts.dropFirst().allSatisfy { (2...8).contains($0.count) && $0.allSatisfy { $0.isLetter || $0.isNumber } }
    }
}

/// A requested locale, parsed once and remembered (requests repeat a handful of locales).
struct ResolvedLocale: Sendable {
    /// Display form (`id-ID`), also the `locale` template variable.
    let canonical: String
    /// Folder lookup chain (`["id-id", "id"]`).
    let chain: [String]
    /// Language subtag (`id`).
    let language: String
}

/// Caches ``ResolvedLocale`` values by the identifier as given.
final class LocaleResolver: @unchecked Sendable {
    private let lock = NSLock()
    private var resolved: [String: ResolvedLocale] = [:]

    func resolve(_ identifier: String) -> ResolvedLocale {
        lock.lock()
        defer { lock.unlock() }
        if let hit = resolved[identifier] { return hit }
        let made = ResolvedLocale(
            canonical: TemplateLocale.canonical(identifier), chain: TemplateLocale.chain(identifier),
            language: TemplateLocale.language(identifier))
        // Identifiers come from requests: bound the table so odd values cannot grow it forever.
        if resolved.count >= 1024 { resolved.removeAll(keepingCapacity: true) }
        resolved[identifier] = made
        return made
    }
}

