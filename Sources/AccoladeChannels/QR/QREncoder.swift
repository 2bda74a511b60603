import AccoladeCore
import CQRencode
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A QR symbol as a square of modules, without quiet zone.
public struct QRMatrix: Sendable, Hashable {
    /// Modules per side (21 for version 1, +4 per version).
    public let size: Int
    /// The QR version (1…40).
    public let version: Int
    /// `size × size` values, row by row: 1 for a dark module, 0 for light.
    public let modules: [UInt8]

    /// Creates a matrix from row-major 0/1 modules.
    ///
    /// - Throws: ``QRError/encodingFailed(_:)`` when `modules` is not `size × size` values.
    public init(size: Int, version: Int, modules: [UInt8]) throws(QRError) {
        guard size > 0, modules.count == size * size else {
            throw .encodingFailed("\(modules.count) modules do not make a \(size) × \(size) symbol")
        }
        self.size = size
        self.version = version
        self.modules = modules
    }

    /// Whether the module at column `x`, row `y` is dark; outside the symbol is light.
    @inline(__always)
    public func isDark(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < size && y < size && modules[y * size + x] != 0
    }
}

/// Encodes payloads with libqrencode (thread-safe: every call builds its own input).
public enum QREncoder {
    /// ECI designator for UTF-8 (ISO/IEC 18004 §6.4.2), so scanners do not guess Shift-JIS.
    static let eciUTF8: UInt32 = 26

    /// Encodes `payload` at `level`, choosing the smallest version that fits.
    ///
    /// ASCII payloads (URLs, codes) let libqrencode mix numeric, alphanumeric and byte segments;
    /// anything else is one byte segment after an ECI 26 (UTF-8) header.
    /// - Throws: ``QRError/payloadTooLarge(bytes:level:limit:)`` naming the level's limit.
    public static func encode(_ payload: String, level: QRErrorCorrection) throws(QRError) -> QRMatrix {
        let bytes = Array(payload.utf8)
        guard !bytes.isEmpty else { throw .invalidPayload("is empty") }
        guard !bytes.contains(0) else { throw .invalidPayload("contains a NUL character") }
        guard bytes.count <= level.maximumBytes else {
            throw .payloadTooLarge(bytes: bytes.count, level: level, limit: level.maximumBytes)
        }
        let code: UnsafeMutablePointer<QRcode>?
        if bytes.allSatisfy({ $0 < 0x80 }) {
            // casesensitive 1: 0 would upper-case the input for alphanumeric mode and corrupt URLs.
            code = QRcode_encodeString(payload, 0, level.c, QR_MODE_8, 1)
        } else {
            code = encodeUTF8(bytes, level: level.c)
        }
        guard let code else {
            let error = errno
            if error == ERANGE { throw .payloadTooLarge(bytes: bytes.count, level: level, limit: level.maximumBytes) }
            throw .encodingFailed(String(cString: strerror(error)))
        }
        defer { QRcode_free(code) }
        let size = Int(code.pointee.width)
        guard size > 0, let data = code.pointee.data else { throw .encodingFailed("libqrencode returned an empty symbol") }
        var modules = [UInt8](repeating: 0, count: size * size)
        for i in 0..<(size * size) { modules[i] = data[i] & 1 }
        return try QRMatrix(size: size, version: Int(code.pointee.version), modules: modules)
    }

    private static func encodeUTF8(_ bytes: [UInt8], level: QRecLevel) -> UnsafeMutablePointer<QRcode>? {
        guard let input = QRinput_new2(0, level) else { return nil }
        defer { QRinput_free(input) }
        guard QRinput_appendECIheader(input, eciUTF8) == 0,
            QRinput_append(input, QR_MODE_8, Int32(bytes.count), bytes) == 0
        else { return nil }
        return QRcode_encodeInput(input)
    }
}

extension QRErrorCorrection {
    /// libqrencode's constant for this level.
    var c: QRecLevel {
        switch self {
        case .L: QR_ECLEVEL_L
        case .M: QR_ECLEVEL_M
        case .Q: QR_ECLEVEL_Q
        case .H: QR_ECLEVEL_H
        }
    }
}
