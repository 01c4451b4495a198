/// The bottom row: the main keys, or a message, the value being typed, or the quit question; the
/// theme's name at the right.
struct FooterPanel {
    let view: ViewState

    func render(in row: Rect, buffer: inout CellBuffer) {
        buffer.fill(row)
        switch view.mode {
        case .editing(let target, let text):
            TextInputLine(prompt: " \(target.label) =", text: text,
                          hint: "⏎ apply · Esc cancel ").render(in: row, buffer: &buffer)
            return
        case .confirmQuit(let canSave):
            let style = CellStyle(foreground: .role(.background), background: .role(.warning), attributes: .bold)
            let question = canSave
                ? " unsaved progress: s save and quit · d quit without saving · Esc cancel "
                : " quit? unsaved progress is lost (nothing can be saved): y quit · N cancel "
            buffer.write(question, in: row, style: style)
            return
        case .confirmDetach:
            let style = CellStyle(foreground: .role(.background), background: .role(.warning), attributes: .bold)
            buffer.write(" s stop the run · d detach (training goes on) · Esc cancel ", in: row, style: style)
            return
        case .normal, .help:
            break
        }
        var row = row
        if view.attached {
            // Always there: whose run this is, how to leave it, and (read-only) why keys are refused.
            let badge = CellStyle(foreground: .role(.background), background: .role(view.readOnly ? .warning : .title),
                                  attributes: .bold)
            let text = view.readOnly ? " READ-ONLY · d detach " : " ATTACHED · d detach "
            let width = buffer.write(text, x: row.x, y: row.y, maxWidth: row.width, style: badge)
            row = Rect(x: row.x + width, y: row.y, width: max(0, row.width - width), height: 1)
        }
        // A message takes the whole row: a failure should be read in full.
        let theme = "theme: \(view.themeName) "
        let themeWidth = row.width >= 100 && view.message == nil ? theme.count : 0
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
            buffer.write(" " + TerminalText.fitKeepingPaths(message.text, to: room.width - 1), in: room, style: .fg(role, .bold))
            return
        }
        // Always keep the essential keys (help, quit); fit as many of the others as there is
        // room for, in table order.
        let labels = KeyBinding.all.compactMap(\.footer)
        let essential = labels.filter { $0.priority == .always }
        let essentialWidth = essential.reduce(0) { $0 + width(of: $1) }
        var x = room.x + 1
        var budget = room.width - 1 - essentialWidth
        for label in labels where label.priority == .ifRoom {
            guard width(of: label) <= budget else { break }
            x = write(label, x: x, y: row.y, buffer: &buffer)
            budget -= width(of: label)
        }
        for label in essential { x = write(label, x: x, y: row.y, buffer: &buffer) }
    }

    /// Columns taken by "keys action" and the two spaces after it.
    private func width(of label: KeyBinding.FooterLabel) -> Int {
        label.keys.count + label.action.count + 3
    }

    private func write(_ label: KeyBinding.FooterLabel, x: Int, y: Int, buffer: inout CellBuffer) -> Int {
        var x = x
        x += buffer.write(label.keys, x: x, y: y, style: .fg(.title, .bold))
        x += buffer.write(" " + label.action + "  ", x: x, y: y, style: .fg(.dimText))
        return x
    }
}
