import AccoladeChannels
import AccoladeCore
import AccoladeTestSupport
import Foundation
import Testing

/// Decodes images with independent real tools, not our own reading of them: `zbarimg` (zbar-tools)
/// and `rsvg-convert` (librsvg2-bin).
enum QRScan {
    static let zbarimg = "/usr/bin/zbarimg"
    static let rsvgConvert = "/usr/bin/rsvg-convert"

    /// Whether zbarimg is installed; tests that need it are disabled with this reason otherwise.
    static var hasZbar: Bool { FileManager.default.isExecutableFile(atPath: zbarimg) }
    static var hasRsvg: Bool { FileManager.default.isExecutableFile(atPath: rsvgConvert) }
    static let missingZbar: Comment = "zbarimg is missing: install Debian zbar-tools (scripts/setup.sh does)"
    static let missingRsvg: Comment = "rsvg-convert or zbarimg is missing: install Debian librsvg2-bin and zbar-tools (scripts/setup.sh does)"

    /// The exact payload bytes zbarimg reads from a PNG (`-q --raw -Sbinary`, trailing newline removed); nil when no code is found.
    static func decode(png: [UInt8]) throws -> [UInt8]? {
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("code.png")
        try Data(png).write(to: file)
        return try decode(file: file.path)
    }

    /// zbarimg on a file.
    static func decode(file: String) throws -> [UInt8]? {
        let (status, output) = try run(zbarimg, ["-q", "--raw", "-Sbinary", file])
        // zbarimg exits 0 when it decoded a symbol and 4 when it found none.
        guard status == 0 else { return nil }
        return output.last == 0x0A ? Array(output.dropLast()) : output
    }

    /// Rasterises an SVG with rsvg-convert at `width` pixels, then decodes it with zbarimg.
    static func decode(svg: String, width: Int = 370) throws -> [UInt8]? {
        let directory = try TemporaryDirectory()
        let input = directory.url.appendingPathComponent("code.svg")
        let output = directory.url.appendingPathComponent("code.png")
        try Data(svg.utf8).write(to: input)
        let (status, _) = try run(rsvgConvert, ["-w", "\(width)", input.path, "-o", output.path])
        guard status == 0 else { return nil }
        return try decode(file: output.path)
    }

    /// Runs a tool to completion, returning its exit status and stdout (stderr, e.g. zbar's
    /// harmless D-Bus noise, is discarded).
    ///
    /// Stdout goes to a file, not a pipe: a test server started meanwhile by another test would
    /// inherit the pipe's write end and the read would wait for that server to exit.
    static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, [UInt8]) {
        let directory = try TemporaryDirectory()
        let output = directory.url.appendingPathComponent("stdout")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let process = try ChildProcess(executable, arguments, stdout: .file(handle))
        process.waitUntilExit()
        return (process.terminationStatus, Array(try Data(contentsOf: output)))
    }
}

/// Finds MIME parts in raw message bytes, independently of the composer (enough for the QR tests).
enum RawMIME {
    /// The decoded body of the part whose `Content-ID` is `<contentID>`, and that part's headers.
    static func part(contentID: String, in raw: [UInt8]) -> (headers: String, body: [UInt8])? {
        let text = String(decoding: raw, as: UTF8.self)
        guard let idRange = text.range(of: "Content-ID: <\(contentID)>") else { return nil }
        let headerStart = text[..<idRange.lowerBound].range(of: "\r\n--", options: .backwards)?.upperBound ?? text.startIndex
        guard let blank = text.range(of: "\r\n\r\n", range: idRange.upperBound..<text.endIndex) else { return nil }
        let headers = String(text[headerStart..<blank.lowerBound])
        guard let end = text.range(of: "\r\n--", range: blank.upperBound..<text.endIndex) else { return nil }
        let base64 = text[blank.upperBound..<end.lowerBound].replacingOccurrences(of: "\r\n", with: "")
        guard let data = Data(base64Encoded: base64) else { return nil }
        return (headers, Array(data))
    }
}

/// A `QRArtifactSource` over a fixed payload per message, drawing through the real ``QRArtifacts``.
struct FixedQRSource: QRArtifactSource {
    let artifacts: QRArtifacts
    let payloads: [String: String]

    func artifact(forMessage messageID: String) async throws(QRError) -> QRArtifact {
        guard let payload = payloads[messageID] else { throw .messageNotFound(messageID) }
        return try artifacts.make(messageID: messageID, payload: payload)
    }
}

enum QRFixtures {
    static let url = "https://rewards.example.com/r/RW-7Q2K?utm_source=accolade&v2" // 60 bytes
    static let indonesian = "Selamat, Ana! Voucher Rp 50.000 — tukarkan di kasir Kopi Senja ✓"
    static let german = "Gutschein für Jürgen Müller: 50,00 € – Größe: groß, Straße: Königsallee"
    static let emoji = "🎉 Hadiah untuk Ana 🎁 kode RW-7Q2K 👍"
}
