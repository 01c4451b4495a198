import Dispatch
import Foundation
import Synchronization

// One epoch of a streamed run, read in one place: the minibatches the training loop takes
// (`StreamedEpoch`) and the reader thread that makes them from the file (`EncodedChunkReader`).

/// One epoch of a streamed run as the training loop sees it: a `MinibatchSource` that cuts the
/// chunks its `EncodedChunkReader` delivers into minibatches (a `MinibatchCursor`). Boundaries
/// depend on the row count alone, so the epoch trains the same minibatches as an in-memory epoch
/// in file order. Malformed rows the reader skipped are collected as the pass goes (`takeSkipped`).
///
/// In a data-parallel job (`communicator`), each rank streams its own part of the file (the
/// plan's `StreamShard`) and the ranks agree at every step, in one small sum, on the job's rows,
/// on whether any rank has rows left and on the malformed rows found: a rank whose part has run
/// out takes part in the exchange with an empty minibatch until every rank's has.
final class StreamedEpoch: MinibatchSource {
    private let stream: EncodedChunkReader
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
        let stream = EncodedChunkReader(plan: plan, encoder: encoder, threads: threads, shuffleSeed: shuffleSeed)
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

/// The reader behind one `StreamedEpoch`: a thread of its own reads the training file's blocks,
/// parses them, encodes them with the run's `FeatureEncoder` (optionally through a
/// `ShuffleBuffer`) and hands the encoded chunks over through a `BoundedQueue`, so parsing
/// overlaps training and at most `queueCapacity` chunks wait at any time.
final class EncodedChunkReader: Sendable {
    /// Encoded rows, and the malformed rows found since the previous chunk.
    struct Chunk: Sendable {
        var data: EncodedDataset
        var skippedRows: Int
        var errors: [DataError]
    }

    let queue: BoundedQueue<Chunk>
    private let plan: TrainingStreamPlan
    private let encoder: FeatureEncoder
    private let threads: Int
    private let shuffleSeed: UInt64?
    private let done = DispatchSemaphore(value: 0)
    private let state = Mutex<(started: Bool, joined: Bool)>((false, false))

    /// `shuffleSeed`: the seed of this pass's shuffle buffer (used when the plan has one).
    init(plan: TrainingStreamPlan, encoder: FeatureEncoder, threads: Int, shuffleSeed: UInt64?) {
        self.plan = plan
        self.encoder = encoder
        self.threads = max(1, threads)
        self.shuffleSeed = shuffleSeed
        queue = BoundedQueue(capacity: max(1, plan.options.queueCapacity))
    }

    /// Starts the reader thread.
    func start() {
        state.withLock { $0.started = true }
        let thread = Thread { [self] in
            defer { done.signal() }
            do {
                try produce()
                queue.close()
            } catch {
                queue.close(error: error)
            }
        }
        thread.name = "wdl.stream-reader"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The next chunk in training order; nil at the end of the pass. Throws what stopped the reader
    /// (a malformed row with `strict`, a read error).
    func next() throws -> Chunk? { try queue.pop() }

    /// Stops the reader (if it is still going) and waits for its thread to end.
    func stop() {
        let wait = state.withLock { s -> Bool in
            defer { s.joined = true }
            return s.started && !s.joined
        }
        guard wait else { return }
        queue.cancel()
        done.wait()
    }

    private func produce() throws {
        let reader: StreamingReader
        var readAhead: [RawDataset] = []  // standard input: the rows the fitting pass read
        if let piped = plan.piped {
            guard let (pipe, rows) = piped.take() else {
                throw DataError(file: "standard input", "was read to its end by the first pass: a pipe cannot be read again (a streamed run over --train - has one epoch)")
            }
            reader = pipe
            readAhead = [rows]
        } else {
            reader = try StreamingReader(path: plan.path, schema: plan.schema, strict: plan.strict,
                                         threads: threads, blockBytes: plan.options.blockBytes, shard: plan.shard)
        }
        var shuffle = plan.options.shuffleBuffer > 0
            ? ShuffleBuffer(capacity: plan.options.shuffleBuffer, seed: shuffleSeed ?? 0, expectedRows: plan.rows) : nil
        var skipped = 0
        var errors: [DataError] = []
        // Malformed rows ride with the next chunk that goes out (a last, empty one if need be).
        func send(_ data: EncodedDataset) -> Bool {
            defer { skipped = 0; errors = [] }
            return queue.push(Chunk(data: data, skippedRows: skipped, errors: errors))
        }
        var rowIndex = 0  // rows that parsed so far, the sampling's row index (within this rank's part)
        while var pieces = readAhead.isEmpty ? try reader.next() : readAhead {
            readAhead = []
            for i in pieces.indices {
                skipped += pieces[i].skippedRows
                errors += pieces[i].errors.prefix(max(0, RawDataset.maxKeptErrors - errors.count))
                if let sampling = plan.negativeSampling {
                    let count = pieces[i].count
                    pieces[i] = pieces[i].samplingNegatives(rate: sampling.rate, seed: sampling.seed, firstRow: rowIndex).sample
                    rowIndex += count
                }
            }
            for encoded in encode(pieces) {
                let out = shuffle != nil ? shuffle!.add(encoded) : [encoded]
                for data in out where !send(data) { return }
            }
        }
        if shuffle != nil {
            shuffle!.finish()
            while let data = shuffle!.drain() {
                guard send(data) else { return }
            }
        }
        if skipped > 0 { _ = send(encoder.encode(RawDataset(schema: plan.schema))) }
    }

    /// Encodes the pieces of one block, in parallel when there are several.
    private func encode(_ pieces: [RawDataset]) -> [EncodedDataset] {
        var out = [EncodedDataset?](repeating: nil, count: pieces.count)
        let encoder = self.encoder
        out.withUnsafeMutableBufferPointer { buffer in
            let shared = UnsafeSendable(buffer)
            let work: (Int) -> Void = { i in shared.value[i] = encoder.encode(pieces[i]) }
            if pieces.count == 1 {
                work(0)
            } else {
                let sharedWork = UnsafeSendable(work)
                DispatchQueue.concurrentPerform(iterations: pieces.count) { sharedWork.value($0) }
            }
        }
        return out.map { $0! }
    }
}
