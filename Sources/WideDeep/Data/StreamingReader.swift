import Dispatch
import Foundation

/// Reads a training set block by block (`BlockReader`) and parses each block with `RowParser`,
/// in `threads` pieces at line ends as `DatasetReader` does with a whole file: the same rows, the
/// same malformed-row errors with the same file line numbers, but only one block in memory. The
/// set may be several part files (`InputParts`), read one after the other: CSV parts must all
/// start with the same header (checked when the reader opens, so a bad part stops a run before it
/// trains), errors name the part and its own line. Files may be gzip or zstd (`ByteSource`).
final class StreamingReader {
    let schema: DataSchema
    let strict: Bool
    let threads: Int
    /// Values in the first rows of the set are remembered as readable text (feature names).
    var readableRows = 0
    private let blockBytes: Int
    private let pieces: [StreamShard.Piece]
    private var pieceIndex = 0
    private var blocks: BlockReader?
    private var layout: ColumnLayout?
    /// The CSV header every part must start with (after a BOM, without its line end).
    private var header: [UInt8]?
    /// 1-based line, in the current part, of the next block's first line.
    private var nextLine = 1
    /// Rows parsed and rows skipped as malformed so far, and the first few errors.
    private(set) var rows = 0
    private(set) var skippedRows = 0
    private(set) var firstErrors: [DataError] = []
    private var sawContent = false
    /// The next block is the first of a part (it holds the part's header, for a CSV).
    private var atPartStart = false
    private let sharded: Bool
    /// The data path as given (names the whole set when it has several parts).
    let spec: String
    /// The parts' sizes in bytes (compressed, for archives; 0 when unknown), summed.
    let fileBytes: Int
    private var bytesOfFinishedPieces = 0
    private let pieceSizes: [Int]

    /// The file being read (its name in errors).
    var file: String { blocks?.path ?? (pieces.last.map { InputParts.isStandardInput($0.path) ? "standard input" : $0.path } ?? spec) }
    var partCount: Int { pieces.count }
    /// Bytes of the parts consumed so far (compressed, for archives): progress through `fileBytes`.
    var fileBytesRead: Int { bytesOfFinishedPieces + (blocks?.fileBytesRead ?? 0) - (pieces.indices.contains(pieceIndex) ? pieces[pieceIndex].bytes.lowerBound : 0) }
    /// Every block of every part has been returned.
    var finished: Bool { pieceIndex >= pieces.count || (pieceIndex == pieces.count - 1 && blocks?.finished == true) }

    /// `shard`: read only one rank's share of the set (a data-parallel job); an empty share is
    /// not an error there, the set as a whole was checked when the run was set up.
    init(path: String, schema: DataSchema, strict: Bool, threads: Int, blockBytes: Int, shard: StreamShard? = nil) throws {
        self.schema = schema
        self.strict = strict
        self.threads = max(1, threads)
        self.blockBytes = blockBytes
        spec = path
        sharded = shard != nil
        let parts = try InputParts.expand(path)
        pieces = shard?.pieces ?? parts.map { StreamShard.Piece(path: $0, bytes: 0..<Int.max, firstLine: 1) }
        // One header for all: each part's first line is read now (standard input's with its rows).
        header = schema.format == .csv ? try Self.commonHeader(parts.filter { !InputParts.isStandardInput($0) }) : nil
        pieceSizes = try pieces.map { piece in
            if InputParts.isStandardInput(piece.path) { return 0 }
            var info = stat()
            guard stat(piece.path, &info) == 0 else { throw DataError(file: piece.path, "file not found") }
            return min(piece.bytes.count, Int(info.st_size))
        }
        fileBytes = pieceSizes.reduce(0, +)
        try open(piece: 0)
    }

    /// The rows of the next block, one `RawDataset` per piece in file order (a piece may hold no
    /// rows); nil at the end of the set. With `strict`, throws the first malformed row.
    func next() throws -> [RawDataset]? {
        while pieceIndex < pieces.count {
            guard let blocks, let block = try blocks.next() else {
                bytesOfFinishedPieces += pieceSizes[pieceIndex]
                blocks?.close()
                self.blocks = nil
                try open(piece: pieceIndex + 1)
                continue
            }
            return try block.withUnsafeBufferPointer { all -> [RawDataset] in
                var start = 0
                if atPartStart {
                    atPartStart = false
                    start = try takeHeader(all, wholeFile: blocks.finished)
                }
                if all[start...].contains(where: { $0 != 10 && $0 != 13 && $0 != 32 }) { sawContent = true }
                return try parse(all, from: start)
            }
        }
        if !sharded { try checkNotEmpty() }
        return nil
    }

