/// A terminal that lives in memory: tests queue keys and read the screen back as text.
///
/// It applies exactly the cells the app sends, so a test also sees whether diffing works (cells
/// not resent keep their old content, as on a real terminal).
public final class InMemoryTerminal: TerminalBackend {
    public private(set) var size: TerminalSize
    public var colorTier: ColorTier
    /// Events handed out by `readEvent`, first in first out.
    public var pendingEvents: [InputEvent] = []
    /// How many times `draw` was called.
    public private(set) var framesDrawn = 0
    /// How many cells the last `draw` wrote.
    public private(set) var lastChangeCount = 0
    public private(set) var lastDrawWasFull = false

    private var scalars: [Unicode.Scalar]
    private var styles: [TerminalStyle]

    public init(columns: Int, rows: Int, colorTier: ColorTier = .trueColor) {
        size = TerminalSize(columns: columns, rows: rows)
        self.colorTier = colorTier
        scalars = Array(repeating: " ", count: columns * rows)
        styles = Array(repeating: TerminalStyle(), count: columns * rows)
    }

    public func draw(_ changes: [CellChange], fullRedraw: Bool) {
        framesDrawn += 1
        lastChangeCount = changes.count
        lastDrawWasFull = fullRedraw
        for change in changes where change.x >= 0 && change.y >= 0
            && change.x < size.columns && change.y < size.rows {
            let index = change.y * size.columns + change.x
            scalars[index] = change.scalar
            styles[index] = change.style
        }
    }

    public func readEvent(timeoutMilliseconds: Int) -> InputEvent? {
        pendingEvents.isEmpty ? nil : pendingEvents.removeFirst()
    }

    // MARK: Test helpers

    /// Queues key presses.
    public func press(_ keys: Key...) {
        pendingEvents.append(contentsOf: keys.map(InputEvent.key))
    }

    /// Queues each character of `text` as a key press.
    public func type(_ text: String) {
        pendingEvents.append(contentsOf: text.map { InputEvent.key(.character($0)) })
    }

    /// Changes the size (clearing the screen, as terminals do) and queues a resize event.
    public func resize(columns: Int, rows: Int) {
        size = TerminalSize(columns: columns, rows: rows)
        scalars = Array(repeating: " ", count: columns * rows)
        styles = Array(repeating: TerminalStyle(), count: columns * rows)
        pendingEvents.append(.resize(size))
    }

    /// The screen as text, one string per row.
    public var lines: [String] {
        (0..<size.rows).map { row in
            var line = String.UnicodeScalarView()
            for column in 0..<size.columns { line.append(scalars[row * size.columns + column]) }
            return String(line)
        }
    }

    /// The whole screen as one string, rows separated by newlines.
    public var text: String { lines.joined(separator: "\n") }

    public func style(x: Int, y: Int) -> TerminalStyle { styles[y * size.columns + x] }
}
