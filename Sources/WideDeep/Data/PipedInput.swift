import Foundation

/// A streamed training set read from standard input. A pipe can be read only once, so the
/// fitting pass's reader and the rows it took are kept here and handed, once, to the one training
/// pass, which trains those rows first and then reads on from where fitting stopped.
/// Sendable: `take()` hands the reader over once, under `lock`.
final class PipedInput: @unchecked Sendable {
    private let lock = NSLock()
    private var reader: StreamingReader?
    private var rows: RawDataset?

    init(reader: StreamingReader, rows: RawDataset) {
        self.reader = reader
        self.rows = rows
    }

    /// The reader and the rows already read; nil after the first call (the pipe is used up).
    func take() -> (reader: StreamingReader, rows: RawDataset)? {
        lock.lock()
        defer { lock.unlock() }
        guard let reader, let rows else { return nil }
        self.reader = nil
        self.rows = nil
        return (reader, rows)
    }
}
