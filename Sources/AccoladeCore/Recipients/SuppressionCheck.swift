import Foundation

/// What is known about a delivery's recipient and the suppression list when it is attempted.
///
/// Stores look suppressions up for a whole claimed batch in one query, so channels need not ask
/// once per delivery; a request built elsewhere (tests, previews) says `unknown` and the channel
/// asks its ``SuppressionList`` itself.
public enum SuppressionCheck: Sendable, Hashable {
    /// Not looked up: the channel must ask its list.
    case unknown
    /// Looked up when the delivery was claimed: the address may be contacted.
    case clear
    /// Looked up when the delivery was claimed: the address is suppressed.
    case suppressed(Suppression)

    /// The entry that stops this delivery, asking `list` only when nothing was looked up yet.
    public func resolve(channel: ChannelKind, address: String, list: (any SuppressionList)?) async throws -> Suppression? {
        switch self {
        case .clear: return nil
        case .suppressed(let entry): return entry
        case .unknown: return try await list?.suppression(channel: channel, address: address)
        }
    }
}

extension Recipient {
    /// The recipient's address on `channel` as given: the E.164 number for SMS and WhatsApp, the
    /// email address for email; nil for channels without one (QR) and for the inbox, whose key
    /// (the recipient's id) is not an address one opts out of: the recipient's own page shows it.
    public func address(for channel: ChannelKind) -> String? {
        switch channel {
        case .sms: phone
        case .whatsapp: whatsapp
        case .email: email
        case .qr, .inbox: nil
        }
    }

    /// The address suppression entries use for `channel`: ``address(for:)``, email lower-cased.
    public func suppressionAddress(for channel: ChannelKind) -> String? {
        channel == .email ? email?.lowercased() : address(for: channel)
    }
}

extension DeliveryRequest {
    /// Why this delivery must not reach a provider on `channel`: `suppressed` (ends `skipped`
    /// with the reason) when the recipient's address is on the list, a retry when the list cannot
    /// be read; nil when it may go. Uses the claim-time lookup, asking `list` only without one.
    public func suppressionFailure(on channel: ChannelKind, list: (any SuppressionList)?) async -> DeliveryError? {
        guard let key = recipient.suppressionAddress(for: channel) else { return nil }
        do {
            guard let entry = try await suppression.resolve(channel: channel, address: key, list: list) else { return nil }
            let shown = recipient.address(for: channel) ?? key
            return DeliveryError(disposition: .suppressed, provider: "suppression-list", detail: "\(shown) is suppressed: \(entry.reason)")
        } catch {
            return DeliveryError(
                disposition: .retry(after: nil), provider: "suppression-list", detail: "cannot read the suppression list: \(error)")
        }
    }
}

extension [ClaimedDelivery] {
    /// The distinct addresses to look up per channel for this batch (stores query each channel's
    /// list once, by primary key).
    public var suppressionLookups: [ChannelKind: [String]] {
        var byChannel: [ChannelKind: Set<String>] = [:]
        for item in self {
            if let address = item.message.recipient.suppressionAddress(for: item.delivery.channel) {
                byChannel[item.delivery.channel, default: []].insert(address)
            }
        }
        return byChannel.mapValues { $0.sorted() }
    }

    /// The batch with every window-channel delivery's last inbound time filled in, given the
    /// times found for the window channels' ``suppressionLookups`` (absent: never wrote).
    public func markingInbound(_ found: [(channel: ChannelKind, address: String, at: Date)]) -> [ClaimedDelivery] {
        let times = Dictionary(found.map { ("\($0.channel.rawValue) \($0.address)", $0.at) }) { first, _ in first }
        return map { item in
            var item = item
            if InboundCheck.windowChannels.contains(item.delivery.channel),
                let address = item.message.recipient.suppressionAddress(for: item.delivery.channel)
            {
                item.lastInbound = .known(times["\(item.delivery.channel.rawValue) \(address)"])
            }
            return item
        }
    }

    /// The batch with every delivery that has an address marked `clear` or `suppressed`, given
    /// the entries found for ``suppressionLookups``.
    public func markingSuppressions(_ found: [Suppression]) -> [ClaimedDelivery] {
        let entries = Dictionary(found.map { ("\($0.channel.rawValue) \($0.address)", $0) }) { first, _ in first }
        return map { item in
            var item = item
            if let address = item.message.recipient.suppressionAddress(for: item.delivery.channel) {
                item.suppression = entries["\(item.delivery.channel.rawValue) \(address)"].map(SuppressionCheck.suppressed) ?? .clear
            }
            return item
        }
    }
}
