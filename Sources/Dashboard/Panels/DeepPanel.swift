import WideDeep

/// The deep part: per embedding field the rows touched, mean and max L2 norm and a percentile
/// band of the norms; per dense layer the weight and gradient norms and the dead ReLU share.
struct DeepPanel {
    let snapshot: TrainingSnapshot

    func render(in area: Rect, buffer: inout CellBuffer) {
        let age = snapshot.statisticsStep > 0 ? "at step \(Format.count(snapshot.statisticsStep))" : nil
        let inner = Box(title: "deep · embeddings & layers", rightTitle: age).render(in: area, buffer: &buffer)
        guard !inner.isEmpty else { return }
        guard snapshot.mode.hasDeep else {
            buffer.write("no deep part in this model (mode \(snapshot.mode.rawValue))", in: inner.row(0),
                         style: .fg(.dimText))
            return
        }
        guard !snapshot.embeddings.isEmpty || !snapshot.dense.isEmpty else {
            buffer.write("waiting for the first statistics", in: inner.row(0), style: .fg(.dimText))
            return
        }
        let layerRows = snapshot.dense.isEmpty ? 0
            : min(snapshot.dense.count, max(1, (inner.height - 1) / 2))
        let (fieldsArea, layersArea) = inner.splitRows(topHeight: inner.height - layerRows)
        renderFields(in: fieldsArea, buffer: &buffer)
        renderLayers(in: layersArea, buffer: &buffer)
    }

    private func renderFields(in area: Rect, buffer: inout CellBuffer) {
        let fields = snapshot.embeddings
        guard !area.isEmpty, !fields.isEmpty else { return }
        let available = area.height - 1
        let hidden = fields.count > available ? fields.count - max(0, available - 1) : 0
        let shown = fields.prefix(fields.count - hidden)
        let nameWidth = min(16, max(5, fields.map { $0.field.count }.max() ?? 5), area.width / 4)
        // Narrow panels drop the max column and the total row count so the band keeps room.
        let roomy = area.width >= 50
        var columns = [TableColumn("field", width: nameWidth),
                       TableColumn("touched", width: roomy ? 13 : 7, alignRight: true),
                       TableColumn("mean‖e‖", width: 7, alignRight: true)]
        if roomy { columns.append(TableColumn("max‖e‖", width: 7, alignRight: true)) }
        columns.append(TableColumn("norms p5–p95"))
        let table = Table(columns: columns, rows: shown.map { field in
            var row = [field.field,
                       roomy ? "\(Format.compact(field.rowsTouched))/\(Format.compact(field.rows))"
                             : Format.compact(field.rowsTouched),
                       Format.number(field.meanNorm, significant: 3)]
            if roomy { row.append(Format.number(field.maxNorm, significant: 3)) }
            row.append("")
            return row
        })
        table.render(in: area, buffer: &buffer)
        // The last column is drawn as a band, on one scale for all fields so they compare.
        let band = table.columnLayout(width: area.width)[columns.count - 1]
        let scale = fields.compactMap { $0.normPercentiles.last }.filter(\.isFinite).max() ?? 0
        for (offset, field) in shown.enumerated() where band.width > 2 {
            PercentileBand(percentiles: field.normPercentiles, scaleMax: scale)
                .render(in: Rect(x: area.x + band.x, y: area.y + 1 + offset, width: band.width, height: 1),
                        buffer: &buffer)
        }
        if hidden > 0 {
            buffer.write("+\(hidden) more fields", in: area.row(area.height - 1), style: .fg(.dimText))
        }
    }

    private func renderLayers(in area: Rect, buffer: inout CellBuffer) {
        guard !area.isEmpty else { return }
        let layers = snapshot.dense
        let hidden = layers.count > area.height ? layers.count - area.height + 1 : 0
        // Each part padded to its widest in any row, so the columns line up whatever the values.
        let cells = layers.map { layer in
            ["\(layer.name) \(layer.inputs)→\(layer.outputs)", Format.number(layer.weightNorm, significant: 3),
             Format.number(layer.gradientNorm, significant: 3), layer.deadFraction.map { Format.percent($0) } ?? ""]
        }
        let widths = (0..<4).map { column in cells.map { $0[column].count }.max() ?? 0 }
        for (offset, layer) in layers.prefix(layers.count - hidden).enumerated() {
            let row = cells[offset]
            var text = TerminalText.pad(row[0], to: widths[0])
                + "  ‖W‖ " + TerminalText.pad(row[1], to: widths[1], alignRight: true)
                + "  ‖∇W‖ " + TerminalText.pad(row[2], to: widths[2], alignRight: true)
            if !row[3].isEmpty { text += "  dead ReLU " + TerminalText.pad(row[3], to: widths[3], alignRight: true) }
            let style: CellStyle = (layer.deadFraction ?? 0) > 0.5 ? .fg(.warning) : .plain
            buffer.write(text, in: area.row(offset), style: style)
        }
        if hidden > 0 {
            buffer.write("+\(hidden) more layers", in: area.row(area.height - 1), style: .fg(.dimText))
        }
    }
}
