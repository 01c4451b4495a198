import Dispatch
import Foundation
import Synchronization

/// Writes checkpoints on a serial queue of its own, from a copy of the state taken between
/// minibatches, so training goes on while a file is written. At most one write is in flight:
/// `submit` waits for the previous one, which bounds memory to one extra copy of the state and
/// keeps the steps that get checkpoints the same in every run. Finished writes wait in a list
/// until the training queue collects them (`takeCompleted`), which also applies `--keep`.
final class CheckpointWriter: @unchecked Sendable {
    /// A write that has ended.
    struct Completed: Sendable {
        /// nil for a step checkpoint (subject to `keep`).
        var name: String?
        var step: Int
        var examples: Int
        /// The file written, or nil when the write failed.
        var path: String?
        var error: String?
    }

    /// Saves a checkpoint and returns the path written (replaceable in tests).
    var write: @Sendable (CheckpointRequest) throws -> String = Checkpoint.save
    /// Keep only the newest `keep` step checkpoints (nil keeps all).
    let keep: Int?
    /// Called from the save queue when a write ends (wakes the training queue).
    private let onCompletion: @Sendable () -> Void

    private let queue = DispatchQueue(label: "wdl.checkpoint", qos: .utility)
    private let completed = Mutex<[Completed]>([])
    private let pending = DispatchGroup()
    // Touched only on the training queue (`owner`, checked by `submit` and `takeCompleted`).
    private(set) var inFlight = 0
    private var stepFiles: [String] = []
    /// The training queue (nil in tests that drive a writer from their own thread).
    private let owner: QueueConfinement?

    init(keep: Int?, owner: QueueConfinement? = nil, onCompletion: @escaping @Sendable () -> Void) {
        self.keep = keep
        self.owner = owner
        self.onCompletion = onCompletion
    }

    /// Starts writing `request`; `named` nil makes it a step checkpoint. Returns the writes that
    /// ended while waiting for the previous one.
    func submit(_ request: CheckpointRequest, named name: String?) -> [Completed] {
        owner?.check()
        let earlier = inFlight > 0 ? waitForAll() : []
        inFlight += 1
        pending.enter()
        let write = self.write
        let started = Completed(name: name, step: request.step, examples: request.examples)
        queue.async { [self] in
            var done = started
            do {
                done.path = try write(request)
            } catch {
                done.error = "\(error)"
            }
            completed.withLock { $0.append(done) }
            pending.leave()
            onCompletion()
        }
        return earlier
    }

    /// The writes that have ended since the last call, oldest first.
    func takeCompleted() -> [Completed] {
        owner?.check()
        let done = completed.withLock { list -> [Completed] in
            defer { list.removeAll() }
            return list
        }
        inFlight -= done.count
        for save in done where save.name == nil {
            if let path = save.path { prune(adding: path) }
        }
        return done
    }

    /// Waits until every write has ended, then collects them.
    func waitForAll() -> [Completed] {
        pending.wait()
        return takeCompleted()
    }

    /// Keeps the newest `keep` step checkpoints of this run, deleting older ones.
    private func prune(adding path: String) {
        stepFiles.append(path)
        guard let keep, stepFiles.count > keep else { return }
        for old in stepFiles.prefix(stepFiles.count - keep) {
            try? FileManager.default.removeItem(atPath: old)
        }
        stepFiles.removeFirst(stepFiles.count - keep)
    }
}
