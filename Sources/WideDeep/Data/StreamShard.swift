import Foundation

/// One rank's part of a streamed training file in a data-parallel job: a byte range that starts
/// at a line start and ends where the next rank's starts, and the file line it starts on (so a
/// malformed row is still named by its line in the file). The data bytes after a CSV's header are
/// split evenly by size and each cut moved on to the next line start; every rank computes every
/// cut the same way, so the ranges tile the file exactly. Rank 0's range starts at byte 0 (it
/// reads the header as a whole file does); the others read the header separately.
public struct StreamShard: Sendable, Equatable {
    public var bytes: Range<Int>
    /// 1-based file line of the range's first byte.
    public var firstLine: Int

    public init(bytes: Range<Int>, firstLine: Int) {
        self.bytes = bytes
        self.firstLine = firstLine
    }

    /// Rank `rank`'s shard of the file at `path` among `ranks`; `header`: the first line holds
    /// no row (CSV).
    public static func make(path: String, rank: Int, ranks: Int, header: Bool) throws -> StreamShard {
        let (descriptor, size) = try InputFile.open(path) { DataError(file: path, $0) }
        defer { _ = close(descriptor) }
        let file = ShardScanner(descriptor: descriptor, size: size, path: path)
        let dataStart = header ? try file.lineStart(atOrAfter: 1) : 0
        func cut(_ r: Int) throws -> Int {
            guard r > 0 else { return 0 }
            guard r < ranks else { return size }
            return try file.lineStart(atOrAfter: max(dataStart, dataStart + (size - dataStart) * r / ranks))
        }
        let start = try cut(rank), end = max(start, try cut(rank + 1))
        return StreamShard(bytes: start..<end, firstLine: 1 + (try file.newlines(before: start)))
    }
}

/// Positioned reads of a file for `StreamShard`: where lines start, how many lines precede a byte.
private struct ShardScanner {
    let descriptor: Int32
    let size: Int
    let path: String
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
