/// Turns a delivery's `last_error` into the text the dashboard's "top failure reasons" group by:
/// the per-message variables a provider writes into its answer become placeholders, so a
/// thousand rejected recipients are one reason, not a thousand. Pure; no I/O.
///
/// | in the text | becomes |
/// |---|---|
/// | an e-mail address, also inside `<…>` (`550 5.1.1 <ana@example.com>: …`) | `<address>` |
/// | an E.164 number, `+` and 7–15 digits (`whatsapp:+6281234567890`) | `<phone>` |
/// | an ISO 8601 time (`2026-12-07T09:07:23.123Z`) | `<time>` |
/// | a UUID | `<id>` |
/// | an IPv4 address (a relay's) | `<ip>` |
/// | a number of milliseconds, seconds or bytes (`after 30001 milliseconds`, `37 s`) | `<n> milliseconds`, … |
/// | a word holding an id (below), with its `.`, `-`, `_` parts (`d9443c01a7336-21e1d2a5d4bsi.123`) | `<id>` |
/// | the worker named by a lease rescue (`lease of web-1:4821:3735928559 expired at …`) | `lease of <worker>` |
///
/// A part of a word (split at `.`, `-`, `_`) is an id when it is
/// - a run of ``minimumIDDigits`` (7) or more digits: message, queue and account numbers, a phone
///   number without its `+` (WhatsApp's `wa_id`);
/// - 8 or more hex digits with at least one digit (SES message ids, hashes, `fbtrace`-like ids);
/// - 8 or more letters and digits changing between the two at least three times
///   (`4BX9f22Lz`, Twilio's `SM…` sids, base64 ids such as `wamid.HBgL…`).
///
/// What stays is what means something: SMTP reply codes (`550`, `452`) and enhanced status codes
/// (`5.1.1`), HTTP statuses (`429`), provider error codes of up to six digits (WhatsApp `131026`,
/// `(#131056)`, Twilio `21211`, `30003`), `curl:28`, counts of attempts and every word of text.
/// The rule's edge is deliberate: no provider code we classify has seven digits, and ids shorter
/// than that are rare enough to cost a few extra groups, not a wrong merge.
public enum FailureReasonNormaliser {
    /// Digit runs at least this long are ids; shorter ones (status and error codes) are kept.
    public static let minimumIDDigits = 7

    /// `reason` with its per-message variables replaced by placeholders (see the type).
    public static func normalise(_ reason: String) -> String {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(reason.utf8.count)
        for c in reason.unicodeScalars { scalars.append(c) }
        var scanner = Scanner(scalars)
        return scanner.run()
    }

    /// Merges groups of raw reasons (as the stores read them, grouped by exact text) into groups
    /// of normalised reasons, each cut to ``FailureReason/maximumReasonLength`` characters: counts
    /// add up, most frequent first (then by channel and reason), at most `limit` groups.
    public static func merge(_ raw: [FailureReason], limit: Int) -> [FailureReason] {
        guard limit > 0 else { return [] }
        struct Key: Hashable {
            var channel: String
            var reason: String
        }
        var counts: [Key: Int64] = [:]
        for group in raw {
            counts[Key(channel: group.channel, reason: cut(normalise(group.reason))), default: 0] += group.count
        }
        return counts.map { FailureReason(channel: $0.key.channel, reason: $0.key.reason, count: $0.value) }
            .sorted { ($1.count, $0.channel, $0.reason) < ($0.count, $1.channel, $1.reason) }
            .prefix(limit).map { $0 }
    }

    /// The first ``FailureReason/maximumReasonLength`` characters (Unicode scalars, as the
    /// stores' SQL `substr` counts them).
    static func cut(_ text: String) -> String {
        let limit = FailureReason.maximumReasonLength
        guard text.utf8.count > limit else { return text }
        let scalars = text.unicodeScalars
        guard let end = scalars.index(scalars.startIndex, offsetBy: limit, limitedBy: scalars.endIndex) else { return text }
        return String(scalars[..<end])
    }

    /// One left-to-right pass: at each place a token may start, the placeholders are tried in
    /// the order of the table (the more specific first); text that matches none is copied.
    private struct Scanner {
        let s: [Unicode.Scalar]
        /// UTF-8, decoded once at the end: appending to a `String` scalar by scalar is slower.
        var out: [UInt8] = []

        init(_ scalars: [Unicode.Scalar]) {
            s = scalars
            out.reserveCapacity(scalars.count + 16)
        }

