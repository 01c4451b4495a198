import WideDeep

/// The two status rows: run, data, mode, STATE, epoch, step, examples; then progress with an
/// estimated time left, throughput and elapsed time (or the cause of a divergence).
struct StatusBarPanel {
    let snapshot: TrainingSnapshot
    /// Attached and disconnected: why ("run ended", "connection lost: …"), shown instead of the progress.
    var connectionNote: String? = nil

    static func stateColor(_ state: RunState) -> ColorRole {
        switch state {
        case .running, .finished: .good
        case .paused, .evaluating, .saving, .loading: .warning
        case .diverged, .failed: .bad
        }
    }

    func render(in area: Rect, buffer: inout CellBuffer) {
        guard area.height >= 2 else { return }
        renderHeadline(in: area.row(0), buffer: &buffer)
        renderProgress(in: area.row(1), buffer: &buffer)
    }

    private func renderHeadline(in row: Rect, buffer: inout CellBuffer) {
        let bar = CellStyle(foreground: .role(.text), background: .role(.highlight))
        buffer.fill(row, with: Cell(" ", style: bar))
        let state = " \(snapshot.state.rawValue) "
        var counters = "  epoch \(snapshot.epoch)/\(snapshot.totalEpochs)  step \(Format.count(snapshot.step))"
            + "  examples \(Format.count(snapshot.examplesSeen))"
        if counters.count + state.count + 12 > row.width {
            counters = "  ep \(snapshot.epoch)/\(snapshot.totalEpochs)  step \(Format.compact(snapshot.step))"
                + "  ex \(Format.compact(snapshot.examplesSeen))"
        }
        let run = snapshot.runName.isEmpty ? "run" : snapshot.runName
        var identity = [" wdl", run, snapshot.dataDescription, snapshot.mode.rawValue]
            .filter { !$0.isEmpty }.joined(separator: " · ") + " "
        let room = row.width - state.count - counters.count
        if identity.count > room {
            // Data description goes first, then the mode, before the run name is cut.
            identity = [" wdl", run, snapshot.mode.rawValue].joined(separator: " · ") + " "
            if identity.count > room { identity = TerminalText.truncate(" wdl · " + run, to: room - 1) + " " }
        }
        var x = row.x
        x += buffer.write(identity, x: x, y: row.y, maxWidth: max(0, room), style: bar.with(.bold))
        let badge = CellStyle(foreground: .role(.background),
                              background: .role(StatusBarPanel.stateColor(snapshot.state)), attributes: .bold)
        x += buffer.write(state, x: x, y: row.y, maxWidth: row.maxX - x, style: badge)
        buffer.write(counters, x: x, y: row.y, maxWidth: row.maxX - x, style: bar)
    }

    /// Time left at the run's average training rate once it has trained a few seconds (the rate of
    /// the last few seconds jumps with every evaluation and save), at the recent rate before.
    static func secondsLeft(_ snapshot: TrainingSnapshot) -> Double? {
        let rate = snapshot.trainingSeconds >= 5 ? snapshot.averageExamplesPerSecond : snapshot.examplesPerSecond
        guard snapshot.totalExamples > 0, rate > 0 else { return nil }
        return Double(max(0, snapshot.totalExamples - snapshot.examplesSeen)) / rate
    }

    /// " DIVERGED: cause — press r …" in `width` columns: the hint shortens first, then the cause
    /// is cut (the events panel has it whole), so the way out always shows.
    static func failureBanner(_ snapshot: TrainingSnapshot, width: Int) -> String {
        let head = " \(snapshot.state.rawValue): "
        let cause = snapshot.stateDetail ?? "no cause reported"
        let hints = snapshot.canRollBack ? [" — press r to roll back to the last good state", " — r rolls back"] : [""]
        for hint in hints where head.count + cause.count + hint.count <= width { return head + cause + hint }
        let hint = hints[hints.count - 1]
        return head + TerminalText.truncate(cause, to: max(1, width - head.count - hint.count)) + hint
    }

    private func renderProgress(in row: Rect, buffer: inout CellBuffer) {
        buffer.fill(row)
        if let note = connectionNote {
            buffer.write(" \(note) — the last state received is shown; q closes", in: row, style: .fg(.warning, .bold))
            return
        }
        if snapshot.state == .diverged || snapshot.state == .failed {
            buffer.write(StatusBarPanel.failureBanner(snapshot, width: row.width), in: row, style: .fg(.bad, .bold))
            return
        }
        if snapshot.state == .loading, let loading = snapshot.loading {
            let gaugeWidth = max(12, row.width / 3)
            Gauge(fraction: loading.fraction).render(in: Rect(x: row.x + 1, y: row.y, width: gaugeWidth, height: 1),
                                                     buffer: &buffer)
            let text = "  loading \(loading.file): \(Format.count(loading.rowsRead)) rows read, "
                + "\(Format.count(loading.rowsSkipped)) skipped"
            buffer.write(text, x: row.x + 1 + gaugeWidth, y: row.y,
                         maxWidth: row.width - gaugeWidth - 1, style: .fg(.dimText))
            return
        }
        let fraction = snapshot.totalExamples > 0
            ? Double(snapshot.examplesSeen) / Double(snapshot.totalExamples) : 0
        let gaugeWidth = max(16, row.width * 3 / 10)
        Gauge(fraction: fraction, label: snapshot.totalExamplesIsEstimate ? "~" + Format.percent(min(1, fraction)) : nil).render(in: Rect(x: row.x + 1, y: row.y, width: gaugeWidth, height: 1),
                                         buffer: &buffer)
        var parts: [String] = []
        switch snapshot.state {
        case .running, .evaluating, .saving:
            if let left = StatusBarPanel.secondsLeft(snapshot) { parts.append("ETA ~\(Format.duration(left))") }
            parts.append("\(Format.count(Int(snapshot.examplesPerSecond.rounded()))) ex/s (last few s)")
        case .finished:
            parts.append("done")
            parts.append("\(Format.count(Int(snapshot.averageExamplesPerSecond.rounded()))) ex/s (average)")
        default:
            // No rate while nothing trains: the last one would read as if it still held.
            parts.append("ETA — (\(snapshot.state.rawValue.lowercased()))")
        }
        parts.append("elapsed \(Format.duration(snapshot.elapsedSeconds))")
        if row.width >= 110 { parts.append("training \(Format.duration(snapshot.trainingSeconds))") }
        if snapshot.skippedRows > 0 {
            // And why, the first reason, last so that a narrow bar cuts it rather than the count.
            let why = snapshot.skippedRowsReasons.first.map { " (first: \($0))" } ?? ""
            parts.append("\(Format.count(snapshot.skippedRows)) rows skipped\(why)")
        }
        buffer.write("  " + parts.joined(separator: "  "), x: row.x + 1 + gaugeWidth, y: row.y,
                     maxWidth: row.width - gaugeWidth - 1, style: .fg(.dimText))
    }
}
