import Foundation
import Synchronization

/// Reads a Criteo TSV or a CSV-with-header file into a `RawDataset`.
///
/// The file is read into memory once and cut into chunks at line ends; chunks are parsed in
/// parallel (`threads`) and joined in file order, so the result does not depend on the thread
/// count. Malformed rows are skipped and counted (the first few errors are kept with file, line
/// and column), or with `strict` the first one in file order is thrown.
public struct DatasetReader: Sendable {
    public var schema: DataSchema
    public var strict = false
    public var threads = 1
    /// Rows at the start of the file whose values are remembered as readable text.
    public var readableRows = 100_000
    /// What the rows are for; `.prediction` changes how labels and rows are read.
    public var purpose: Purpose = .training
    /// Columns (by name) whose text is kept for every data row in `RawDataset.keptValues`.
    public var keepColumns: [String] = []
    /// A time column whose value is kept, as a `TimeKey`, for every row (`RawDataset.holdoutKeys`).
    public var holdoutColumn: String?

    public enum Purpose: Sendable {
        /// Every row has a valid label (training, evaluation).
        case training
        /// Rows to score: the label column may be absent (a CSV header without it; Criteo rows
        /// of 39 fields, decided by the first data row) and is never read when present; each
        /// parsed row's index among the data rows is kept in `dataRowIndices`.
        case prediction
    }

    public init(schema: DataSchema, strict: Bool = false, threads: Int = 1) {
        self.schema = schema
        self.strict = strict
        self.threads = max(1, threads)
    }

    /// Progress reports: (rows read so far, rows skipped so far, fraction of bytes done).
    public typealias Progress = @Sendable (Int, Int, Double) -> Void

    /// Reads and parses `path`, a data path (one file, a folder, a glob or a list: `InputParts`);
    /// `-` is standard input (named "standard input" in errors). gzip and zstd files are
    /// decompressed (`ByteSource`). Several parts are read in order as one set, each part's
    /// rows after the others', and a CSV part must start with the first part's header.
    public func read(path: String, progress: Progress? = nil) throws -> RawDataset {
        let parts = try InputParts.expand(path)
        guard parts.count > 1 else {
            let bytes = try Self.load(path: parts[0])
            return try parse(bytes: bytes, file: Self.displayName(of: parts[0]), progress: progress)
        }
        return try read(parts: parts, spec: path, progress: progress)
    }

    static func displayName(of path: String) -> String { path == "-" ? "standard input" : path }

    /// A file's whole content (`-`: standard input), decompressed when it is gzip or zstd.
    public static func load(path: String) throws -> [UInt8] { try ByteSource.readAll(path: path) }

    /// The parts of a set, one after the other. An empty part (no bytes, or blank) adds nothing;
    /// a part with a header and no rows adds nothing either.
    private func read(parts: [String], spec: String, progress: Progress?) throws -> RawDataset {
        let sizes = parts.map { part -> Int in
            var info = stat()
            return stat(part, &info) == 0 ? max(1, Int(info.st_size)) : 1
        }
        let totalBytes = Double(sizes.reduce(0, +))
        var dataset = RawDataset(schema: schema)
        var firstHeader: [UInt8]?
        var bytesDone = 0
        var sawContent = false
        for (part, size) in zip(parts, sizes) {
            let bytes = try Self.load(path: part)
            defer { bytesDone += size }
            guard bytes.contains(where: { $0 != 10 && $0 != 13 && $0 != 32 }) else { continue }
            sawContent = true
            if schema.format == .csv {
                let header = Self.headerLine(bytes)
                if let firstHeader, header != firstHeader {
                    throw DataError(file: part, line: 1, "its header differs from the first part's: \"\(String(decoding: header.prefix(200), as: UTF8.self))\" vs \"\(String(decoding: firstHeader.prefix(200), as: UTF8.self))\" (every part of a data set must start with the same header)")
                }
                firstHeader = header
            }
            var reader = self
            reader.readableRows = max(0, readableRows - dataset.count)
            let rowsBefore = dataset.count, skippedBefore = dataset.skippedRows, doneBefore = Double(bytesDone), share = Double(size)
            let piece = try reader.parse(bytes: bytes, file: part, requireRows: false) { rows, skipped, fraction in
                progress?(rowsBefore + rows, skippedBefore + skipped, (doneBefore + fraction * share) / totalBytes)
            }
            dataset.append(piece)
        }
        guard dataset.count > 0 else {
            let name = "\(spec) (\(parts.count) parts)"
            if let first = dataset.errors.first {
                throw DataError(file: name, "no valid rows (\(dataset.skippedRows) malformed); first error: \(first)")
            }
            throw DataError(file: name, sawContent ? "no part has a data row" : "every part is empty")
        }
        return dataset
    }

