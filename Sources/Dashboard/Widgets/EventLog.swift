import WideDeep

/// The latest run events, newest at the bottom: `mm:ss  step  message`, coloured by kind.
public struct EventLog: Sendable {
    public var events: [RunEvent]

    public init(events: [RunEvent]) {
        self.events = events
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

    public func render(in area: Rect, buffer: inout CellBuffer) {
        guard !area.isEmpty else { return }
        buffer.fill(area)
        guard !events.isEmpty else {
            buffer.write("no events yet", in: area.row(0), style: .fg(.dimText))
            return
        }
        let stepWidth = min(9, events.suffix(area.height).map { String($0.step).count }.max() ?? 1)
        for (offset, event) in events.suffix(area.height).enumerated() {
            let y = area.y + offset
            var x = area.x
            x += buffer.write(Format.clock(event.seconds) + " ", x: x, y: y, style: .fg(.dimText))
            x += buffer.write(TerminalText.pad("#\(event.step)", to: stepWidth + 1, alignRight: true) + " ",
                              x: x, y: y, maxWidth: area.maxX - x, style: .fg(.dimText))
            buffer.write(event.message, x: x, y: y, maxWidth: area.maxX - x,
                         style: .fg(EventLog.color(for: event.kind)))
        }
    }
}
