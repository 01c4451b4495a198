/// Rows of one minibatch: `order[rows]` indexes rows of `data`. `order` is shared with the epoch
/// that made it (an array reference, not a copy).
struct Minibatch {
    var data: EncodedDataset
    var order: [Int32]
    var rows: Range<Int>
    /// Examples the whole job trains in this step, when it is one rank of several.
    var jobExamples: Int?
    /// Where this rank's rows start among the job's rows of the step (the ranks' rows in rank
    /// order); 0 for a single process. The dropout masks are drawn by this position.
    var firstJobExample = 0

    var count: Int { rows.count }
    /// Examples this step trains: the job's (every rank's rows), else this minibatch's.
    var examples: Int { jobExamples ?? rows.count }
}

/// Where an epoch's minibatches come from: an in-memory permutation (`InMemoryEpoch`) or a pass
/// over a streamed file (`StreamedEpoch`). The training loop asks for them one at a time.
protocol MinibatchSource {
    /// Waits until `hasMore` is known (a stream's first rows); the loop counts it as training time.
    mutating func prepare() throws
    /// The next minibatch; nil at the end of the epoch.
    mutating func next() throws -> Minibatch?
    /// Whether another minibatch follows the last one returned.
    var hasMore: Bool { get }
    /// Examples of the epoch consumed so far (the data position a checkpoint records).
    var consumed: Int { get }
}

/// One epoch over in-memory rows, in a given order, starting `offset` rows in (a resumed run).
/// In a job of N ranks, each step takes the next N × `batchSize` rows of the order and this rank
/// trains its share of them (rank r the r-th run of `batchSize` rows when the step is whole): the
/// ranks' minibatches together are one process's minibatch of N × `batchSize` rows, and every
/// rank takes the same number of steps, the last ones possibly with no rows.
struct InMemoryEpoch: MinibatchSource {
    let data: EncodedDataset
    let order: [Int32]
    let batchSize: Int
    let communicator: Communicator?
    /// Rows of the order consumed by the whole job.
    private(set) var consumed: Int

    /// `order`: the epoch's row order (a seeded permutation, or file order).
    init(data: EncodedDataset, order: [Int32], batchSize: Int, offset: Int = 0, communicator: Communicator? = nil) {
        self.data = data
        self.order = order
        self.batchSize = max(1, batchSize)
        self.communicator = communicator
        consumed = min(offset, order.count)
    }

    /// The epoch's order: a permutation drawn from `generator` when `shuffle`, otherwise file order.
    static func order(count: Int, shuffle: Bool, generator: inout SeededGenerator) -> [Int32] {
        shuffle ? generator.permutation(count) : (0..<Int32(count)).map { $0 }
    }

    func prepare() {}

    var hasMore: Bool { consumed < order.count }

    mutating func next() -> Minibatch? {
        guard hasMore else { return nil }
        guard let communicator else {
            let end = min(order.count, consumed + batchSize)
            defer { consumed = end }
            return Minibatch(data: data, order: order, rows: consumed..<end)
        }
        let end = min(order.count, consumed + batchSize * communicator.size)
        defer { consumed = end }
        let share = communicator.share(of: end - consumed)
        return Minibatch(data: data, order: order, rows: (consumed + share.lowerBound)..<(consumed + share.upperBound),
                         jobExamples: end - consumed, firstJobExample: share.lowerBound)
    }
}
