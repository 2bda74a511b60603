/// A message a recipient sent us (an inbound SMS, a WhatsApp reply), reduced to what the
/// suppression list needs. Each provider's parser builds one; ``OptOutRecorder`` applies it.
public struct InboundMessage: Sendable, Hashable {
    /// The sender's number in E.164 (`+6281234567890`).
    public var from: String
    /// The text.
    public var body: String

    /// Creates an inbound message.
    public init(from: String, body: String) {
        self.from = from
        self.body = body
    }

    /// What it asks for (see ``OptOutKeywords/action(for:)``).
    public var action: OptOutKeywords.Action? { OptOutKeywords.action(for: body) }
}
