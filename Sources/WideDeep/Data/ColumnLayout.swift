/// What each column of an input file is for, resolved once per file.
struct ColumnLayout: Sendable {
    enum Role: Sendable, Equatable {
        case label
        case categorical(Int)
        case multiValued(Int)
        case numeric(Int)
        case ignored
    }

    var roles: [Role]
    var names: [String]

    var fieldCount: Int { roles.count }
    /// Most columns a CSV header may name (a 10 MB line is refused quickly, not parsed as one).
    static let maxColumns = 100_000

    /// `label`: whether rows start with the label column, and whether to read it (prediction
    /// rows of 39 fields have none; prediction ignores a label that is there).
    init(criteo schema: DataSchema, label: LabelColumn = .read) {
        names = (label == .absent ? [] : ["label"]) + DataSchema.criteoNumeric + DataSchema.criteoCategorical
        roles = names.map { name in
            if name == "label" { return label == .read ? .label : .ignored }
            if let i = schema.numeric.firstIndex(of: name) { return .numeric(i) }
            if let i = schema.categorical.firstIndex(of: name) { return .categorical(i) }
            return .ignored
        }
    }

    /// A CR inside the first line: the file's lines end in a lone CR (classic Mac OS), which the
    /// reader does not split at, so the whole file would be one header line.
    static func loneCarriageReturn(file: String) -> DataError {
        DataError(file: file, line: 1, "the first line holds a carriage return (CR) that does not end a line: lines must end in LF or CRLF (convert with tr '\\r' '\\n')")
    }

    /// What to do with the label column.
    enum LabelColumn: Sendable, Equatable {
        /// It must be there, and is read.
        case read
        /// It may be there (prediction input); it is not read either way.
        case ignoredIfPresent
        /// It is not there (Criteo prediction rows of 39 fields).
        case absent
    }

    init(csvHeader line: UnsafeBufferPointer<UInt8>, schema: DataSchema, file: String,
         label: LabelColumn = .read) throws {
        var header = line
        if let last = header.last, last == 13 { header = UnsafeBufferPointer(rebasing: header.dropLast()) }
        if header.contains(13) { throw Self.loneCarriageReturn(file: file) }
        var fields: [FieldRange] = []
        // Refused as a data row with the same defect is: a lost quote would drop a column.
        guard FieldSplitter.split(header, delimiter: schema.delimiter, trim: schema.delimiter != 9, into: &fields) else {
            throw DataError(file: file, line: 1, "the header has an unterminated or misplaced quote")
        }
        names = fields.map { field in String(decoding: field.bytes(in: header), as: UTF8.self) }
        guard !names.allSatisfy(\.isEmpty) else {
            throw DataError(file: file, line: 1, "the header row is empty")
        }
        guard names.count <= Self.maxColumns else {
            throw DataError(file: file, line: 1, "the header has \(names.count) columns, more than the \(Self.maxColumns) a data file may have (is it a header?)")
        }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw DataError(file: file, line: 1, column: name, "the header names this column twice")
        }
        // A data row where a header belongs: most likely Criteo TSV given to a CSV model or config.
        if schema.delimiter != 9, names.count == 1, header.contains(9) {
            throw DataError(file: file, line: 1, "this looks like Criteo TSV (tab-separated, no header row), "
                            + "but CSV with a header row is expected here (the model's or the config's data format)")
        }
        func index(of column: String, role: String) throws -> Int {
            guard let i = names.firstIndex(of: column) else {
                throw DataError(file: file, line: 1,
                                "the \(role) column '\(column)' is not in the header; the header's columns are: \(names.joined(separator: ", "))")
            }
            return i
        }
        roles = Array(repeating: .ignored, count: names.count)
        if label == .read {
            roles[try index(of: schema.labelColumn, role: "label")] = .label
        }
        for (i, name) in schema.categorical.enumerated() { roles[try index(of: name, role: "categorical")] = .categorical(i) }
        for (i, field) in schema.multiValued.enumerated() { roles[try index(of: field.name, role: "multi-valued")] = .multiValued(i) }
        for (i, name) in schema.numeric.enumerated() { roles[try index(of: name, role: "numeric")] = .numeric(i) }
        for name in schema.ignore { _ = try index(of: name, role: "ignored") }
    }
}

/// One field of a line: a byte range, with quotes already removed for quoted CSV fields.
struct FieldRange {
    var start: Int
    var end: Int
    /// A quoted field whose content had doubled quotes (`""`), which must be unescaped.
    var hasEscapedQuotes = false

    func bytes(in line: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let raw = Array(line[start..<end])
        guard hasEscapedQuotes else { return raw }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            out.append(raw[i])
            i += (raw[i] == 34 && i + 1 < raw.count && raw[i + 1] == 34) ? 2 : 1
        }
        return out
    }
}

/// Splits one line into fields: RFC 4180 quoting within a line (a quoted field may hold the
/// delimiter and doubled quotes, not a newline), spaces around unquoted fields trimmed.
enum FieldSplitter {
    /// Appends the fields of `line` to `fields`; returns false on an unterminated quote.
    @inline(__always)
    static func split(_ line: UnsafeBufferPointer<UInt8>, delimiter: UInt8, trim: Bool,
                      into fields: inout [FieldRange]) -> Bool {
        let n = line.count
        var i = 0
        while true {
            var start = i
            if trim { while start < n && line[start] == 32 { start += 1 } }
            if start < n && line[start] == 34 {
                // Quoted field.
                var j = start + 1
                var escaped = false
                while true {
                    guard j < n else { return false }
                    if line[j] == 34 {
                        if j + 1 < n && line[j + 1] == 34 { escaped = true; j += 2; continue }
                        break
                    }
                    j += 1
                }
                fields.append(FieldRange(start: start + 1, end: j, hasEscapedQuotes: escaped))
                var k = j + 1
                while k < n && line[k] == 32 { k += 1 }
                guard k < n else { return true }
                guard line[k] == delimiter else { return false }
                i = k + 1
                continue
            }
            var end = start
            while end < n && line[end] != delimiter { end += 1 }
            var trimmedEnd = end
            if trim { while trimmedEnd > start && line[trimmedEnd - 1] == 32 { trimmedEnd -= 1 } }
            fields.append(FieldRange(start: start, end: trimmedEnd))
            guard end < n else { return true }
            i = end + 1
        }
    }
}
