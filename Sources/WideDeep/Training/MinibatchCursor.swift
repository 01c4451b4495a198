/// Cuts a stream of encoded chunks into minibatches of exactly `batchSize` rows (only the stream's
/// last may be shorter), whatever the chunks' sizes: minibatch boundaries depend on the row count
/// alone, so a streamed epoch trains the same minibatches as an in-memory epoch in file order.
/// A minibatch inside one chunk is a range of it; one that straddles chunks is copied into a
/// small dataset of its own (at most one copy per chunk).
struct MinibatchCursor {
    typealias Batch = (data: EncodedDataset, rows: Range<Int>)

    let batchSize: Int
    private let source: () throws -> EncodedChunkReader.Chunk?
    private var current: EncodedDataset?
    private var position = 0
    private var ended = false
    /// Malformed rows reported by the chunks taken so far and not yet collected.
    private var skipped = 0
    private var errors: [DataError] = []

    init(batchSize: Int, source: @escaping () throws -> EncodedChunkReader.Chunk?) {
        self.batchSize = max(1, batchSize)
        self.source = source
    }

    /// Whether another minibatch follows (known once `prime` or `next` has looked ahead).
    var hasMore: Bool {
        guard let current else { return false }
        return position < current.count
    }

    /// Waits for the first rows (or the end of the stream).
    mutating func prime() throws { try fill() }

    /// The next minibatch, or nil at the end of the stream. Looks ahead, so `hasMore` then says
    /// whether it was the last.
    mutating func next() throws -> Batch? {
        try fill()
        guard let chunk = current, position < chunk.count else { return nil }
        let batch: Batch
        if chunk.count - position >= batchSize {
            batch = (chunk, position..<(position + batchSize))
            position += batchSize
        } else {
            var parts: [(data: EncodedDataset, rows: Range<Int>)] = [(chunk, position..<chunk.count)]
            var have = chunk.count - position
            current = nil
            position = 0
            while have < batchSize, let next = try pull() {
                let take = min(batchSize - have, next.count)
                if take > 0 { parts.append((next, 0..<take)) }
                have += take
                if take < next.count {
                    current = next
                    position = take
                }
            }
            batch = parts.count == 1 ? parts[0] : (EncodedDataset(concatenating: parts), 0..<have)
        }
        try fill()
        return batch
    }

    /// Malformed rows reported since the last call, and the first few of their errors.
    mutating func takeSkipped() -> (rows: Int, errors: [DataError]) {
        defer { skipped = 0; errors = [] }
        return (skipped, errors)
    }

    /// Makes `current` hold unread rows, unless the stream has ended.
    private mutating func fill() throws {
        while !hasMore {
            guard let next = try pull() else {
                current = nil
                return
            }
            current = next
            position = 0
        }
    }

    private mutating func pull() throws -> EncodedDataset? {
        guard !ended else { return nil }
        guard let chunk = try source() else {
            ended = true
            return nil
        }
        skipped += chunk.skippedRows
        errors += chunk.errors.prefix(max(0, RawDataset.maxKeptErrors - errors.count))
        return chunk.data
    }
}
