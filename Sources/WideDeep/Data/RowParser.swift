import Foundation

/// Parses the rows of one chunk of a file into a `RawDataset`. Line numbers in its errors are
/// relative to the chunk (0-based); the reader shifts them once chunks are joined.
struct RowParser {
    let schema: DataSchema
    let layout: ColumnLayout
    let file: String
    /// Record, for each parsed row, its index among the chunk's data rows (prediction).
    var recordRowIndices = false
    /// Columns whose text is kept for every data row, parsed or not (`wdl predict --keep-columns`).
    var keptColumns: [Int] = []
    /// The time column whose value orders each parsed row for a held-out split (`data.holdout_by`).
    var holdoutColumn: Int?
    private let fieldStates: [UInt64]
    private let positive: [[UInt8]]
    private let negative: [[UInt8]]?
    /// `schema.missing`'s tokens as bytes, and the longest one's length (a longer value is no token).
    private let missingTokens: [[UInt8]]
    private let longestMissingToken: Int
    /// Whether some token starts with this byte: a number or a hash-like value is rejected at once.
    private let startsMissingToken: [Bool]
    private var fields: [FieldRange] = []
    private var rowCategorical: [UInt64]
    private var rowNumeric: [Float]
    private var rowMulti: [[UInt64]]

    init(schema: DataSchema, layout: ColumnLayout, file: String) {
        self.schema = schema
        self.layout = layout
        self.file = file
        fieldStates = schema.allCategorical.map(StableHash.fieldState)
        positive = schema.positive.map { Array($0.utf8) }
        negative = schema.negative.map { $0.map { Array($0.utf8) } }
        // Non-empty only: the empty field is missing anyway (and a crafted checkpoint may list it).
        missingTokens = (schema.missing ?? []).map { Array($0.utf8) }.filter { !$0.isEmpty }
        longestMissingToken = missingTokens.map(\.count).max() ?? 0
        var starts = [Bool](repeating: false, count: 256)
        for token in missingTokens { starts[Int(token[0])] = true }
        startsMissingToken = starts
        rowCategorical = Array(repeating: 0, count: schema.categorical.count)
        rowNumeric = Array(repeating: 0, count: schema.numeric.count)
        rowMulti = schema.multiValued.map { _ in [] }
        fields.reserveCapacity(layout.fieldCount)
    }

    mutating func parse(_ chunk: UnsafeBufferPointer<UInt8>, rememberValuesInFirst readableRows: Int) -> RawDataset {
        var out = RawDataset(schema: schema)
        let estimate = chunk.count / 64
        out.labels.reserveCapacity(estimate)
        out.categorical.reserveCapacity(estimate * schema.categorical.count)
        out.numeric.reserveCapacity(estimate * schema.numeric.count)
        var lineStart = 0
        var lineIndex = 0
        var dataRow = 0
        while lineStart < chunk.count {
            // memchr: the C library scans for the newline a vector at a time.
            var lineEnd = chunk.count
            if let base = chunk.baseAddress,
               let newline = memchr(UnsafeRawPointer(base + lineStart), 10, chunk.count - lineStart) {
                lineEnd = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
            }
            var contentEnd = lineEnd
            if contentEnd > lineStart && chunk[contentEnd - 1] == 13 { contentEnd -= 1 }  // CRLF
            let line = UnsafeBufferPointer(rebasing: chunk[lineStart..<contentEnd])
            if !line.allSatisfy({ $0 == 32 || $0 == 9 }) {
                out.linesRead += 1
                if let error = parseRow(line, lineIndex: lineIndex, into: &out,
                                        remember: out.count < readableRows) {
                    out.skippedRows += 1
                    if out.errors.count < RawDataset.maxKeptErrors { out.errors.append(error) }
                } else if recordRowIndices {
                    out.dataRowIndices.append(dataRow)
                }
                if !keptColumns.isEmpty { keepValues(of: line, into: &out) }
                dataRow += 1
            }
            lineIndex += 1
            lineStart = lineEnd + 1
        }
        // Lines counted for numbering include blank ones; data rows do not.
        out.linesRead = lineIndex
        out.dataRows = dataRow
        return out
    }

