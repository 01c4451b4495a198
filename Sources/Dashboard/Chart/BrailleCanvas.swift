/// A grid of braille cells, each holding 2×4 dots, for drawing lines at twice the horizontal and
/// four times the vertical resolution of the terminal.
///
/// Dot (x, y) counts from the top-left dot; y grows downwards. Cell bits follow Unicode's braille
/// block (U+2800 + bits), dot rows top to bottom: `0x01 0x08`, `0x02 0x10`, `0x04 0x20`, `0x40 0x80`.
public struct BrailleCanvas: Sendable {
    public let columns: Int
    public let rows: Int
    private var bits: [UInt8]
    private var colors: [ColorRef?]

    static let dotBits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
    public static let blank: UInt32 = 0x2800

    public init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        bits = Array(repeating: 0, count: self.columns * self.rows)
        colors = Array(repeating: nil, count: self.columns * self.rows)
    }

    public var dotWidth: Int { columns * 2 }
    public var dotHeight: Int { rows * 4 }

    /// Lights dot (x, y); a cell takes the colour of the last dot set in it.
    public mutating func setDot(x: Int, y: Int, color: ColorRef) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let index = (y / 4) * columns + x / 2
        bits[index] |= BrailleCanvas.dotBits[y % 4][x % 2]
        colors[index] = color
    }

    /// Lights the dots of a straight line (Bresenham), both ends included.
    public mutating func line(from start: (x: Int, y: Int), to end: (x: Int, y: Int), color: ColorRef) {
        var x = start.x, y = start.y
        let dx = abs(end.x - x), dy = -abs(end.y - y)
        let sx = x < end.x ? 1 : -1, sy = y < end.y ? 1 : -1
        var error = dx + dy
        while true {
            setDot(x: x, y: y, color: color)
            if x == end.x && y == end.y { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += sx }
            if doubled <= dx { error += dx; y += sy }
        }
    }

    /// Puts `layer`'s lit cells over this canvas's, in `layer`'s colour. `replacing` drops this
    /// canvas's dots in those cells, so a line drawn over a scatter stays a thin line instead of
    /// merging into a band; otherwise the dots of both stay.
    public mutating func overlay(_ layer: BrailleCanvas, replacing: Bool) {
        precondition(layer.columns == columns && layer.rows == rows, "overlay needs a canvas of the same size")
        for index in bits.indices where layer.bits[index] != 0 {
            bits[index] = replacing ? layer.bits[index] : bits[index] | layer.bits[index]
            colors[index] = layer.colors[index]
        }
    }

    /// The dot bits of cell (column, row).
    public func pattern(column: Int, row: Int) -> UInt8 { bits[row * columns + column] }

    /// The character of cell (column, row): a braille pattern, or nil when no dot is lit.
    public func scalar(column: Int, row: Int) -> Unicode.Scalar? {
        let value = bits[row * columns + column]
        return value == 0 ? nil : Unicode.Scalar(BrailleCanvas.blank + UInt32(value))
    }

    /// Copies the canvas into `buffer` with its top-left cell at (x, y). Empty cells become
    /// spaces (some fonts draw the blank braille pattern as faint dots).
    public func render(into buffer: inout CellBuffer, x: Int, y: Int, background: CellStyle = .plain) {
        for row in 0..<rows {
            for column in 0..<columns {
                let index = row * columns + column
                if let scalar = scalar(column: column, row: row) {
                    var style = background
                    style.foreground = colors[index] ?? background.foreground
                    buffer.set(x: x + column, y: y + row, scalar, style: style)
                } else {
                    buffer.set(x: x + column, y: y + row, " ", style: background)
                }
            }
        }
    }
}
