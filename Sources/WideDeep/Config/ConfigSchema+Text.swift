import Foundation

/// The texts written from the schema: a flag's `--help`, the README's table, `wdl init`'s lines.
extension ConfigSchema {
    /// A flag's help: what it does, the config key it overrides and the default when neither
    /// gives it (with criteo's where `--format criteo` without a config differs).
    public static func help(flag: String) -> String {
        guard let key = key(flag: flag) else { preconditionFailure("no config key has the flag \(flag)") }
        var text = key.help
        if text.hasSuffix(".") { text.removeLast() }
        let fallback = key.defaultText.map(flagForm) ?? key.whenAbsent
        var note = "default: the config's \(key.path), else \(fallback)"
        if let criteo = key.criteoDefaultText, key.path != "data.format" { note += "; \(flagForm(criteo)) for --format criteo without a config" }
        return "\(text) (\(note))."
    }

    /// The README's "Configuration reference" table (Markdown).
    public static func markdownTable() -> String {
        var lines = ["| key | type | default | criteo default | range | flag | meaning |", "|---|---|---|---|---|---|---|"]
        for key in keys {
            let criteo = key.criteoDefaultText.map { $0.count > 24 ? "set for the Criteo columns" : "`\($0)`" } ?? ""
            let cells = ["`\(key.path)`", key.type, key.defaultText.map { "`\($0)`" } ?? key.whenAbsent, criteo,
                         key.rangeText ?? "", key.flag.map { "`\($0)`" } ?? "", key.help]
            lines.append("| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `wdl init`'s lines for the keys of `section` it writes with their defaults, indented, each
    /// with its help as a comment.
    public static func templateLines(section: String) -> String {
        keys(in: section).filter(\.inTemplate).map { key in
            // A value of a few names lists them (`wide | deep | wide-deep`).
            let help = key.type.contains("|") ? "\(key.help.dropLast()) (\(key.type))." : key.help
            return "  \(key.name): \(key.defaultText ?? "")   # \(help)\n"
        }.joined()
    }

    /// A flag takes a list comma-separated (`100,50`); an empty one reads "none".
    private static func flagForm(_ yaml: String) -> String {
        guard yaml.hasPrefix("[") || yaml.hasPrefix("{") else { return yaml }
        let inner = yaml.dropFirst().dropLast().replacingOccurrences(of: " ", with: "")
        return inner.isEmpty ? "none" : inner
    }
}

extension ConfigKey {
    /// The default as YAML; nil for an absent optional.
    public var defaultText: String? { ConfigKey.yaml(value(in: RunConfig())) }

    /// `--format criteo`'s value without a config, when it differs from the default.
    public var criteoDefaultText: String? {
        let criteo = ConfigKey.yaml(value(in: RunConfig.criteoDefault()))
        return criteo == defaultText ? nil : criteo
    }

    /// The range in words; nil when any value of the type is taken.
    public var rangeText: String? {
        switch check {
        case .none: nil
        case .integer(let range): "\(range.lowerBound)…\(range.upperBound)"
        case .number(let range): "\(range.lowerBound)…\(range.upperBound)"
        case .hyperparameter(let parameter): "\(parameter.validRange.lowerBound)…\(parameter.validRange.upperBound)"
        case .rule:
            switch path {
            case "model.hidden": "≤ \(RunConfig.maxHiddenLayers) layers of \(RunConfig.hiddenUnits.lowerBound)…\(RunConfig.hiddenUnits.upperBound)"
            case "train.divergence_factor": "0 (off) or (1, 1e6]"
            default: "(0, 1]"
            }
        }
    }

    /// A value as the YAML writes it; nil for nil (also an optional wrapped in `Any`).
    static func yaml(_ value: Any?) -> String? {
        guard let value else { return nil }
        if let optional = value as? OptionalValue { return optional.wrapped.flatMap(yaml) }
        switch value {
        case let text as String: return scalar(text)
        case let list as [String]: return "[" + list.map(quoted).joined(separator: ", ") + "]"
        case let lists as [[String]]: return "[" + lists.map { "[" + $0.map(quoted).joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
        case let numbers as [Int]: return "[" + numbers.map(String.init).joined(separator: ", ") + "]"
        case let map as [String: String]: return "{" + map.sorted { $0.key < $1.key }.map { "\(scalar($0.key)): \(scalar($0.value))" }.joined(separator: ", ") + "}"
        case let buckets as [String: BucketSpec]: return buckets.isEmpty ? "{}" : "{" + buckets.keys.sorted().joined(separator: ", ") + ": …}"
        case let limit as SkippedRowsLimit:
            switch limit {
            case .fraction(let share): return SkippedRowsLimit.percent(share)
            case .count(let rows): return "\(rows)"
            }
        case let named as any RawRepresentable<String>: return named.rawValue
        default: return "\(value)"
        }
    }

    /// A string plain when YAML reads it back as the same string, else double-quoted.
    private static func scalar(_ text: String) -> String {
        let plain = !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            && Double(text) == nil && !["true", "false", "null", "yes", "no", "on", "off"].contains(text.lowercased())
        return plain ? text : quoted(text)
    }

    /// A double-quoted YAML string (list items are always quoted, as `wdl init` writes them).
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// Lets `yaml` see through an optional that `Any` wraps.
private protocol OptionalValue { var wrapped: Any? { get } }
extension Optional: OptionalValue {
    fileprivate var wrapped: Any? { self.map { $0 as Any } }
}
