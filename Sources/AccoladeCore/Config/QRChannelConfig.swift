import Foundation

/// `channels.qr`: where QR images are kept and how they are drawn (filled in by the QR channel work).
public struct QRChannelConfig: Sendable, Hashable {
    /// Folder holding the PNG and SVG files.
    public var directory: String

    /// Creates a QR section.
    public init(directory: String = "var/qr") {
        self.directory = directory
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        directory = try node.string("directory") ?? "var/qr"
        try node.rejectUnknownKeys()
    }
}
