import WideDeep

/// The wide part trained with L1-FTRL: non-zero weights among touched coordinates and the hash
/// space, sparsity now and over time, the live FTRL settings, and non-zero weights per group.
struct WidePanel {
    let snapshot: TrainingSnapshot

    func render(in area: Rect, buffer: inout CellBuffer) {
        let inner = Box(title: "wide · FTRL", rightTitle: statisticsAge).render(in: area, buffer: &buffer)
        guard !inner.isEmpty else { return }
        guard snapshot.mode.hasWide else {
            buffer.write("no wide part in this model (mode \(snapshot.mode.rawValue))", in: inner.row(0),
                         style: .fg(.dimText))
            return
        }
        guard let wide = snapshot.wide else {
            buffer.write("waiting for the first statistics", in: inner.row(0), style: .fg(.dimText))
            return
        }
        var y = 0
        let counts = inner.width >= 52
            ? "non-zero \(Format.count(wide.nonzero)) of \(Format.count(wide.touched)) touched · space \(Format.count(wide.total))"
            : "nz \(Format.compact(wide.nonzero)) / touched \(Format.compact(wide.touched)) / space \(Format.compact(wide.total))"
        buffer.write(counts, in: inner.row(y))
        y += 1
        if y < inner.height {
            // Zeros among the coordinates training touched, not among the whole hash space (which
            // a TF or VW user would read as the model's sparsity): the label says which.
            let label = "sparsity \(Format.percent(wide.sparsity)) of touched "
            let used = buffer.write(label, x: inner.x, y: inner.y + y, style: .fg(.text, .bold))
            // The sparkline's scale is fixed, and said when there is room: 0 at the bottom, 100% at the top.
            let scale = inner.width - used >= 24 ? " 0–100%" : ""
            let history = Rect(x: inner.x + used, y: inner.y + y, width: inner.width - used - scale.count, height: 1)
            Sparkline(values: wide.sparsityHistory, range: 0...1).render(in: history, buffer: &buffer)
            buffer.write(scale, x: history.maxX, y: history.y, style: .fg(.dimText))
            y += 1
        }
        if y < inner.height {
            let text = Hyperparameter.allCases.filter { $0.part == .wide }.compactMap { parameter in
                snapshot.value(of: parameter).map { "\(parameter.symbol) \(Format.number($0))" }
            }.joined(separator: "  ")
            buffer.write(text, in: inner.row(y), style: .fg(.dimText))
            y += 1
        }
        guard y < inner.height else { return }
        // One stated scale whatever the screen shows: each bar is its group's non-zero share of
        // the coordinates it touched (the figures after it), 0 to 100%.
        let items = wide.groups.map {
            BarItem(label: $0.name, value: $0.touched > 0 ? Double($0.nonzero) / Double($0.touched) : 0,
                    valueText: "\(Format.compact($0.nonzero))/\(Format.compact($0.touched))")
        }
        if !items.isEmpty, inner.height - y >= 4 {
            buffer.write("groups · bar = non-zero / touched, 0–100%", in: inner.row(y), style: .fg(.dimText))
            y += 1
        }
        let bars = inner.inset(top: y)
        if items.isEmpty {
            buffer.write("no feature groups reported", in: bars.row(0), style: .fg(.dimText))
        } else {
            // Names get the width the bars can spare (bars keep 20 columns), so long crosses show whole.
            let longest = items.map(\.label.count).max() ?? 0
            let valueWidth = items.map(\.valueText.count).max() ?? 0
            let width = min(longest, max(min(18, bars.width / 3), bars.width - valueWidth - 22))
            BarList(items: items, maxValue: 1, labelWidth: width).render(in: bars, buffer: &buffer)
        }
    }

    private var statisticsAge: String? {
        snapshot.statisticsStep > 0 ? "at step \(Format.count(snapshot.statisticsStep))" : nil
    }
}
