import WideDeep

/// Draws a whole frame of the run viewer from the runs and the view state. Pure: the same inputs
/// give the same cells, which the frame tests rely on.
public enum ViewerScreen {
    /// Every key binding, for the help overlay.
    static var helpEntries: [(keys: String, action: String)] {
        ViewerKeyBinding.all.map { ($0.helpKeys, $0.helpAction) }
    }

    public static func render(runs: [ViewedRun], state: ViewerState, into buffer: inout CellBuffer) {
        let size = TerminalSize(columns: buffer.width, rows: buffer.height)
        // The same minimum as the training dashboard, and the same message below it.
        guard DashboardLayout.isLargeEnough(size) else {
            TooSmallScreen(size: size).render(buffer: &buffer)
            return
        }
        buffer.fill(buffer.bounds)
        let charts = ViewerCharts(runs: runs, state: state)
        renderHeader(runs: runs, charts: charts, in: buffer.bounds.row(0), buffer: &buffer)
        let notices = self.notices(runs)
        let noticeRows = min(notices.count, 2)
        for (offset, notice) in notices.prefix(noticeRows).enumerated() {
            buffer.write(" " + notice, in: buffer.bounds.row(1 + offset), style: .fg(.bad, .bold))
        }
        let body = Rect(x: 0, y: 1 + noticeRows, width: size.columns, height: size.rows - 2 - noticeRows)
        // The table keeps at least 12 rows for the charts; runs past that are cut.
        let tableHeight = min(RunTablePanel.height(runCount: runs.count), max(4, body.height - 12))
        let (chartArea, tableArea) = body.splitRows(topHeight: body.height - tableHeight)
        let (left, right) = chartArea.splitColumns(leftWidth: chartArea.width / 2)
        charts.render(validation: left, training: right, buffer: &buffer)
        RunTablePanel(runs: runs, state: state).render(in: tableArea, buffer: &buffer)
        ViewerFooter(state: state).render(in: buffer.bounds.row(size.rows - 1), buffer: &buffer)
        if state.showsHelp {
            HelpOverlay(entries: helpEntries).render(in: body, buffer: &buffer)
        }
    }

    /// " wdl view · 2 runs ", a FOLLOWING badge while a log grows, the x range at the right.
    private static func renderHeader(runs: [ViewedRun], charts: ViewerCharts, in row: Rect,
                                     buffer: inout CellBuffer) {
        let bar = CellStyle(foreground: .role(.text), background: .role(.highlight))
        buffer.fill(row, with: Cell(" ", style: bar))
        var x = row.x
        x += buffer.write(" wdl view · \(runs.count) run\(runs.count == 1 ? "" : "s") ", x: x, y: row.y, style: bar.with(.bold))
        let following = runs.filter { $0.status == .growing && $0.readError == nil }.count
        if following > 0 {
            let badge = CellStyle(foreground: .role(.background), background: .role(.good), attributes: .bold)
            let text = runs.count == 1 ? " FOLLOWING " : " FOLLOWING \(following) of \(runs.count) "
            x += buffer.write(text, x: x, y: row.y, maxWidth: row.maxX - x, style: badge)
        }
        let range = charts.xDescription(room: row.maxX - x - 3) + " "
        if x + 2 + range.count <= row.maxX {
            buffer.write(range, x: row.maxX - range.count, y: row.y, style: bar)
        }
    }

    /// What went wrong with a log after it was first read, newest first: one line per run.
    static func notices(_ runs: [ViewedRun]) -> [String] {
        runs.compactMap { run in
            if let error = run.readError { return "\(error)" }
            guard let last = run.problems.last else { return nil }
            let more = run.problems.count > 1 ? " (\(run.problems.count) bad lines skipped)" : " (skipped)"
            return "\(last)\(more)"
        }
    }
}
