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
            let label = "sparsity \(Format.percent(wide.sparsity)) "
            let used = buffer.write(label, x: inner.x, y: inner.y + y, style: .fg(.text, .bold))
            let history = Rect(x: inner.x + used, y: inner.y + y, width: inner.width - used, height: 1)
            Sparkline(values: wide.sparsityHistory, range: 0...1).render(in: history, buffer: &buffer)
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
        let items = wide.groups.map {
            BarItem(label: $0.name, value: Double($0.nonzero),
                    valueText: "\(Format.compact($0.nonzero))/\(Format.compact($0.touched))")
        }
        let bars = inner.inset(top: y)
        if items.isEmpty {
            buffer.write("no feature groups reported", in: bars.row(0), style: .fg(.dimText))
        } else {
            BarList(items: items, labelWidth: min(18, bars.width / 3)).render(in: bars, buffer: &buffer)
        }
    }

    private var statisticsAge: String? {
        snapshot.statisticsStep > 0 ? "at step \(Format.count(snapshot.statisticsStep))" : nil
    }
}
