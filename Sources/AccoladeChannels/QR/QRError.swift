import AccoladeCore
import Foundation

/// Why a QR code could not be made, stored or found; each description says what to do next.
public enum QRError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The payload does not fit in a version-40 symbol at this level.
    case payloadTooLarge(bytes: Int, level: QRErrorCorrection, limit: Int)
    /// The payload is empty or contains NUL.
    case invalidPayload(String)
    /// libqrencode failed for another reason (`errno` as text).
    case encodingFailed(String)
    /// Drawing settings no image can be drawn with (a scale below 1, a bit depth other than 1 or 8).
    case invalidSettings(String)
    /// zlib could not compress the PNG (usually memory pressure).
    case imageFailed(String)
    /// Writing or reading the image folder failed.
    case storage(path: String, reason: String)
    /// The message's template has no `qr.txt` part (or it did not render).
    case noQRPart(template: String, reason: String)
    /// No message with this id exists (any more).
    case messageNotFound(String)
    /// Looking the message up failed, e.g. the store is unreachable.
    case lookupFailed(String)

    /// Whether trying again later may succeed (store or disk trouble), as opposed to a bad template or payload.
    public var isTransient: Bool {
        switch self {
        case .storage, .lookupFailed, .imageFailed: true
        case .payloadTooLarge, .invalidPayload, .encodingFailed, .invalidSettings, .noQRPart, .messageNotFound: false
        }
    }

    /// What went wrong and what to do.
    public var description: String {
        switch self {
        case .payloadTooLarge(let bytes, let level, let limit):
            "QR payload is \(bytes) bytes; level \(level) holds at most \(limit) bytes (byte mode, less with the UTF-8 ECI header "
                + "or a signature); shorten the qr.txt part (e.g. a short redeem URL) or choose a lower channels.qr.level"
        case .invalidPayload(let reason): "QR payload \(reason); fix the template's qr.txt part"
        case .encodingFailed(let reason): "libqrencode could not encode the payload: \(reason)"
        case .invalidSettings(let reason):
            "QR drawing settings are invalid: \(reason); use channels.qr.scale 1…64 and png_bit_depth 1 or 8"
        case .imageFailed(let reason): "cannot draw the QR PNG: \(reason); the delivery is retried, check the machine's free memory"
        case .storage(let path, let reason): "cannot use the QR folder \(path): \(reason); check channels.qr.directory exists and is writable"
        case .noQRPart(let template, let reason):
            "template \(template) cannot render a QR code (\(reason)); add a qr.txt.mustache part or remove the cid:\(QRInline.contentID) image"
        case .messageNotFound(let id): "message \(id) not found; it cannot carry a QR code"
        case .lookupFailed(let reason): "cannot look up the message for its QR code: \(reason)"
        }
    }
}
