import Foundation
import WideDeep

/// The plain-text face of a training session: a line per evaluation and per notable event, then
/// a final summary. Used with --headless and whenever stdout is not a terminal.
struct HeadlessRunner {
    let session: TrainingSession

    enum Outcome { case finished, failed(String) }

    func run() -> Outcome {
        let out = StandardOutput()
        session.onRecord = { record in
            switch record {
            case .evaluation(let e):
                out.line(String(format: "epoch %2d  step %6d  examples %9d  train loss %.4f  valid loss %.4f  AUC %.4f  acc %.4f  pred %.3f / pos %.3f  %.0f ex/s%@",
                                e.epoch, e.step, e.examples, e.trainLoss, e.metrics.logloss, e.metrics.auc, e.metrics.accuracy,
                                e.metrics.meanPrediction, e.metrics.positiveRate, e.examplesPerSecond, e.final ? "  (final)" : ""))
            case .event(let event):
                switch event.kind {
                case .evaluation: break
                default: out.line("[\(event.kind.rawValue)] \(event.message)")
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
        for line in Self.summary(of: s) { out.line(line) }
        return .finished
    }
}

extension HeadlessRunner {
    /// The final summary of a run: its figures and the wide part's sparsity.
    static func summary(of s: TrainingSnapshot) -> [String] {
        guard let last = s.validation.last else { return ["no evaluation was completed"] }
        var lines = [String(format: "final: %@ mode, %d epochs, %d steps, %d examples in %.1f s of training (%.0f ex/s); valid AUC %.4f, logloss %.4f, accuracy %.4f; skipped rows %d",
                            s.mode.rawValue, s.epoch, s.step, s.examplesSeen, s.trainingSeconds, s.averageExamplesPerSecond,
                            last.metrics.auc, last.metrics.logloss, last.metrics.accuracy, s.skippedRows)]
        if let wide = s.wide {
            lines.append(String(format: "wide part: %d non-zero of %d touched coordinates (%.1f%% sparse), hash space %d",
                                wide.nonzero, wide.touched, wide.sparsity * 100, wide.total))
        }
        if s.checkpointsSaved > 0, let folder = s.checkpointDirectory {
            lines.append("checkpoints: \(s.checkpointsSaved) saved in \(folder)")
        }
        return lines
    }
}

/// Line-buffered stdout writes from any thread.
final class StandardOutput: Sendable {
    func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
