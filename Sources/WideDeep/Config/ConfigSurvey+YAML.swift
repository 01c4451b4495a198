import Foundation

extension ConfigSurvey {
    /// The run config as commented YAML. `trainPath` is written as the training file (relative
    /// paths are read relative to the config's folder).
    public func yaml(name: String, trainPath: String) -> String {
        func list(_ names: [String]) -> String { "[" + names.map(quoted).joined(separator: ", ") + "]" }
        let categorical = columns.filter { $0.kind == .categorical }
        let numeric = columns.filter { if case .numeric = $0.kind { true } else { false } }
        let logged = columns.filter { $0.kind == .numeric(log: true) }
        let multi = columns.filter { if case .multiValued = $0.kind { true } else { false } }
        let ignored = columns.filter { $0.kind == .ignored }
        var out = """
            # Written by `wdl init` from the first \(sampledRows) rows of \(file).
            # Review it: every inference below says what it rests on.
            name: \(quoted(name))
            data:
              format: csv
              train: \(quoted(trainPath))
              # valid: test.csv          # without it, the last 10% of the training rows are the validation set
              label: \(quoted(label))\(labelGuess.map { "   # \($0)" } ?? "")
              positive: [\(quoted(positive))]
              negative: [\(quoted(negative))]
            features:

            """
        for column in columns {
            out += "  # \(column.name): \(Self.kindName(column.kind)) — \(column.evidence)\n"
        }
        out += "  categorical: \(list(categorical.map(\.name)))\n"
        out += "  numeric: \(list(numeric.map(\.name)))\n"
        out += "  multi_valued: {" + multi.map { column -> String in
            if case .multiValued(let separator) = column.kind { return "\(quoted(column.name)): \(quoted(separator))" }
            return ""
        }.joined(separator: ", ") + "}\n"
        out += "  ignore: \(list(ignored.map(\.name)))\n"
        out += "  log: \(list(logged.map(\.name)))\n"
        out += "  buckets: {" + numeric.map { "\(quoted($0.name)): \"quantile:10\"" }.joined(separator: ", ") + "}\n"
        // Suggested crosses: pairs of the lowest-cardinality categorical fields, left commented out.
        let small = categorical.filter { $0.distinct <= 100 }.sorted { ($0.distinct, $0.name) < ($1.distinct, $1.name) }.prefix(4)
        let pairs = small.indices.flatMap { i in small.indices.filter { $0 > i }.map { [small[i].name, small[$0].name] } }.prefix(3)
        out += "  crosses: []\n"
        if !pairs.isEmpty {
            out += "  # suggested crosses (fields with few values; uncomment to try):\n"
            out += "  # crosses: [" + pairs.map(list).joined(separator: ", ") + "]\n"
        }
        out += """
              hash_buckets: 1048576
            model:
              mode: wide-deep
              embedding_dim: 8
              hidden: [100, 50]
            train:
              epochs: 10
              batch_size: 256

            """
        return out
    }

    static func kindName(_ kind: Kind) -> String {
        switch kind {
        case .categorical: "categorical"
        case .numeric(let log): log ? "numeric, log1p" : "numeric"
        case .multiValued(let separator): "multi-valued (\(separator))"
        case .ignored: "ignored"
        }
    }
}

/// A YAML double-quoted scalar.
private func quoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
