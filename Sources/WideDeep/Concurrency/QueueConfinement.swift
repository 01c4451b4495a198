import Dispatch

/// State that belongs to one serial Dispatch queue, checked swift-nio style: `check()` traps (in
/// release builds too) when called off the queue, so a confinement written in a comment is also
/// enforced. `isOwner` asks the same question without trapping (tests, and callers that must
/// choose).
public struct QueueConfinement: Sendable {
    public let queue: DispatchQueue
    private let key = DispatchSpecificKey<Bool>()

    public init(_ queue: DispatchQueue) {
        self.queue = queue
        queue.setSpecific(key: key, value: true)
    }

    /// True on the queue (in a block it runs, or a `sync` into it).
    public var isOwner: Bool { DispatchQueue.getSpecific(key: key) == true }

    public func check() {
        dispatchPrecondition(condition: .onQueue(queue))
    }
}
