/// Draws a ``QRMatrix`` as SVG: a white background and one black path of merged horizontal runs.
///
/// Many mail clients block SVG, so email embeds the PNG; SVG is for web pages and print.
public struct QRSVGWriter: Sendable {
    /// Light border, in modules.
    public var quietZone: Int
    /// Pixels per module for the `width`/`height` attributes (the drawing itself scales freely).
    public var scale: Int

    /// Creates a writer.
    public init(scale: Int, quietZone: Int = 4) {
        self.scale = scale
        self.quietZone = quietZone
    }

    /// The SVG document.
    public func svg(_ matrix: QRMatrix) -> String {
        let side = matrix.size + 2 * quietZone
        let pixels = side * scale
        var path = ""
        path.reserveCapacity(matrix.size * matrix.size * 3)
        for y in 0..<matrix.size {
            var x = 0
            while x < matrix.size {
                guard matrix.isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                let start = x
                while x < matrix.size && matrix.isDark(x: x, y: y) { x += 1 }
                path += "M\(start + quietZone),\(y + quietZone)h\(x - start)v1h-\(x - start)z"
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(pixels)" height="\(pixels)" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>

            """
    }
}
