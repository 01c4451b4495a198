import CZlib

/// gzip through zlib's inflate. Members follow one another as `cat a.gz b.gz` makes them (and as
/// bgzip and pigz write): each one's end resets the stream for the next. A damaged member (bad
/// header, bad deflate data, a CRC or length mismatch) is an error at its byte offset.
final class GzipDecoder: StreamDecoder {
    private let file: String
    private var stream = z_stream()
    private var memberEnded = false
    private var membersDone = 0
    private var bytesInMember = 0

    init(file: String) throws {
        self.file = file
        guard cz_inflate_init_gzip(&stream) == Z_OK else {
            throw DataError(file: file, "cannot start gzip decompression (zlib: \(Self.message(stream)))")
        }
    }

    deinit { inflateEnd(&stream) }

    var atStreamEnd: Bool { memberEnded }

    func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                fileOffset: Int) throws -> (consumed: Int, produced: Int) {
        if memberEnded {
            guard !input.isEmpty else { return (0, 0) }
            // Another member follows the one that ended.
            inflateReset(&stream)
            memberEnded = false
            bytesInMember = 0
        }
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(min(input.count, Int(UInt32.max)))
        stream.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(min(output.count, Int(UInt32.max)))
        let inBefore = Int(stream.avail_in), outBefore = Int(stream.avail_out)
        let status = inflate(&stream, Z_NO_FLUSH)
        let consumed = inBefore - Int(stream.avail_in), produced = outBefore - Int(stream.avail_out)
        bytesInMember += consumed
        switch status {
        case Z_OK, Z_BUF_ERROR:  // Z_BUF_ERROR: no progress possible now (needs input or room)
            return (consumed, produced)
        case Z_STREAM_END:
            memberEnded = true
            membersDone += 1
            return (consumed, produced)
        case Z_NEED_DICT:
            throw DataError(file: file, "corrupt gzip data at byte \(fileOffset + consumed): the stream asks for a preset dictionary")
        default:
            // Within the first bytes after a member (a gzip header is at least 10): not a member at all.
            let what = membersDone > 0 && bytesInMember <= 10
                ? "bytes after the end of the gzip data at byte \(fileOffset + consumed - bytesInMember) are not another gzip member"
                : "corrupt gzip data at byte \(fileOffset + consumed)"
            throw DataError(file: file, "\(what) (zlib: \(Self.message(stream)))")
        }
    }

    private static func message(_ stream: z_stream) -> String {
        stream.msg.map { String(cString: $0) } ?? "no detail"
    }
}
