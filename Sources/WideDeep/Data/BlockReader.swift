import Foundation

/// Reads a file front to back in blocks of about `blockBytes` that end just after a newline (only
/// the file's last block may not), so every line lies whole in one block. A line longer than a
/// block makes that block longer. Only one block and the partial line after it are in memory.
/// With a `range` (a `StreamShard`'s, starting at a line start) only those bytes are read.
final class BlockReader {
    let path: String
    let blockBytes: Int
    /// Size of the file when it was opened.
    let fileBytes: Int
    /// File bytes handed out in blocks so far.
    private(set) var bytesDelivered = 0
    private var descriptor: Int32
    /// Bytes read past the last newline of the previous block.
    private var carry: [UInt8] = []
    private var endOfFile = false
    /// Bytes of the file this reader hands out (from its range's start), and read so far.
    private let limit: Int
    private var bytesRead = 0

    init(path: String, blockBytes: Int, range: Range<Int>? = nil) throws {
        (descriptor, fileBytes) = try Self.open(path)
        self.path = path
        self.blockBytes = max(1, blockBytes)
        limit = range.map { $0.count } ?? Int.max
        if let range, range.lowerBound > 0, lseek(descriptor, off_t(range.lowerBound), SEEK_SET) < 0 {
            let reason = String(cString: strerror(errno))
            close()
            throw DataError(file: path, "cannot seek to byte \(range.lowerBound): \(reason)")
        }
    }

    /// Opens a data file for reading: its descriptor and size, or an error naming the file
    /// (missing, not a regular file, unreadable; see `InputFile`).
    static func open(_ path: String) throws -> (descriptor: Int32, size: Int) {
        try InputFile.open(path) { DataError(file: path, $0) }
    }

    deinit { close() }

    func close() {
        if descriptor >= 0 { _ = Foundation.close(descriptor) }
        descriptor = -1
    }

    /// True once every byte of the file has been handed out.
    var finished: Bool { carry.isEmpty && (endOfFile || bytesDelivered >= min(fileBytes, limit)) }

    /// The next block, or nil at the end of the file: the bytes up to the first line end at or
    /// after `blockBytes` (or the rest of the file).
    func next() throws -> [UInt8]? {
        var block = carry
        carry = []
        block.reserveCapacity(max(blockBytes, block.count) + (1 << 16))
        var searched = 0  // bytes known to hold no line end past the block size (a long line)
        while true {
            if block.count >= blockBytes {
                if let cut = firstNewline(block, from: max(searched, blockBytes - 1)) {
                    if cut + 1 < block.count {
                        carry = Array(block[(cut + 1)...])
                        block.removeSubrange((cut + 1)...)
                    }
                    break
                }
                searched = block.count
            }
            if endOfFile { break }
            let want = block.count < blockBytes ? blockBytes - block.count : 1 << 16
            if try read(into: &block, count: want) == 0 { endOfFile = true }
        }
        guard !block.isEmpty else { return nil }
        bytesDelivered += block.count
        return block
    }

    private func firstNewline(_ block: [UInt8], from start: Int) -> Int? {
        block.withUnsafeBufferPointer { bytes in
            var i = start
            while i < bytes.count {
                if bytes[i] == 10 { return i }
                i += 1
            }
            return nil
        }
    }

    /// Appends up to `count` bytes read from the file to `block`; returns how many (0 at the end).
    private func read(into block: inout [UInt8], count wanted: Int) throws -> Int {
        let count = min(wanted, limit - bytesRead)
        guard count > 0 else { return 0 }
        let old = block.count
        defer { bytesRead += block.count - old }
        block.append(contentsOf: repeatElement(0, count: count))
        while true {
            let got = block.withUnsafeMutableBytes { buffer in
                Foundation.read(descriptor, buffer.baseAddress! + old, count)
            }
            if got >= 0 {
                block.removeLast(count - got)
                return got
            }
            if errno == EINTR { continue }
            block.removeLast(count)
            throw DataError(file: path, "cannot read: \(String(cString: strerror(errno)))")
        }
    }
}
