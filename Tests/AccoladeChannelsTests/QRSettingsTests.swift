import AccoladeChannels
import AccoladeCore
import Testing

/// Settings and library answers that used to stop the process now come back as typed errors.
@Suite("QR drawing refuses bad settings with an error")
struct QRSettingsTests {
    @Test("a scale below 1, a negative quiet zone or a bit depth other than 1 or 8 is an error naming it")
    func invalidPNGSettings() {
        for (scale, quietZone, bitDepth, word) in [(0, 4, 1, "scale"), (4, -1, 1, "quiet zone"), (4, 4, 4, "bit depth")] {
            #expect {
                _ = try QRCodeRenderer(level: .M, scale: scale, quietZone: quietZone, pngBitDepth: bitDepth)
            } throws: { error in
                guard let error = error as? QRError, case .invalidSettings(let reason) = error else { return false }
                return reason.contains(word) && !error.isTransient
            }
        }
        #expect(throws: QRError.self) { try QRCodeRenderer(QRChannelConfig(scale: 0)) }
    }

    @Test("a matrix whose module count is not size × size is refused")
    func matrixShape() throws {
        #expect(throws: QRError.self) { try QRMatrix(size: 21, version: 1, modules: [1, 0, 1]) }
        #expect(throws: QRError.self) { try QRMatrix(size: 0, version: 1, modules: []) }
        #expect(try QRMatrix(size: 1, version: 1, modules: [1]).isDark(x: 0, y: 0))
    }

    @Test("a zlib failure is transient and says what to check")
    func imageFailureIsTransient() {
        let error = QRError.imageFailed("zlib deflateInit answered -4 (out of memory)")
        #expect(error.isTransient)
        #expect(error.description.contains("retried"))
    }
}
