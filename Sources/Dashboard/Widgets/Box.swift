/// A rounded border with a title in the top edge. Returns the inner area for the content.
public struct Box: Sendable {
    public var title: String
    /// Text at the right end of the top edge (e.g. a unit or a legend), left out when it does not fit.
    public var rightTitle: String?
    public var titleStyle: CellStyle = .fg(.title, .bold)
    public var borderStyle: CellStyle = .fg(.border)

    public init(title: String, rightTitle: String? = nil) {
        self.title = title
        self.rightTitle = rightTitle
    }

    /// The longest right title a box `width` columns wide shows.
    public func rightTitleRoom(width: Int) -> Int {
        let room = width - 4
        let titleWidth = room > 2 && !title.isEmpty ? min(title.count + 2, room) : 0
        return max(0, room - titleWidth - 4)
    }

    /// Draws the border (clearing the inside) and returns the area inside it.
    @discardableResult
    public func render(in area: Rect, buffer: inout CellBuffer) -> Rect {
        guard area.width >= 2, area.height >= 2 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        buffer.fill(area)
        let right = area.maxX - 1, bottom = area.maxY - 1
        for column in area.x + 1..<right {
            buffer.set(x: column, y: area.y, "─", style: borderStyle)
            buffer.set(x: column, y: bottom, "─", style: borderStyle)
        }
        for row in area.y + 1..<bottom {
            buffer.set(x: area.x, y: row, "│", style: borderStyle)
            buffer.set(x: right, y: row, "│", style: borderStyle)
        }
        buffer.set(x: area.x, y: area.y, "╭", style: borderStyle)
        buffer.set(x: right, y: area.y, "╮", style: borderStyle)
        buffer.set(x: area.x, y: bottom, "╰", style: borderStyle)
        buffer.set(x: right, y: bottom, "╯", style: borderStyle)

        // " Title " from column 2; the right title, at least 2 columns apart, only when it fits
        // whole (a cut one, such as "at s…", says nothing).
        let room = area.width - 4
        if room > 2, !title.isEmpty {
            buffer.write(" " + title + " ", x: area.x + 2, y: area.y, maxWidth: room, style: titleStyle)
        }
        if let rightTitle, !rightTitle.isEmpty, rightTitle.count <= rightTitleRoom(width: area.width) {
            let text = " " + rightTitle + " "
            buffer.write(text, x: right - 1 - text.count, y: area.y, style: .fg(.dimText))
        }
        return area.inset(by: 1)
    }
}
