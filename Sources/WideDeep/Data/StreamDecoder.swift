/// A streaming decompressor: compressed bytes in, plain bytes out, a bounded amount of state
/// whatever the archive's size.
protocol StreamDecoder: AnyObject {
    /// Decodes some of `input` into `output`; returns the input bytes consumed and the output
    /// bytes produced (both may be 0 when the decoder needs more input or has nothing to flush).
    /// `fileOffset` is the file position of `input`'s first byte, for errors.
    func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                fileOffset: Int) throws -> (consumed: Int, produced: Int)
    /// True when the input consumed so far ends exactly at the end of a whole stream (a gzip
    /// member, a zstd frame): at the end of the file anything else is a truncated archive.
    var atStreamEnd: Bool { get }
}
