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
        public var distinct: Int
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

    /// Data rows read from the start of the file.
    public static let sampleRows = 20_000
    static let labelNames = ["label", "click", "clicked", "target", "y", "outcome"]

    /// Surveys the first `sampleRows` rows of `path`. `label` names the label column; nil
    /// guesses it. Errors name the file (and the header's columns for an unknown label).
    public init(path: String, label requested: String?) throws {
        let data = try DatasetReader.sample(path: path, maxBytes: 64 << 20)
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
        let chosen = label
        columns = header.indices.filter { header[$0] != chosen }.map { Self.column(header[$0], values[$0]) }
    }

    static func column(_ name: String, _ values: [String]) -> Column {
        let present = values.filter { !$0.isEmpty }
        let distinct = Set(present).count
        let numbers = present.compactMap { Double($0) }.filter(\.isFinite)
        let parseRate = present.isEmpty ? 0 : Double(numbers.count) / Double(present.count)
        let piped = present.filter { $0.contains("|") }.count
        var evidence = "\(distinct) distinct values in \(values.count) rows, \(Int((parseRate * 100).rounded()))% parse as numbers"
        if piped > 0 { evidence += ", '|' in \(piped) values" }
        if parseRate >= 0.99 && distinct >= 20 {
            let sorted = numbers.sorted()
            let median = sorted[sorted.count / 2]
            // Heavy-tailed non-negative counts (money, clicks) are compressed before standardizing.
            let log = sorted[0] >= 0 && sorted[sorted.count - 1] > 100 * max(median, 1)
            if log { evidence += "; heavy-tailed (max \(sorted[sorted.count - 1]), median \(median)): log1p" }
            return Column(name: name, kind: .numeric(log: log), evidence: evidence, distinct: distinct)
        }
        if parseRate < 0.99 && Double(piped) >= 0.05 * Double(max(1, present.count)) {
            return Column(name: name, kind: .multiValued("|"), evidence: evidence, distinct: distinct)
        }
        if distinct > 1000 && distinct == present.count {
            return Column(name: name, kind: .ignored, evidence: evidence + "; unique per row, an id?", distinct: distinct)
        }
        if parseRate >= 0.99 { evidence += "; few distinct numbers, taken as categories" }
        return Column(name: name, kind: .categorical, evidence: evidence, distinct: distinct)
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
