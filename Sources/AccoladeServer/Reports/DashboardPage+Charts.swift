import AccoladeCore
import Foundation

/// The dashboard's SVG charts: pure functions from numbers to markup.
///
/// Each is one `<svg role="img" aria-labelledby="…-title …-desc">` whose `<title>` names it and
/// whose `<desc>` says every number in words, so a screen reader gets the chart whole; each bar
/// also has a `<title>` (a tooltip). Colours are presentation attributes (`fill="…"`), which a
/// CSP does not govern, unlike `style` attributes; text is escaped like all the page's text.
extension DashboardPage {
    /// Chart width and height in user units (the SVG scales to its box with `viewBox`).
    static let chartWidth = 720.0
    static let chartHeight = 260.0

    /// Series colours, distinguishable for common colour-vision deficiencies (Okabe–Ito).
    static let palette = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"]

    /// The colour of a channel: fixed per kind (the same in every chart), else by position.
    static func colour(channel: String, index: Int) -> String {
        if let kind = ChannelKind.allCases.firstIndex(where: { $0.rawValue == channel }) { return palette[kind % palette.count] }
        return palette[(ChannelKind.allCases.count + index) % palette.count]
    }

    /// A round axis maximum at or above `value`: 1, 2 or 5 times a power of ten.
    static func niceMaximum(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let power = pow(10, floor(log10(value)))
        for step in [1.0, 2, 5, 10] where step * power >= value { return step * power }
        return 10 * power
    }