    /// A CSV's first line, after a BOM and without its line end.
    static func headerLine(_ bytes: [UInt8]) -> [UInt8] {
        var line = bytes.prefix(while: { $0 != 10 })[...]
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        if line.last == 13 { line = line.dropLast() }
        return Array(line)
    }

    /// Parses a whole file's bytes (`file` names it in errors). `requireRows`: a file without a
    /// row that parses is an error (a part among several may have none).
    public func parse(bytes: [UInt8], file: String, requireRows: Bool = true, progress: Progress? = nil) throws -> RawDataset {
        try bytes.withUnsafeBufferPointer { all in
            var start = 0
            if all.count >= 3, all[0] == 0xEF, all[1] == 0xBB, all[2] == 0xBF { start = 3 }  // UTF-8 BOM
            guard all[start...].contains(where: { $0 != 10 && $0 != 13 && $0 != 32 }) else {
                throw DataError(file: file, "the file is empty")
            }
            let layout: ColumnLayout
            var firstDataLine = 1
            let predicting = purpose == .prediction
            if schema.format == .csv {
                let headerEnd = all[start...].firstIndex(of: 10) ?? all.count
                layout = try ColumnLayout(csvHeader: UnsafeBufferPointer(rebasing: all[start..<headerEnd]),
                                          schema: schema, file: file, label: predicting ? .ignoredIfPresent : .read)
                start = min(all.count, headerEnd + 1)
                firstDataLine = 2
            } else if predicting {
                let unlabelled = Self.firstDataRowFieldCount(all, from: start, delimiter: schema.delimiter)
                    == ColumnLayout(criteo: schema, label: .absent).fieldCount
                layout = ColumnLayout(criteo: schema, label: unlabelled ? .absent : .ignoredIfPresent)
            } else {
                layout = ColumnLayout(criteo: schema)
            }
            let kept = try keepColumns.map { name in
                guard let index = layout.names.firstIndex(of: name) else {
                    throw DataError(file: file, line: schema.format == .csv ? 1 : nil,
                                    "no column '\(name)' to keep; the columns are: \(layout.names.joined(separator: ", "))")
                }
                return index
            }
            let holdout = try holdoutColumn.map { name in
                guard let index = layout.names.firstIndex(of: name) else {
                    throw DataError(file: file, line: schema.format == .csv ? 1 : nil,
                                    "data.holdout_by: no column '\(name)'; the columns are: \(layout.names.joined(separator: ", "))")
                }
                return index
            }
            let chunks = Self.chunkBoundaries(all, from: start, pieces: threads == 1 ? 1 : threads * 8)
            let collector = ChunkCollector(totalBytes: max(1, all.count - start), progress: progress)
            let readableRows = self.readableRows
            let work: (Int) -> Void = { index in
                let range = chunks[index]
                var parser = RowParser(schema: schema, layout: layout, file: file)
                parser.recordRowIndices = predicting
                parser.keptColumns = kept
                parser.holdoutColumn = holdout
                let part = parser.parse(UnsafeBufferPointer(rebasing: all[range]),
                                        rememberValuesInFirst: index == 0 ? readableRows : 0)
                collector.add(part, index: index, bytes: range.count)
            }
            Parallel.forEach(chunks.count, threads: threads, work)
            let parts = collector.parts
            var dataset = RawDataset(schema: schema)
            dataset.reserveCapacity(joining: chunks.indices.map { parts[$0]! })
            var lineBase = firstDataLine
            for i in chunks.indices {
                var part = parts[i]!
                for e in part.errors.indices { part.errors[e].line = (part.errors[e].line ?? 0) + lineBase }
                lineBase += part.linesRead
                dataset.append(part)
            }
            if strict, let first = dataset.errors.first { throw first }
            guard dataset.count > 0 || !requireRows else {
                if let first = dataset.errors.first {
                    throw DataError(file: file, "no valid rows (\(dataset.skippedRows) malformed); first error: \(first)")
                }
                if dataset.zeroWeightRows > 0 {
                    throw DataError(file: file, "every row that parses has weight 0 (\(dataset.zeroWeightRows) rows): nothing to train or measure")
                }
                throw DataError(file: file, "the file has no data rows")
            }
            return dataset
        }
    }

