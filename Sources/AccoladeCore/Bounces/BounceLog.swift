import Foundation

/// What bounce handling needs from the store beyond receipts and suppressions: the delivery a
/// bounce names, and a count of an address's soft bounces over a window (`bounces.soft_limit`).
public protocol BounceLog: Sendable {
    /// The delivery with this id, or nil.
    func delivery(id: String) async throws -> Delivery?
    /// Records one soft bounce of `address` (an email address, lower-cased) for `deliveryID` — once
    /// per delivery, so the same report handed over twice counts once — and answers how many soft
    /// bounces the address has had at or after `since`, this one included.
    func recordSoftBounce(address: String, deliveryID: String, at: Date, since: Date) async throws -> Int
}