        mutating func run() -> String {
            var i = 0
            while i < s.count {
                if let next = token(at: i) {
                    i = next
                } else {
                    put(s[i])
                    i += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        private mutating func put(_ c: Unicode.Scalar) {
            if c.isASCII {
                out.append(UInt8(c.value))
            } else {
                UTF8.encode(c) { out.append($0) }
            }
        }

        /// Emits the token starting at `i` and returns where it ends, or nil when none starts there.
        private mutating func token(at i: Int) -> Int? {
            let c = s[i]
            if let end = leaseOwner(at: i) { return emit("lease of <worker>", end) }
            if c == "<", let end = address(at: i + 1), end < s.count, s[end] == ">" { return emit("<address>", end + 1) }
            guard !alnum(at: i - 1) else { return nil }
            if let end = address(at: i) { return emit("<address>", end) }
            if c == "+", let end = phone(at: i) { return emit("<phone>", end) }
            if isDigit(c), !has(".", at: i - 1) {
                if let end = time(at: i) { return emit("<time>", end) }
                if let end = ipv4(at: i) { return emit("<ip>", end) }
                if let digitsEnd = measure(at: i) { return emit("<n>", digitsEnd) }
            }
            if let end = uuid(at: i) { return emit("<id>", end) }
            if isWordPart(c), !wordPart(at: i - 1), !has("@", at: i - 1) {
                let end = word(at: i)
                if containsID(i..<end) { return emit("<id>", end) }
                for j in i..<end { put(s[j]) }
                return end
            }
            return nil
        }

        private mutating func emit(_ placeholder: StaticString, _ end: Int) -> Int {
            placeholder.withUTF8Buffer { out.append(contentsOf: $0) }
            return end
        }

        // MARK: Matchers (each returns the end of its match)

        /// `lease of OWNER ` (the rescue's own text, `DeliveryStateMachine.rescue`): the owner is
        /// `host:pid:random`, different for every worker process.
        private func leaseOwner(at i: Int) -> Int? {
            let prefix = Self.leasePrefix
            guard s[i] == "l", i + prefix.count < s.count, !alnum(at: i - 1), s[i..<(i + prefix.count)].elementsEqual(prefix) else { return nil }
            var end = i + prefix.count
            while end < s.count, s[end] != " " { end += 1 }
            return end > i + prefix.count ? end : nil
        }

        /// `local@domain.tld`: the local part of letters, digits and `._%+=-`, a domain of at
        /// least two labels, the last of letters.
        private func address(at i: Int) -> Int? {
            var at = i
            while at < s.count, isLocal(s[at]) { at += 1 }
            guard at > i, at < s.count, s[at] == "@" else { return nil }
            var end = at + 1
            var labels = 0
            var lastLabelLetters = false
            while true {
                var j = end
                while j < s.count, isAlnum(s[j]) || s[j] == "-" { j += 1 }
                guard j > end else { break }
                labels += 1
                lastLabelLetters = s[end..<j].allSatisfy(isLetter) && j - end >= 2
                end = j
                guard end + 1 < s.count, s[end] == ".", isAlnum(s[end + 1]) else { break }
                end += 1
            }
            return labels >= 2 && lastLabelLetters ? end : nil
        }

        /// `+` and 7–15 digits, not followed by another digit.
        private func phone(at i: Int) -> Int? {
            let end = digits(from: i + 1)
            let n = end - i - 1
            return (7...15).contains(n) && !alnum(at: end) ? end : nil
        }

        /// `YYYY-MM-DD` then `T` or a space, `HH:MM`, optional `:SS`, fraction and zone.
        private func time(at i: Int) -> Int? {
            guard fixed(i, "dddd-dd-dd"), i + 10 < s.count, s[i + 10] == "T" || s[i + 10] == " ", fixed(i + 11, "dd:dd") else { return nil }
            var end = i + 16
            if fixed(end, ":dd") {
                end += 3
                if has(".", at: end), digit(at: end + 1) { end = digits(from: end + 1) }
            }
            if has("Z", at: end) {
                end += 1
            } else if has("+", at: end) || has("-", at: end), fixed(end + 1, "dd") {
                end += 3
                if fixed(end, ":dd") { end += 3 } else if fixed(end, "dd") { end += 2 }
            }
            return alnum(at: end) ? nil : end
        }

        /// Four groups of 1–3 digits joined by dots, not part of a longer dotted number.
        private func ipv4(at i: Int) -> Int? {
            var end = i
            for group in 0..<4 {
                if group > 0 {
                    guard has(".", at: end) else { return nil }
                    end += 1
                }
                let next = digits(from: end)
                guard (1...3).contains(next - end) else { return nil }
                end = next
            }
            if alnum(at: end) || (has(".", at: end) && digit(at: end + 1)) { return nil }
            return end
        }

        /// A number (optionally with a fraction) followed by a unit of time or size, as in curl's
        /// `timed out after 30001 milliseconds with 0 bytes received` or a retry-after: returns
        /// where the number ends, so only the number is replaced.
        private func measure(at i: Int) -> Int? {
            var end = digits(from: i)
            if has(".", at: end), digit(at: end + 1) { end = digits(from: end + 1) }
            var unitStart = end
            if has(" ", at: unitStart) { unitStart += 1 }
            var unitEnd = unitStart
            while unitEnd < s.count, isLetter(s[unitEnd]) { unitEnd += 1 }
            guard unitEnd > unitStart, !digit(at: unitEnd) else { return nil }
            let unit = String(String.UnicodeScalarView(s[unitStart..<unitEnd])).lowercased()
            return Self.units.contains(unit) ? end : nil
        }

        static let leasePrefix = Array("lease of ".unicodeScalars)
        static let units: Set<String> = ["ms", "msec", "millisecond", "milliseconds", "s", "sec", "secs", "second", "seconds", "bytes"]

        /// Hex groups of 8-4-4-4-12.
        private func uuid(at i: Int) -> Int? {
            guard fixed(i, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"), !alnum(at: i + 36) else { return nil }
            return i + 36
        }

        /// A run of letters, digits, `.`, `-` and `_`, without the punctuation it ends on.
        private func word(at i: Int) -> Int {
            var end = i
            while end < s.count, isWordPart(s[end]) { end += 1 }
            while end > i + 1, s[end - 1] == "." || s[end - 1] == "-" || s[end - 1] == "_" { end -= 1 }
            return end
        }

        /// Whether a part of the word (split at `.`, `-`, `_`) is an id (see the type).
        private func containsID(_ range: Range<Int>) -> Bool {
            var start = range.lowerBound
            while start < range.upperBound {
                var end = start
                while end < range.upperBound, isAlnum(s[end]) { end += 1 }
                if isID(start..<end) { return true }
                start = end + 1
            }
            return false
        }

        private func isID(_ range: Range<Int>) -> Bool {
            let part = s[range]
            var digitCount = 0
            for c in part where isDigit(c) { digitCount += 1 }
            if digitCount == part.count { return digitCount >= FailureReasonNormaliser.minimumIDDigits }
            guard part.count >= 8, digitCount > 0 else { return false }
            // `0x0000000b`: an SMPP command status (Kannel's `NACK/0x…`), a code, not an id.
            if part.count <= 10, part.first == "0", part.dropFirst().first == "x" || part.dropFirst().first == "X",
                part.dropFirst(2).allSatisfy(isHex)
            {
                return false
            }
            if part.allSatisfy(isHex) { return true }
            var changes = 0
            for (a, b) in zip(part, part.dropFirst()) where isDigit(a) != isDigit(b) { changes += 1 }
            return changes >= 3
        }

        // MARK: Characters

        /// Whether `pattern` matches at `i`: `d` a digit, `x` a hex digit, anything else itself.
        private func fixed(_ i: Int, _ pattern: StaticString) -> Bool {
            pattern.withUTF8Buffer { pattern in
                guard i >= 0, i + pattern.count <= s.count else { return false }
                for (k, p) in pattern.enumerated() {
                    let c = s[i + k]
                    switch p {
                    case UInt8(ascii: "d"): guard isDigit(c) else { return false }
                    case UInt8(ascii: "x"): guard isHex(c) else { return false }
                    default: guard c.value == UInt32(p) else { return false }
                    }
                }
                return true
            }
        }

        private func digits(from i: Int) -> Int {
            var end = i
            while end < s.count, isDigit(s[end]) { end += 1 }
            return end
        }

        private func has(_ c: Unicode.Scalar, at i: Int) -> Bool { i >= 0 && i < s.count && s[i] == c }
        private func digit(at i: Int) -> Bool { i >= 0 && i < s.count && isDigit(s[i]) }
        private func alnum(at i: Int) -> Bool { i >= 0 && i < s.count && isAlnum(s[i]) }
        private func wordPart(at i: Int) -> Bool { i >= 0 && i < s.count && isWordPart(s[i]) }
    }
}

private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
/// ASCII letters and other alphabetic characters (`jörg@example.de`, an internationalised address).
private func isLetter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c.value >= 0x80 && c.properties.isAlphabetic) }
private func isAlnum(_ c: Unicode.Scalar) -> Bool { isDigit(c) || isLetter(c) }
private func isHex(_ c: Unicode.Scalar) -> Bool { isDigit(c) || (c >= "a" && c <= "f") || (c >= "A" && c <= "F") }
private func isWordPart(_ c: Unicode.Scalar) -> Bool { isAlnum(c) || c == "." || c == "-" || c == "_" }
private func isLocal(_ c: Unicode.Scalar) -> Bool { isAlnum(c) || c == "." || c == "_" || c == "%" || c == "+" || c == "=" || c == "-" }
