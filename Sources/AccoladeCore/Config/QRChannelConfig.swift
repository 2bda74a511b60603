import Foundation

/// QR error-correction level: how much of a damaged or covered symbol a scanner can recover.
public enum QRErrorCorrection: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// About 7 % recoverable: the densest symbol.
    case L
    /// About 15 %: a good default for screens.
    case M
    /// About 25 %: print.
    case Q
    /// About 30 %: print with a logo over the symbol.
    case H

    /// Largest payload in bytes (byte mode, version 40), measured with libqrencode 4.1.1.
    public var maximumBytes: Int {
        switch self {
        case .L: 2953
        case .M: 2331
        case .Q: 1663
        case .H: 1273
        }
    }

    /// The level's letter.
    public var description: String { rawValue }
}

/// `channels.qr`: where QR images are kept and how they are drawn.
///
/// ```yaml
/// channels:
///   qr:
///     directory: var/qr
///     level: M              # L | M | Q | H
///     scale: 8              # pixels per module
///     quiet_zone: 4         # light border, in modules (at least 4)
///     png_bit_depth: 1      # 1 (smallest) | 8
///     signing_key: ${QR_SIGNING_KEY}   # optional: appends an HMAC to every payload
/// ```
public struct QRChannelConfig: Sendable, Hashable, CustomStringConvertible {
    /// Folder holding the PNG and SVG files (and the key that makes their URLs unguessable).
    public var directory: String
    /// Error-correction level.
    public var level: QRErrorCorrection
    /// Pixels per module in the PNG.
    public var scale: Int
    /// Light border on every side, in modules; scanners need at least 4.
    public var quietZone: Int
    /// PNG greyscale bit depth: 1 or 8.
    public var pngBitDepth: Int
    /// Key for the HMAC appended to payloads (secret: never printed); nil leaves payloads unsigned.
    public var signingKey: String?

    /// Creates a QR section.
    public init(
        directory: String = "var/qr", level: QRErrorCorrection = .M, scale: Int = 8, quietZone: Int = 4, pngBitDepth: Int = 1,
        signingKey: String? = nil
    ) {
        self.directory = directory
        self.level = level
        self.scale = scale
        self.quietZone = quietZone
        self.pngBitDepth = pngBitDepth
        self.signingKey = signingKey
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        directory = try node.string("directory") ?? "var/qr"
        level = try node.choice("level", as: QRErrorCorrection.self) ?? .M
        scale = try node.int("scale", in: 1...64) ?? 8
        quietZone = try node.int("quiet_zone", in: 4...64) ?? 4
        pngBitDepth = try node.int("png_bit_depth", in: 1...8) ?? 1
        guard pngBitDepth == 1 || pngBitDepth == 8 else {
            throw ConfigError(path: "channels.qr.png_bit_depth", reason: "must be 1 or 8, got \(pngBitDepth)")
        }
        signingKey = try node.string("signing_key")
        if let key = signingKey, key.utf8.count < 16 {
            throw ConfigError(path: "channels.qr.signing_key", reason: "must be at least 16 bytes; generate one with `openssl rand -base64 32`")
        }
        try node.rejectUnknownKeys()
    }

    /// A description with the signing key masked.
    public var description: String {
        "qr(directory: \(directory), level: \(level), scale: \(scale), quiet_zone: \(quietZone), png_bit_depth: \(pngBitDepth), signing_key: \(signingKey == nil ? "-" : "••••"))"
    }
}
