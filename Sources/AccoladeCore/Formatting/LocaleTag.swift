import Foundation

/// Which locale and time-zone names a request may carry.
///
/// Locales come from API clients, CSV files and the CLI, and every distinct one gets its own
/// formatters, so only well-formed BCP 47 language tags are accepted (`en`, `id-ID`, `es-419`,
/// `zh-Hant-TW`, `de-DE-u-co-phonebk`); `_` is accepted in place of `-` (`id_ID`), as template
/// folders allow. Time zones must be IANA names Foundation knows (`Asia/Jakarta`, `UTC`).
public enum LocaleTag {
    /// The accepted tags as an ECMA-262 / ICU / Python regular expression, served in the OpenAPI
    /// document and used by ``isWellFormed(_:)`` itself, so the two cannot disagree. It is RFC
    /// 5646's `langtag` with a 2–3 letter language (up to three extlang subtags), optional script
    /// and region, and bounded counts of variants (2), extensions (2, of 1–3 subtags each) and
    /// private-use subtags (3). No grandfathered or private-use-only tags.
    public static let pattern =
        "^[A-Za-z]{2,3}(?:[-_][A-Za-z]{3}){0,3}(?:[-_][A-Za-z]{4})?(?:[-_](?:[A-Za-z]{2}|[0-9]{3}))?"
        + "(?:[-_](?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3})){0,2}"
        + "(?:[-_][0-9A-WYZa-wyz](?:[-_][A-Za-z0-9]{2,8}){1,3}){0,2}"
        + "(?:[-_][Xx](?:[-_][A-Za-z0-9]{1,8}){1,3})?$"

    // `try!` cannot be reached by input: the pattern is a constant, compiled once on first use,
    // and every LocaleTagTests case (run on every build) compiles it first.
    private static let regex = try! NSRegularExpression(pattern: pattern)

    /// Whether `tag` is a well-formed language tag as ``pattern`` describes.
    public static func isWellFormed(_ tag: String) -> Bool {
        // The longest tag the pattern allows is well under 200 characters; cheap to refuse first.
        guard !tag.isEmpty, tag.utf8.count <= 200, tag.utf8.allSatisfy({ $0 < 0x80 }) else { return false }
        let whole = NSRange(tag.startIndex..., in: tag)
        // The match must cover the whole text: `$` alone would also match before a final newline.
        return regex.firstMatch(in: tag, range: whole)?.range == whole
    }

    /// The IANA time-zone names Foundation knows, plus `UTC` and `GMT`.
    public static let timeZones: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers).union(["UTC", "GMT"])

    /// Whether `name` is a known IANA time zone.
    ///
    /// Foundation's list holds ICU's canonical names, some of them the old spellings
    /// (`Asia/Calcutta`, `Asia/Katmandu`): a current IANA name it can load (`Asia/Kolkata`,
    /// `Asia/Kathmandu`) is known too. Only capitalised `Area/Location` names are tried that way,
    /// so an abbreviation, an offset (`EST`, `GMT+7`) or a miscased name is not taken for a zone.
    public static func isKnownTimeZone(_ name: String) -> Bool {
        if timeZones.contains(name) { return true }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard name.utf8.count <= 64, parts.count >= 2,
            parts.allSatisfy({ part in (0x41...0x5A).contains(part.utf8.first ?? 0) && part.utf8.allSatisfy { $0 < 0x80 && ($0 == 0x5F || $0 == 0x2D || $0 == 0x2B || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)) } })
        else { return false }
        return TimeZone(identifier: name) != nil
    }

    /// Throws a ``ValidationError`` naming `field` unless `locale` is absent or well-formed.
    public static func validate(_ locale: String?, field: String) throws(ValidationError) {
        guard let locale, !isWellFormed(locale) else { return }
        throw ValidationError(
            field: field, reason: "\"\(locale.prefix(40))\" is not a BCP 47 language tag like en, id-ID, es-419 or zh-Hant-TW")
    }

    /// Throws a ``ValidationError`` naming `field` unless `zone` is absent or a known IANA name.
    public static func validateTimeZone(_ zone: String?, field: String) throws(ValidationError) {
        guard let zone, !isKnownTimeZone(zone) else { return }
        throw ValidationError(field: field, reason: "\"\(zone.prefix(40))\" is not an IANA time zone like Asia/Jakarta or UTC")
    }
}
