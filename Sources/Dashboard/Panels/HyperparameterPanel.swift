import WideDeep

/// The live hyperparameters and the smoothing factor, one selected. A value sent but not yet
/// applied by the session shows as `old → new…`.
struct HyperparameterPanel {
    let snapshot: TrainingSnapshot
    let view: ViewState
    let rows: [EditableRow]
    let columns: Int

    func currentValue(_ row: EditableRow) -> Double? {
        switch row {
        case .hyperparameter(let parameter): snapshot.value(of: parameter)
        case .smoothing: view.smoothing
        }
    }

    static func text(_ value: Double, for row: EditableRow) -> String {
        row == .smoothing ? Format.fixed(value, 3) : Format.number(value)
    }

    func render(in area: Rect, buffer: inout CellBuffer) {
        var box = Box(title: "hyperparameters")
        let hint = "↑↓ select · +/- ×1.25/×0.8 · ⏎ type"
        box.rightTitle = hint.count <= box.rightTitleRoom(width: area.width) ? hint : "↑↓ +/- ⏎"
        let inner = box.render(in: area, buffer: &buffer)
        guard !inner.isEmpty else { return }
        let window = HyperparameterPanel.window(rowCount: rows.count, selected: view.selectedRow,
                                                capacity: inner.height * columns)
        let perColumn = window.count < rows.count
            ? inner.height : max(1, (rows.count + columns - 1) / columns)
        let columnWidth = inner.width / columns
        let showRange = columns == 1 && inner.width >= 36
        let labelWidth = rows.map { $0.label.count }.max() ?? 0
        for index in window {
            let row = rows[index]
            let column = (index - window.lowerBound) / perColumn, line = (index - window.lowerBound) % perColumn
            guard line < inner.height, column < columns else { continue }
            let cell = Rect(x: inner.x + column * columnWidth, y: inner.y + line,
                            width: column == columns - 1 ? inner.width - column * columnWidth : columnWidth - 1,
                            height: 1)
            let selected = index == view.selectedRow
            let base: CellStyle = selected
                ? CellStyle(foreground: .role(.text), background: .role(.highlight), attributes: .bold)
                : .plain
            buffer.fill(cell, with: Cell(" ", style: base))
            var x = cell.x
            x += buffer.write((selected ? "▶" : " ") + TerminalText.pad(row.label, to: labelWidth) + " ",
                              x: x, y: cell.y, maxWidth: cell.width, style: base)
            var value = currentValue(row).map { HyperparameterPanel.text($0, for: row) } ?? "—"
            var valueStyle = base
            if case .hyperparameter(let parameter) = row, let pending = view.pending[parameter] {
                value += " → " + HyperparameterPanel.text(pending.value, for: row) + "…"
                valueStyle.foreground = .role(.warning)
            }
            x += buffer.write(value, x: x, y: cell.y, maxWidth: cell.maxX - x, style: valueStyle)
            if showRange, cell.maxX - x > 14 {
                let range = "\(Format.number(row.validRange.lowerBound))…\(Format.number(row.validRange.upperBound))"
                var dim = base
                dim.foreground = .role(.dimText)
                dim.attributes.remove(.bold)
                buffer.write(range, in: Rect(x: x + 1, y: cell.y, width: cell.maxX - x - 1, height: 1),
                             alignment: .right, style: dim)
            }
        }
        if window.count < rows.count { renderScrollIndicator(window, in: area, buffer: &buffer) }
    }

    /// The rows shown: all when they fit, else a full window holding the selected row (pages of
    /// `capacity` rows, the last one ending at the last row), so the cursor is never on a row
    /// that is not drawn and every row comes into view as the selection moves.
    static func window(rowCount: Int, selected: Int, capacity: Int) -> Range<Int> {
        guard rowCount > capacity, capacity > 0 else { return 0..<rowCount }
        let selected = min(max(0, selected), rowCount - 1)
        let first = min(selected / capacity * capacity, rowCount - capacity)
        return first..<(first + capacity)
    }

    /// "▲ 4–9 of 10 ▼" in the bottom border: which rows are shown and on which side more are.
    private func renderScrollIndicator(_ window: Range<Int>, in area: Rect, buffer: inout CellBuffer) {
        guard area.height >= 3 else { return }
        let up = window.lowerBound > 0 ? "▲ " : "", down = window.upperBound < rows.count ? " ▼" : ""
        let text = " \(up)\(window.lowerBound + 1)–\(window.upperBound) of \(rows.count)\(down) "
        guard text.count <= area.width - 4 else { return }
        buffer.write(text, x: area.maxX - 2 - text.count, y: area.maxY - 1, style: .fg(.title, .bold))
    }
}
