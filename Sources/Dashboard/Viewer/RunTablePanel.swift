import WideDeep

/// The runs' table, which is also the charts' legend: per run its key, glyph and name in its
/// colour (dimmed while hidden), state, and the figures of its final (or, still running, latest)
/// evaluation as the log has them, with the best one by the run's own metric.
struct RunTablePanel {
    let runs: [ViewedRun]
    let state: ViewerState

    /// Rows this panel wants: a border above and below, the header, a row per run.
    static func height(runCount: Int) -> Int { max(1, runCount) + 3 }

    /// A column with its priority: the narrowest screens keep the lowest numbers.
    private struct Column {
        var title: String
        var width: Int
        var priority: Int
        var alignRight = true
        var text: (ViewedRun) -> String
    }

    private static let dash = "—"

    static func figure(_ value: Double?) -> String {
        guard let value, value.isFinite else { return RunTablePanel.dash }
        return Format.metric(value)
    }

    private var columns: [Column] {
        [
            Column(title: "state", width: 15, priority: 1, alignRight: false) { $0.stateText },
            Column(title: "examples", width: 10, priority: 3) { run in run.log.latest.map { Format.count($0.examples) } ?? RunTablePanel.dash },
            Column(title: "AUC", width: 6, priority: 1) { RunTablePanel.figure($0.log.latest?.validAUC) },
            Column(title: "logloss", width: 7, priority: 1) { RunTablePanel.figure($0.log.latest?.validLogloss) },
            Column(title: "accuracy", width: 8, priority: 4) { RunTablePanel.figure($0.log.latest?.validAccuracy) },
            Column(title: "best @ step", width: 21, priority: 2) { RunTablePanel.best(of: $0) },
            Column(title: "ranks×batch", width: 11, priority: 5) { run in
                guard let latest = run.log.latest, let ranks = latest.ranks, let batch = latest.batch, batch > 0 else { return RunTablePanel.dash }
                return "\(ranks)×\(batch)"
            },
        ]
    }

    /// `name` in at most `width` columns, cut in the middle: names told apart by their end
    /// (`adult (a.jsonl)`, `adult (b.jsonl)`) stay apart.
    static func shortened(_ name: String, to width: Int) -> String {
        guard name.count > width, width > 4 else { return TerminalText.truncate(name, to: width) }
        let head = (width - 1) / 3
        return String(name.prefix(head)) + "…" + String(name.suffix(width - 1 - head))
    }

    /// "0.3121 logloss @ 3,054": the best value, its metric and the step, as the log states them.
    static func best(of run: ViewedRun) -> String {
        guard let best = run.log.latest?.best else { return RunTablePanel.dash }
        return "\(figure(best.value)) \(best.metric) @\(Format.count(best.step))"
    }

    /// The columns shown in `width` (after the key and glyph) and the name column's width.
    /// Columns go by priority; the names keep at least 16 columns against the main figures and
    /// their full length (up to 30) against the minor ones; room the names do not need goes to the
    /// settings in which the runs differ, before ranks × batch when that makes enough of it.
    private func layout(width: Int) -> (columns: [Column], nameWidth: Int) {
        let nameMinimum = 16, configMinimum = 14, minorPriority = 4
        let nameWanted = max(nameMinimum, runs.indices.map { index in
            runs[index].name.count + (state.hiddenRuns.contains(index) ? " (hidden)".count : 0) + 2
        }.max() ?? 0)
        var shown = columns
        func used() -> Int { shown.reduce(0) { $0 + $1.width + 1 } }
        func dropLeastImportant() { shown.remove(at: shown.indices.max { shown[$0].priority < shown[$1].priority }!) }
        while let least = shown.map(\.priority).max(), least >= minorPriority, min(nameWanted, 30) + used() > width {
            dropLeastImportant()
        }
        while !shown.isEmpty, nameMinimum + used() > width { dropLeastImportant() }
        var nameWidth = width - used()
        guard runs.contains(where: { !$0.configDifference.isEmpty }) else { return (shown, nameWidth) }
        if nameWidth - nameWanted - 1 < configMinimum, let last = shown.last, last.priority == 5,
           nameWidth + last.width - nameWanted >= configMinimum {
            // The settings that differ say more than ranks × batch (a batch size that differs is among them).
            nameWidth += shown.removeLast().width + 1
        }
        if nameWidth - nameWanted - 1 >= configMinimum {
            shown.append(Column(title: "config differs", width: nameWidth - nameWanted - 1, priority: 0,
                                alignRight: false) { $0.configDifference.isEmpty ? RunTablePanel.dash : $0.configDifference })
            nameWidth = nameWanted
        }
        return (shown, nameWidth)
    }

