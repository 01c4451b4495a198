/// A column of a `Table`.
public struct TableColumn: Equatable, Sendable {
    public var title: String
    /// Fixed width; nil shares what the fixed columns leave.
    public var width: Int?
    public var alignRight: Bool

    public init(_ title: String, width: Int? = nil, alignRight: Bool = false) {
        self.title = title
        self.width = width
        self.alignRight = alignRight
    }
}

/// A table with an optional dim header row. Cells are truncated with `…`; a flexible column
/// (width nil) takes the remaining width. Custom cells (like a percentile band) can be drawn by
/// the caller into `columnRects`.
public struct Table: Sendable {
    public var columns: [TableColumn]
    public var rows: [[String]]
    public var showHeader = true
    public var rowStyles: [CellStyle] = []

    public init(columns: [TableColumn], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The x offset and width of each column inside `width` (one space between columns).
    public func columnLayout(width: Int) -> [(x: Int, width: Int)] {
        let fixed = columns.compactMap(\.width).reduce(0, +)
        let flexible = columns.filter { $0.width == nil }.count
        let gaps = max(0, columns.count - 1)
        let share = flexible > 0 ? max(0, (width - fixed - gaps) / flexible) : 0
        var x = 0
        var layout: [(x: Int, width: Int)] = []
        for column in columns {
            let w = max(0, min(column.width ?? share, width - x))
            layout.append((x, w))
            x += w + 1
        }
        return layout
    }

    /// Rows actually drawn in `area` (the header takes one).
    public func visibleRowCount(in area: Rect) -> Int {
        min(rows.count, max(0, area.height - (showHeader ? 1 : 0)))
    }

    public func render(in area: Rect, buffer: inout CellBuffer) {
        guard !area.isEmpty else { return }
        buffer.fill(area)
        let layout = columnLayout(width: area.width)
        var y = area.y
        if showHeader {
            for (column, place) in zip(columns, layout) where place.width > 0 {
                buffer.write(TerminalText.pad(column.title, to: place.width, alignRight: column.alignRight),
                             x: area.x + place.x, y: y, style: .fg(.dimText))
            }
            y += 1
        }
        for (index, row) in rows.prefix(visibleRowCount(in: area)).enumerated() {
            let style = index < rowStyles.count ? rowStyles[index] : .plain
            for (column, (place, text)) in zip(columns, zip(layout, row)) where place.width > 0 {
                buffer.write(TerminalText.pad(text, to: place.width, alignRight: column.alignRight),
                             x: area.x + place.x, y: y, style: style)
            }
            y += 1
        }
    }
}
