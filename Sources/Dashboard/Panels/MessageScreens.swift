import WideDeep

/// The screen shown when the terminal is smaller than the dashboard needs.
struct TooSmallScreen {
    let size: TerminalSize

    func render(buffer: inout CellBuffer) {
        buffer.fill(buffer.bounds)
        let minimum = DashboardLayout.minimumSize
        let lines: [(String, CellStyle)] = [
            ("enlarge the terminal to at least \(minimum.columns)×\(minimum.rows)", .fg(.warning, .bold)),
            ("current size: \(size.columns)×\(size.rows)", .plain),
            ("q quits", .fg(.dimText)),
        ]
        let top = max(0, (buffer.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() where top + offset < buffer.height {
            buffer.write(line.0, in: buffer.bounds.row(top + offset), alignment: .center, style: line.1)
        }
    }
}

/// The data-loading box: file, progress bar, rows read and rows skipped.
struct LoadingPanel {
    let snapshot: TrainingSnapshot

    func render(in area: Rect, buffer: inout CellBuffer) {
        let frame = area.centered(width: min(area.width, max(50, area.width * 2 / 3)), height: min(area.height, 7))
        let inner = Box(title: "loading data").render(in: frame, buffer: &buffer)
        guard inner.height >= 3 else { return }
        guard let loading = snapshot.loading else {
            buffer.write("preparing…", in: inner.row(0), style: .fg(.dimText))
            return
        }
        buffer.write("file  \(loading.file)", in: inner.row(0).inset(left: 1, right: 1))
        Gauge(fraction: loading.fraction).render(in: inner.row(2).inset(left: 1, right: 1), buffer: &buffer)
        if inner.height >= 5 {
            buffer.write("\(Format.count(loading.rowsRead)) rows read · \(Format.count(loading.rowsSkipped)) bad rows skipped",
                         in: inner.row(4).inset(left: 1, right: 1),
                         style: loading.rowsSkipped > 0 ? .fg(.warning) : .fg(.dimText))
        }
    }
}