    func render(in area: Rect, buffer: inout CellBuffer) {
        let title = runs.count > 1 ? "runs · final or latest evaluation" : "run · final or latest evaluation"
        var box = Box(title: title)
        box.rightTitle = "1-9 show/hide"
        let inner = box.render(in: area, buffer: &buffer).inset(left: 1, right: 1)
        guard inner.height >= 1 else { return }
        let labelWidth = 4
        let (shown, nameWidth) = layout(width: inner.width - labelWidth)
        var x = inner.x + labelWidth + nameWidth
        buffer.write("run", x: inner.x + labelWidth, y: inner.y, style: .fg(.dimText))
        for column in shown {
            buffer.write(TerminalText.pad(column.title, to: column.width, alignRight: column.alignRight),
                         x: x + 1, y: inner.y, style: .fg(.dimText))
            x += column.width + 1
        }
        if runs.isEmpty {
            buffer.write("no runs", x: inner.x, y: inner.y + 1, style: .fg(.dimText))
        }
        // Rows below the header; when the runs do not all fit, the last one says how many are left out.
        let rows = inner.height - 1
        let listed = runs.count > rows ? max(0, rows - 1) : runs.count
        if listed < runs.count, rows > 0 {
            buffer.write("+\(runs.count - listed) more (a taller terminal lists them)", x: inner.x + 4,
                         y: inner.y + rows, maxWidth: inner.width - 4, style: .fg(.dimText))
        }
        for (index, run) in runs.prefix(listed).enumerated() {
            let y = inner.y + 1 + index
            let hidden = state.hiddenRuns.contains(index)
            let key = index < 9 ? "\(index + 1)" : " "
            let runStyle: CellStyle = hidden ? .fg(.dimText) : CellStyle(foreground: ViewedRun.color(of: index), attributes: .bold)
            buffer.write(key, x: inner.x, y: y, style: .fg(hidden ? .dimText : .title, hidden ? [] : .bold))
            buffer.set(x: inner.x + 2, y: y, ViewedRun.glyph(of: index), style: runStyle)
            // Dimmed when hidden, and said in words (monochrome dims little): after the name where
            // there is room, else in the state column.
            let hiddenAfterName = hidden && run.name.count + 10 <= nameWidth
            let name = hiddenAfterName ? "\(run.name) (hidden)" : run.name
            buffer.write(RunTablePanel.shortened(name, to: nameWidth - 1), x: inner.x + labelWidth, y: y, style: runStyle)
            var x = inner.x + labelWidth + nameWidth
            let textStyle: CellStyle = hidden ? .fg(.dimText) : .plain
            for column in shown {
                var style = textStyle
                if column.title == "state", !hidden {
                    style = .fg(run.readError != nil ? .bad : run.status == .growing ? .good : run.status == .finished ? .text : .warning)
                }
                let text = column.title == "state" && hidden && !hiddenAfterName ? "hidden" : column.text(run)
                buffer.write(TerminalText.pad(text, to: column.width, alignRight: column.alignRight),
                             x: x + 1, y: y, style: style)
                x += column.width + 1
            }
            if run.log.evaluations.isEmpty, let first = shown.firstIndex(where: { $0.title != "state" }) {
                let start = inner.x + labelWidth + nameWidth + shown[..<first].reduce(0) { $0 + $1.width + 1 } + 1
                buffer.fill(Rect(x: start, y: y, width: inner.maxX - start, height: 1))
                buffer.write("no evaluations yet", x: start, y: y, maxWidth: inner.maxX - start, style: .fg(.dimText))
            }
        }
    }
}
