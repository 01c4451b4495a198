import Foundation
import Synchronization

/// State that belongs to one thread (a `Thread` of its own, not a Dispatch queue, whose blocks
/// may run on any worker thread), checked like `CursesTerminal.checkThread`: the owner is the
/// thread that calls `claim()` (or that made the value), and `check()` traps on any other, in
/// release builds too. Comparing `pthread_self()` costs a few nanoseconds.
public final class ThreadConfinement: Sendable {
    private let owner: Mutex<pthread_t?>
    private let what: String

    /// `what` names the confined state in the trap's message.
    public init(_ what: String, ownedByCurrentThread: Bool = false) {
        self.what = what
        owner = Mutex(ownedByCurrentThread ? pthread_self() : nil)
    }

    /// Makes the calling thread the owner (the thread's body calls this first).
    public func claim() { owner.withLock { $0 = pthread_self() } }

    /// True on the owning thread; false on any other or before `claim()`.
    public var isOwner: Bool {
        owner.withLock { owner in owner.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    public func check() {
        precondition(isOwner, "\(what) used from a thread other than its own")
    }
}
