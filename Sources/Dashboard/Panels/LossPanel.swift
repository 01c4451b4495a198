import WideDeep

/// Training logloss, raw (dim) and smoothed (bright), with validation logloss and vertical
/// markers for hyperparameter changes, checkpoints and rollbacks; x axis in examples.
struct LossPanel {
    let snapshot: TrainingSnapshot
    let smoothing: Double
    /// Raw loss as `·` in cells of its own rather than braille dots: without colour (monochrome,
    /// `NO_COLOR`) or with 8, dim and bright braille could not be told apart.
    var rawAsMarks = false

    static let rawMark: Unicode.Scalar = "·"

    static let validationMark: Unicode.Scalar = "◆"

    func chart() -> LineChart {
        let raw = snapshot.trainLoss.map { ChartPoint(x: Double($0.examples), y: $0.loss) }
        let smoothed = Smoothing.debiasedEMA(snapshot.trainLoss.map(\.loss), weight: smoothing)
        let smoothedPoints = zip(snapshot.trainLoss, smoothed).map { ChartPoint(x: Double($0.examples), y: $1) }
        let validation = snapshot.validation.map {
            ChartPoint(x: Double($0.examples), y: $0.metrics.logloss)
        }
        let markers = snapshot.markers.map { ChartMarker(x: Double($0.examples), color: .role(.marker)) }
        // Three glyphs as well as three colours: raw as loose dots, the EMA as a line over them,
        // validation as marks that the y range always reaches (overfitting must show).
        var chart = LineChart(series: [
            ChartSeries(points: raw, color: .role(.trainRaw), style: rawAsMarks ? .cellMarks(LossPanel.rawMark) : .dots),
            ChartSeries(points: smoothedPoints, color: .role(.trainSmoothed)),
            ChartSeries(points: validation, color: .role(.validation), style: .mark(LossPanel.validationMark),
                        keptInRange: true),
        ], markers: markers)
        chart.emptyMessage = snapshot.state == .loading ? "waiting for data to load" : "no loss recorded yet"
        chart.upperQuantile = 0.95
        return chart
    }

    func render(in area: Rect, buffer: inout CellBuffer) {
        let chart = chart()
        let inner = area.inset(by: 1)
        let chartArea = inner.height >= 5 ? inner.inset(top: 1) : inner
        let clipped = chart.geometry(in: chartArea)?.clipped ?? false
        // Most important first: a short title row keeps the first notes that fit whole.
        var notes = ["x: examples"]
        if clipped { notes.append("y top = p95") }
        if let last = snapshot.trainLoss.last { notes.append("last \(Format.metric(last.loss))") }
        var box = Box(title: "logloss")
        let room = box.rightTitleRoom(width: area.width)
        while notes.joined(separator: " · ").count > room, !notes.isEmpty { notes.removeLast() }
        box.rightTitle = notes.joined(separator: " · ")
        box.render(in: area, buffer: &buffer)
        guard !inner.isEmpty else { return }
        if inner.height >= 5 { renderLegend(in: inner.row(0), buffer: &buffer) }
        chart.render(in: chartArea, buffer: &buffer)
    }

    private func renderLegend(in row: Rect, buffer: inout CellBuffer) {
        let entries: [(String, ColorRole)] = [
            ("━ train EMA \(Format.fixed(smoothing, 3))", .trainSmoothed),
            (rawAsMarks ? "\(LossPanel.rawMark) raw" : "⠂ raw", .trainRaw),
            ("\(LossPanel.validationMark) validation", .validation),
            ("┊ change/save", .marker),
        ]
        var x = row.x
        for (text, role) in entries where x + text.count <= row.maxX {
            x += buffer.write(text, x: x, y: row.y, style: .fg(role)) + 2
        }
    }
}
