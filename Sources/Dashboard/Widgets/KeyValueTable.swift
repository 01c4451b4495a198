/// One row of a `KeyValueTable`.
public struct KeyValueRow: Equatable, Sendable {
    public var key: String
    public var value: String
    public var valueStyle: CellStyle

    public init(_ key: String, _ value: String, style: CellStyle = .plain) {
        self.key = key
        self.value = value
        valueStyle = style
    }
}

/// Keys in a dim column, values beside them; both truncated with `…` to fit.
public struct KeyValueTable: Sendable {
    public var rows: [KeyValueRow]
    /// Widest key column allowed (keys longer than this are truncated).
    public var maxKeyWidth: Int

    public init(rows: [KeyValueRow], maxKeyWidth: Int = 14) {
        self.rows = rows
        self.maxKeyWidth = maxKeyWidth
    }

    public func render(in area: Rect, buffer: inout CellBuffer) {
        guard !area.isEmpty else { return }
        buffer.fill(area)
        let keyWidth = min(maxKeyWidth, rows.map { $0.key.count }.max() ?? 0, max(1, area.width / 2))
        for (offset, row) in rows.prefix(area.height).enumerated() {
            let y = area.y + offset
            buffer.write(TerminalText.pad(row.key, to: keyWidth), x: area.x, y: y, style: .fg(.dimText))
            buffer.write(row.value, x: area.x + keyWidth + 1, y: y,
                         maxWidth: area.width - keyWidth - 1, style: row.valueStyle)
        }
    }
}
