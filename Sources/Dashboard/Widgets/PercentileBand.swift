/// A one-row box plot of a distribution from its 5th, 25th, 50th, 75th and 95th percentiles:
/// `─` spans p5…p95, `━` spans p25…p75, `┃` marks the median, on a scale 0…`scaleMax`.
public struct PercentileBand: Sendable {
    public var percentiles: [Double]
    public var scaleMax: Double

    public init(percentiles: [Double], scaleMax: Double) {
        self.percentiles = percentiles
        self.scaleMax = scaleMax
    }

    /// The band as text `width` columns wide (spaces where nothing is drawn).
    public func text(width: Int) -> String {
        guard width > 0 else { return "" }
        guard percentiles.count == 5, percentiles.allSatisfy(\.isFinite), scaleMax > 0 else {
            return String(repeating: " ", count: width)
        }
        func column(_ value: Double) -> Int {
            min(width - 1, max(0, Int((value / scaleMax * Double(width - 1)).rounded())))
        }
        let p5 = column(percentiles[0]), p25 = column(percentiles[1]), p50 = column(percentiles[2])
        let p75 = column(percentiles[3]), p95 = column(percentiles[4])
        var characters = Array(repeating: Character(" "), count: width)
        for c in p5...max(p5, p95) { characters[c] = "─" }
        for c in p25...max(p25, p75) { characters[c] = "━" }
        characters[p50] = "┃"
        return String(characters)
    }

    public func render(in area: Rect, buffer: inout CellBuffer) {
        guard !area.isEmpty else { return }
        buffer.write(text(width: area.width), x: area.x, y: area.y, maxWidth: area.width,
                     style: CellStyle(foreground: .role(.validation)), ellipsis: false)
    }
}
