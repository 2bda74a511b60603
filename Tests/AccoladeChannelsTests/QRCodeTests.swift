import AccoladeChannels
import AccoladeCore
import AccoladeTestSupport
import CZlib
import Foundation
import Testing

/// Every produced image is decoded by zbarimg and compared byte for byte with the payload.
@Suite struct QRCodeTests {
    static let payloads = [QRFixtures.url, QRFixtures.indonesian, QRFixtures.german, QRFixtures.emoji]

    @Test(.enabled(if: QRScan.hasZbar, QRScan.missingZbar), arguments: QRErrorCorrection.allCases, [1, 8])
    func pngDecodesToTheExactPayloadAtEveryLevel(level: QRErrorCorrection, bitDepth: Int) throws {
        let renderer = try QRCodeRenderer(level: level, scale: 4, quietZone: 4, pngBitDepth: bitDepth)
        for payload in Self.payloads {
            let png = try renderer.png(payload)
            let decoded = try #require(try QRScan.decode(png: png), "level \(level), \(bitDepth)-bit: no code found for \(payload)")
            #expect(decoded == Array(payload.utf8), "level \(level): \(String(decoding: decoded, as: UTF8.self))")
        }
    }

    @Test(.enabled(if: QRScan.hasZbar && QRScan.hasRsvg, QRScan.missingRsvg), arguments: QRErrorCorrection.allCases)
    func svgRasterisedByRsvgDecodes(level: QRErrorCorrection) throws {
        let renderer = try QRCodeRenderer(level: level, scale: 8)
        for payload in Self.payloads {
            let svg = try renderer.render(payload).svg
            #expect(svg.contains("shape-rendering=\"crispEdges\""))
            let decoded = try #require(try QRScan.decode(svg: svg), "level \(level): SVG did not decode")
            #expect(decoded == Array(payload.utf8))
        }
    }

    @Test func svgMergesRunsIntoOnePath() throws {
        let images = try QRCodeRenderer(level: .M, scale: 8).render(QRFixtures.url)
        let svg = images.svg
        #expect(svg.components(separatedBy: "<path").count == 2)
        let darkModules = images.matrix.modules.filter { $0 != 0 }.count
        let runs = svg.components(separatedBy: "M").count - 1
        #expect(runs < darkModules * 2 / 3, "runs \(runs), dark modules \(darkModules)")
        let side = images.matrix.size + 8
        #expect(svg.contains("viewBox=\"0 0 \(side) \(side)\""))
    }

    @Test(arguments: QRErrorCorrection.allCases)
    func oversizePayloadIsRejectedNamingTheLimit(level: QRErrorCorrection) throws {
        let payload = String(repeating: "a", count: level.maximumBytes + 1)
        #expect(throws: QRError.payloadTooLarge(bytes: level.maximumBytes + 1, level: level, limit: level.maximumBytes)) {
            try QREncoder.encode(payload, level: level)
        }
        let description = QRError.payloadTooLarge(bytes: level.maximumBytes + 1, level: level, limit: level.maximumBytes).description
        #expect(description.contains("at most \(level.maximumBytes) bytes"))
    }

    @Test func largestByteModePayloadFitsInVersion40() throws {
        // Lower-case letters and punctuation force byte mode: exactly the measured limit fits.
        let payload = String(repeating: "a~", count: QRErrorCorrection.M.maximumBytes / 2) + "a"
        #expect(payload.utf8.count == 2331)
        let matrix = try QREncoder.encode(payload, level: .M)
        #expect(matrix.version == 40)
        #expect(matrix.size == 177)
    }

    @Test func nonASCIIJustOverTheLimitFailsWithTheLimit() {
        // ECI header plus 2331 bytes of UTF-8 does not fit level M.
        let payload = String(repeating: "ä", count: 1166)
        #expect(payload.utf8.count == 2332)
        #expect(throws: QRError.payloadTooLarge(bytes: 2332, level: .M, limit: 2331)) { try QREncoder.encode(payload, level: .M) }
        let eciOverflow = String(repeating: "ä", count: 1165) + "a"  // 2331 bytes: fits byte mode, not with ECI
        #expect(throws: QRError.payloadTooLarge(bytes: 2331, level: .M, limit: 2331)) { try QREncoder.encode(eciOverflow, level: .M) }
    }

    @Test func emptyPayloadIsRejected() {
        #expect(throws: QRError.invalidPayload("is empty")) { try QREncoder.encode("", level: .M) }
    }

    @Test func sixtyByteURLAtLevelMIsASmallSymbol() throws {
        let matrix = try QREncoder.encode(QRFixtures.url, level: .M)
        #expect(matrix.version <= 5)
        #expect(matrix.size == 17 + 4 * matrix.version)
    }

    @Test(arguments: [1, 8])
    func pngIsWellFormed(bitDepth: Int) throws {
        let writer = try QRPNGWriter(scale: 4, quietZone: 4, bitDepth: bitDepth)
        let matrix = try QREncoder.encode(QRFixtures.url, level: .M)
        let png = try writer.png(matrix)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var offset = 8
        var chunks: [String] = []
        while offset < png.count {
            let length = Int(png[offset]) << 24 | Int(png[offset + 1]) << 16 | Int(png[offset + 2]) << 8 | Int(png[offset + 3])
            let typeAndData = Array(png[(offset + 4)..<(offset + 8 + length)])
            let stored = png[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let crc = typeAndData.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
            #expect(crc == stored)
            let type = String(decoding: typeAndData.prefix(4), as: UTF8.self)
            chunks.append(type)
            if type == "IHDR" {
                let side = (matrix.size + 8) * 4
                #expect(Array(typeAndData[4..<8]) == [0, 0, UInt8(side >> 8), UInt8(side & 0xFF)])
                #expect(typeAndData[12] == UInt8(bitDepth))
                #expect(typeAndData[13] == 0)
            }
            offset += 12 + length
        }
        #expect(chunks == ["IHDR", "IDAT", "IEND"])
        #expect(offset == png.count)
    }

    @Test func renderingIsDeterministic() throws {
        let renderer = try QRCodeRenderer(level: .Q, scale: 6)
        #expect(try renderer.render(QRFixtures.german) == renderer.render(QRFixtures.german))
    }

    @Test func halfBlocksDrawTwoModuleRowsPerLine() throws {
        let matrix = try QREncoder.encode(QRFixtures.url, level: .M)
        let lines = QRTextRenderer(quietZone: 4).lines(matrix)
        let side = matrix.size + 8
        #expect(lines.count == (side + 1) / 2)
        #expect(lines.allSatisfy { $0.count == side })
        // The quiet zone is light: a full line of blocks on top.
        #expect(lines[0] == String(repeating: "█", count: side))
        // The top-left finder pattern starts at module (4, 4): line 2 holds rows 4 and 5, both dark there.
        let row = Array(lines[2])
        #expect(row[4] == " ")
        #expect(row[3] == "█")
    }
}
