/// One bar of a `BarList`.
public struct BarItem: Equatable, Sendable {
    public var label: String
    public var value: Double
    /// The figure printed after the bar.
    public var valueText: String

    public init(label: String, value: Double, valueText: String) {
        self.label = label
        self.value = value
        self.valueText = valueText
    }
}

/// Labelled horizontal bars, one per row, scaled to the largest value. Long labels end in `…`;
/// when there are more items than rows the last row says how many are hidden.
public struct BarList: Sendable {
    public var items: [BarItem]
    /// Scale maximum; default the largest value.
    public var maxValue: Double?
    /// Label column width; default the longest label, at most a third of the width.
    public var labelWidth: Int?

    public init(items: [BarItem], maxValue: Double? = nil, labelWidth: Int? = nil) {
        self.items = items
        self.maxValue = maxValue
        self.labelWidth = labelWidth
    }

    public func render(in area: Rect, buffer: inout CellBuffer) {
        guard !area.isEmpty else { return }
        buffer.fill(area)
        let hidden = items.count > area.height ? items.count - area.height + 1 : 0
        let shown = items.prefix(items.count - hidden)
        let longest = shown.map { $0.label.count }.max() ?? 0
        let nameWidth = labelWidth ?? min(longest, max(4, area.width / 3))
        let valueWidth = shown.map { $0.valueText.count }.max() ?? 0
        let barWidth = area.width - nameWidth - valueWidth - 2
        let scale = maxValue ?? shown.map(\.value).filter(\.isFinite).max() ?? 0
        for (offset, item) in shown.enumerated() {
            let y = area.y + offset
            buffer.write(TerminalText.pad(item.label, to: nameWidth), x: area.x, y: y, style: .plain)
            let f = scale > 0 && item.value.isFinite ? item.value / scale : 0
            if barWidth > 0 {
                Gauge.drawBar(fraction: f, x: area.x + nameWidth + 1, y: y, width: barWidth,
                              buffer: &buffer, gradient: false, color: .gradient(fraction: f), track: false)
            }
            buffer.write(TerminalText.pad(item.valueText, to: valueWidth, alignRight: true),
                         x: area.maxX - valueWidth, y: y, maxWidth: valueWidth, style: .fg(.dimText))
        }
        if hidden > 0 {
            buffer.write("+\(hidden) more", in: area.row(area.height - 1), style: .fg(.dimText))
        }
    }
}