    /// A coordinate with at most one decimal.
    static func n(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded))" : "\(rounded)"
    }

    /// A number as an axis label: whole numbers plain, fractions with up to 4 decimals.
    static func axisNumber(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int64(value))" : String(format: "%.4g", value)
    }

    /// The `<svg>` opening with its accessible name and description.
    static func svgOpen(id: String, title: String, description: String, height: Double = chartHeight) -> String {
        """
        <svg id="\(escape(id))-chart" class="chart-svg" role="img" viewBox="0 0 \(n(chartWidth)) \(n(height))" aria-labelledby="\(escape(id))-title \(escape(id))-desc" xmlns="http://www.w3.org/2000/svg">\
        <title id="\(escape(id))-title">\(escape(title))</title><desc id="\(escape(id))-desc">\(escape(description))</desc>
        """
    }

    /// How many steps the axis up to `maximum` (a ``niceMaximum``) has: the first of 4, 5, 2, 1
    /// that divides it, so counts get whole-number ticks.
    static func tickSteps(_ maximum: Double) -> Int {
        [4, 5, 2].first { (maximum / Double($0)).rounded() == maximum / Double($0) } ?? 1
    }

    /// Horizontal grid lines and their labels for a vertical axis from 0 to `maximum`.
    static func verticalAxis(maximum: Double, left: Double, top: Double, height: Double, width: Double) -> String {
        var out = ""
        let steps = tickSteps(maximum)
        for i in 0...steps {
            let value = maximum * Double(i) / Double(steps)
            let y = top + height - height * Double(i) / Double(steps)
            out += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + width))\" y2=\"\(n(y))\" stroke=\"#e5e7eb\"/>"
            out += "<text class=\"axis\" x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(escape(axisNumber(value)))</text>"
        }
        return out
    }

    /// Stacked columns: one per period, one segment per series, with a legend.
    static func stackedBars(
        id: String, title: String, description: String, periods: [String], series: [String], value: (String, String) -> Int64
    ) -> String {
        let left = 52.0, right = 12.0, top = 34.0, bottom = 40.0
        let width = chartWidth - left - right, height = chartHeight - top - bottom
        let totals = periods.map { p in series.reduce(Int64(0)) { $0 + value(p, $1) } }
        let maximum = niceMaximum(Double(totals.max() ?? 0))
        let slot = width / Double(max(periods.count, 1))
        let barWidth = max(slot * 0.72, 1)
        // At most about twelve period labels under the axis.
        let labelEvery = max(1, Int((Double(periods.count) / 12).rounded(.up)))
        var out = svgOpen(id: id, title: title, description: description)
        out += legend(series: series, left: left, top: 8)
        out += verticalAxis(maximum: maximum, left: left, top: top, height: height, width: width)
        for (i, period) in periods.enumerated() {
            let x = left + slot * Double(i) + (slot - barWidth) / 2
            var y = top + height
            for (s, name) in series.enumerated() {
                let v = value(period, name)
                guard v > 0 else { continue }
                let h = height * Double(v) / maximum
                y -= h
                out += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(barWidth))\" height=\"\(n(h))\" fill=\"\(colour(channel: name, index: s))\">"
                out += "<title>\(escape("\(period) · \(name): \(v)"))</title></rect>"
            }
            if i % labelEvery == 0 {
                out += "<text class=\"axis\" x=\"\(n(x + barWidth / 2))\" y=\"\(n(top + height + 16))\" text-anchor=\"middle\">\(escape(shortPeriod(period)))</text>"
            }
        }
        out += "<line x1=\"\(n(left))\" y1=\"\(n(top + height))\" x2=\"\(n(left + width))\" y2=\"\(n(top + height))\" stroke=\"#6b7280\"/>"
        return out + "</svg>"
    }

    /// `11-03` for a day label `2026-11-03` (the year is in the period line); others as they are.
    static func shortPeriod(_ label: String) -> String {
        label.count == 10 && label.dropFirst(4).first == "-" ? String(label.dropFirst(5)) : label
    }

    /// A legend row: a swatch and the name of each series.
    static func legend(series: [String], left: Double, top: Double) -> String {
        var out = ""
        var x = left
        for (i, name) in series.enumerated() {
            out += "<rect x=\"\(n(x))\" y=\"\(n(top))\" width=\"12\" height=\"12\" fill=\"\(colour(channel: name, index: i))\"/>"
            out += "<text class=\"legend\" x=\"\(n(x + 16))\" y=\"\(n(top + 10))\">\(escape(name))</text>"
            x += 28 + Double(name.count) * 7
        }
        return out
    }

    /// Horizontal bars, one per item, the label on the left and the shown value after the bar.
    static func horizontalBars(id: String, title: String, description: String, bars: [(label: String, value: Double, shown: String)]) -> String {
        let rowHeight = 30.0, top = 10.0, labelWidth = 250.0, valueWidth = 130.0
        let height = top * 2 + rowHeight * Double(bars.count)
        let width = chartWidth - labelWidth - valueWidth
        let maximum = max(bars.map(\.value).max() ?? 0, 0)
        var out = svgOpen(id: id, title: title, description: description, height: height)
        for (i, bar) in bars.enumerated() {
            let y = top + rowHeight * Double(i)
            let w = maximum > 0 ? max(width * bar.value / maximum, bar.value > 0 ? 1 : 0) : 0
            out += "<text class=\"label\" x=\"\(n(labelWidth - 8))\" y=\"\(n(y + rowHeight / 2 + 4))\" text-anchor=\"end\">\(escape(short(bar.label, 32)))</text>"
            out += "<rect x=\"\(n(labelWidth))\" y=\"\(n(y + 5))\" width=\"\(n(w))\" height=\"\(n(rowHeight - 10))\" fill=\"\(palette[0])\">"
            out += "<title>\(escape("\(bar.label): \(bar.shown)"))</title></rect>"
            out += "<text class=\"value\" x=\"\(n(labelWidth + w + 6))\" y=\"\(n(y + rowHeight / 2 + 4))\">\(escape(bar.shown))</text>"
        }
        return out + "</svg>"
    }

    /// Columns of a histogram: one per bucket, labelled under the axis.
    static func columns(id: String, title: String, description: String, columns: [(label: String, count: Int64)]) -> String {
        let left = 52.0, right = 12.0, top = 14.0, bottom = 40.0
        let width = chartWidth - left - right, height = chartHeight - top - bottom
        let maximum = niceMaximum(Double(columns.map(\.count).max() ?? 0))
        let slot = width / Double(max(columns.count, 1))
        let barWidth = max(slot * 0.8, 1)
        let labelEvery = max(1, Int((Double(columns.count) / 10).rounded(.up)))
        var out = svgOpen(id: id, title: title, description: description)
        out += verticalAxis(maximum: maximum, left: left, top: top, height: height, width: width)
        for (i, column) in columns.enumerated() {
            let x = left + slot * Double(i) + (slot - barWidth) / 2
            let h = height * Double(column.count) / maximum
            out += "<rect x=\"\(n(x))\" y=\"\(n(top + height - h))\" width=\"\(n(barWidth))\" height=\"\(n(h))\" fill=\"\(palette[2])\">"
            out += "<title>\(escape("\(column.label): \(column.count)"))</title></rect>"
            if i % labelEvery == 0 {
                out += "<text class=\"axis\" x=\"\(n(x + barWidth / 2))\" y=\"\(n(top + height + 16))\" text-anchor=\"middle\">\(escape(column.label))</text>"
            }
        }
        out += "<line x1=\"\(n(left))\" y1=\"\(n(top + height))\" x2=\"\(n(left + width))\" y2=\"\(n(top + height))\" stroke=\"#6b7280\"/>"
        return out + "</svg>"
    }
}
