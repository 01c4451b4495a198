/// A grid of cells that widgets draw into. Frames are compared cell by cell so only the cells that
/// changed since the previous frame are sent to the terminal.
public struct CellBuffer: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// The cell at column `x`, row `y`. Reading outside the grid returns a blank cell; writing
    /// outside it is ignored, so widgets may clip by simply drawing.
    public subscript(x: Int, y: Int) -> Cell {
        get { contains(x: x, y: y) ? cells[y * width + x] : .blank }
        set { if contains(x: x, y: y) { cells[y * width + x] = newValue } }
    }

    public mutating func set(x: Int, y: Int, _ scalar: Unicode.Scalar, style: CellStyle) {
        guard contains(x: x, y: y) else { return }
        cells[y * width + x] = Cell(scalar, style: style)
    }

    /// Fills `rect` (clipped to the grid) with `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for row in area.y..<area.maxY {
            let start = row * width
            for column in area.x..<area.maxX { cells[start + column] = cell }
        }
    }

    /// Writes `text` from (`x`, `y`) rightwards, at most `maxWidth` columns (and never past the
    /// grid); returns the columns written. Text that does not fit is truncated with `…` when
    /// `ellipsis` is true, otherwise simply cut.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, maxWidth: Int? = nil,
                               style: CellStyle = .plain, ellipsis: Bool = true) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth ?? (width - x), width - max(0, x))
        guard limit > 0 else { return 0 }
        let scalars = TerminalText.scalars(text)
        let cut = scalars.count > limit
        let count = min(scalars.count, limit)
        var written = 0
        for index in 0..<count {
            let column = x + index
            let scalar = (cut && ellipsis && index == count - 1) ? TerminalText.ellipsis : scalars[index]
            if column >= 0 { cells[y * width + column] = Cell(scalar, style: style) }
            written += 1
        }
        return written
    }

    public enum Alignment: Sendable { case left, center, right }

    /// Writes `text` into the one-row `rect` (its first row), aligned and truncated with `…`.
    @discardableResult
    public mutating func write(_ text: String, in rect: Rect, alignment: Alignment = .left,
                               style: CellStyle = .plain) -> Int {
        guard !rect.isEmpty else { return 0 }
        let length = min(TerminalText.width(text), rect.width)
        let offset: Int
        switch alignment {
        case .left: offset = 0
        case .center: offset = (rect.width - length) / 2
        case .right: offset = rect.width - length
        }
        return write(text, x: rect.x + offset, y: rect.y, maxWidth: rect.width - offset, style: style)
    }

    /// Indices (`y * width + x`) of the cells that differ from `previous`; every index when the
    /// sizes differ.
    public func changedIndices(since previous: CellBuffer?) -> [Int] {
        guard let previous, previous.width == width, previous.height == height else {
            return Array(cells.indices)
        }
        var changed: [Int] = []
        for index in cells.indices where cells[index] != previous.cells[index] {
            changed.append(index)
        }
        return changed
    }

    /// Row `y` as plain text (trailing spaces kept, so every line is `width` long).
    public func line(_ y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var text = String.UnicodeScalarView()
        for column in 0..<width { text.append(cells[y * width + column].scalar) }
        return String(text)
    }

    /// Every row as plain text.
    public var lines: [String] { (0..<height).map(line) }
}
