import Foundation
import WideDeep

/// The text that ends a training run, after the headless lines or the dashboard alike.
public enum RunSummary {
    /// The run's figures, the wide part's sparsity and where its checkpoints went. `heading`
    /// starts the first line: "final", or how a run stopped by its user ended.
    public static func lines(of s: TrainingSnapshot, heading: String = "final") -> [String] {
        guard let last = s.validation.last else { return ["no evaluation was completed"] }
        var lines = [heading + String(format: ": %@ mode, %d epochs, %d steps, %d examples in %.1f s of training (%.0f ex/s); valid AUC %.4f, logloss %.4f, accuracy %.4f; skipped rows %d",
                            s.mode.rawValue, s.epoch, s.step, s.examplesSeen, s.trainingSeconds, s.averageExamplesPerSecond,
                            last.metrics.auc, last.metrics.logloss, last.metrics.accuracy, s.skippedRows)]
        if let best = s.best {
            var where_ = best.step == last.step ? "the last evaluation" : "not the last"
            if s.restoredBest { where_ = "the model the run ended on (early stopping restored it)" }
            if let path = s.bestCheckpoint { where_ += "; saved as \(path)" }
            lines.append(String(format: "best by validation %@: step %d (epoch %d), valid AUC %.4f, logloss %.4f, accuracy %.4f — %@",
                                s.bestMetric.rawValue, best.step, best.epoch, best.metrics.auc, best.metrics.logloss,
                                best.metrics.accuracy, where_))
        }
        if let wide = s.wide {
            lines.append(String(format: "wide part: %d non-zero of %d touched coordinates (%.1f%% sparse), hash space %d",
                                wide.nonzero, wide.touched, wide.sparsity * 100, wide.total))
        }
        if s.checkpointsSaved > 0, let folder = s.checkpointDirectory {
            lines.append("checkpoints: \(s.checkpointsSaved) saved in \(folder)")
        }
        // Paths in it (the checkpoint folder) come from the user: printed terminal-safe.
        return lines.map { TerminalSafe.escape($0, maxCharacters: .max) }
    }
}
