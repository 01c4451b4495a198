import Foundation

/// Results of chunks computed concurrently, kept by chunk index so they can be joined in order
/// (which makes the joined result independent of the thread count).
/// Sendable: `parts` is read and written under `lock`.
final class ChunkResults<T: Sendable>: @unchecked Sendable {
    private var parts: [T?]
    private let lock = NSLock()

    init(count: Int) { parts = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        lock.lock()
        parts[index] = value
        lock.unlock()
    }

    /// Hands over a chunk's result and forgets it, so joining chunks in order holds each result
    /// once rather than twice.
    func take(_ index: Int) -> T {
        lock.lock()
        defer { lock.unlock() }
        let value = parts[index]!
        parts[index] = nil
        return value
    }
}
