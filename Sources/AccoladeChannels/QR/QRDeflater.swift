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
    ///
    /// - Throws: ``QRError/imageFailed(_:)`` when zlib cannot set up a stream (out of memory) or
    ///   does not finish in one call; the stream is then thrown away, not reused.
    func deflate(_ input: [UInt8]) throws(QRError) -> [UInt8] {
        let stream = try take()
        var out = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(input.count))))
        // deflateBound promises room for everything, so Z_FINISH completes in one call; any other
        // answer means the stream is unusable.
        let status: Int32 = input.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { destination in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.pointee.avail_in = uInt(source.count)
                stream.pointee.next_out = destination.baseAddress
                stream.pointee.avail_out = uInt(destination.count)
                return CZlib.deflate(stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else {
            discard(stream)
            throw .imageFailed("zlib deflate answered \(status) instead of Z_STREAM_END")
        }
        let produced = Int(stream.pointee.total_out)
        giveBack(stream)
        out.removeSubrange(produced...)
        return out
    }

    private func take() throws(QRError) -> UnsafeMutablePointer<z_stream> {
        if let stream = lock.withLock({ idle.popLast() }) {
            deflateReset(stream)
            return stream
        }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateInit_(stream, 6, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw .imageFailed("zlib deflateInit answered \(status)\(status == Z_MEM_ERROR ? " (out of memory)" : "")")
        }
        return stream
    }

    private func giveBack(_ stream: UnsafeMutablePointer<z_stream>) {
        lock.withLock { idle.append(stream) }
    }

    private func discard(_ stream: UnsafeMutablePointer<z_stream>) {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }
}
