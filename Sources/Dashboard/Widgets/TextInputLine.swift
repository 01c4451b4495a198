/// A one-line text field: `prompt` then the typed text and a block cursor. When the text is
/// longer than the room, its end stays visible.
public struct TextInputLine: Sendable {
    public var prompt: String
    public var text: String
    public var hint: String?

    public init(prompt: String, text: String, hint: String? = nil) {
        self.prompt = prompt
        self.text = text
        self.hint = hint
    }

    public func render(in area: Rect, buffer: inout CellBuffer) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        buffer.fill(row)
        var x = row.x
        x += buffer.write(prompt + " ", x: x, y: row.y, maxWidth: row.width / 2, style: .fg(.title, .bold))
        let room = row.maxX - x - 1
        guard room > 0 else { return }
        let visible = text.count > room ? String(text.suffix(room)) : text
        x += buffer.write(visible, x: x, y: row.y, maxWidth: room, style: .plain)
        buffer.set(x: x, y: row.y, " ", style: CellStyle(attributes: .reverse))
        if let hint, row.maxX - x - 3 > hint.count {
            buffer.write(hint, x: row.maxX - hint.count, y: row.y, style: .fg(.dimText))
        }
    }
}
