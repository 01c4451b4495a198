import WideDeep

/// A point of a chart series.
public struct ChartPoint: Equatable, Sendable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// One series of a chart, drawn in its own glyph as well as its colour so that series stay apart
/// without colour (monochrome, `NO_COLOR`).
public struct ChartSeries: Sendable {
    public enum Style: Sendable, Equatable {
        /// Points joined in order; a non-finite y breaks the line.
        case line
        /// Each point one braille dot, not joined (a scatter).
        case dots
        /// A line with this character on its points (at most one every three columns): points
        /// that must stand out.
        case mark(Unicode.Scalar)
        /// This character in each cell holding a point that no braille series lights: a scatter
        /// that reads apart from the braille lines without colour (monochrome, 8 colours).
        case cellMarks(Unicode.Scalar)
    }

    public var points: [ChartPoint]
    public var color: ColorRef
    public var style: Style
    /// When true, `LineChart.upperQuantile` never cuts this series off: the y range reaches its
    /// highest point (validation loss climbing past the training loss must show).
    public var keptInRange: Bool
    /// A `.mark` series among others like it (the viewer's runs): their marks are staggered so
    /// that series evaluated at the same points do not hide each other's glyphs.
    public var staggered = false

    public init(points: [ChartPoint], color: ColorRef, style: Style = .line, keptInRange: Bool = false,
                staggered: Bool = false) {
        self.points = points
        self.color = color
        self.style = style
        self.keptInRange = keptInRange
        self.staggered = staggered
    }
}

/// A vertical dotted line at `x` (a hyperparameter change, a checkpoint).
public struct ChartMarker: Equatable, Sendable {
    public var x: Double
    public var color: ColorRef
    public init(x: Double, color: ColorRef) {
        self.x = x
        self.color = color
    }
}

/// A braille line chart with a labelled y axis and an optional row of x labels.
///
/// The y range is the data's finite range widened to nice ticks (or `yRange` when given); the x
/// range is the data's own (or `xRange`), left edge = first point. A single x value is drawn at
/// the left edge. Series are drawn in order, so later ones win shared cells; markers go first.
public struct LineChart: Sendable {
    public var series: [ChartSeries]
    public var markers: [ChartMarker] = []
    public var yRange: ClosedRange<Double>?
    public var xRange: ClosedRange<Double>?
    public var showXLabels = true
    public var showYLabels = true
    public var emptyMessage = "no data yet"
    /// When set (e.g. 0.95) and `yRange` is not, the automatic y range ends at this quantile of
    /// the finite values, so a few early spikes do not flatten the rest (points above it are
    /// drawn on the top row). TensorBoard's "ignore outliers in chart scaling" does the same.
    public var upperQuantile: Double?
    /// Dot rows from one marker dot to the next (2: every other dot; 4: one per cell row, for
    /// charts where many runs' markers would otherwise hide the curves).
    public var markerDotSpacing = 2
    /// Labels for x ticks (default: compact counts such as `1.2M`).
    public var xLabel: @Sendable (Double) -> String = { Format.compact($0) }

    public init(series: [ChartSeries], markers: [ChartMarker] = [], yRange: ClosedRange<Double>? = nil,
                xRange: ClosedRange<Double>? = nil) {
        self.series = series
        self.markers = markers
        self.yRange = yRange
        self.xRange = xRange
    }

    /// Where the parts of the chart go inside `area`, and the scales used.
    public struct Geometry: Equatable, Sendable {
        public var plot: Rect
        public var labelWidth: Int
        public var xLabels: Rect?
        public var yScale: NiceScale
        public var yDomain: ClosedRange<Double>
        public var xDomain: ClosedRange<Double>
        /// True when `upperQuantile` cut off values above the top of the chart.
        public var clipped = false
    }

