import AccoladeCore
import Foundation

/// The 24-hour customer-service window: free text only while it is open, approved templates
/// always. Pure; the last inbound time comes from the ``InboundActivityLog``.
public enum WhatsAppWindow {
    /// How long a user's message keeps the window open.
    public static let length: TimeInterval = 24 * 3600

    /// What to send.
    public enum Plan: Sendable, Hashable {
        /// Free text (the window is open and the template has a `whatsapp.txt` part).
        case text(String)
        /// The approved template.
        case template(WhatsAppTemplateMessage)
        /// Nothing can be sent: free text only, and the window is closed.
        case refuse(String)
    }

    /// Whether the window is open at `now` for a user who last wrote at `lastInbound`.
    public static func isOpen(lastInbound: Date?, now: Date) -> Bool {
        guard let lastInbound else { return false }
        // A little slack for clock skew between Meta's timestamps and ours; never past 24 h.
        return now.timeIntervalSince(lastInbound) < length - 60
    }

    /// Chooses free text inside the window when there is one, else the template.
    public static func plan(template: WhatsAppTemplateMessage?, text: String?, lastInbound: Date?, now: Date) -> Plan {
        if let text, isOpen(lastInbound: lastInbound, now: now) { return .text(text) }
        if let template { return .template(template) }
        let since = lastInbound.map { "last wrote \(Int(now.timeIntervalSince($0) / 3600)) h ago" } ?? "never wrote to this number"
        return .refuse(
            "outside the 24-hour customer-service window (the user \(since)) only approved templates may be sent — map one under whatsapp: in the template's manifest.yml")
    }
}
