import WideDeep

/// The latest validation figures (AUC, logloss, accuracy, calibration) and AUC over time.
struct ValidationPanel {
    let snapshot: TrainingSnapshot

    func render(in area: Rect, buffer: inout CellBuffer) {
        let last = snapshot.validation.last
        let inner = Box(title: "validation",
                        rightTitle: last.map { "epoch \($0.epoch)" }).render(in: area, buffer: &buffer)
        guard !inner.isEmpty else { return }
        guard let last else {
            buffer.write("no validation pass yet", in: inner.row(0), style: .fg(.dimText))
            buffer.write("e evaluates now", in: inner.row(1), style: .fg(.dimText))
            return
        }
        let metrics = last.metrics
        let undefined = metrics.logloss.isFinite ? "n/a (one class)" : "n/a (NaN predictions)"
        let auc = metrics.auc.isFinite ? Format.fixed(metrics.auc, 4) : undefined
        var rows = [
            KeyValueRow("AUC", auc, style: .fg(.auc, .bold)),
            KeyValueRow("logloss", Format.metric(metrics.logloss)),
            KeyValueRow("accuracy", Format.percent(metrics.accuracy, decimals: 2)),
            // Calibration: mean predicted probability against the observed positive rate.
            KeyValueRow("pred/obs", Format.fixed(metrics.meanPrediction, 3) + " / "
                + Format.fixed(metrics.positiveRate, 3)),
        ]
        // The best evaluation by the run's metric (what early stopping and best.safetensors keep),
        // when it is not the last one shown above.
        if inner.height >= 12 {
            rows.append(KeyValueRow("evaluated", "\(Format.count(metrics.count)) ex at step \(Format.count(last.step))"))
        }
        if let best = snapshot.best, best.step != last.step || snapshot.restoredBest {
            // The key column as KeyValueTable sizes it, so the text is chosen for the room it gets.
            let keyWidth = min(10, max(4, rows.map(\.key.count).max() ?? 0), max(1, inner.width / 2))
            rows.insert(KeyValueRow("best", bestText(best, room: inner.width - keyWidth - 1), style: .fg(.good)), at: 2)
        }
        let tableHeight = min(rows.count, inner.height)
        let (table, chartArea) = inner.splitRows(topHeight: tableHeight)
        KeyValueTable(rows: rows, maxKeyWidth: 10).render(in: table, buffer: &buffer)
        guard chartArea.height >= 2 else { return }
        var chart = aucChart()
        chart.showXLabels = chartArea.height >= 5
        chart.emptyMessage = "AUC undefined (one class)"
        if chartArea.height >= 4 {
            let title = hasUndefinedAUC ? "AUC over examples · × undefined" : "AUC over examples"
            buffer.write(title, in: chartArea.row(0), alignment: .right, style: .fg(.dimText))
            chart.render(in: chartArea.inset(top: 1), buffer: &buffer)
        } else {
            chart.render(in: chartArea, buffer: &buffer)
        }
    }

    /// The best evaluation, said in words ("logloss 0.3400 at step 8,000, restored"), shortened
    /// to the first form that fits `room` columns.
    func bestText(_ best: ValidationPoint, room: Int) -> String {
        let metric = snapshot.bestMetric
        let value = Format.fixed(metric.value(in: best.metrics), 4)
        let restored = snapshot.restoredBest ? ", restored" : ""
        let forms = [
            "\(metric.rawValue) \(value) at step \(Format.count(best.step))\(restored)",
            "\(metric.rawValue) \(value) at step \(Format.count(best.step))",
            "\(value) at step \(Format.count(best.step))",
            "\(value) step \(Format.compact(best.step))",
        ]
        return forms.first { $0.count <= room } ?? forms[forms.count - 1]
    }

    private var hasUndefinedAUC: Bool { snapshot.validation.contains { !$0.metrics.auc.isFinite } }

    /// AUC over examples, the best point drawn last as ★ in its own colour so it stands out on
    /// the curve (in monochrome too). Evaluations whose AUC is undefined (a diverged model's NaN predictions) are marked
    /// × at 0.5, a coin flip, and the range reaches down to it, so a fall shows as one instead of
    /// leaving the chart to the good points' last decimals.
    func aucChart() -> LineChart {
        let points = snapshot.validation.map { ChartPoint(x: Double($0.examples), y: $0.metrics.auc) }
        var series = [ChartSeries(points: points, color: .role(.auc))]
        if let best = snapshot.best {
            series.append(ChartSeries(points: [ChartPoint(x: Double(best.examples), y: best.metrics.auc)], color: .role(.good),
                                      style: .mark("★")))
        }
        guard hasUndefinedAUC else { return LineChart(series: series) }
        let undefined = snapshot.validation.filter { !$0.metrics.auc.isFinite }.map { ChartPoint(x: Double($0.examples), y: 0.5) }
        series.append(ChartSeries(points: undefined, color: .role(.bad), style: .mark("×")))
        let finite = points.map(\.y).filter(\.isFinite)
        return LineChart(series: series, yRange: min(0.5, finite.min() ?? 0.5)...max(finite.max() ?? 0.5, 0.51))
    }
}