    /// Nil when there is no finite point to draw.
    public func geometry(in area: Rect) -> Geometry? {
        var yLow = Double.infinity, yHigh = -Double.infinity
        var xLow = Double.infinity, xHigh = -Double.infinity
        for line in series {
            for point in line.points where point.x.isFinite && point.y.isFinite {
                yLow = min(yLow, point.y); yHigh = max(yHigh, point.y)
                xLow = min(xLow, point.x); xHigh = max(xHigh, point.x)
            }
        }
        guard yLow <= yHigh || yRange != nil else { return nil }
        var clipped = false
        if yRange == nil, let quantile = upperQuantile, yLow < yHigh {
            let kept = series.filter(\.keptInRange).flatMap(\.points)
                .filter { $0.x.isFinite && $0.y.isFinite }.map(\.y).max() ?? -Double.infinity
            let cut = max(quantileValue(quantile), kept)
            if cut > yLow && cut < yHigh {
                yHigh = cut
                clipped = true
            }
        }
        let labelRows = showXLabels && area.height >= 3 ? 1 : 0
        let plotRows = area.height - labelRows
        let maxTicks = max(2, min(6, plotRows / 2 + 1))
        let scale: NiceScale
        let yDomain: ClosedRange<Double>
        if let yRange {
            scale = NiceScale(lower: yRange.lowerBound, upper: yRange.upperBound, maxTicks: maxTicks)
            yDomain = yRange.lowerBound < yRange.upperBound ? yRange : scale.lower...scale.upper
        } else {
            scale = NiceScale(lower: yLow, upper: yHigh, maxTicks: maxTicks)
            yDomain = scale.lower...scale.upper
        }
        let xDomain = xRange ?? (xLow <= xHigh ? xLow...xHigh : 0...1)
        var labelWidth = 0
        if showYLabels {
            for tick in scale.ticks where yDomain.contains(tick) {
                labelWidth = max(labelWidth, scale.label(tick).count)
            }
            labelWidth = min(labelWidth, 9)
            if area.width - labelWidth - 1 < 4 { labelWidth = 0 }
        }
        let axisWidth = showYLabels && labelWidth > 0 ? labelWidth + 1 : 0
        let plot = Rect(x: area.x + axisWidth, y: area.y, width: area.width - axisWidth, height: plotRows)
        let xLabels = labelRows > 0 ? Rect(x: plot.x, y: plot.maxY, width: plot.width, height: 1) : nil
        return Geometry(plot: plot, labelWidth: labelWidth, xLabels: xLabels, yScale: scale,
                        yDomain: yDomain, xDomain: xDomain, clipped: clipped)
    }

    /// The `q` quantile (nearest rank) of all finite y values.
    private func quantileValue(_ q: Double) -> Double {
        var values: [Double] = []
        values.reserveCapacity(series.reduce(0) { $0 + $1.points.count })
        for line in series {
            for point in line.points where point.x.isFinite && point.y.isFinite { values.append(point.y) }
        }
        let rank = Int((min(1, max(0, q)) * Double(values.count - 1)).rounded())
        // Selection, not a sort: sorting 15,000 loss points was a fifth of a frame's drawing.
        return OrderStatistics.select(&values, ranks: [rank])[0]
    }

    /// Position of `value` in `domain` as 0…1; NaN for an empty domain. Halves keep the
    /// arithmetic finite for domains spanning most of the Double range.
    static func fraction(_ value: Double, in domain: ClosedRange<Double>) -> Double {
        let low = domain.lowerBound, high = domain.upperBound
        guard high > low else { return .nan }
        let span = high - low
        if span.isFinite { return (value - low) / span }
        return (value / 2 - low / 2) / (high / 2 - low / 2)
    }

    /// Dot column of `x` on a canvas `dotWidth` dots wide (left edge when the domain is a point).
    static func dotX(_ x: Double, domain: ClosedRange<Double>, dotWidth: Int) -> Int {
        let f = fraction(x, in: domain)
        guard f.isFinite else { return 0 }
        return min(dotWidth - 1, max(0, Int((f * Double(dotWidth - 1)).rounded())))
    }

    /// Dot row of `y` on a canvas `dotHeight` dots high (0 = top).
    static func dotY(_ y: Double, domain: ClosedRange<Double>, dotHeight: Int) -> Int {
        let f = fraction(y, in: domain)
        guard f.isFinite else { return dotHeight / 2 }
        return dotHeight - 1 - min(dotHeight - 1, max(0, Int((f * Double(dotHeight - 1)).rounded())))
    }

