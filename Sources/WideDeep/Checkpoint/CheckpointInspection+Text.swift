import Foundation

extension CheckpointInspection {
    /// The plain-text report of `wdl inspect`; names and values from the data are escaped
    /// (`TerminalSafe`), each line whole.
    public func text() -> String {
        var lines: [String] = []
        let c = config
        lines.append("\(path): wdl checkpoint v\(formatVersion), \(Self.megabytes(fileBytes))\(savedAt.map { ", saved \($0)" } ?? "")")
        lines.append("run \(c.name ?? "(unnamed)"): \(c.model.mode.rawValue), step \(step), epoch \(epoch) of \(c.train.epochs), \(examples) examples seen; batch \(c.train.batchSize), seed \(c.train.seed)")
        let f = c.features
        var data = "data: \(c.data.format.rawValue)"
        if c.data.format == .csv { data += ", label '\(c.data.label)'" }
        data += "; \(f.categorical.count) categorical, \(f.multiValued.count) multi-valued, \(f.numeric.count) numeric"
        if !f.buckets.isEmpty { data += ", \(f.buckets.count) bucketized" }
        if let weight = c.data.weight { data += "; weights from '\(weight)'" }
        if c.negativeSamplingRate < 1 {
            data += "; trained on \(Self.number(c.negativeSamplingRate)) of the negatives (probabilities corrected by ln r)"
        }
        lines.append(data)
        if !f.crosses.isEmpty { lines.append("crosses: " + f.crosses.map { $0.joined(separator: " x ") }.joined(separator: ", ")) }
        if c.model.mode.hasWide {
            let w = c.optim.wide
            let optimizer = w.name == .ftrl
                ? "ftrl α \(Self.number(w.alpha)), β \(Self.number(w.beta)), λ1 \(Self.number(w.l1)), λ2 \(Self.number(w.l2))"
                : "\(w.name.rawValue) lr \(Self.number(w.lr))"
            lines.append("wide: \(f.hashBuckets) hash buckets; \(optimizer)")
        }
        if c.model.mode.hasDeep {
            lines.append("deep: \(c.model.embeddingDim)-dim embeddings, hidden \(c.model.hidden.map(String.init).joined(separator: ",")); \(c.optim.deep.name.rawValue) lr \(Self.number(c.optim.deep.lr))")
        }
        lines.append("")
        lines.append(Self.row("part", "tensors", "parameters", "bytes"))
        for part in parts {
            lines.append(Self.row(part.name, "\(part.tensors)", "\(part.parameters)", Self.megabytes(part.bytes)))
        }
        if let wide {
            lines.append("")
            let sparse = wide.touched == 0 ? 0 : 100 * (1 - Double(wide.nonzero) / Double(wide.touched))
            lines.append(String(format: "wide: %d non-zero of %d touched coordinates (%.1f%% sparse) of %d; bias %.4f",
                                wide.nonzero, wide.touched, sparse, wide.coordinates, wide.bias))
            lines.append(Self.row("group", "non-zero", "touched", "sparsity"))
            for g in wide.groups {
                let s = g.touched == 0 ? "-" : String(format: "%.1f%%", 100 * (1 - Double(g.nonzero) / Double(g.touched)))
                lines.append(Self.row(g.name, "\(g.nonzero)", "\(g.touched)", s))
            }
        }
        if !embeddings.isEmpty {
            lines.append("")
            lines.append("embedding norms of touched rows:")
            lines.append(Self.row("field", "rows", "touched", "mean", "p50", "p95", "max"))
            for e in embeddings {
                let p = e.normPercentiles
                lines.append(Self.row(e.field, "\(e.rows)", "\(e.rowsTouched)", String(format: "%.3f", e.meanNorm),
                                      p.count == 5 ? String(format: "%.3f", p[2]) : "-",
                                      p.count == 5 ? String(format: "%.3f", p[4]) : "-", String(format: "%.3f", e.maxNorm)))
            }
        }
        if !topWeights.isEmpty {
            lines.append("")
            lines.append("top \(topWeights.count) wide weights by |w|:")
            for w in topWeights {
                lines.append(String(format: "  %+9.4f  ", w.weight) + "\(w.name)  [\(w.group)]")
            }
        }
        return lines.map { TerminalSafe.escape($0, maxCharacters: .max) }.joined(separator: "\n")
    }

    private static func row(_ first: String, _ rest: String...) -> String {
        let name = first.count >= 34 ? String(first.prefix(33)) + "…" : first.padding(toLength: 34, withPad: " ", startingAt: 0)
        return "  " + name + rest.map { String(repeating: " ", count: max(1, 12 - $0.count)) + $0 }.joined()
    }

    private static func megabytes(_ bytes: Int) -> String {
        bytes >= 1_000_000 ? String(format: "%.1f MB", Double(bytes) / 1e6) : String(format: "%.1f kB", Double(bytes) / 1e3)
    }

    private static func number(_ value: Double) -> String { String(format: "%g", value) }
}
