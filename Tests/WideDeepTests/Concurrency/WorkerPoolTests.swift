import Foundation
import Synchronization
import XCTest
@testable import WideDeep

final class WorkerPoolTests: XCTestCase {
    /// Counts how often each task ran.
    private final class Tally: Sendable {
        let counts: Mutex<[Int]>
        init(_ count: Int) { counts = Mutex([Int](repeating: 0, count: count)) }
        func hit(_ i: Int) { counts.withLock { $0[i] += 1 } }
        var values: [Int] { counts.withLock { $0 } }
    }

    /// Every task of every region runs exactly once, whatever the task and thread counts, over
    /// thousands of back-to-back regions (the training step's pattern).
    func testEveryTaskRunsExactlyOnce() {
        let pool = WorkerPool(maximumWorkers: 3)
        for (tasks, threads) in [(1, 2), (2, 2), (3, 2), (27, 2), (5, 4), (64, 3), (2, 1), (7, 16)] {
            let tally = Tally(tasks)
            let regions = 2_000
            for _ in 0..<regions { pool.run(tasks: tasks, threads: threads) { tally.hit($0) } }
            XCTAssertEqual(tally.values, [Int](repeating: regions, count: tasks), "\(tasks) tasks on \(threads) threads")
        }
    }

    /// Whether the two tasks of one region ran at the same time: each waits (up to a deadline)
    /// for the other to have started, which one thread running both in turn could never see.
    private func ranConcurrently(_ pool: WorkerPool) -> Bool {
        let started = Mutex<[Bool]>([false, false])
        let sawOther = Mutex<[Bool]>([false, false])
        pool.run(tasks: 2, threads: 2) { i in
            started.withLock { $0[i] = true }
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline {
                if started.withLock({ $0[1 - i] }) { sawOther.withLock { $0[i] = true }; break }
            }
        }
        return sawOther.withLock { $0 } == [true, true]
    }

    /// From a new pool's very first region on, its tasks run on two threads at once.
    func testTasksRunConcurrentlyFromTheFirstRegion() {
        for _ in 0..<3 { XCTAssertTrue(ranConcurrently(WorkerPool(maximumWorkers: 1))) }
    }

    /// The caller sees every task's writes when `run` returns.
    func testResultsAreVisibleToTheCaller() {
        let pool = WorkerPool(maximumWorkers: 1)
        let out = UnsafeMutablePointer<Int>.allocate(capacity: 64)
        defer { out.deallocate() }
        let shared = UnsafeSendable(out)
        for round in 0..<1_000 {
            pool.run(tasks: 64, threads: 2) { shared.value[$0] = round * 64 + $0 }
            XCTAssertEqual((0..<64).map { out[$0] }, (0..<64).map { round * 64 + $0 })
        }
    }

    /// After the workers have parked (idle past the spin limit), a region wakes them: its tasks
    /// run on two threads at once again.
    func testRegionsAfterWorkersPark() {
        let pool = WorkerPool(maximumWorkers: 1)
        for _ in 0..<3 {
            Thread.sleep(forTimeInterval: Double(WorkerPool.spinLimit) / 1e9 * 5)
            XCTAssertTrue(ranConcurrently(pool))
        }
    }

    /// A region started from inside a task (or from another thread while one runs) does not wait
    /// for the pool: it runs on Dispatch instead, and both complete.
    func testNestedAndConcurrentRegionsComplete() {
        let pool = WorkerPool(maximumWorkers: 1)
        let tally = Tally(4 * 5)
        pool.run(tasks: 4, threads: 2) { outer in
            pool.run(tasks: 5, threads: 2) { inner in tally.hit(outer * 5 + inner) }
        }
        XCTAssertEqual(tally.values, [Int](repeating: 1, count: 20))
        let concurrent = Tally(2 * 50)
        DispatchQueue.concurrentPerform(iterations: 2) { caller in
            for round in 0..<50 {
                pool.run(tasks: 2, threads: 2) { task in if task == 0 { concurrent.hit(caller * 50 + round) } }
            }
        }
        XCTAssertEqual(concurrent.values, [Int](repeating: 1, count: 100))
    }
}
