import Foundation

/// One rank's share of a streamed training set in a data-parallel job. The set is one file or the
/// concatenation of its part files (`InputParts`); the share is a run of pieces, each a byte
/// range of one part that starts at a line start, with the file line it starts on (so a
/// malformed row is still named by its part and its line there). The data bytes (after each
/// CSV part's header) are split evenly by size across the concatenation and each cut moved on
/// to the next line start inside its part; every rank computes every cut the same way, so the
/// shares tile the parts exactly. A compressed part cannot be entered in its middle: a cut that
/// falls inside one moves to its nearer end, so each compressed part goes whole to one rank (its
/// compressed size counts as its data; with fewer compressed parts than ranks, some ranks get
/// none, and uneven parts make uneven shares). A piece
/// starting at byte 0 reads its header as a whole file does; the others read it separately.
public struct StreamShard: Sendable, Equatable {
    public struct Piece: Sendable, Equatable {
        public var path: String
        public var bytes: Range<Int>
        /// 1-based line (in its part) of the range's first byte.
        public var firstLine: Int

        public init(path: String, bytes: Range<Int>, firstLine: Int) {
            self.path = path
            self.bytes = bytes
            self.firstLine = firstLine
        }
    }

    /// In reading order; a single-file set always has its one piece (perhaps empty).
    public var pieces: [Piece]

    public init(pieces: [Piece]) { self.pieces = pieces }

    /// Rank `rank`'s share among `ranks` of the data at `path` (a data path: a file, folder,
    /// glob or list); `header`: the first line of each part holds no row (CSV).
    public static func make(path: String, rank: Int, ranks: Int, header: Bool) throws -> StreamShard {
        let parts = try InputParts.expand(path)
        if parts.contains("-") { throw DataError(file: "standard input", "cannot be shared among the ranks of a job: write the data to a file") }
        let scanners = try parts.map { part -> ShardScanner in
            let (descriptor, size) = try InputFile.open(part) { DataError(file: part, $0) }
            var prefix = [UInt8](repeating: 0, count: Compression.magicBytes)
            let got = prefix.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, 0) }
            let compression = try Compression.detect(Array(prefix.prefix(max(0, got))), file: part)
            return ShardScanner(descriptor: descriptor, size: size, path: part, compressed: compression != .plain)
        }
        defer { for s in scanners { _ = close(s.descriptor) } }
        // Where each part's data starts (a compressed part's header is not looked for: its whole
        // size counts as data, which only shifts the even split a little).
        let dataStarts = try scanners.map { s in header && !s.compressed ? try s.lineStart(atOrAfter: 1) : 0 }
        let dataSizes = zip(scanners, dataStarts).map { $0.size - $1 }
        let total = dataSizes.reduce(0, +)
        /// Cut r as (part, byte in the part).
        func cut(_ r: Int) throws -> (part: Int, offset: Int) {
            guard r > 0 else { return (0, 0) }
            guard r < ranks else { return (scanners.count - 1, scanners.last!.size) }
            var target = total * r / ranks
            for (p, s) in scanners.enumerated() {
                if target < dataSizes[p] || p == scanners.count - 1 {
                    // A cut at a part's start: past the first part's header (rank 0 reads it), or
                    // the start of a later part (its reader reads its header as a whole file's).
                    if target <= 0 { return p == 0 && !s.compressed ? (0, dataStarts[0]) : (p, 0) }
                    if s.compressed { return 2 * target < dataSizes[p] ? (p, 0) : (p, s.size) }  // the nearer end
                    return (p, try s.lineStart(atOrAfter: max(dataStarts[p], dataStarts[p] + target)))
                }
                target -= dataSizes[p]
            }
            return (scanners.count - 1, scanners.last!.size)
        }
        let from = try cut(rank), to = try cut(rank + 1)
        var pieces: [Piece] = []
        for p in scanners.indices where p >= from.part && p <= to.part {
            let lower = p == from.part ? from.offset : 0
            let upper = max(lower, p == to.part ? to.offset : scanners[p].size)
            guard upper > lower || scanners.count == 1 else { continue }
            let line = lower == 0 ? 1 : 1 + (try scanners[p].newlines(before: lower))
            pieces.append(Piece(path: parts[p], bytes: lower..<upper, firstLine: line))
        }
        return StreamShard(pieces: pieces)
    }
}

/// Positioned reads of a file for `StreamShard`: where lines start, how many lines precede a byte.
private struct ShardScanner {
    let descriptor: Int32
    let size: Int
    let path: String
    let compressed: Bool
    static let chunk = 1 << 20

    /// The first line start at or after `offset`: `offset` itself when the byte before it ends a
    /// line, else just past the next newline (the file's size when there is none).
    func lineStart(atOrAfter offset: Int) throws -> Int {
        guard offset > 0 else { return 0 }
        var at = offset - 1
        while at < size {
            let bytes = try read(at, min(Self.chunk, size - at))
            guard !bytes.isEmpty else { break }  // the file shrank
            if let newline = bytes.firstIndex(of: 10) { return at + newline + 1 }
            at += bytes.count
        }
        return size
    }

    /// Newlines in bytes 0..<end.
    func newlines(before end: Int) throws -> Int {
        var count = 0, at = 0
        while at < end {
            let bytes = try read(at, min(Self.chunk, end - at))
            guard !bytes.isEmpty else { break }
            count += bytes.withUnsafeBufferPointer { b in b.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } }
            at += bytes.count
        }
        return count
    }

    private func read(_ offset: Int, _ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + got, count - got, off_t(offset + got)) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw DataError(file: path, "cannot read: \(String(cString: strerror(errno)))") }
            guard n > 0 else { break }
            got += n
        }
        return Array(bytes.prefix(got))
    }
}
