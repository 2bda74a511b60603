import AccoladeCore

/// One payload drawn in both formats.
public struct QRImages: Sendable, Hashable {
    /// The encoded symbol.
    public let matrix: QRMatrix
    /// The PNG file.
    public let png: [UInt8]
    /// The SVG document.
    public let svg: String
}

/// Payload → PNG + SVG with fixed settings: pure and deterministic (same input, same bytes).
public struct QRCodeRenderer: Sendable {
    /// Error-correction level.
    public let level: QRErrorCorrection
    /// PNG drawing settings.
    public let pngWriter: QRPNGWriter
    /// SVG drawing settings.
    public let svgWriter: QRSVGWriter

    /// Creates a renderer from explicit settings.
    ///
    /// - Throws: ``QRError/invalidSettings(_:)`` for settings no PNG can be drawn with.
    public init(level: QRErrorCorrection = .M, scale: Int = 8, quietZone: Int = 4, pngBitDepth: Int = 1) throws(QRError) {
        self.level = level
        pngWriter = try QRPNGWriter(scale: scale, quietZone: quietZone, bitDepth: pngBitDepth)
        svgWriter = QRSVGWriter(scale: scale, quietZone: quietZone)
    }

    /// Creates a renderer from `channels.qr` (checked when the file is read, so this throws only
    /// for a section built in code with settings the file would refuse).
    public init(_ config: QRChannelConfig) throws(QRError) {
        try self.init(level: config.level, scale: config.scale, quietZone: config.quietZone, pngBitDepth: config.pngBitDepth)
    }

    /// Encodes and draws `payload`.
    public func render(_ payload: String) throws(QRError) -> QRImages {
        let matrix = try QREncoder.encode(payload, level: level)
        return QRImages(matrix: matrix, png: try pngWriter.png(matrix), svg: svgWriter.svg(matrix))
    }

    /// Encodes and draws only the PNG (the benchmark's and email's path).
    public func png(_ payload: String) throws(QRError) -> [UInt8] {
        try pngWriter.png(try QREncoder.encode(payload, level: level))
    }
}
