#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif
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

    /// Reads and parses `path`; `-` is standard input (named "standard input" in errors).
    public func read(path: String, progress: Progress? = nil) throws -> RawDataset {
        let bytes = try Self.load(path: path)
        return try parse(bytes: bytes, file: Self.displayName(of: path), progress: progress)
    }

    static func displayName(of path: String) -> String { path == "-" ? "standard input" : path }

    static func load(path: String) throws -> [UInt8] {
        if path == "-" { return try readToEnd(STDIN_FILENO, file: displayName(of: path)) }
        // Read straight into the array (through Data, the file was held twice while copied).
        let (fd, size) = try BlockReader.open(path)
        defer { close(fd) }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let got = systemRead(fd, buffer.baseAddress! + count, min(size - count, 1 << 30))
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { failure = got < 0 ? errno : 0; break }
                count += got
            }
        }
        if failure != 0 { throw DataError(file: path, "cannot read: \(String(cString: strerror(failure)))") }
        if bytes.count < size { throw DataError(file: path, "cannot read: the file shrank while being read") }
        return size == 0 ? try readToEnd(fd, path: path) : bytes
    }

    /// A file that reports no size (/proc's) is read to its end.
    private static func readToEnd(_ fd: Int32, path: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress!, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got < 0 { throw DataError(file: path, "cannot read: \(String(cString: strerror(errno)))") }
            if got == 0 { return bytes }
            bytes += chunk[0..<got]
        }
    }

    /// Reads a stream of unknown length (standard input) until its end.
    static func readToEnd(_ fd: Int32, file: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = block.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress!, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got < 0 { throw DataError(file: file, "cannot read: \(String(cString: strerror(errno)))") }
            if got == 0 { return bytes }
            bytes += block[0..<got]
        }
    }

    /// Parses a whole file's bytes (`file` names it in errors).
    public func parse(bytes: [UInt8], file: String, progress: Progress? = nil) throws -> RawDataset {
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
            guard dataset.count > 0 else {
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
