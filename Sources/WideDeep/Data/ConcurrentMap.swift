import Dispatch

extension Range where Bound == Int {
    /// `map` over the range with elements computed concurrently when `threads` > 1, results in
    /// range order (so they do not depend on the thread count). For a few coarse items (columns,
    /// fields), each worth far more than a dispatch.
    func concurrentMap<T: Sendable>(threads: Int, _ transform: @Sendable (Int) -> T) -> [T] {
        guard threads > 1, count > 1 else { return map(transform) }
        let results = ChunkResults<T>(count: count)
        let first = lowerBound
        DispatchQueue.concurrentPerform(iterations: count) { i in results.set(i, transform(first + i)) }
        return (0..<count).map { results.take($0) }
    }
}
