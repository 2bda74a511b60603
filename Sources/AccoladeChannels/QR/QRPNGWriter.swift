import CZlib
import Foundation

/// Draws a ``QRMatrix`` as a greyscale PNG without libpng: one IHDR, one zlib-deflated IDAT, IEND.
///
/// Each module becomes `scale × scale` pixels inside a light quiet zone. Only the first pixel row
/// of a module row is stored literally; the other `scale - 1` use PNG's "Up" filter with zero
/// bytes (a copy of the row above), which deflate squeezes to almost nothing and does so quickly.
public struct QRPNGWriter: Sendable {
    /// Pixels per module.
    public var scale: Int
    /// Light border, in modules.
    public var quietZone: Int
    /// 1 (8 pixels per byte) or 8 (one byte per pixel).
    public var bitDepth: Int

    /// Creates a writer.
    ///
    /// - Throws: ``QRError/invalidSettings(_:)`` for a scale below 1, a negative quiet zone or a
    ///   bit depth other than 1 or 8.
    public init(scale: Int, quietZone: Int = 4, bitDepth: Int = 1) throws(QRError) {
        guard scale >= 1 else { throw .invalidSettings("scale is \(scale), it must be at least 1") }
        guard quietZone >= 0 else { throw .invalidSettings("quiet zone is \(quietZone), it must not be negative") }
        guard bitDepth == 1 || bitDepth == 8 else { throw .invalidSettings("PNG bit depth is \(bitDepth), it must be 1 or 8") }
        self.scale = scale
        self.quietZone = quietZone
        self.bitDepth = bitDepth
    }

    /// Width and height of the image in pixels.
    public func side(for matrix: QRMatrix) -> Int { (matrix.size + 2 * quietZone) * scale }

    /// The PNG bytes.
    ///
    /// - Throws: ``QRError/imageFailed(_:)`` when zlib fails (see ``QRDeflater``).
    public func png(_ matrix: QRMatrix) throws(QRError) -> [UInt8] {
        let side = side(for: matrix)
        let raw = scanlines(matrix, side: side)
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        out.reserveCapacity(raw.count / 4 + 128)
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(side))
        header.appendBigEndian(UInt32(side))
        // bit depth, colour type 0 (grey), compression 0, filter 0, interlace 0
        header += [UInt8(bitDepth), 0, 0, 0, 0]
        Self.appendChunk("IHDR", header, to: &out)
        Self.appendChunk("IDAT", try QRDeflater.shared.deflate(raw), to: &out)
        Self.appendChunk("IEND", [], to: &out)
        return out
    }

    /// Filtered scanlines: a filter byte then the row's pixels, for every pixel row.
    func scanlines(_ matrix: QRMatrix, side: Int) -> [UInt8] {
        let rowBytes = bitDepth == 8 ? side : (side + 7) / 8
        var raw = [UInt8](repeating: 0, count: side * (rowBytes + 1))
        let modulesPerSide = matrix.size + 2 * quietZone
        raw.withUnsafeMutableBufferPointer { buffer in
            for moduleRow in 0..<modulesPerSide {
                let y = moduleRow - quietZone
                let base = moduleRow * scale * (rowBytes + 1)
                // filter 0 (None) for the literal row
                buffer[base] = 0
                let row = UnsafeMutableBufferPointer(rebasing: buffer[(base + 1)..<(base + 1 + rowBytes)])
                if bitDepth == 8 {
                    fillGrey8(row, matrix: matrix, y: y, modulesPerSide: modulesPerSide)
                } else {
                    fillGrey1(row, matrix: matrix, y: y, modulesPerSide: modulesPerSide)
                }
                // The repeated rows keep their zero bytes and get filter 2 (Up).
                for repeatRow in 1..<scale { buffer[base + repeatRow * (rowBytes + 1)] = 2 }
            }
        }
        return raw
    }

    private func fillGrey8(_ row: UnsafeMutableBufferPointer<UInt8>, matrix: QRMatrix, y: Int, modulesPerSide: Int) {
        var px = 0
        for moduleColumn in 0..<modulesPerSide {
            let value: UInt8 = matrix.isDark(x: moduleColumn - quietZone, y: y) ? 0x00 : 0xFF
            for _ in 0..<scale {
                row[px] = value
                px += 1
            }
        }
    }

    private func fillGrey1(_ row: UnsafeMutableBufferPointer<UInt8>, matrix: QRMatrix, y: Int, modulesPerSide: Int) {
        // Start all light (1 bits; padding bits past the last pixel are ignored), then clear the dark pixels, MSB first.
        for i in row.indices { row[i] = 0xFF }
        for moduleColumn in 0..<modulesPerSide where matrix.isDark(x: moduleColumn - quietZone, y: y) {
            let start = moduleColumn * scale
            for px in start..<(start + scale) { row[px >> 3] &= ~(0x80 >> UInt8(px & 7)) }
        }
    }

    static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        out.appendBigEndian(UInt32(data.count))
        let typeBytes = Array(type.utf8)
        out += typeBytes
        out += data
        var crc = crc32(0, typeBytes, uInt(typeBytes.count))
        crc = data.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt(data.count)) }
        out.appendBigEndian(UInt32(truncatingIfNeeded: crc))
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8((value >> 16) & 0xFF))
        append(UInt8((value >> 8) & 0xFF))
        append(UInt8(value & 0xFF))
    }
}