    private func open(piece index: Int) throws {
        pieceIndex = index
        guard index < pieces.count else { return }
        let piece = pieces[index]
        let range: Range<Int>? = piece.bytes.upperBound == Int.max ? nil : piece.bytes
        let reader = try BlockReader(path: piece.path, blockBytes: blockBytes, range: range)
        blocks = reader
        nextLine = piece.firstLine
        atPartStart = piece.bytes.lowerBound == 0
        if !atPartStart && layout == nil {
            // The header lies before this piece: it was read with the others' when the reader opened.
            if schema.format == .csv { try makeLayout(header: header ?? [], file: piece.path) } else { layout = ColumnLayout(criteo: schema) }
        }
    }

    /// The first line of a part (after a BOM, without its line end); nil for an empty part.
    private static func firstLine(of part: String) throws -> [UInt8]? {
        let reader = try BlockReader(path: part, blockBytes: 1)
        guard let block = try reader.next() else { return nil }
        var line = block[...]
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        if line.last == 10 { line = line.dropLast() }
        if line.last == 13 { line = line.dropLast() }
        if !line.contains(where: { $0 != 10 && $0 != 13 && $0 != 32 }) && reader.finished { return nil }
        return Array(line)
    }

    /// The first non-empty part's header, once every other part's is checked equal to it.
    private static func commonHeader(_ parts: [String]) throws -> [UInt8]? {
        var first: [UInt8]?
        for part in parts {
            guard let line = try firstLine(of: part) else { continue }  // an empty part adds nothing
            guard let header = first else { first = line; continue }
            guard line == header else {
                throw DataError(file: part, line: 1, "its header differs from the first part's: \"\(String(decoding: line.prefix(200), as: UTF8.self))\" vs \"\(String(decoding: header.prefix(200), as: UTF8.self))\" (every part of a data set must start with the same header)")
            }
        }
        return first
    }

    private func makeLayout(header line: [UInt8], file part: String) throws {
        layout = try line.withUnsafeBufferPointer { try ColumnLayout(csvHeader: $0, schema: schema, file: part) }
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

    /// Reads the layout from the start of a part (a CSV's header line, after a BOM); returns
    /// where the rows begin.
    private func takeHeader(_ all: UnsafeBufferPointer<UInt8>, wholeFile: Bool) throws -> Int {
        var start = 0
        if all.count >= 3, all[0] == 0xEF, all[1] == 0xBB, all[2] == 0xBF { start = 3 }  // UTF-8 BOM
        guard schema.format == .csv else {
            if layout == nil { layout = ColumnLayout(criteo: schema) }
            return start
        }
        let blank = !all[start...].contains(where: { $0 != 10 && $0 != 13 && $0 != 32 })
        if wholeFile && blank {
            guard pieces.count > 1 else { throw DataError(file: file, "the file is empty") }
            return all.count  // an empty part among several adds nothing
        }
        // The header is the first line; blocks end at line ends, so it is whole.
        let headerEnd = all[start...].firstIndex(of: 10) ?? all.count
        if layout == nil {
            if header == nil {  // standard input: its header is seen only now
                var line = Array(all[start..<headerEnd])
                if line.last == 13 { line.removeLast() }
                header = line
            }
            try makeLayout(header: header!, file: file)
        }
        nextLine = 2
        return min(all.count, headerEnd + 1)
    }

    /// At the end of the set: the same refusals as `DatasetReader` for a file without rows.
    private func checkNotEmpty() throws {
        guard rows == 0 else { return }
        let name = pieces.count > 1 ? "\(spec) (\(pieces.count) parts)" : file
        guard sawContent || layout != nil && schema.format == .csv else {
            throw DataError(file: name, pieces.count > 1 ? "every part is empty" : "the file is empty")
        }
        if let first = firstErrors.first {
            throw DataError(file: name, "no valid rows (\(skippedRows) malformed); first error: \(first)")
        }
        throw DataError(file: name, pieces.count > 1 ? "no part has a data row" : "the file has no data rows")
    }
}
