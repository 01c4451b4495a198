/// The bottom row: the main keys, or a message, the value being typed, or the quit question; the
/// theme's name at the right.
struct FooterPanel {
    let view: ViewState

    static let keys: [(key: String, action: String)] = [
        ("space", "pause"), ("↑↓", "select"), ("+/-", "change"), ("⏎", "edit"), ("s", "save"),
        ("e", "eval"), ("t", "theme"), ("r", "rollback"), ("?", "help"), ("q", "quit"),
    ]

    func render(in row: Rect, buffer: inout CellBuffer) {
        buffer.fill(row)
        switch view.mode {
        case .editing(let target, let text):
            TextInputLine(prompt: " \(target.label) =", text: text,
                          hint: "⏎ apply · Esc cancel ").render(in: row, buffer: &buffer)
            return
        case .confirmQuit:
            let style = CellStyle(foreground: .role(.background), background: .role(.warning), attributes: .bold)
            buffer.write(" quit without saving? y/N ", x: row.x, y: row.y, style: style)
            return
        case .normal, .help:
            break
        }
        let theme = "theme: \(view.themeName) "
        let themeWidth = row.width >= 100 ? theme.count : 0
        let room = Rect(x: row.x, y: row.y, width: row.width - themeWidth, height: 1)
        if themeWidth > 0 {
            buffer.write(theme, x: row.maxX - themeWidth, y: row.y, style: .fg(.dimText))
        }
        if let message = view.message {
            let role: ColorRole = switch message.severity {
            case .info: .text
            case .warning: .warning
            case .error: .bad
            }
            buffer.write(" " + message.text, in: room, style: .fg(role, .bold))
            return
        }
        // Always keep help and quit; fit as many of the others as there is room for, in order.
        let essential = FooterPanel.keys.suffix(2)
        let essentialWidth = essential.reduce(0) { $0 + $1.key.count + $1.action.count + 3 }
        var x = room.x + 1
        var budget = room.width - 1 - essentialWidth
        for entry in FooterPanel.keys.dropLast(2) {
            let width = entry.key.count + entry.action.count + 3
            guard width <= budget else { break }
            x = writeKey(entry, x: x, y: row.y, buffer: &buffer)
            budget -= width
        }
        for entry in essential { x = writeKey(entry, x: x, y: row.y, buffer: &buffer) }
    }

    private func writeKey(_ entry: (key: String, action: String), x: Int, y: Int,
                          buffer: inout CellBuffer) -> Int {
        var x = x
        x += buffer.write(entry.key, x: x, y: y, style: .fg(.title, .bold))
        x += buffer.write(" " + entry.action + "  ", x: x, y: y, style: .fg(.dimText))
        return x
    }
}