    /// Draws the lines onto a canvas the size of the plot area.
    public func canvas(for geometry: Geometry) -> BrailleCanvas {
        var canvas = BrailleCanvas(columns: geometry.plot.width, rows: geometry.plot.height)
        let width = canvas.dotWidth, height = canvas.dotHeight
        guard width > 0, height > 0 else { return canvas }
        for marker in markers where geometry.xDomain.contains(marker.x) {
            let column = LineChart.dotX(marker.x, domain: geometry.xDomain, dotWidth: width)
            for row in stride(from: 0, to: height, by: max(1, markerDotSpacing)) {
                canvas.setDot(x: column, y: row, color: marker.color)
            }
        }
        // Each series on a layer of its own: a later one replaces the cells it crosses. The
        // markers' dots stay beside the curves.
        var curves = BrailleCanvas(columns: canvas.columns, rows: canvas.rows)
        for line in series {
            if case .cellMarks = line.style { continue }
            var layer = BrailleCanvas(columns: canvas.columns, rows: canvas.rows)
            if line.style == .dots {
                for point in line.points where isShown(point, geometry) {
                    layer.setDot(x: LineChart.dotX(point.x, domain: geometry.xDomain, dotWidth: width),
                                 y: LineChart.dotY(point.y, domain: geometry.yDomain, dotHeight: height), color: line.color)
                }
            } else {
                drawLine(line, geometry, on: &layer)
            }
            curves.overlay(layer, replacing: true)
        }
        canvas.overlay(curves, replacing: false)
        return canvas
    }

    private func isShown(_ point: ChartPoint, _ geometry: Geometry) -> Bool {
        point.x.isFinite && point.y.isFinite && geometry.xDomain.contains(point.x)
    }

    /// Joins the mean of each dot column's points: thousands of noisy points in one column would
    /// otherwise light the column from their lowest to their highest value, a band, not a line.
    /// A point that is not shown (non-finite) breaks the line.
    private func drawLine(_ line: ChartSeries, _ geometry: Geometry, on layer: inout BrailleCanvas) {
        var previous: (x: Int, y: Int)?
        var column: Int?, sum = 0.0, count = 0
        func flush() {
            if let column, count > 0 {
                let dot = (x: column, y: LineChart.dotY(sum / Double(count), domain: geometry.yDomain,
                                                        dotHeight: layer.dotHeight))
                layer.line(from: previous ?? dot, to: dot, color: line.color)
                previous = dot
            }
            column = nil
            sum = 0
            count = 0
        }
        for point in line.points {
            guard isShown(point, geometry) else {
                flush()
                previous = nil
                continue
            }
            let x = LineChart.dotX(point.x, domain: geometry.xDomain, dotWidth: layer.dotWidth)
            if x != column { flush() }
            column = x
            sum += point.y
            count += 1
        }
        flush()
    }

    /// The cell (column, row in the plot) of a point.
    private func cell(of point: ChartPoint, _ geometry: Geometry) -> (column: Int, row: Int) {
        let plot = geometry.plot
        return (LineChart.dotX(point.x, domain: geometry.xDomain, dotWidth: plot.width * 2) / 2,
                LineChart.dotY(point.y, domain: geometry.yDomain, dotHeight: plot.height * 4) / 4)
    }

    /// Writes each `.cellMarks` series' character in the cells of its points left empty by the
    /// braille series.
    private func renderCellMarks(_ geometry: Geometry, canvas: BrailleCanvas, buffer: inout CellBuffer) {
        let plot = geometry.plot
        for line in series {
            guard case .cellMarks(let glyph) = line.style else { continue }
            for point in line.points where isShown(point, geometry) {
                let (column, row) = cell(of: point, geometry)
                guard canvas.scalar(column: column, row: row) == nil else { continue }
                buffer.set(x: plot.x + column, y: plot.y + row, glyph, style: CellStyle(foreground: line.color))
            }
        }
    }

