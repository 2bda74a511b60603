import AccoladeCore
import Foundation
import Metrics

/// Prometheus gauges of spend and redemption per programme over the last 30 days, refreshed
/// from the rollups at most once a minute when `/metrics` is scraped.
///
/// Cardinality stays bounded: the 20 programmes with the most messages get their own series,
/// the rest are summed under `programme="other"`; currencies are the few a deployment uses.
actor ProgrammeGauges {
    /// Programmes with their own series.
    static let limit = 20
    /// The window reported.
    static let window: TimeInterval = 30 * 86_400
    /// How long one refresh stands.
    static let maxAge: TimeInterval = 60

    private var refreshedAt: Date?
    private var recorded: Set<[String]> = []
    /// Updates started, to tell the newest.
    private var started = 0

    /// Refreshes the gauges unless done within ``maxAge``; a store failure leaves the last values.
    func refresh(store: any ReportStore, now: Date) async {
        if let refreshedAt, now.timeIntervalSince(refreshedAt) < Self.maxAge { return }
        refreshedAt = now
        await update(store: store, now: now)
    }

    /// Fills the gauges once when the server starts, so the first scrape has them. It does not
    /// count as a scrape's refresh: that first scrape still refreshes (what was written since).
    func warmUp(store: any ReportStore, now: Date) async {
        await update(store: store, now: now)
    }

    /// Reads the window's report and records the gauges; a store failure leaves the last values.
    /// Updates may overlap (the actor lets another in while one reads): one that an update
    /// started after it overtook records nothing, so older figures never replace newer ones.
    private func update(store: any ReportStore, now: Date) async {
        started += 1
        let mine = started
        let query = ReportQuery(since: now.addingTimeInterval(-Self.window), until: now, dimensions: [.programme])
        guard let report = try? await Report.make(query, store: store), mine == started else { return }
        let top = Set(report.rows.sorted { $0.figures.messages > $1.figures.messages }.prefix(Self.limit).map { $0.dimensions.first ?? "-" })
        var byProgramme: [String: ReportFigures] = [:]
        for row in report.rows {
            let name = top.contains(row.dimensions.first ?? "-") ? (row.dimensions.first ?? "-") : "other"
            var figures = byProgramme[name] ?? ReportFigures()
            figures.merge(row.figures)
            byProgramme[name] = figures
        }
        var current: Set<[String]> = []
        for (programme, f) in byProgramme {
            for (currency, micros) in f.cost {
                record("accolade_programme_spend", programme, currency, Double(micros) / Double(MicroMoney.scale), into: &current)
            }
            for (currency, micros) in f.redeemed {
                record("accolade_programme_redeemed_value", programme, currency, Double(micros) / Double(MicroMoney.scale), into: &current)
            }
            record("accolade_programme_redemptions", programme, nil, Double(f.redemptions), into: &current)
            record("accolade_programme_messages", programme, nil, Double(f.messages), into: &current)
        }
        // A series that is no longer in the window reads 0 rather than its last value.
        for gone in recorded.subtracting(current) {
            Gauge(label: gone[0], dimensions: dimensions(gone[1], gone[2].isEmpty ? nil : gone[2])).record(0)
        }
        recorded = current
    }

    private func dimensions(_ programme: String, _ currency: String?) -> [(String, String)] {
        [("programme", programme)] + (currency.map { [("currency", $0)] } ?? [])
    }

    private func record(_ label: String, _ programme: String, _ currency: String?, _ value: Double, into set: inout Set<[String]>) {
        Gauge(label: label, dimensions: dimensions(programme, currency)).record(value)
        set.insert([label, programme, currency ?? ""])
    }
}

extension ReportFigures {
    /// Adds another row's figures (for folding programmes into `other`).
    mutating func merge(_ other: ReportFigures) {
        messages += other.messages
        redemptions += other.redemptions
        issuedCount += other.issuedCount
        bounces += other.bounces
        for (k, v) in other.deliveries { deliveries[k, default: 0] += v }
        for (k, v) in other.cost { cost[k, default: 0] += v }
        for (k, v) in other.issued { issued[k, default: 0] += v }
        for (k, v) in other.redeemed { redeemed[k, default: 0] += v }
        for (k, v) in other.outcome { outcome[k, default: 0] += v }
    }
}
