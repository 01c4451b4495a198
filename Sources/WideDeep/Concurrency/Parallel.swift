import Dispatch

/// Work split across threads in the same few ways everywhere: contiguous ranges of an index
/// space, or one item each, run by the spinning `WorkerPool`. Callers keep each element's
/// arithmetic independent of the split, so results never depend on the thread count.
enum Parallel {
    /// Runs `body` over `parts` contiguous ranges covering 0..<count, concurrently when
    /// parts > 1 (the caller waits; `body` may capture pointers that outlive the call).
    static func ranges(_ count: Int, parts: Int, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(parts, count))
        guard parts > 1 else { body(0..<count); return }
        WorkerPool.shared.run(tasks: parts, threads: parts) { p in
            body((count * p / parts)..<(count * (p + 1) / parts))
        }
    }

    /// Runs `body(i)` for every i in 0..<count, concurrently when `threads` > 1.
    static func forEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        guard threads > 1, count > 1 else { for i in 0..<count { body(i) }; return }
        WorkerPool.shared.run(tasks: count, threads: threads, body)
    }
}

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
