import Foundation

/// The bytes of one data file as its rows are written: read straight from the file, or
/// decompressed on the way when its first bytes say gzip or zstd (`Compression`). Memory stays
/// bounded whatever the file's size: one read buffer and the decoder's window. `-` is standard
/// input (named "standard input" in errors), compressed or not.
///
/// A compressed file must end where a gzip member or zstd frame ends; one cut short is an error
/// naming the file and the byte offset where its data stopped, never a silently short read.
final class ByteSource {
    /// The name errors give: the path, or "standard input".
    let file: String
    let compression: Compression
    /// The file's size in bytes (compressed, for an archive); 0 when unknown (standard input,
    /// /proc files).
    let fileBytes: Int
    /// File position reached so far (compressed bytes consumed, for an archive).
    var fileBytesRead: Int { fileOffset }
    /// Where reading started (a range's start).
    let startOffset: Int
    /// Content bytes produced so far (decompressed, for an archive).
    private(set) var contentBytesRead = 0

    private var descriptor: Int32
    private let ownsDescriptor: Bool
    private let decoder: StreamDecoder?
    /// File bytes read ahead and not yet handed on: the detection prefix, then compressed input.
    private var input: [UInt8] = []
    private var inputStart = 0
    private var endOfFile = false
    /// File position of `input[inputStart]`.
    private var fileOffset = 0
    /// File bytes still to read (a plain file's byte range); Int.max without a range.
    private var remaining: Int
    private static let inputBytes = 1 << 18

    /// Opens `path` (`-`: standard input). `range` (a plain file's, from a `StreamShard`) reads
    /// only those bytes; a compressed file cannot be entered in its middle, so it must be nil.
    init(path: String, range: Range<Int>? = nil) throws {
        if path == "-" {
            file = "standard input"
            descriptor = STDIN_FILENO
            ownsDescriptor = false
            fileBytes = 0
        } else {
            file = path
            (descriptor, fileBytes) = try InputFile.open(path) { DataError(file: path, $0) }
            ownsDescriptor = true
        }
        remaining = range.map(\.count) ?? Int.max
        startOffset = range?.lowerBound ?? 0
        if let range, range.lowerBound > 0 {
            guard lseek(descriptor, off_t(range.lowerBound), SEEK_SET) >= 0 else {
                let reason = String(cString: strerror(errno))
                if ownsDescriptor { _ = Foundation.close(descriptor) }
                throw DataError(file: path, "cannot seek to byte \(range.lowerBound): \(reason)")
            }
            fileOffset = range.lowerBound
        }
        do {
            var prefix: [UInt8] = []
            while prefix.count < Compression.magicBytes, try Self.read(descriptor, file: file, into: &prefix,
                                                                        count: min(remaining, Compression.magicBytes - prefix.count)) > 0 {}
            remaining -= prefix.count
            input = prefix
            // A shard's range starts mid-file: its bytes are plain by construction of the shard.
            compression = range.map { $0.lowerBound > 0 } == true ? .plain : try Compression.detect(prefix, file: file)
            switch compression {
            case .plain: decoder = nil
            case .gzip: decoder = try GzipDecoder(file: file)
            case .zstd: decoder = try ZstdDecoder(file: file)
            }
            if compression != .plain, let range, range != 0..<fileBytes {
                throw DataError(file: file, "is \(compression.rawValue)-compressed: it can be read only whole, not from byte \(range.lowerBound) to \(range.upperBound)")
            }
        } catch {
            if ownsDescriptor { _ = Foundation.close(descriptor) }
            throw error
        }
    }

    deinit { close() }

    func close() {
        if ownsDescriptor && descriptor >= 0 { _ = Foundation.close(descriptor) }
        descriptor = -1
    }