    /// Writes each `.mark` series' character on its points, newest first and at least three
    /// columns apart, so that frequent evaluations mark their line instead of hiding the chart.
    /// Staggered series (runs evaluated at the same steps, whose lines share cells) take turns:
    /// series k of n marks its points k, k + n, k + 2n… from the newest, and never a cell another
    /// of them marked, so every one shows its glyph.
    private func renderMarks(_ geometry: Geometry, buffer: inout CellBuffer) {
        let plot = geometry.plot
        let staggeredCount = series.filter(\.staggered).count
        var order = 0
        var taken = Set<Int>()
        for line in series {
            guard case .mark(let glyph) = line.style else { continue }
            let turn = line.staggered && staggeredCount > 1 ? order : nil
            if line.staggered { order += 1 }
            var lastColumn = Int.max
            let shown = line.points.reversed().filter { isShown($0, geometry) }
            for (index, point) in shown.enumerated() where turn == nil || index % staggeredCount == turn {
                let (column, row) = cell(of: point, geometry)
                let key = row * plot.width + column
                guard lastColumn - column >= 3, !(line.staggered && taken.contains(key)) else { continue }
                lastColumn = column
                if line.staggered { taken.insert(key) }
                // Monochrome keeps the role's look (bold for validation) through the style.
                buffer.set(x: plot.x + column, y: plot.y + row, glyph, style: CellStyle(foreground: line.color))
            }
        }
    }

    public func render(in area: Rect, buffer: inout CellBuffer) {
        guard !area.isEmpty else { return }
        buffer.fill(area)
        guard let geometry = geometry(in: area), !geometry.plot.isEmpty else {
            buffer.write(emptyMessage, in: area.row(area.height / 2), alignment: .center,
                         style: .fg(.dimText))
            return
        }
        let plot = geometry.plot
        let canvas = canvas(for: geometry)
        canvas.render(into: &buffer, x: plot.x, y: plot.y)
        renderCellMarks(geometry, canvas: canvas, buffer: &buffer)
        renderMarks(geometry, buffer: &buffer)
        if geometry.labelWidth > 0 { renderYAxis(geometry, buffer: &buffer) }
        if let labels = geometry.xLabels { renderXLabels(geometry, in: labels, buffer: &buffer) }
    }

    private func renderYAxis(_ geometry: Geometry, buffer: inout CellBuffer) {
        let plot = geometry.plot
        let axisX = plot.x - 1
        for row in plot.y..<plot.maxY { buffer.set(x: axisX, y: row, "│", style: .fg(.border)) }
        var usedRows = Set<Int>()
        for tick in geometry.yScale.ticks where geometry.yDomain.contains(tick) {
            let dot = LineChart.dotY(tick, domain: geometry.yDomain, dotHeight: plot.height * 4)
            let row = plot.y + dot / 4
            guard usedRows.insert(row).inserted else { continue }
            buffer.set(x: axisX, y: row, "┤", style: .fg(.border))
            let label = geometry.yScale.label(tick)
            buffer.write(label, in: Rect(x: plot.x - 1 - geometry.labelWidth, y: row,
                                         width: geometry.labelWidth, height: 1),
                         alignment: .right, style: .fg(.dimText))
        }
    }

    private func renderXLabels(_ geometry: Geometry, in row: Rect, buffer: inout CellBuffer) {
        let domain = geometry.xDomain
        let dotWidth = geometry.plot.width * 2
        let maxTicks = max(2, row.width / 10)
        let scale = NiceScale(lower: domain.lowerBound, upper: domain.upperBound, maxTicks: maxTicks)
        var nextFree = row.x
        for tick in scale.ticks where domain.contains(tick) {
            let label = xLabel(tick)
            let column = row.x + LineChart.dotX(tick, domain: domain, dotWidth: dotWidth) / 2
            let start = min(max(column, nextFree), row.maxX - label.count)
            guard start >= nextFree, start + label.count <= row.maxX else { continue }
            buffer.write(label, x: start, y: row.y, style: .fg(.dimText))
            nextFree = start + label.count + 2
        }
    }
}
