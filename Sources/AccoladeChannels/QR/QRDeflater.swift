import CZlib
import Foundation

/// zlib streams kept for reuse: setting up a deflate stream (hundreds of KiB of state, zeroed)
/// costs more than compressing a QR image, so streams are reset and reused instead.
final class QRDeflater: @unchecked Sendable {
    /// The process-wide pool (at most one stream per concurrently drawing thread is kept).
    static let shared = QRDeflater()

    private let lock = NSLock()
    // Guarded by `lock`; each stream is used by one thread at a time between take and give back.
    private var idle: [UnsafeMutablePointer<z_stream>] = []

    /// The zlib stream (RFC 1950) of `input` at level 6.
    func deflate(_ input: [UInt8]) -> [UInt8] {
        let stream = take()
        defer { giveBack(stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(input.count))))
        let produced: Int = input.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { destination in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.pointee.avail_in = uInt(source.count)
                stream.pointee.next_out = destination.baseAddress
                stream.pointee.avail_out = uInt(destination.count)
                let status = CZlib.deflate(stream, Z_FINISH)
                // deflateBound guarantees room, so Z_FINISH completes in one call.
                precondition(status == Z_STREAM_END, "zlib deflate returned \(status)")
                return Int(stream.pointee.total_out)
            }
        }
        out.removeSubrange(produced...)
        return out
    }

    private func take() -> UnsafeMutablePointer<z_stream> {
        if let stream = lock.withLock({ idle.popLast() }) {
            deflateReset(stream)
            return stream
        }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateInit_(stream, 6, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit failed with \(status)")
        return stream
    }

    private func giveBack(_ stream: UnsafeMutablePointer<z_stream>) {
        lock.withLock { idle.append(stream) }
    }
}
