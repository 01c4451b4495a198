import Foundation

/// A first-in first-out queue between one producer and one consumer thread that holds at most
/// `capacity` elements: `push` waits while it is full, `pop` while it is empty. This is what bounds
/// a streamed run's memory: the reader can never get more than `capacity` chunks ahead.
///
/// The producer ends the stream with `close` (optionally with an error, which `pop` rethrows after
/// the elements already queued); the consumer abandons it with `cancel`, which wakes a waiting
/// producer and makes every later `push` return false.
/// Sendable: every member is read and written under its lock.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    let capacity: Int
    // Everything below is guarded by `condition`'s lock.
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private var cancelled = false
    private var failure: (any Error)?
    private var counters = Counters()

    /// What the queue has seen; tests read it to check the bound.
    struct Counters: Equatable, Sendable {
        var pushed = 0
        var popped = 0
        /// The most elements it ever held at once.
        var maxDepth = 0
        /// The producer is waiting for room right now.
        var producerWaiting = false
    }

    init(capacity: Int) {
        precondition(capacity >= 1, "a bounded queue needs room for one element")
        self.capacity = capacity
    }

    /// Appends `element`, waiting for room; false when the consumer has cancelled (the element is
    /// dropped).
    @discardableResult
    func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled {
            counters.producerWaiting = true
            condition.wait()
        }
        counters.producerWaiting = false
        guard !cancelled else { return false }
        precondition(!closed, "push after close")
        items.append(element)
        counters.pushed += 1
        counters.maxDepth = max(counters.maxDepth, items.count)
        condition.broadcast()
        return true
    }

    /// The next element, waiting for one; nil once the producer has closed the queue and it is
    /// drained. Rethrows the producer's error at that point, if it closed with one.
    func pop() throws -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed && !cancelled { condition.wait() }
        if !items.isEmpty {
            // Removed at once (a few elements to shift): a popped chunk must not stay referenced.
            let element = items.removeFirst()
            counters.popped += 1
            condition.broadcast()
            return element
        }
        if let failure { throw failure }
        return nil
    }

    /// Ends the stream (producer side); `error` reaches the consumer after the queued elements.
    func close(error: (any Error)? = nil) {
        condition.lock()
        closed = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// Abandons the stream (consumer side): drops what is queued and releases a waiting producer.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    var statistics: Counters {
        condition.lock()
        defer { condition.unlock() }
        return counters
    }

    /// Elements held now.
    var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count
    }
}
