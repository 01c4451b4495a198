/// Columns × rows of a terminal.
public struct TerminalSize: Hashable, Sendable, CustomStringConvertible {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    public var description: String { "\(columns)×\(rows)" }
}

/// How many colours a terminal can show.
public enum ColorTier: String, Sendable, CaseIterable {
    case trueColor = "truecolor"
    case palette256 = "256"
    case palette8 = "8"
    case none
}

/// A colour a terminal understands: its default, a palette entry, or 24-bit RGB.
public enum TerminalColor: Hashable, Sendable {
    case `default`
    case indexed(UInt8)
    case rgb(RGB)
}

/// A fully resolved cell style, ready for the terminal.
public struct TerminalStyle: Hashable, Sendable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes

    public init(foreground: TerminalColor = .default, background: TerminalColor = .default,
                attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}

/// One cell to write: position, character and resolved style.
public struct CellChange: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var scalar: Unicode.Scalar
    public var style: TerminalStyle

    public init(x: Int, y: Int, scalar: Unicode.Scalar, style: TerminalStyle) {
        self.x = x
        self.y = y
        self.scalar = scalar
        self.style = style
    }
}

/// A screen the dashboard draws on and reads keys from: ncurses in the real program, an
/// in-memory grid in tests. Widgets never see it; only the app's frame loop does, from one thread.
public protocol TerminalBackend: AnyObject {
    /// The current size (updated when a resize event has been read).
    var size: TerminalSize { get }
    /// The colours this terminal can show.
    var colorTier: ColorTier { get }
    /// Writes the given cells and makes them visible. `fullRedraw` is true when every cell of the
    /// screen is included (first frame, after a resize or a theme change).
    func draw(_ changes: [CellChange], fullRedraw: Bool)
    /// The next input event, waiting at most `timeoutMilliseconds` (0: do not wait).
    func readEvent(timeoutMilliseconds: Int) -> InputEvent?
}
