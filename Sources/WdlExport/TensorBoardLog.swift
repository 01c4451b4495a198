import Foundation
import WideDeep

/// A TensorBoard event file (`DIR/events.out.tfevents.<time>.<host>.<pid>`) written on a queue
/// of its own: `add` only enqueues, so the training queue that reports an evaluation never waits
/// on the disk. Each evaluation's events reach the file in one write, so TensorBoard shows a
/// running job up to its last evaluation. A failed write stops the log (reported once through
/// `onError`); training goes on.
public final class TensorBoardLog: @unchecked Sendable {
    public let path: String
    private let queue = DispatchQueue(label: "wdl.tensorboard")
    /// Called once, on the log's queue, when a write fails.
    private let onError: @Sendable (String) -> Void
    // Touched only on `queue` (and in `init`): `write` checks it; `fail` is called only from it.
    private var handle: FileHandle?
    private var scalars = TensorBoardScalars()
    private var stopReason: String?

    /// Creates `directory` if needed and a new event file in it, starting with the file-version
    /// event. Throws naming the folder or file when either cannot be created.
    public init(directory: String, onError: @escaping @Sendable (String) -> Void = { _ in }) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: directory, "cannot create the TensorBoard folder", underlying: error)
        }
        let now = Date().timeIntervalSince1970
        let name = "events.out.tfevents.\(Int(now)).\(ProcessInfo.processInfo.hostName).\(getpid())"
        path = (directory as NSString).appendingPathComponent(name)
        self.onError = onError
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw OutputError(path: path, "cannot create the TensorBoard event file")
        }
        self.handle = handle
        let version = TensorBoardEvent(wallTime: now, step: 0, content: .fileVersion(TensorBoardEvent.currentFileVersion))
        do {
            try handle.write(contentsOf: TFRecord.frame(version.encoded()))
        } catch {
            throw OutputError(path: path, "cannot write", underlying: error)
        }
    }

    deinit { try? handle?.close() }

    /// Queues one evaluation: its figures (as the metrics log has them) and the model statistics
    /// of `statistics`, all at the evaluation's step.
    public func add(_ evaluation: RunRecord.Evaluation, statistics: TrainingSnapshot?) {
        let wallTime = Date().timeIntervalSince1970
        queue.async { [self] in
            do {
                let figures = try TensorBoardScalars.figures(of: evaluation)
                write(figures: figures, statistics: statistics, step: evaluation.step, wallTime: wallTime)
            } catch {
                fail("\(error)")
            }
        }
    }

    /// Queues one record given as metrics-log figures (`wdl export --tensorboard`).
    public func add(figures: [String: Double], step: Int, wallTime: Double) {
        queue.async { [self] in write(figures: figures, statistics: nil, step: step, wallTime: wallTime) }
    }

    /// Queues the test set's figures (`test/…`), at the step of the model that scored them.
    public func add(test: RunRecord.Test) {
        add(figures: test.figures, step: test.step, wallTime: Date().timeIntervalSince1970)
    }

    /// Waits until everything queued so far is in the file.
    public func flush() {
        queue.sync {}
    }

    /// Why the log stopped, if a write failed (after everything queued so far).
    public var failure: String? { queue.sync { stopReason } }

    private func write(figures: [String: Double], statistics: TrainingSnapshot?, step: Int, wallTime: Double) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let handle else { return }
        var values = scalars.scalars(of: figures)
        if let statistics { values += TensorBoardScalars.scalars(statistics: statistics) }
        let event = TensorBoardEvent(wallTime: wallTime, step: step, content: .scalars(values))
        do {
            try handle.write(contentsOf: TFRecord.frame(event.encoded()))
        } catch {
            fail("\(error)")
        }
    }

    private func fail(_ message: String) {
        try? handle?.close()
        handle = nil
        stopReason = message
        onError("TensorBoard log \(path) stopped: \(message)")
    }
}
