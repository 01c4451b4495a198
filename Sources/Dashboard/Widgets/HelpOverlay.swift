/// A centred box listing key bindings, drawn over whatever is underneath.
public struct HelpOverlay: Sendable {
    public var title: String
    public var entries: [(keys: String, action: String)]
    public var footer: String

    public init(title: String = "keys", entries: [(keys: String, action: String)],
                footer: String = "press any key to close") {
        self.title = title
        self.entries = entries
        self.footer = footer
    }

    public func render(in area: Rect, buffer: inout CellBuffer) {
        let keyWidth = entries.map { $0.keys.count }.max() ?? 0
        let actionWidth = entries.map { $0.action.count }.max() ?? 0
        let width = min(area.width, max(keyWidth + actionWidth + 7, footer.count + 4, title.count + 8))
        let height = min(area.height, entries.count + 4)
        let frame = area.centered(width: width, height: height)
        let inner = Box(title: title).render(in: frame, buffer: &buffer)
        guard !inner.isEmpty else { return }
        for (offset, entry) in entries.prefix(max(0, inner.height - 2)).enumerated() {
            let y = inner.y + offset
            buffer.write(TerminalText.pad(entry.keys, to: keyWidth), x: inner.x + 1, y: y,
                         maxWidth: inner.width - 1, style: .fg(.title, .bold))
            buffer.write(entry.action, x: inner.x + keyWidth + 3, y: y,
                         maxWidth: inner.width - keyWidth - 3)
        }
        buffer.write(footer, in: inner.row(inner.height - 1), alignment: .center, style: .fg(.dimText))
    }
}
