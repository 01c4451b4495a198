import Foundation

/// One pass over a streamed training file (`TrainingStream` reading on its own thread) cut into
/// minibatches by a `MinibatchCursor`: boundaries depend on the row count alone, so the pass trains
/// the same minibatches as an in-memory epoch in file order. Malformed rows the reader skipped are
/// collected as the pass goes (`takeSkipped`).
///
/// In a data-parallel job (`communicator`), each rank streams its own part of the file (the
/// plan's `StreamShard`) and the ranks agree at every step, in one small sum, on the job's rows,
/// on whether any rank has rows left and on the malformed rows found: a rank whose part has run
/// out takes part in the exchange with an empty minibatch until every rank's has.
final class StreamedEpoch: MinibatchSource {
    private let stream: TrainingStream
    private var cursor: MinibatchCursor
    private let communicator: Communicator?
    /// 0, 1, 2, …: the order of a streamed chunk is its file order.
    private var identity: [Int32] = []
    private(set) var consumed = 0
    /// In a job: some rank has rows left, and the job's malformed rows not yet collected.
    private var jobHasMore = false
    private var jobSkipped = 0
    private var localErrors: [DataError] = []
    /// The minibatch of a rank whose part has run out.
    private let empty: EncodedDataset

    /// Starts reading; the first `next` waits for the first rows. `shuffleSeed` seeds this pass's
    /// shuffle buffer when the plan has one.
    init(plan: TrainingStreamPlan, layout: FeatureLayout, batchSize: Int, threads: Int, shuffleSeed: UInt64?,
         communicator: Communicator? = nil) {
        let encoder = FeatureEncoder(layout: layout)
        let stream = TrainingStream(plan: plan, encoder: encoder, threads: threads, shuffleSeed: shuffleSeed)
        self.stream = stream
        self.communicator = communicator
        empty = encoder.encode(RawDataset(schema: plan.schema))
        cursor = MinibatchCursor(batchSize: batchSize) { try stream.next() }
        stream.start()
    }

    var hasMore: Bool { communicator == nil ? cursor.hasMore : jobHasMore }

    /// Waits for the stream's first rows, so `hasMore` is known before the first step.
    func prepare() throws {
        try cursor.prime()
        if communicator != nil { _ = agree(rows: 0) }
    }

    func next() throws -> Minibatch? {
        guard communicator != nil else {
            guard let batch = try cursor.next() else { return nil }
            return minibatch(batch.data, batch.rows)
        }
        guard jobHasMore else { return nil }
        let batch = cursor.hasMore ? try cursor.next() : nil
        let (jobRows, firstJobExample) = agree(rows: batch?.rows.count ?? 0)
        var step = batch.map { minibatch($0.data, $0.rows) } ?? Minibatch(data: empty, order: [], rows: 0..<0)
        step.jobExamples = jobRows
        step.firstJobExample = firstJobExample
        return step
    }

    private func minibatch(_ data: EncodedDataset, _ rows: Range<Int>) -> Minibatch {
        if identity.count < rows.upperBound {
            identity = (0..<Int32(max(rows.upperBound, identity.count * 2))).map { $0 }
        }
        consumed += rows.count
        return Minibatch(data: data, order: identity, rows: rows)
    }

    /// One sum over the job: whether rows are left, the malformed rows found, and each rank's
    /// rows of this step (in its own slot). Returns the job's rows and where this rank's start
    /// among them (the rows of the ranks before it).
    private func agree(rows: Int) -> (rows: Int, firstExample: Int) {
        let (skipped, errors) = cursor.takeSkipped()
        localErrors += errors.prefix(max(0, RawDataset.maxKeptErrors - localErrors.count))
        let communicator = communicator!
        var figures = [Double](repeating: 0, count: 2 + communicator.size)
        figures[0] = cursor.hasMore ? 1 : 0
        figures[1] = Double(skipped)
        figures[2 + communicator.rank] = Double(rows)
        figures.withUnsafeMutableBufferPointer { communicator.sum($0) }
        jobHasMore = figures[0] > 0
        jobSkipped += Int(figures[1])
        let perRank = figures[2...].map { Int($0) }
        return (perRank.reduce(0, +), perRank.prefix(communicator.rank).reduce(0, +))
    }

    /// Malformed rows reported since the last call (the job's, in a job), and the first few of
    /// their errors (this rank's).
    func takeSkipped() -> (rows: Int, errors: [DataError]) {
        guard communicator != nil else { return cursor.takeSkipped() }
        defer { jobSkipped = 0; localErrors = [] }
        return (jobSkipped, localErrors)
    }

    /// Stops the reader (if it is still going) and waits for its thread; the session calls it
    /// when the pass ends, however it ends.
    func stop() { stream.stop() }
}
