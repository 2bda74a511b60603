/// How an SMS body will travel: encoding, size and number of parts.
///
/// GSM-7 is used when every character is in the GSM 03.38 basic or extension table
/// (extension characters such as `€`, `[`, `{` cost two septets); otherwise the whole message
/// goes as UCS-2, counted in UTF-16 units (an emoji costs two). One message holds 160 septets
/// or 70 units; a concatenated message holds 153 or 67 per part, and a part never ends inside
/// an ESC pair or a surrogate pair, so ``segments`` can exceed `ceil(units / 153)` — the same
/// rule as Twilio's segment calculator.
public struct SMSAnalysis: Sendable, Hashable {
    /// The two encodings an SMS body can use.
    public enum Encoding: String, Sendable, Hashable, Codable {
        /// GSM 03.38 7-bit default alphabet with the extension table.
        case gsm7
        /// UCS-2 (UTF-16 code units).
        case ucs2
    }

    /// A character that GSM-7 cannot carry, and so forced UCS-2.
    public struct OffendingCharacter: Sendable, Hashable {
        /// The character.
        public var character: Character
        /// Its offset in the text, counted in `Character`s (grapheme clusters) from 0.
        public var offset: Int
    }

    /// The encoding the message needs.
    public var encoding: Encoding
    /// Size in the encoding's units: septets for GSM-7, UTF-16 code units for UCS-2.
    public var units: Int
    /// How many SMS parts the message takes (0 for an empty text).
    public var segments: Int
    /// Characters that forced UCS-2, in order (empty for GSM-7).
    public var nonGSMCharacters: [OffendingCharacter]

    /// Units that fit in a single (unconcatenated) message.
    public var singleLimit: Int { encoding == .gsm7 ? 160 : 70 }
    /// Units that fit in each part of a concatenated message.
    public var partLimit: Int { encoding == .gsm7 ? 153 : 67 }

    /// Analyses `text` as an SMS body.
    public init(_ text: String) {
        if let fast = Self.gsmFastPath(text) {
            self = fast
            return
        }
        var offending: [OffendingCharacter] = []
        // Per-character costs in septets; discarded if UCS-2 turns out to be needed.
        var costs: [Int] = []
        costs.reserveCapacity(text.utf8.count)
        for (offset, character) in text.enumerated() {
            // Costs are kept per scalar: a CRLF cluster may be split between parts, an ESC pair not.
            let scalarCosts = character.unicodeScalars.map(GSM7Alphabet.septets)
            if scalarCosts.contains(nil) {
                offending.append(OffendingCharacter(character: character, offset: offset))
            } else {
                costs.append(contentsOf: scalarCosts.map { $0! })
            }
        }
        if offending.isEmpty {
            encoding = .gsm7
            units = costs.reduce(0, +)
            segments = Self.count(costs: costs, single: 160, part: 153)
        } else {
            encoding = .ucs2
            // Keep each grapheme cluster whole when it fits in a part ("ideally do not split
            // grapheme clusters"); a cluster longer than a part is split at scalar boundaries,
            // which never separates a surrogate pair.
            var clusterCosts: [Int] = []
            for character in text {
                let cost = character.utf16.count
                if cost <= 67 {
                    clusterCosts.append(cost)
                } else {
                    for scalar in character.unicodeScalars { clusterCosts.append(scalar.utf16.count) }
                }
            }
            units = text.utf16.count
            segments = Self.count(costs: clusterCosts, single: 70, part: 67)
        }
        nonGSMCharacters = offending
    }

    /// Septets per ASCII scalar (0: not in GSM 03.38), from ``GSM7Alphabet``.
    private static let asciiCosts: [UInt8] = (0..<128).map { UInt8(GSM7Alphabet.septets(Unicode.Scalar(UInt8($0))) ?? 0) }

    /// The common case without any `Character` work: a text GSM-7 can carry. The general path
    /// keeps costs per scalar too, so walking scalars gives the same units and parts. Nil sends
    /// the text through the general path, which also finds the offending characters.
    private static func gsmFastPath(_ text: String) -> SMSAnalysis? {
        @inline(__always) func cost(_ scalar: Unicode.Scalar) -> Int {
            scalar.value < 128 ? Int(asciiCosts[Int(scalar.value)]) : (GSM7Alphabet.septets(scalar) ?? 0)
        }
        var units = 0
        for scalar in text.unicodeScalars {
            let c = cost(scalar)
            guard c > 0 else { return nil }
            units += c
        }
        let segments: Int
        if units == 0 {
            segments = 0
        } else if units <= 160 {
            segments = 1
        } else {
            // Greedy part filling, as ``count(costs:single:part:)``: an escape pair never splits.
            var parts = 1
            var used = 0
            for scalar in text.unicodeScalars {
                let c = cost(scalar)
                if used + c > 153 {
                    parts += 1
                    used = 0
                }
                used += c
            }
            segments = parts
        }
        return SMSAnalysis(encoding: .gsm7, units: units, segments: segments, nonGSMCharacters: [])
    }

    private init(encoding: Encoding, units: Int, segments: Int, nonGSMCharacters: [OffendingCharacter]) {
        self.encoding = encoding
        self.units = units
        self.segments = segments
        self.nonGSMCharacters = nonGSMCharacters
    }

    /// Greedy part filling over indivisible costs.
    private static func count(costs: [Int], single: Int, part: Int) -> Int {
        let total = costs.reduce(0, +)
        if total == 0 { return 0 }
        if total <= single { return 1 }
        var parts = 1
        var used = 0
        for cost in costs {
            if used + cost > part {
                parts += 1
                used = 0
            }
            used += cost
        }
        return parts
    }
}
