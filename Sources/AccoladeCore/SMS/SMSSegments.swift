/// The parts an SMS body is sent as when Accolade concatenates it itself: pure.
///
/// The same rule as ``SMSAnalysis/segments``: a part holds 153 septets (GSM-7) or 67 UTF-16
/// units (UCS-2) — what is left of 140 octets after the 6-octet concatenation header — and a
/// boundary always falls between characters: never inside an ESC + extension pair (each GSM
/// scalar is indivisible), never inside a surrogate pair, and never inside a grapheme cluster that
/// fits in a part (a cluster longer than a part is split between its scalars). A handset
/// that joins the parts in order gets back exactly the text.
public struct SMSSegments: Sendable, Hashable {
    /// The analysis the split follows.
    public let analysis: SMSAnalysis
    /// The parts in order: one element for a single message, none for an empty text.
    public let parts: [String]

    /// Splits `text`; `analysis` must be `SMSAnalysis(text)` when given (it is computed otherwise).
    public init(_ text: String, analysis: SMSAnalysis? = nil) {
        let analysis = analysis ?? SMSAnalysis(text)
        self.analysis = analysis
        if analysis.segments <= 1 {
            parts = text.isEmpty ? [] : [text]
            return
        }
        let limit = analysis.partLimit
        var split: [String] = []
        var current = String.UnicodeScalarView()
        var used = 0
        func append(_ scalars: some Sequence<Unicode.Scalar>, cost: Int) {
            if used + cost > limit, used > 0 {
                split.append(String(current))
                current = String.UnicodeScalarView()
                used = 0
            }
            current.append(contentsOf: scalars)
            used += cost
        }
        switch analysis.encoding {
        case .gsm7:
            for scalar in text.unicodeScalars { append(CollectionOfOne(scalar), cost: GSM7Alphabet.septets(scalar) ?? 1) }
        case .ucs2:
            for character in text {
                let cost = character.utf16.count
                if cost <= limit {
                    append(character.unicodeScalars, cost: cost)
                } else {
                    for scalar in character.unicodeScalars { append(CollectionOfOne(scalar), cost: scalar.utf16.count) }
                }
            }
        }
        if used > 0 { split.append(String(current)) }
        parts = split
    }

    /// The size of `part` in the encoding's units (septets or UTF-16 units).
    public func units(of part: String) -> Int {
        switch analysis.encoding {
        case .gsm7: part.unicodeScalars.reduce(0) { $0 + (GSM7Alphabet.septets($1) ?? 1) }
        case .ucs2: part.utf16.count
        }
    }
}

/// The concatenation information element of a part's user data header (3GPP TS 23.040
/// §9.2.3.24.1, IEI 0x00, 8-bit reference): what a handset joins the parts by.
///
/// The 8-bit form keeps the header at 6 octets, which is what the 153/67 per-part figures (and
/// Twilio's) assume; the 16-bit form (IEI 0x08) would cost one more octet per part.
public struct SMSConcatenationHeader: Sendable, Hashable {
    /// The reference shared by every part of one message.
    public var reference: UInt8
    /// How many parts the message has (2…255).
    public var total: UInt8
    /// This part's number, from 1.
    public var sequence: UInt8

    /// Creates a header.
    public init(reference: UInt8, total: UInt8, sequence: UInt8) {
        self.reference = reference
        self.total = total
        self.sequence = sequence
    }

    /// The header's octets: `05 00 03 ref total seq` (UDHL, IEI, IE length, data).
    public var bytes: [UInt8] { [0x05, 0x00, 0x03, reference, total, sequence] }

    /// A reference derived from the delivery id (FNV-1a, low byte), so a retry of the same
    /// delivery reuses it and a handset that kept the earlier parts replaces them instead of
    /// showing a second, different message.
    public static func reference(forDelivery deliveryID: String) -> UInt8 {
        var hash: UInt32 = 2_166_136_261
        for byte in deliveryID.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return UInt8(truncatingIfNeeded: hash ^ (hash >> 8) ^ (hash >> 16) ^ (hash >> 24))
    }
}
