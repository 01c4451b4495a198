import Foundation

/// Reads a file front to back in blocks of about `blockBytes` that end just after a newline (only
/// the file's last block may not), so every line lies whole in one block. A line longer than a
/// block makes that block longer. Only one block and the partial line after it are in memory.
/// The bytes come through a `ByteSource`: a gzip or zstd file is decompressed on the way, `-` is
/// standard input. With a `range` (a `StreamShard`'s, starting at a line start) only those bytes
/// of a plain file are read.
final class BlockReader {
    /// The name errors give (the path, or "standard input").
    var path: String { source.file }
    let blockBytes: Int
    /// Size of the file when it was opened (compressed, for an archive; 0 when unknown).
    var fileBytes: Int { source.fileBytes }
    var compression: Compression { source.compression }
    /// Content bytes handed out in blocks so far (decompressed).
    private(set) var bytesDelivered = 0
    /// File position of the content handed out so far: progress through `fileBytes`. For an
    /// archive, the compressed bytes consumed scaled by the share of the decompressed bytes that
    /// went out in blocks (the rest waits in the carry).
    var fileBytesRead: Int {
        guard compression != .plain else { return source.startOffset + bytesDelivered }
        let produced = source.contentBytesRead
        guard produced > 0 else { return 0 }
        return Int(Double(source.fileBytesRead) * Double(bytesDelivered) / Double(produced))
    }
    private let source: ByteSource
    /// Bytes read past the last newline of the previous block.
    private var carry: [UInt8] = []
    private var endOfFile = false

    init(path: String, blockBytes: Int, range: Range<Int>? = nil) throws {
        source = try ByteSource(path: path, range: range)
        self.blockBytes = max(1, blockBytes)
    }

    func close() { source.close() }

    /// True once every byte of the content has been handed out.
    var finished: Bool { carry.isEmpty && endOfFile }

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
        // Look ahead (one byte: progress through the file stays where the blocks are) when nothing
        // is carried, so that `finished` is true right after the last block.
        if carry.isEmpty && !endOfFile {
            if try source.read(into: &carry, count: 1) == 0 { endOfFile = true }
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

    /// Appends up to `count` bytes of the content to `block`; returns how many (0 at the end).
    private func read(into block: inout [UInt8], count: Int) throws -> Int {
        try source.read(into: &block, count: count)
    }
}
