import Dispatch
import Foundation

/// Reads a training file block by block (`BlockReader`) and parses each block with `RowParser`,
/// in `threads` pieces at line ends as `DatasetReader` does with a whole file: the same rows, the
/// same malformed-row errors with the same file line numbers, but only one block in memory.
final class StreamingReader {
    let schema: DataSchema
    let strict: Bool
    let threads: Int
    /// Values in the first rows of the file are remembered as readable text (feature names).
    var readableRows = 0
    private let blocks: BlockReader
    private var layout: ColumnLayout?
    /// 1-based file line of the next block's first line.
    private var nextLine = 1
    /// Rows parsed and rows skipped as malformed so far, and the first few errors.
    private(set) var rows = 0
    private(set) var skippedRows = 0
    private(set) var firstErrors: [DataError] = []
    /// Bytes of the first line of a CSV (and a BOM), which hold no row.
    private(set) var headerBytes = 0
    private var sawContent = false
    private let shard: StreamShard?

    var file: String { blocks.path }
    var fileBytes: Int { blocks.fileBytes }
    var bytesRead: Int { blocks.bytesDelivered }
    /// Every block has been returned.
    var finished: Bool { blocks.finished }

    /// `shard`: read only one rank's part of the file (a data-parallel job); an empty part is
    /// not an error there, the file as a whole was checked when the run was set up.
    init(path: String, schema: DataSchema, strict: Bool, threads: Int, blockBytes: Int, shard: StreamShard? = nil) throws {
        blocks = try BlockReader(path: path, blockBytes: blockBytes, range: shard?.bytes)
        self.schema = schema
        self.strict = strict
        self.threads = max(1, threads)
        self.shard = shard
        if let shard, shard.bytes.lowerBound > 0 {
            // The header lies before this part: read it alone, then count lines from the part's start.
            guard let first = try BlockReader(path: path, blockBytes: 1 << 16).next() else {
                throw DataError(file: path, "the file is empty")
            }
            _ = try first.withUnsafeBufferPointer { try takeHeader($0, wholeFile: false) }
            nextLine = shard.firstLine
        }
    }

    /// The rows of the next block, one `RawDataset` per piece in file order (a piece may hold no
    /// rows); nil at the end of the file. With `strict`, throws the first malformed row.
    func next() throws -> [RawDataset]? {
        guard let block = try blocks.next() else {
            if shard == nil { try checkNotEmpty() }
            return nil
        }
        return try block.withUnsafeBufferPointer { all -> [RawDataset] in
            var start = 0
            if layout == nil {
                start = try takeHeader(all, wholeFile: blocks.finished)
                headerBytes = start
            }
            if all[start...].contains(where: { $0 != 10 && $0 != 13 && $0 != 32 }) { sawContent = true }
            return try parse(all, from: start)
        }
    }

    private func parse(_ all: UnsafeBufferPointer<UInt8>, from start: Int) throws -> [RawDataset] {
        guard let layout else { return [] }
        let ranges = threads == 1 ? [start..<all.count]
            : DatasetReader.chunkBoundaries(all, from: start, pieces: threads, minimum: 1)
        let remember = max(0, readableRows - rows)
        let schema = self.schema, file = self.file
        var parts = [RawDataset?](repeating: nil, count: ranges.count)
        parts.withUnsafeMutableBufferPointer { out in
            let shared = UnsafeSendable(out)
            let work: (Int) -> Void = { index in
                var parser = RowParser(schema: schema, layout: layout, file: file)
                shared.value[index] = parser.parse(UnsafeBufferPointer(rebasing: all[ranges[index]]),
                                                   rememberValuesInFirst: index == 0 ? remember : 0)
            }
            if ranges.count == 1 {
                work(0)
            } else {
                let sharedWork = UnsafeSendable(work)
                DispatchQueue.concurrentPerform(iterations: ranges.count) { sharedWork.value($0) }
            }
        }
        var result: [RawDataset] = []
        result.reserveCapacity(parts.count)
        for var part in parts.map({ $0! }) {
            for e in part.errors.indices { part.errors[e].line = (part.errors[e].line ?? 0) + nextLine }
            nextLine += part.linesRead
            rows += part.count
            skippedRows += part.skippedRows
            if strict, let first = part.errors.first { throw first }
            firstErrors += part.errors.prefix(max(0, RawDataset.maxKeptErrors - firstErrors.count))
            result.append(part)
        }
        return result
    }

    /// Reads the layout from the start of the file (a CSV's header line, after a BOM); returns
    /// where the rows begin.
    private func takeHeader(_ all: UnsafeBufferPointer<UInt8>, wholeFile: Bool) throws -> Int {
        var start = 0
        if all.count >= 3, all[0] == 0xEF, all[1] == 0xBB, all[2] == 0xBF { start = 3 }  // UTF-8 BOM
        guard schema.format == .csv else {
            layout = ColumnLayout(criteo: schema)
            return start
        }
        // The header is the first line; blocks end at line ends, so it is whole.
        if wholeFile && !all[start...].contains(where: { $0 != 10 && $0 != 13 && $0 != 32 }) {
            throw DataError(file: file, "the file is empty")
        }
        let headerEnd = all[start...].firstIndex(of: 10) ?? all.count
        layout = try ColumnLayout(csvHeader: UnsafeBufferPointer(rebasing: all[start..<headerEnd]), schema: schema, file: file)
        nextLine = 2
        return min(all.count, headerEnd + 1)
    }

    /// At the end of the file: the same refusals as `DatasetReader` for a file without rows.
    private func checkNotEmpty() throws {
        guard rows == 0 else { return }
        guard sawContent || layout != nil && schema.format == .csv else {
            throw DataError(file: file, "the file is empty")
        }
        if let first = firstErrors.first {
            throw DataError(file: file, "no valid rows (\(skippedRows) malformed); first error: \(first)")
        }
        throw DataError(file: file, "the file has no data rows")
    }
}
