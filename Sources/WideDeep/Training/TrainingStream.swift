import Dispatch
import Foundation
import Synchronization

/// One pass over a streamed training file: a reader thread reads blocks, parses them, encodes them
/// with the run's `FeatureEncoder` (optionally through a `ShuffleBuffer`) and hands the encoded
/// chunks to the training loop through a `BoundedQueue`, so parsing overlaps training and at most
/// `queueCapacity` chunks wait at any time.
final class TrainingStream: Sendable {
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