    /// Fields in the first non-blank line at or after `start` (0 when there is none).
    static func firstDataRowFieldCount(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8) -> Int {
        var lineStart = start
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 10 { lineEnd += 1 }
            var contentEnd = lineEnd
            if contentEnd > lineStart && bytes[contentEnd - 1] == 13 { contentEnd -= 1 }
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<contentEnd])
            if !line.allSatisfy({ $0 == 32 || $0 == 9 }) {
                var fields: [FieldRange] = []
                _ = FieldSplitter.split(line, delimiter: delimiter, trim: false, into: &fields)
                return fields.count
            }
            lineStart = lineEnd + 1
        }
        return 0
    }

    /// Cuts `[start, end)` into about `pieces` ranges of at least `minimum` bytes that each end
    /// just after a newline.
    static func chunkBoundaries(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, pieces: Int,
                                minimum: Int = 1 << 20) -> [Range<Int>] {
        let length = bytes.count - start
        let target = max(minimum, length / max(1, pieces), 1)
        var ranges: [Range<Int>] = []
        var begin = start
        while begin < bytes.count {
            var end = min(bytes.count, begin + target)
            while end < bytes.count && bytes[end - 1] != 10 { end += 1 }
            ranges.append(begin..<end)
            begin = end
        }
        if ranges.isEmpty { ranges.append(start..<start) }
        return ranges
    }
}

/// Gathers parsed chunks from concurrent workers and reports progress.
final class ChunkCollector: Sendable {
    private let state = Mutex<(parts: [Int: RawDataset], rows: Int, skipped: Int, bytes: Int)>(([:], 0, 0, 0))
    private let totalBytes: Int
    private let progress: DatasetReader.Progress?

    init(totalBytes: Int, progress: DatasetReader.Progress?) {
        self.totalBytes = totalBytes
        self.progress = progress
    }

    func add(_ part: RawDataset, index: Int, bytes: Int) {
        let (rows, skipped, done) = state.withLock { s in
            s.parts[index] = part
            s.rows += part.count
            s.skipped += part.skippedRows
            s.bytes += bytes
            return (s.rows, s.skipped, s.bytes)
        }
        progress?(rows, skipped, Double(done) / Double(totalBytes))
    }

    var parts: [Int: RawDataset] { state.withLock { $0.parts } }
}

/// Wraps a closure over pointers that outlive its concurrent use (the caller waits for it).
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

extension DatasetReader {
    /// Up to `maxBytes` of the content at the start of a data path's first non-empty part
    /// (decompressed), for surveys that look at a sample (`wdl init`).
    public static func sample(path: String, maxBytes: Int) throws -> [UInt8] {
        for part in try InputParts.expand(path) {
            let source = try ByteSource(path: part)
            var bytes: [UInt8] = []
            while bytes.count < maxBytes, try source.read(into: &bytes, count: min(1 << 20, maxBytes - bytes.count)) > 0 {}
            if bytes.contains(where: { $0 != 10 && $0 != 13 && $0 != 32 }) { return bytes }
        }
        return []
    }
}
