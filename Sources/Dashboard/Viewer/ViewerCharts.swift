import WideDeep

/// The viewer's two charts over the shown runs, on one x range (examples): the validation metric
/// and the training logloss (each evaluation's mean, "raw", as dots and its smoothed line), each
/// run in its colour and glyph, with its hyperparameter changes, checkpoints and rollbacks marked.
struct ViewerCharts {
    /// Loss points from which the training chart's y range ends at their 95th percentile.
    static let pointsForQuantile = 50

    let runs: [ViewedRun]
    let state: ViewerState

    /// Indices of the runs on the charts.
    var shownIndices: [Int] { runs.indices.filter { !state.hiddenRuns.contains($0) } }

    /// The longest shown run, in examples (0 when nothing was evaluated).
    var longest: Int { shownIndices.map { runs[$0].log.examples }.max() ?? 0 }

    /// The x range the zoom asks for; nil when there is nothing to show.
    var xRange: ClosedRange<Double>? {
        let shown = shownIndices
        let xs = shown.flatMap { index in runs[index].log.evaluations.map { Double($0.examples) } }
        guard let high = xs.max() else { return nil }
        guard let fraction = state.zoom.fraction else { return (xs.min() ?? 0)...high }
        let end = Double(longest)
        return end * (1 - fraction)...end
    }

    /// What the header says of the x range, in at most `room` columns when it can.
    func xDescription(room: Int = .max) -> String {
        guard let range = xRange else { return "x: examples" }
        let span = "\(Format.compact(range.lowerBound))–\(Format.compact(range.upperBound))"
        guard state.zoom != .all else { return "x: all examples (\(span))" }
        let long = "x: \(state.zoom.label) of the longest run (\(span) examples)"
        return long.count <= room ? long : "x: \(state.zoom.label) (\(span))"
    }

    func validationChart() -> LineChart {
        var series: [ChartSeries] = []
        for index in shownIndices {
            let points = runs[index].log.evaluations.map { evaluation in
                let value = state.metric == .auc ? evaluation.validAUC : evaluation.validLogloss
                return ChartPoint(x: Double(evaluation.examples), y: value ?? .nan)
            }
            series.append(ChartSeries(points: clipped(points), color: ViewedRun.color(of: index),
                                      style: .mark(ViewedRun.glyph(of: index)), staggered: true))
        }
        var chart = LineChart(series: series, markers: markers(), xRange: xRange)
        chart.markerDotSpacing = markerDotSpacing
        chart.emptyMessage = emptyMessage
        return chart
    }

    /// Several runs' save and change lines cross the curves many times: one dot per cell row
    /// keeps them visible without hiding the curves.
    private var markerDotSpacing: Int { shownIndices.count > 1 ? 4 : 2 }

    func trainingChart() -> LineChart {
        var raw: [ChartSeries] = []
        var smoothed: [ChartSeries] = []
        for index in shownIndices {
            let evaluations = runs[index].log.evaluations
            let losses = evaluations.map { $0.trainLogloss ?? .nan }
            let color = ViewedRun.color(of: index)
            if state.showsRawLoss {
                let points = zip(evaluations, losses).map { ChartPoint(x: Double($0.examples), y: $1) }
                raw.append(ChartSeries(points: clipped(points), color: color, style: .dots))
            }
            let average = Smoothing.debiasedEMA(losses, weight: state.smoothing)
            let points = zip(evaluations, average).map { ChartPoint(x: Double($0.examples), y: $1) }
            smoothed.append(ChartSeries(points: clipped(points), color: color, style: .mark(ViewedRun.glyph(of: index)),
                                        staggered: true))
        }
        // Dots first, lines over them. Over many evaluations, a few early spikes should not
        // flatten the rest; a short log keeps every point in range.
        var chart = LineChart(series: raw + smoothed, markers: markers(), xRange: xRange)
        chart.markerDotSpacing = markerDotSpacing
        if smoothed.map(\.points.count).reduce(0, +) >= ViewerCharts.pointsForQuantile { chart.upperQuantile = 0.95 }
        chart.emptyMessage = emptyMessage
        return chart
    }

    private var emptyMessage: String {
        if runs.isEmpty { return "no runs" }
        if shownIndices.isEmpty { return "every run is hidden (1-9 shows them)" }
        return "no evaluations yet"
    }

    /// The points inside the x range: the y range then fits what is shown.
    private func clipped(_ points: [ChartPoint]) -> [ChartPoint] {
        guard let range = xRange, state.zoom != .all else { return points }
        return points.filter { range.contains($0.x) }
    }

    private func markers() -> [ChartMarker] {
        shownIndices.flatMap { index in
            runs[index].log.markers.map { ChartMarker(x: Double($0.examples), color: ViewedRun.color(of: index)) }
        }
    }

    func render(validation area: Rect, training trainingArea: Rect, buffer: inout CellBuffer) {
        let validation = validationChart()
        let title = "validation \(state.metric.rawValue)"
        renderBox(validation, title: title, notes: ["m: logloss/AUC"], in: area, buffer: &buffer)
        let training = trainingChart()
        let notes = [state.showsRawLoss ? "⠂ raw" : "raw hidden", "smoothed \(Format.fixed(state.smoothing, 1))"]
        renderBox(training, title: "training logloss", notes: notes, in: trainingArea, buffer: &buffer)
    }

    /// A box around `chart`, its title naming what is drawn; the notes on the right as far as
    /// they fit ("y top = p95" first: the chart is cut and must say so).
    private func renderBox(_ chart: LineChart, title: String, notes: [String], in area: Rect,
                           buffer: inout CellBuffer) {
        let inner = area.inset(by: 1)
        var notes = notes
        if chart.geometry(in: inner)?.clipped == true { notes.insert("y top = p95", at: 0) }
        var box = Box(title: title)
        let room = box.rightTitleRoom(width: area.width)
        while notes.joined(separator: " · ").count > room, !notes.isEmpty { notes.removeLast() }
        box.rightTitle = notes.joined(separator: " · ")
        box.render(in: area, buffer: &buffer)
        chart.render(in: inner, buffer: &buffer)
    }
}
