import Foundation
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
    /// written only when the run finished.
    public func run() -> Outcome {
        let out = output
        session.onRecord = { record in
            switch record {
            case .evaluation(let e):
                out(String(format: "epoch %2d  step %6d  examples %9d  train loss %.4f  valid loss %.4f  AUC %.4f  acc %.4f  pred %.3f / pos %.3f  %.0f ex/s%@",
                           e.epoch, e.step, e.examples, e.trainLoss, e.metrics.logloss, e.metrics.auc, e.metrics.accuracy,
                           e.metrics.meanPrediction, e.metrics.positiveRate, e.examplesPerSecond, e.final ? "  (final)" : ""))
            case .event(let event):
                switch event.kind {
                case .evaluation: break
                default: out("[\(event.kind.rawValue)] \(TerminalSafe.escape(event.message, maxCharacters: 2000))")
                }
            }
        }
        session.start()
        session.waitUntilFinished()
        let s = session.snapshot
        if s.state == .failed { return .failed(s.stateDetail ?? "training failed") }
        if s.state == .diverged {
            return .failed("training diverged: \(s.stateDetail ?? "non-finite values"); lower the learning rates (nothing was saved after the divergence)")
        }
        for line in RunSummary.lines(of: s) { out(line) }
        return .finished
    }
}
