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
        let data = try DatasetReader.sample(path: path, maxBytes: 64 << 20)  // gzip, zstd, parts, -
        var rows = try Self.rows(of: Array(data.prefix(64 << 20)), file: path, limit: Self.sampleRows + 1)
        guard !rows.isEmpty else { throw DataError(file: path, "empty") }
        let header = rows.removeFirst().fields
        guard rows.count >= 2 else { throw DataError(file: path, "needs a header and at least two data rows to infer a config") }
        var values = [[String]](repeating: [], count: header.count)
        for row in rows {
            guard row.fields.count == header.count else {
                throw DataError(file: path, line: row.line, "expected \(header.count) fields as in the header, found \(row.fields.count)")
            }
            for (c, value) in row.fields.enumerated() { values[c].append(value) }
        }
        file = path
        sampledRows = rows.count
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
            throw DataError(file: path, "label column '\(label)' has \(counts.count) distinct values in the first \(rows.count) rows; a click label has two")
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

    /// The first `limit` non-blank lines of a CSV file split into fields, as the reader splits
    /// them (`DatasetReader`): a UTF-8 BOM skipped, lines ended by LF (a CR before it dropped),
    /// RFC 4180 quotes, spaces around unquoted fields trimmed. What the reader refuses is refused
    /// here, naming the line, so that a config is never written for a file it cannot read.
    static func rows(of bytes: [UInt8], file: String, limit: Int) throws -> [(line: Int, fields: [String])] {
        try bytes.withUnsafeBufferPointer { all in
            var rows: [(line: Int, fields: [String])] = []
            var start = all.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            var number = 0
            var fields: [FieldRange] = []
            while start < all.count, rows.count < limit {
                let end = all[start...].firstIndex(of: 10) ?? all.count
                var contentEnd = end
                if contentEnd > start && all[contentEnd - 1] == 13 { contentEnd -= 1 }
                let line = UnsafeBufferPointer(rebasing: all[start..<contentEnd])
                number += 1
                start = end + 1
                if line.allSatisfy({ $0 == 32 || $0 == 9 }) {
                    // The reader takes line 1 as the header, blank or not.
                    if number == 1, start < all.count, all[start...].contains(where: { $0 != 10 && $0 != 13 && $0 != 32 }) {
                        throw DataError(file: file, line: 1, "the header row is empty")
                    }
                    continue
                }
                if rows.isEmpty, line.contains(13) { throw ColumnLayout.loneCarriageReturn(file: file) }
                fields.removeAll(keepingCapacity: true)
                guard FieldSplitter.split(line, delimiter: UInt8(ascii: ","), trim: true, into: &fields) else {
                    throw DataError(file: file, line: number, "unterminated or misplaced quote")
                }
                rows.append((number, fields.map { String(decoding: $0.bytes(in: line), as: UTF8.self) }))
            }
            return rows
        }
    }

    /// A value as the reader's number parser reads it (decimal only: `0x1A`, `nan`, `1_000`
    /// are not numbers to it, though Swift's `Double` takes the first two), or nil.
    static func number(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { bytes in
            guard case .value(let value) = NumberParser.parse(bytes), Float(value).isFinite else { return nil }
            return value
        }
    }
}
