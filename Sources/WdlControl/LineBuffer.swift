import WideDeep

/// Bytes received and not yet read as lines: splits them at `\n` and enforces the longest line
/// allowed, so a peer that never sends a newline cannot make it grow without bound.
struct LineBuffer {
    let maxLine: Int
    private var bytes: [UInt8] = []
    private var start = 0
    /// Bytes after `start` already searched for a newline: a long line arriving in many chunks
    /// is scanned once, not once per chunk.
    private var scanned = 0

    init(maxLine: Int) { self.maxLine = maxLine }

    mutating func append(_ chunk: ArraySlice<UInt8>) { bytes += chunk }

    enum Next: Equatable { case line([UInt8]), needMore, tooLong }

    /// The next whole line without its newline; `.tooLong` once a line (finished or not) exceeds
    /// `maxLine` bytes: the stream cannot be trusted to resynchronise after that.
    mutating func next() -> Next {
        guard let newline = bytes[(start + scanned)...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = bytes.count - start
            compact()
            return scanned > maxLine ? .tooLong : .needMore
        }
        guard newline - start <= maxLine else { return .tooLong }
        let line = Array(bytes[start..<newline])
        start = newline + 1
        scanned = 0
        return .line(line)
    }

    /// Drops consumed bytes once they are most of the buffer (amortised O(1) per byte).
    private mutating func compact() {
        guard start > 0, start * 2 >= bytes.count else { return }
        bytes.removeFirst(start)
        start = 0
    }
}
