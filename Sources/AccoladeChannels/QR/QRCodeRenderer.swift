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
    public init(level: QRErrorCorrection = .M, scale: Int = 8, quietZone: Int = 4, pngBitDepth: Int = 1) {
        self.level = level
        pngWriter = QRPNGWriter(scale: scale, quietZone: quietZone, bitDepth: pngBitDepth)
        svgWriter = QRSVGWriter(scale: scale, quietZone: quietZone)
    }

    /// Creates a renderer from `channels.qr`.
    public init(_ config: QRChannelConfig) {
        self.init(level: config.level, scale: config.scale, quietZone: config.quietZone, pngBitDepth: config.pngBitDepth)
    }

    /// Encodes and draws `payload`.
    public func render(_ payload: String) throws(QRError) -> QRImages {
        let matrix = try QREncoder.encode(payload, level: level)
        return QRImages(matrix: matrix, png: pngWriter.png(matrix), svg: svgWriter.svg(matrix))
    }

    /// Encodes and draws only the PNG (the benchmark's and email's path).
    public func png(_ payload: String) throws(QRError) -> [UInt8] {
        pngWriter.png(try QREncoder.encode(payload, level: level))
    }
}
