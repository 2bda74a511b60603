/// Draws a ``QRMatrix`` for a terminal with Unicode half blocks: two module rows per text line.
///
/// Light modules are drawn as blocks and dark ones as spaces, so on the usual dark terminal the
/// code shows dark-on-light, as scanners expect; the quiet zone is drawn too.
public struct QRTextRenderer: Sendable {
    /// Light border, in modules.
    public var quietZone: Int

    /// Creates a renderer.
    public init(quietZone: Int = 4) {
        self.quietZone = quietZone
    }

    /// The lines of the drawing, without line ends.
    public func lines(_ matrix: QRMatrix) -> [String] {
        let range = -quietZone..<(matrix.size + quietZone)
        var lines: [String] = []
        var y = range.lowerBound
        while y < range.upperBound {
            var line = ""
            for x in range {
                let topLight = !matrix.isDark(x: x, y: y)
                // Past the last row (odd height) counts as terminal background: dark.
                let bottomLight = y + 1 < range.upperBound && !matrix.isDark(x: x, y: y + 1)
                switch (topLight, bottomLight) {
                case (true, true): line += "█"
                case (true, false): line += "▀"
                case (false, true): line += "▄"
                case (false, false): line += " "
                }
            }
            lines.append(line)
            y += 2
        }
        return lines
    }
}
