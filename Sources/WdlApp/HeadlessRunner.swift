import Foundation
import Synchronization
import WideDeep

/// The plain-text face of a training session: a line per evaluation and per notable event, then
/// the final summary. `wdl train` uses it with --headless and whenever stdout is not a terminal.
public struct HeadlessRunner {
    public enum Outcome: Sendable, Equatable { case finished, failed(String) }

    public let session: TrainingSession
    /// Called from the session's queue while the run goes, then from the caller's thread for
    /// the summary.
    public let output: LineSink

    public init(session: TrainingSession, output: @escaping LineSink = StandardOutput.line) {
        self.session = session
        self.output = output
    }

    /// Starts the session, reports it until it ends and returns how it ended; the summary is
    /// written only when the run finished. A record listener already set on the session (a
    /// TensorBoard log) still gets every record, first.
    public func run() -> Outcome {
        let out = output
        let session = session
        let held = HeldError()
        let earlier = session.onRecord
        let firstEvaluation = Mutex(true)
        session.onRecord = { record in
            earlier?(record)
            // An error is printed when the run goes on after it; the one that ends the run is the
            // failure the caller prints, once.
            if let error = held.take() { out(error) }
            switch record {
            case .evaluation(let e):
                let first = firstEvaluation.withLock { first in
                    defer { first = false }
                    return first
                }
                // To stderr, beside the run's lines rather than among them.
                if first, let warning = RunWarnings.smallValidation(e.metrics) { StandardOutput.errorLine(warning) }
                let s = session.snapshot
                // The record's epoch: the one under way from 1, at an epoch's end the one that ended.
                out(String(format: "epoch %2d/%d  step %6d  examples %9d  train loss %.4f  valid loss %.4f  AUC %.4f  acc %.4f  pred %.3f / pos %.3f  %.0f ex/s  %.1f s%@",
                           e.epoch, s.totalEpochs, e.step, e.examples, e.trainLoss, e.metrics.logloss, e.metrics.auc,
                           e.metrics.accuracy, e.metrics.meanPrediction, e.metrics.positiveRate, e.examplesPerSecond,
                           e.seconds, e.final ? "  (final)" : ""))
            case .event(let event):
                switch event.kind {
                case .evaluation: break
                case .error: held.hold("[error] \(TerminalSafe.escape(event.message, maxCharacters: 2000))")
                default: out("[\(event.kind.rawValue)] \(TerminalSafe.escape(event.message, maxCharacters: 2000))")
                }
            case .test:
                break  // the summary's test line
            }
        }
        session.start()
        session.waitUntilFinished()
        let s = session.snapshot
        if s.state == .failed { return .failed(s.stateDetail ?? "training failed") }
        if let error = held.take() { out(error) }
        if s.state == .diverged {
            return .failed("training diverged: \(s.stateDetail ?? "non-finite values"); lower the learning rates (nothing was saved after the divergence)")
        }
        for line in RunSummary.lines(of: s) { out(line) }
        return .finished
    }
}

/// The last `[error]` line not printed yet (set and taken on the session's queue; read at the end
/// after the run has finished).
private final class HeldError: @unchecked Sendable {
    private let lock = NSLock()
    private var line: String?

    func hold(_ text: String) { lock.withLock { line = text } }
    func take() -> String? { lock.withLock { defer { line = nil }; return line } }
}
