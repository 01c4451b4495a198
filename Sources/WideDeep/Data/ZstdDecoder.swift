import CZstd

/// zstd through libzstd's streaming API. Frames follow one another (`cat a.zst b.zst`, or a
/// multi-frame file from `zstd --rsyncable`/pzstd); libzstd moves from one to the next itself and
/// says when the input consumed ends at a frame's end. The decompression window is capped
/// (libzstd's default, 128 MiB), so a hostile frame header cannot make it allocate without bound.
final class ZstdDecoder: StreamDecoder {
    private let file: String
    private let context: OpaquePointer
    private var frameEnded = false

    init(file: String) throws {
        self.file = file
        guard let context = ZSTD_createDCtx() else {
            throw DataError(file: file, "cannot start zstd decompression (out of memory)")
        }
        self.context = context
    }

    deinit { ZSTD_freeDCtx(context) }

    var atStreamEnd: Bool { frameEnded }

    func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                fileOffset: Int) throws -> (consumed: Int, produced: Int) {
        if frameEnded && input.isEmpty { return (0, 0) }
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var target = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let hint = ZSTD_decompressStream(context, &target, &source)
        if ZSTD_isError(hint) != 0 {
            let reason = String(cString: ZSTD_getErrorName(hint))
            // A frame ended and what follows does not start like one (libzstd: unknown prefix).
            let what = frameEnded && ZSTD_getErrorCode(hint) == ZSTD_error_prefix_unknown
                ? "bytes after the end of the zstd data at byte \(fileOffset) are not another zstd frame"
                : "corrupt zstd data at byte \(fileOffset + source.pos)"
            throw DataError(file: file, "\(what) (libzstd: \(reason))")
        }
        // 0: a frame was decoded and flushed whole; any other hint: more of it is to come.
        if source.pos > 0 || target.pos > 0 || hint == 0 { frameEnded = hint == 0 }
        return (source.pos, target.pos)
    }
}
