import Foundation

/// What `wdl init` infers from a sample of a CSV file: the label column and what each other
/// column is (categorical, numeric, multi-valued, ignored), each with its evidence, written as a
/// commented run config (`yaml`).
public struct ConfigSurvey: Sendable {
    public struct Column: Sendable, Equatable {
        public var name: String
        public var kind: Kind
        /// Why, for the config's comment: distinct values, parse rate, separators seen.
        public var evidence: String
        /// Distinct values (members, for a multi-valued column) other than missing ones.
        public var distinct: Int
        /// How often each missing token (`data.missing`, the empty field included) was seen.
        public var missing: [String: Int] = [:]
        /// Something to check by hand (a number that looks like a code), said on stderr too.
        public var warning: String?
        /// For an ignored column, why in a few words ("constant", "unique per row").
        public var ignoredBecause: String?
    }

    public enum Kind: Sendable, Equatable { case categorical, numeric(log: Bool), multiValued(String), ignored }

    public var file: String
    public var label: String
    /// How the label was chosen, when it was guessed.
    public var labelGuess: String?
    public var positive: String
    public var negative: String
    public var columns: [Column]
    public var sampledRows: Int
    /// The tokens read as missing (written as `data.missing`).
    public var missingTokens: [String]
    /// A column recognised as the rows' time, for the held-out split (`data.holdout_by`).
    public var timeColumn: String?

    /// Data rows read from the start of the file.
    public static let sampleRows = 20_000
    static let labelNames = ["label", "click", "clicked", "target", "y", "outcome"]

    /// Surveys the first `sampleRows` rows of `path`. `label` names the label column; nil
    /// guesses it. `missing` are the values read as missing. Errors name the file (and the
    /// header's columns for an unknown label).
    public init(path: String, label requested: String?, missing: [String] = DataConfig.defaultMissing) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw DataError(file: path, "cannot read the file") }
        var lines = String(decoding: data.prefix(64 << 20), as: UTF8.self).split(whereSeparator: \.isNewline)
            .filter { !$0.allSatisfy(\.isWhitespace) }.prefix(Self.sampleRows + 1).map(String.init)
        guard !lines.isEmpty else { throw DataError(file: path, "empty") }
        let header = Self.fields(lines.removeFirst())
        guard lines.count >= 2 else { throw DataError(file: path, "needs a header and at least two data rows to infer a config") }
        var values = [[String]](repeating: [], count: header.count)
        for (i, line) in lines.enumerated() {
            let row = Self.fields(line)
            guard row.count == header.count else {
                throw DataError(file: path, line: i + 2, "expected \(header.count) fields as in the header, found \(row.count)")
            }
            for (c, value) in row.enumerated() { values[c].append(value) }
        }
        file = path
        sampledRows = lines.count
        missingTokens = missing.contains("") ? missing : [""] + missing
        let lowered = header.map { $0.lowercased() }
        if let requested {
            guard header.contains(requested) else {
                throw DataError(file: path, line: 1, "no column '\(requested)' for --label; the header has \(header.joined(separator: ", "))")
            }
            label = requested
        } else if let named = lowered.firstIndex(where: { Self.labelNames.contains($0) || $0.hasSuffix("_label") }) {
            label = header[named]
            labelGuess = "guessed from its name"
        } else if let binary = header.indices.last(where: { Set(values[$0]).count == 2 }) {
            label = header[binary]
            labelGuess = "guessed: the last column with exactly two values"
        } else {
            throw DataError(file: path, "cannot guess the label column (no column named label/click/target, none with two values); give --label COLUMN")
        }
        let labelValues = values[header.firstIndex(of: label)!]
        let counts = Dictionary(labelValues.map { ($0, 1) }, uniquingKeysWith: +)
        guard counts.count == 2 else {
            throw DataError(file: path, "label column '\(label)' has \(counts.count) distinct values in the first \(lines.count) rows; a click label has two")
        }
        if Set(counts.keys) == ["0", "1"] {
            (positive, negative) = ("1", "0")
        } else {
            // The rarer value is the event being predicted (a click, a purchase).
            let sorted = counts.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
            (positive, negative) = (sorted[0].key, sorted[1].key)
        }
        let chosen = label, tokens = Set(missingTokens)
        let others = header.indices.filter { header[$0] != chosen }
        timeColumn = others.map { header[$0] }.first { name in
            Self.looksLikeTime(name: name, values: values[header.firstIndex(of: name)!], missing: tokens)
        }
        let time = timeColumn
        columns = others.map { c in
            header[c] == time ? Self.timeColumn(header[c], values[c], missing: tokens)
                : Self.column(header[c], values[c], missing: tokens)
        }
    }

    /// What to tell the user besides the config: columns left out and why, codes, the split.
    public var warnings: [String] {
        var out = columns.compactMap { column in column.warning.map { "\(column.name): \($0)" } }
        let ignored = columns.filter { $0.kind == .ignored && $0.name != timeColumn }
        if !ignored.isEmpty {
            out.append("ignored: " + ignored.map { "\($0.name) (\($0.ignoredBecause ?? "see the config"))" }.joined(separator: ", "))
        }
        return out
    }

    /// Splits one CSV line at commas outside double quotes; fields trimmed, quotes removed.
    static func fields(_ line: String) -> [String] {
        var out: [String] = [], current = "", quoted = false
        for ch in line {
            if ch == "\"" { quoted.toggle() } else if ch == "," && !quoted { out.append(current); current = "" } else { current.append(ch) }
        }
        out.append(current)
        return out.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