    /// Appends up to `count` bytes of the file's content (decompressed) to `block`; returns how
    /// many, 0 only at the end of the content.
    func read(into block: inout [UInt8], count: Int) throws -> Int {
        guard count > 0 else { return 0 }
        let old = block.count
        block.append(contentsOf: repeatElement(0, count: count))
        do {
            let got = try block.withUnsafeMutableBytes { try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[old...])) }
            block.removeLast(count - got)
            contentBytesRead += got
            return got
        } catch {
            block.removeLast(count)
            throw error
        }
    }

    /// Fills the start of `out` with the file's next content bytes; returns how many, 0 only at
    /// the end of the content.
    private func read(into out: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let decoder else { return try readPlain(into: out) }
        while true {
            if inputStart == input.count && !endOfFile { try refill() }
            let (consumed, produced) = try input.withUnsafeBytes { all in
                try decoder.decode(UnsafeRawBufferPointer(rebasing: all[inputStart...]), into: out, fileOffset: fileOffset)
            }
            inputStart += consumed
            fileOffset += consumed
            if produced > 0 { return produced }
            if inputStart == input.count {
                if endOfFile {
                    guard decoder.atStreamEnd else {
                        throw DataError(file: file, "truncated \(compression.rawValue) archive: the data ends at byte \(fileOffset) in the middle of a compressed stream (cut short, or still being written)")
                    }
                    return 0
                }
            } else if consumed == 0 {
                throw DataError(file: file, "corrupt \(compression.rawValue) data at byte \(fileOffset): the decoder makes no progress")
            }
        }
    }

    private func readPlain(into out: UnsafeMutableRawBufferPointer) throws -> Int {
        if inputStart < input.count {
            let n = min(out.count, input.count - inputStart)
            input.withUnsafeBytes { out.baseAddress!.copyMemory(from: $0.baseAddress! + inputStart, byteCount: n) }
            inputStart += n
            fileOffset += n
            return n
        }
        let n = try Self.read(descriptor, file: file, into: UnsafeMutableRawBufferPointer(rebasing: out[..<min(out.count, remaining)]))
        remaining -= n
        fileOffset += n
        return n
    }

    /// Replaces the consumed read-ahead with the next bytes of the (compressed) file.
    private func refill() throws {
        input.removeAll(keepingCapacity: true)
        inputStart = 0
        if try Self.read(descriptor, file: file, into: &input, count: min(Self.inputBytes, remaining)) == 0 {
            endOfFile = true
        }
        remaining -= input.count
    }

    /// Appends up to `count` bytes read from `descriptor` (one read call).
    private static func read(_ descriptor: Int32, file: String, into block: inout [UInt8], count: Int) throws -> Int {
        guard count > 0 else { return 0 }
        let old = block.count
        block.append(contentsOf: repeatElement(0, count: count))
        let got = try block.withUnsafeMutableBytes { try read(descriptor, file: file, into: UnsafeMutableRawBufferPointer(rebasing: $0[old...])) }
        block.removeLast(count - got)
        return got
    }

    /// One read call into `out`, retried on EINTR.
    private static func read(_ descriptor: Int32, file: String, into out: UnsafeMutableRawBufferPointer) throws -> Int {
        guard out.count > 0 else { return 0 }
        while true {
            let got = Foundation.read(descriptor, out.baseAddress!, out.count)
            if got >= 0 { return got }
            if errno == EINTR { continue }
            throw DataError(file: file, "cannot read: \(String(cString: strerror(errno)))")
        }
    }

    /// The whole content of `path` (decompressed), for readers that hold a file in memory.
    static func readAll(path: String) throws -> [UInt8] {
        let source = try ByteSource(path: path)
        var bytes: [UInt8] = []
        // A plain file's size is known: one allocation. An archive grows by doubling.
        // One byte more than the size, so the read that finds the end does not grow the array.
        bytes.reserveCapacity(source.compression == .plain && source.fileBytes > 0 ? source.fileBytes + 1 : 1 << 20)
        while try source.read(into: &bytes, count: bytes.capacity > bytes.count ? min(1 << 30, bytes.capacity - bytes.count) : 1 << 20) > 0 {}
        if source.compression == .plain && path != "-" && source.fileBytes > 0 && bytes.count < source.fileBytes {
            throw DataError(file: path, "cannot read: the file shrank while being read")
        }
        return bytes
    }
}
