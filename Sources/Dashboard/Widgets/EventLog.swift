import WideDeep

/// The latest run events, newest at the bottom: `mm:ss  step  message`, coloured by kind.
public struct EventLog: Sendable {
    public var events: [RunEvent]
    /// Lines scrolled back from the newest (clamped to what there is).
    public var scroll: Int

    public init(events: [RunEvent], scroll: Int = 0) {
        self.events = events
        self.scroll = scroll
    }

    /// The scroll offset actually used for `lineCount` lines in `height` rows.
    static func clampedScroll(_ scroll: Int, lineCount: Int, height: Int) -> Int {
        min(max(0, scroll), max(0, lineCount - height))
    }

    static func color(for kind: RunEvent.Kind) -> ColorRole {
        switch kind {
        case .divergence, .error: .bad
        case .skippedRows, .rollback: .warning
        case .checkpoint, .evaluation: .good
        case .hyperparameter: .title
        case .info, .state: .text
        }
    }

    /// The lines to show: each run of consecutive evaluations as its latest, with how many it
    /// stands for. A fast run evaluates several times a second; one line per evaluation pushed
    /// the steering events (a change, a save, a rollback) out of a six-line panel within a second.
    static func lines(_ events: [RunEvent]) -> [RunEvent] {
        var lines: [RunEvent] = []
        var run = 0
        for event in events {
            if event.kind == .evaluation, let last = lines.last, last.kind == .evaluation {
                run += 1
                lines[lines.count - 1] = event
            } else {
                if run > 1 { lines[lines.count - 1].message += latest(of: run) }
                lines.append(event)
                run = event.kind == .evaluation ? 1 : 0
            }
        }
        if run > 1 { lines[lines.count - 1].message += latest(of: run) }
        return lines
    }

    /// What a line standing for `count` consecutive evaluations adds to the latest one's text.
    static func latest(of count: Int) -> String { " (latest of \(count) evaluations in a row)" }

    public func render(in area: Rect, buffer: inout CellBuffer) {
        guard !area.isEmpty else { return }
        buffer.fill(area)
        guard !events.isEmpty else {
            buffer.write("no events yet", in: area.row(0), style: .fg(.dimText))
            return
        }
        let lines = Self.lines(events)
        let back = Self.clampedScroll(scroll, lineCount: lines.count, height: area.height)
        let shown = lines.dropLast(back).suffix(area.height)
        let stepWidth = min(9, shown.map { String($0.step).count }.max() ?? 1)
        for (offset, event) in shown.enumerated() {
            let y = area.y + offset
            var x = area.x
            x += buffer.write(Format.clock(event.seconds) + " ", x: x, y: y, style: .fg(.dimText))
            x += buffer.write(TerminalText.pad("#\(event.step)", to: stepWidth + 1, alignRight: true) + " ",
                              x: x, y: y, maxWidth: area.maxX - x, style: .fg(.dimText))
            buffer.write(TerminalText.fitKeepingPaths(event.message, to: area.maxX - x), x: x, y: y,
                         maxWidth: area.maxX - x, style: .fg(EventLog.color(for: event.kind)))
        }
    }
}
