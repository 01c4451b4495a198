import Dispatch
import Foundation
import Synchronization
import XCTest
@testable import WideDeep

/// The checkers behind the ownership preconditions (docs/dev/concurrency.md). A precondition
/// that fires traps the test runner, so the checks' answers are tested here through `isOwner`;
/// the suites that drive sessions, servers and logs show the preconditions hold on real paths.
final class ConfinementTests: XCTestCase {
    func testQueueConfinementKnowsItsQueue() {
        let queue = DispatchQueue(label: "confinement test")
        let other = DispatchQueue(label: "another queue")
        let confinement = QueueConfinement(queue)
        XCTAssertFalse(confinement.isOwner, "the test's own thread is not the queue")
        XCTAssertTrue(queue.sync { confinement.isOwner })
        XCTAssertFalse(other.sync { confinement.isOwner })
        let async = expectation(description: "async block")
        let onQueue = Answers()
        queue.async { onQueue.add(confinement.isOwner); async.fulfill() }
        wait(for: [async], timeout: 10)
        XCTAssertEqual(onQueue.all, [true], "an async block runs on the queue, whichever worker thread runs it")
        queue.sync { confinement.check() }
    }

    /// Two confinements of two queues answer apart (each has its own key).
    func testTwoQueuesAreNotConfused() {
        let a = DispatchQueue(label: "a"), b = DispatchQueue(label: "b")
        let onA = QueueConfinement(a), onB = QueueConfinement(b)
        XCTAssertEqual(a.sync { [onA.isOwner, onB.isOwner] }, [true, false])
        XCTAssertEqual(b.sync { [onA.isOwner, onB.isOwner] }, [false, true])
    }

    func testThreadConfinementBelongsToTheClaimingThread() {
        let confinement = ThreadConfinement("test state")
        XCTAssertFalse(confinement.isOwner, "no owner before claim")
        let claimed = DispatchSemaphore(value: 0), checked = DispatchSemaphore(value: 0)
        let answers = Answers()
        let thread = Thread {
            confinement.claim()
            claimed.signal()
            checked.wait()
            answers.add(confinement.isOwner)
            confinement.check()
            claimed.signal()
        }
        thread.start()
        claimed.wait()
        XCTAssertFalse(confinement.isOwner, "another thread claimed it")
        checked.signal()
        claimed.wait()
        XCTAssertEqual(answers.all, [true])
        XCTAssertTrue(ThreadConfinement("mine", ownedByCurrentThread: true).isOwner)
    }
}

/// Answers recorded on another thread.
private final class Answers: Sendable {
    private let list = Mutex<[Bool]>([])
    func add(_ answer: Bool) { list.withLock { $0.append(answer) } }
    var all: [Bool] { list.withLock { $0 } }
}
