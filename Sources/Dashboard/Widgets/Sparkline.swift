/// One-row sparkline of the most recent values, with eight block heights per cell.
public struct Sparkline: Sendable {
    public static let levels: [Unicode.Scalar] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public var values: [Double]
    /// Fixed scale (e.g. 0…1 for a share); otherwise the shown values' own range.
    public var range: ClosedRange<Double>?
    /// Colour by height along the theme gradient, or one fixed colour.
    public var color: ColorRef?

    public init(values: [Double], range: ClosedRange<Double>? = nil, color: ColorRef? = nil) {
        self.values = values
        self.range = range
        self.color = color
    }

    /// The level index 0…7 of each shown value (nil for non-finite ones); the last `width` values.
    public func levels(width: Int) -> [Int?] {
        let shown = values.suffix(max(0, width))
        let finite = shown.filter(\.isFinite)
        guard let low = range?.lowerBound ?? finite.min(), let high = range?.upperBound ?? finite.max()
        else { return shown.map { _ in nil } }
        return shown.map { value in
            guard value.isFinite else { return nil }
            let f = high > low ? (value - low) / (high - low) : 0.5
            return min(7, max(0, Int((f * 7).rounded())))
        }
    }

    public func render(in area: Rect, buffer: inout CellBuffer) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        buffer.fill(row)
        let levels = levels(width: row.width)
        for (offset, level) in levels.enumerated() {
            guard let level else { continue }
            let style = CellStyle(foreground: color ?? .gradient(fraction: Double(level) / 7))
            buffer.set(x: row.x + offset, y: row.y, Sparkline.levels[level], style: style)
        }
    }
}
