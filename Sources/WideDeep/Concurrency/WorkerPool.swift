import CProcessorHints
import Dispatch
import Foundation
import Synchronization

/// The threads that run the training step's parallel regions: a few workers that spin briefly
/// between regions instead of sleeping, so a region starts on every thread at once.
///
/// Why not `DispatchQueue.concurrentPerform`: its workers sleep between calls, and on this
/// virtual machine waking one costs 10–20 µs (an inter-processor interrupt through the
/// hypervisor). Measured with two halves of ~9 µs of work each: concurrentPerform 27–29 µs per
/// region (slower than running both halves on one thread, 18 µs), this pool 10 µs. A training
/// step runs about twenty regions.
///
/// A region's tasks are claimed one at a time from a shared counter by the caller and the
/// workers, so which thread runs a task varies, never what the task computes. Workers spin for
/// `spinLimit` after their last task, then park on a semaphore until the next region (a paused
/// run, a validation pass or the dashboard costs no spinning core). One region runs at a time:
/// a call made while the pool is busy (a region inside a region, or another thread's) falls
/// back to `concurrentPerform`.
/// Sendable: the region protocol is atomics; `workers` grows only under `workerCount`'s lock.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool(maximumWorkers: max(0, ProcessInfo.processInfo.activeProcessorCount - 1))

    /// How long an idle worker spins before it parks.
    static let spinLimit: UInt64 = 200_000  // ns

    private let maximumWorkers: Int
    /// Generation in the high 32 bits, next unclaimed task in the low 32 bits.
    private let claims = Atomic<Int>(0)
    private let taskCount = Atomic<Int>(0)
    /// Workers that take part in the current region (the caller is the other participant).
    private let helpers = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    /// The current region's job, valid while any of its tasks is unfinished.
    private let job = Atomic<UnsafeRawPointer?>(nil)
    private let workerCount = Mutex<Int>(0)
    private var workers: [Worker] = []

    private struct Job {
        let body: (Int) -> Void
    }

    /// One worker's parking place.
    private final class Worker: Sendable {
        let index: Int
        let asleep = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
        init(index: Int) { self.index = index }
    }

    init(maximumWorkers: Int) {
        self.maximumWorkers = maximumWorkers
    }

    /// Runs `body(i)` for every i in 0..<tasks on up to `threads` threads (the caller's
    /// included), returning when all have finished.
    func run(tasks: Int, threads: Int, _ body: (Int) -> Void) {
        let helperCount = min(threads, tasks) - 1
        guard helperCount > 0, maximumWorkers > 0 else {
            for i in 0..<tasks { body(i) }
            return
        }
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            withoutActuallyEscaping(body) { body in
                let shared = UnsafeSendable(body)
                DispatchQueue.concurrentPerform(iterations: tasks) { shared.value($0) }
            }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        let participants = startWorkers(upTo: helperCount)
        withoutActuallyEscaping(body) { body in
            var job = Job(body: body)
            withUnsafePointer(to: &job) { pointer in
                self.job.store(UnsafeRawPointer(pointer), ordering: .relaxed)
                taskCount.store(tasks, ordering: .relaxed)
                helpers.store(participants, ordering: .relaxed)
                finished.store(0, ordering: .relaxed)
                let generation = (claims.load(ordering: .relaxed) >> 32) &+ 1
                // Publishes everything above to workers that see the new generation.
                claims.store(generation << 32, ordering: .sequentiallyConsistent)
                for worker in workers.prefix(participants) where worker.asleep.load(ordering: .sequentiallyConsistent) {
                    if worker.asleep.exchange(false, ordering: .sequentiallyConsistent) { worker.wake.signal() }
                }
                let generationTag = generation << 32
                runTasks(generationTag: generationTag, tasks: tasks)
                var spins = 0
                while finished.load(ordering: .acquiring) < tasks {
                    wdl_cpu_relax()
                    spins += 1
                    if spins & 0xFFF == 0 { sched_yield() }
                }
                self.job.store(nil, ordering: .relaxed)
            }
        }
    }

    /// Claims and runs tasks of the region tagged `generationTag` until none is left.
    private func runTasks(generationTag: Int, tasks: Int) {
        while true {
            var current = claims.load(ordering: .acquiring)
            var claimed = -1
            while current & ~0xFFFF_FFFF == generationTag, current & 0xFFFF_FFFF < tasks {
                let (exchanged, original) = claims.compareExchange(expected: current, desired: current + 1,
                                                                   ordering: .acquiringAndReleasing)
                if exchanged { claimed = current & 0xFFFF_FFFF; break }
                current = original
            }
            guard claimed >= 0 else { return }
            // The claimed task is unfinished, so the region (and its job) is still live.
            job.load(ordering: .acquiring)!.assumingMemoryBound(to: Job.self).pointee.body(claimed)
            finished.add(1, ordering: .releasing)
        }
    }

    /// Makes sure `count` workers exist (up to the maximum); returns how many take part. Called
    /// before the region is published, so a new worker waits for the generation after the
    /// current one: the region about to start.
    private func startWorkers(upTo count: Int) -> Int {
        let wanted = min(count, maximumWorkers)
        let current = claims.load(ordering: .relaxed) >> 32
        workerCount.withLock { existing in
            while existing < wanted {
                let worker = Worker(index: existing)
                workers.append(worker)
                // The worker keeps its pool alive: pools are meant to last the process (`shared`).
                let thread = Thread { self.loop(worker, after: current) }
                thread.name = "wdl-worker-\(existing)"
                thread.start()
                existing += 1
            }
        }
        return wanted
    }

    private func loop(_ worker: Worker, after generation: Int) {
        var seen = generation
        while true {
            var idleSince = DispatchTime.now().uptimeNanoseconds
            var spins = 0
            while claims.load(ordering: .acquiring) >> 32 == seen {
                wdl_cpu_relax()
                spins += 1
                guard spins & 0x3FF == 0 else { continue }
                if DispatchTime.now().uptimeNanoseconds - idleSince < Self.spinLimit { continue }
                // Park: announce it, re-check (a region may have started meanwhile), sleep.
                worker.asleep.store(true, ordering: .sequentiallyConsistent)
                if claims.load(ordering: .sequentiallyConsistent) >> 32 != seen {
                    if !worker.asleep.exchange(false, ordering: .sequentiallyConsistent) { worker.wake.wait() }
                    break
                }
                worker.wake.wait()
                idleSince = DispatchTime.now().uptimeNanoseconds
            }
            let state = claims.load(ordering: .acquiring)
            seen = state >> 32
            if worker.index < helpers.load(ordering: .acquiring) {
                runTasks(generationTag: seen << 32, tasks: taskCount.load(ordering: .acquiring))
            }
        }
    }
}
