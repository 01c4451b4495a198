/// A seeded shuffle buffer, the streaming stand-in for a full permutation (as tf.data's
/// `shuffle`): it fills with the first `capacity` rows; then each arriving row takes the place of
/// a uniformly chosen held row, which goes out; at the end the held rows go out in a seeded random
/// order. Choices are made row by row, so the output order depends on the seed and the rows only,
/// not on how the input was cut into chunks.
///
/// Rows are kept encoded in an append-only store whose rows that left are dropped by an in-place
/// compaction once they exceed a quarter of the held ones, so it holds at most about
/// 1.25 × `capacity` rows plus a chunk (≈ 0.45 KB per row for the Criteo layout).
struct ShuffleBuffer {
    let capacity: Int
    /// Rows per emitted chunk.
    let outputRows: Int
    /// Left rows tolerated in the store before a compaction, whatever the capacity.
    var compactionFloor = 65_536
    private var generator: SeededGenerator
    private var store: EncodedDataset?
    /// Store rows held in the buffer, and store rows chosen to go out next (in order).
    private var live: [Int32] = []
    private var leaving: [Int32] = []
    /// Rows of `leaving` already drained (after `finish`).
    private var drained = 0

    /// Rows expected in the whole stream, if known: the store reserves room for no more.
    private let expectedRows: Int?

    init(capacity: Int, seed: UInt64, outputRows: Int = 32_768, expectedRows: Int? = nil) {
        precondition(capacity >= 1)
        self.capacity = capacity
        self.outputRows = max(1, outputRows)
        self.expectedRows = expectedRows
        generator = SeededGenerator(seed: seed)
    }

    /// Rows currently held in the store (for tests of the memory bound).
    var storedRows: Int { store?.count ?? 0 }

    /// Takes the rows of `chunk`; returns the chunks of rows that left the buffer meanwhile.
    mutating func add(_ chunk: EncodedDataset) -> [EncodedDataset] {
        guard chunk.count > 0 else { return [] }
        if store == nil {
            // Reserved once, so the store does not regrow (and briefly double) while it fills.
            var empty = EncodedDataset(emptyLike: chunk)
            let held = min(capacity, expectedRows ?? capacity)
            empty.reserveCapacity(rows: held + max(held / 4, compactionFloor) + 2 * chunk.count + outputRows, like: chunk)
            store = empty
        }
        let base = store!.count
        store!.append(rowsOf: chunk, 0..<chunk.count)
        var out: [EncodedDataset] = []
        for r in 0..<chunk.count {
            let row = Int32(base + r)
            if live.count < capacity {
                live.append(row)
                continue
            }
            let j = Int(generator.next() % UInt64(capacity))
            leaving.append(live[j])
            live[j] = row
            if leaving.count == outputRows {
                out.append(store!.gathering(leaving))
                leaving.removeAll(keepingCapacity: true)
            }
        }
        compactIfWorthIt()
        return out
    }

    /// Ends the input: the held rows will go out in a seeded random order (Fisher–Yates), after
    /// any already chosen to leave, one chunk per `drain` call.
    mutating func finish() {
        for i in stride(from: live.count - 1, to: 0, by: -1) {
            live.swapAt(i, Int(generator.next() % UInt64(i + 1)))
        }
        leaving += live
        live = []
        drained = 0
    }

    /// After `finish`, the next chunk of rows going out; nil when all have (the store is freed).
    /// One chunk at a time, so the rows are not all copied out at once.
    mutating func drain() -> EncodedDataset? {
        guard let store, drained < leaving.count else {
            store = nil
            leaving = []
            return nil
        }
        let end = min(leaving.count, drained + outputRows)
        defer { drained = end }
        return store.gathering(leaving[drained..<end])
    }

    /// Drops the rows that have left once they outnumber a quarter of the held ones (and the
    /// floor), in place, so that copying stays a small constant per row.
    private mutating func compactIfWorthIt() {
        guard var kept = store else { return }
        let held = live.count + leaving.count
        guard kept.count - held > max(held / 4, compactionFloor) else { return }
        store = nil  // the only reference, so the arrays are compacted where they are
        var keep = [Bool](repeating: false, count: kept.count)
        for r in live { keep[Int(r)] = true }
        for r in leaving { keep[Int(r)] = true }
        let rows = (0..<Int32(kept.count)).filter { keep[Int($0)] }
        let remap = kept.keepRows(rows)
        store = kept
        live = live.map { remap[Int($0)] }
        leaving = leaving.map { remap[Int($0)] }
    }
}
