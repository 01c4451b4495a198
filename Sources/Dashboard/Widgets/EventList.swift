import WideDeep

/// The latest run events, newest at the bottom: `mm:ss  step  message`, coloured by kind.
public struct EventList: Sendable {
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
        folded(events).map { line in
            var event = line.event
            if line.count > 1 { event.message += latest(of: line.count) }
            return event
        }
    }

    /// Each line's event and how many consecutive evaluations it stands for (1 for any other).
    static func folded(_ events: [RunEvent]) -> [(event: RunEvent, count: Int)] {
        var lines: [(event: RunEvent, count: Int)] = []
        for event in events {
            if event.kind == .evaluation, let last = lines.last, last.event.kind == .evaluation {
                lines[lines.count - 1] = (event, last.count + 1)
            } else {
                lines.append((event, 1))
            }
        }
        return lines
    }

    /// What a line standing for `count` consecutive evaluations adds to the latest one's text.
    static func latest(of count: Int) -> String { " (latest of \(count) evaluations in a row)" }

    /// A line's text in `width` columns: a folded line keeps its count, the evaluation's last
    /// figures go first, whole (the long wording while the first figure stays, else the short).
    static func text(of event: RunEvent, folding count: Int, width: Int) -> String {
        guard count > 1 else { return TerminalText.fitKeepingPaths(event.message, to: width) }
        let long = latest(of: count), short = " (latest of \(count))"
        if event.message.count + long.count <= width { return event.message + long }
        let first = event.message.components(separatedBy: ", ").first ?? event.message
        let suffix = width - long.count >= first.count + 1 ? long : short
        guard width - suffix.count >= 8 else { return TerminalText.truncate(event.message + short, to: width) }
        return figures(of: event.message, to: width - suffix.count) + suffix
    }

    /// `message` cut to `width` at a ", " between figures when one fits ("…" marks the cut).
    private static func figures(of message: String, to width: Int) -> String {
        var kept = ""
        for part in message.components(separatedBy: ", ") {
            let next = kept.isEmpty ? part : kept + ", " + part
            guard next.count + 1 <= width else { break }
            kept = next
        }
        return kept.isEmpty ? TerminalText.truncate(message, to: width) : kept + "…"
    }

    public func render(in area: Rect, buffer: inout CellBuffer) {
        guard !area.isEmpty else { return }
        buffer.fill(area)
        guard !events.isEmpty else {
            buffer.write("no events yet", in: area.row(0), style: .fg(.dimText))
            return
        }
        let lines = Self.folded(events)
        let back = Self.clampedScroll(scroll, lineCount: lines.count, height: area.height)
        let shown = lines.dropLast(back).suffix(area.height)
        let stepWidth = min(9, shown.map { String($0.event.step).count }.max() ?? 1)
        for (offset, (event, count)) in shown.enumerated() {
            let y = area.y + offset
            var x = area.x
            x += buffer.write(Format.clock(event.seconds) + " ", x: x, y: y, style: .fg(.dimText))
            x += buffer.write(TerminalText.pad("#\(event.step)", to: stepWidth + 1, alignRight: true) + " ",
                              x: x, y: y, maxWidth: area.maxX - x, style: .fg(.dimText))
            buffer.write(Self.text(of: event, folding: count, width: area.maxX - x), x: x, y: y,
                         maxWidth: area.maxX - x, style: .fg(EventList.color(for: event.kind)))
        }
    }
}