    /// Parses one line; on success appends the row, otherwise returns the error and appends nothing.
    private mutating func parseRow(_ line: UnsafeBufferPointer<UInt8>, lineIndex: Int,
                                   into out: inout RawDataset, remember: Bool) -> DataError? {
        fields.removeAll(keepingCapacity: true)
        guard FieldSplitter.split(line, delimiter: schema.delimiter, trim: schema.format == .csv, into: &fields) else {
            return DataError(file: file, line: lineIndex, "unterminated or misplaced quote")
        }
        guard fields.count == layout.fieldCount else {
            return DataError(file: file, line: lineIndex,
                             "expected \(layout.fieldCount) fields, found \(fields.count)")
        }
        var holdoutKey = 0.0
        if let holdoutColumn {
            let field = fields[holdoutColumn]
            let value = field.hasEscapedQuotes ? field.bytes(in: line) : Array(line[field.start..<field.end])
            guard let key = TimeKey.parse(value) else {
                return DataError(file: file, line: lineIndex, column: layout.names[holdoutColumn],
                                 "'\(String(decoding: value, as: UTF8.self))' is not a time (data.holdout_by reads digits with - : / T separators, or a number)")
            }
            holdoutKey = key
        }
        var label: Float = 0
        for (column, field) in fields.enumerated() {
            let role = layout.roles[column]
            if role == .ignored { continue }
            var value = UnsafeBufferPointer(rebasing: line[field.start..<field.end])
            var unescaped: [UInt8] = []
            if field.hasEscapedQuotes {
                unescaped = field.bytes(in: line)
            }
            let error: DataError? = unescaped.withUnsafeBufferPointer { unescapedBuffer in
                if field.hasEscapedQuotes { value = unescapedBuffer }
                switch role {
                case .label:
                    if positive.contains(where: { $0.elementsEqual(value) }) {
                        label = 1
                    } else if let negative {
                        guard negative.contains(where: { $0.elementsEqual(value) }) else {
                            return DataError(file: file, line: lineIndex, column: layout.names[column],
                                             "label value '\(String(decoding: value, as: UTF8.self))' is neither positive (\(schema.positive.joined(separator: ", "))) nor negative (\(negative.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ", ")))")
                        }
                        label = 0
                    } else {
                        guard !value.isEmpty else {
                            return DataError(file: file, line: lineIndex, column: layout.names[column], "the label is empty")
                        }
                        guard !isMissingToken(value) else {
                            return DataError(file: file, line: lineIndex, column: layout.names[column],
                                             "the label is missing ('\(String(decoding: value, as: UTF8.self))', one of data.missing)")
                        }
                        label = 0
                    }
                case .categorical(let f):
                    // A missing token is the missing category, the empty value's.
                    if isMissingToken(value) { value = UnsafeBufferPointer(start: nil, count: 0) }
                    let h = StableHash.value(fieldState: fieldStates[f], bytes: value)
                    rowCategorical[f] = h
                    if remember { rememberValue(h, field: f, bytes: value, in: &out) }
                case .multiValued(let m):
                    rowMulti[m].removeAll(keepingCapacity: true)
                    let f = schema.categorical.count + m
                    let separator = schema.multiValued[m].separator
                    if isMissingToken(value) { value = UnsafeBufferPointer(start: nil, count: 0) }
                    var s = 0
                    for k in 0...value.count where k == value.count || value[k] == separator {
                        if k > s {
                            let part = UnsafeBufferPointer(rebasing: value[s..<k])
                            let h = StableHash.value(fieldState: fieldStates[f], bytes: part)
                            rowMulti[m].append(h)
                            if remember { rememberValue(h, field: f, bytes: part, in: &out) }
                        }
                        s = k + 1
                    }
                    if rowMulti[m].isEmpty {
                        // Missing: one value, the empty string.
                        rowMulti[m].append(StableHash.value(fieldState: fieldStates[f], bytes: UnsafeBufferPointer(start: nil, count: 0)))
                    }
                case .numeric(let f):
                    if value.isEmpty || isMissingToken(value) {
                        rowNumeric[f] = .nan
                    } else {
                        switch NumberParser.parse(value) {
                        case .value(let v):
                            let narrowed = Float(v)
                            guard narrowed.isFinite else {
                                return DataError(file: file, line: lineIndex, column: layout.names[column],
                                                 "number \(String(decoding: value, as: UTF8.self)) is too large")
                            }
                            rowNumeric[f] = narrowed
                        case .notANumber:
                            return DataError(file: file, line: lineIndex, column: layout.names[column],
                                             "'\(String(decoding: value, as: UTF8.self))' is not a number")
                        case .notFinite:
                            return DataError(file: file, line: lineIndex, column: layout.names[column],
                                             "NaN or infinite value '\(String(decoding: value, as: UTF8.self))'")
                        }
                    }
                case .ignored:
                    break
                }
                return nil
            }
            if let error { return error }
        }
        out.labels.append(label)
        if holdoutColumn != nil { out.holdoutKeys.append(holdoutKey) }
        out.categorical.append(contentsOf: rowCategorical)
        out.numeric.append(contentsOf: rowNumeric)
        for m in rowMulti.indices {
            out.multiValuedHashes[m].append(contentsOf: rowMulti[m])
            out.multiValuedOffsets[m].append(Int32(out.multiValuedHashes[m].count))
        }
        out.count += 1
        return nil
    }

    /// Appends the kept columns' text of `line`; a line that does not split into the layout's
    /// fields (it was skipped) keeps empty values, so every data row has its place.
    private func keepValues(of line: UnsafeBufferPointer<UInt8>, into out: inout RawDataset) {
        var split: [FieldRange] = []
        let ok = FieldSplitter.split(line, delimiter: schema.delimiter, trim: schema.format == .csv, into: &split)
        for column in keptColumns {
            if ok, split.count == layout.fieldCount {
                out.keptValues.append(String(decoding: split[column].bytes(in: line), as: UTF8.self))
            } else {
                out.keptValues.append("")
            }
        }
    }

    /// Whether `value` is one of the non-empty missing tokens.
    @inline(__always)
    private func isMissingToken(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !value.isEmpty, value.count <= longestMissingToken, startsMissingToken[Int(value[0])] else { return false }
        return missingTokens.contains { $0.elementsEqual(value) }
    }

    private func rememberValue(_ hash: UInt64, field: Int, bytes: UnsafeBufferPointer<UInt8>,
                               in out: inout RawDataset) {
        if out.readableValues[field][hash] == nil {
            out.readableValues[field][hash] = bytes.isEmpty ? "(missing)" : String(decoding: bytes, as: UTF8.self)
        }
    }
}
