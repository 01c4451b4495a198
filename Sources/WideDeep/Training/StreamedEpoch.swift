import Foundation

/// One pass over a streamed training file (`TrainingStream` reading on its own thread) cut into
/// minibatches by a `MinibatchCursor`: boundaries depend on the row count alone, so the pass trains
/// the same minibatches as an in-memory epoch in file order. Malformed rows the reader skipped are
/// collected as the pass goes (`takeSkipped`).
final class StreamedEpoch: MinibatchSource {
    private let stream: TrainingStream
    private var cursor: MinibatchCursor
    /// 0, 1, 2, …: the order of a streamed chunk is its file order.
    private var identity: [Int32] = []
    private(set) var consumed = 0

    /// Starts reading; the first `next` waits for the first rows. `shuffleSeed` seeds this pass's
    /// shuffle buffer when the plan has one.
    init(plan: TrainingStreamPlan, layout: FeatureLayout, batchSize: Int, threads: Int, shuffleSeed: UInt64?) {
        let stream = TrainingStream(plan: plan, encoder: FeatureEncoder(layout: layout), threads: threads,
                                    shuffleSeed: shuffleSeed)
        self.stream = stream
        cursor = MinibatchCursor(batchSize: batchSize) { try stream.next() }
        stream.start()
    }

    var hasMore: Bool { cursor.hasMore }

    /// Waits for the stream's first rows, so `hasMore` is known before the first step.
    func prepare() throws { try cursor.prime() }

    func next() throws -> Minibatch? {
        guard let batch = try cursor.next() else { return nil }
        if identity.count < batch.rows.upperBound {
            identity = (0..<Int32(max(batch.rows.upperBound, identity.count * 2))).map { $0 }
        }
        consumed += batch.rows.count
        return Minibatch(data: batch.data, order: identity, rows: batch.rows)
    }

    /// Malformed rows reported since the last call, and the first few of their errors.
    func takeSkipped() -> (rows: Int, errors: [DataError]) { cursor.takeSkipped() }

    /// Stops the reader (if it is still going) and waits for its thread; the session calls it
    /// when the pass ends, however it ends.
    func stop() { stream.stop() }
}
