/// A horizontal progress bar with eighth-cell resolution, coloured along the theme gradient, with
/// the percentage (or a given label) after it.
public struct Gauge: Sendable {
    static let partials: [Unicode.Scalar] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    public var fraction: Double
    /// Shown right of the bar; default the percentage with one decimal.
    public var label: String?

    public init(fraction: Double, label: String? = nil) {
        self.fraction = fraction
        self.label = label
    }

    public func render(in area: Rect, buffer: inout CellBuffer) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        buffer.fill(row)
        let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let text = label ?? Format.percent(f)
        let labelWidth = min(text.count + 1, max(0, row.width - 3))
        let barWidth = row.width - labelWidth
        Gauge.drawBar(fraction: f, x: row.x, y: row.y, width: barWidth, buffer: &buffer, gradient: true)
        if labelWidth > 1 {
            buffer.write(text, x: row.x + barWidth + 1, y: row.y, maxWidth: labelWidth - 1)
        }
    }

    /// Draws a bar `width` cells wide filled to `fraction`; the unfilled part is a dim `·` track.
    static func drawBar(fraction: Double, x: Int, y: Int, width: Int, buffer: inout CellBuffer,
                        gradient: Bool, color: ColorRef = .role(.gradientEnd), track: Bool = true) {
        guard width > 0 else { return }
        let eighths = Int((min(1, max(0, fraction)) * Double(width * 8)).rounded())
        for column in 0..<width {
            let filled = eighths - column * 8
            let style = CellStyle(foreground: gradient
                ? .gradient(fraction: width > 1 ? Double(column) / Double(width - 1) : 1) : color)
            if filled >= 8 {
                buffer.set(x: x + column, y: y, "█", style: style)
            } else if filled > 0 {
                buffer.set(x: x + column, y: y, partials[filled - 1], style: style)
            } else {
                buffer.set(x: x + column, y: y, track ? "·" : " ", style: .fg(.dimText))
            }
        }
    }
}
