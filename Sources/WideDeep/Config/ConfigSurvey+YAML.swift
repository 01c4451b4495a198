import Foundation

extension ConfigSurvey {
    /// The run config as commented YAML. `trainPath` (and `validPath`) are written as the
    /// training (validation) file: relative paths are read relative to the config's folder.
    /// Without a validation file the held-out split is by the time column when there is one,
    /// else the last 10% of the rows in file order, said in a comment (and in `validationNote`).
    public func yaml(name: String, trainPath: String, validPath: String? = nil) -> String {
        func list(_ names: [String]) -> String { "[" + names.map(quoted).joined(separator: ", ") + "]" }
        let categorical = columns.filter { $0.kind == .categorical }
        let numeric = columns.filter { if case .numeric = $0.kind { true } else { false } }
        let logged = columns.filter { $0.kind == .numeric(log: true) }
        let multi = columns.filter { if case .multiValued = $0.kind { true } else { false } }
        let ignored = columns.filter { $0.kind == .ignored }
        var out = """
            # Written by `wdl init` from the first \(sampledRows) rows of \(TerminalSafe.escape(trainPath, maxCharacters: 1000)).
            # Review it: every inference below says what it rests on.
            name: \(quoted(name))
            data:
              format: csv
              train: \(quoted(trainPath))
            \(validationLines(validPath))
              label: \(quoted(label))\(labelGuess.map { "   # \($0)" } ?? "")
              positive: [\(quoted(positive))]
              negative: [\(quoted(negative))]
              # Values read as missing; seen in the sample: \(missingSeen())
              missing: \(list(missingTokens))
            features:

            """
        for column in columns {
            // A comment runs to the end of its line: the name is made visible, never raw.
            out += "  # \(TerminalSafe.escape(column.name)): \(Self.kindName(column.kind)) — \(column.evidence)\n"
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
        // The keys written with their defaults come from the schema, with its help as their comments.
        out += ConfigSchema.templateLines(section: "features")
        out += "model:\n" + ConfigSchema.templateLines(section: "model")
        out += "train:\n" + ConfigSchema.templateLines(section: "train")
        return out
    }

    /// The `valid:` or `holdout_by:` lines of the data section (indented), with why.
    private func validationLines(_ validPath: String?) -> String {
        if let validPath { return "  valid: \(quoted(validPath))" }
        if let timeColumn {
            return "  # no validation file: the rows with the latest \(timeColumn) (the last 10% of the times) are held out\n"
                + "  holdout_by: \(quoted(timeColumn))"
        }
        return "  # no validation file and no time column: the last 10% of the rows IN FILE ORDER are the validation set;\n"
            + "  # set valid: FILE (or holdout_by: a time column) if the file is not in time order"
    }

    /// What `wdl init` says about the validation rows, when they need a second look.
    public func validationNote(validPath: String?) -> String? {
        guard validPath == nil, timeColumn == nil else { return nil }
        return "no --valid file and no time column recognised: the last 10% of the rows in file order will be the validation set"
    }

    /// Per column, the missing tokens the sample holds ("none" without any).
    public func missingSeen() -> String {
        let seen = columns.filter { !$0.missing.isEmpty }.map { "\($0.name) \(Self.describe($0.missing))" }
        return seen.isEmpty ? "none" : seen.joined(separator: "; ")
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

/// A YAML double-quoted scalar. Control characters (YAML forbids most of them raw) and the
/// bidi overrides are written as escapes, which the loader reads back as the same characters.
private func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x5C: out += "\\\\"
        case 0x22: out += "\\\""
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029, 0xFEFF:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

extension ConfigSurvey {
    /// `file` as a path relative to `folder` (both made absolute from the working folder), so a
    /// config names its data the way `RunConfigLoader` reads it back and the folder holding both
    /// can move. Absolute when they share no folder but the root (`../../data/x` would say less).
    public static func relativePath(of file: String, from folder: String) -> String {
        let target = URL(fileURLWithPath: file).standardizedFileURL.pathComponents
        let base = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL.pathComponents
        var common = 0
        while common < target.count - 1, common < base.count, target[common] == base[common] { common += 1 }
        if common <= 1 { return URL(fileURLWithPath: file).standardizedFileURL.path }
        let ups = Array(repeating: "..", count: base.count - common)
        return (ups + target[common...]).joined(separator: "/")
    }
}
