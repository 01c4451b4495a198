import Foundation
import WideDeep

/// The text that ends a training run, after the headless lines or the dashboard alike.
public enum RunSummary {
    /// The run's figures (of the model it ended on), its best evaluation, the wide part's sparsity
    /// and where its checkpoints went. `heading` starts the first line: "final", or how a run
    /// stopped by its user ended.
    public static func lines(of s: TrainingSnapshot, heading: String = "final") -> [String] {
        var lines: [String] = []
        if let last = s.validation.last {
            // After early stopping the run ends on its best state: its figures are that state's,
            // not those of the evaluation that stopped the run.
            let ended = s.restoredBest ? s.best ?? last : last
            let which = s.restoredBest ? "ended on the best state, of step \(ended.step): " : ""
            lines.append(heading + String(format: ": %@ mode, epoch %d/%d, %d steps, %d examples in %.1f s of training (%.0f ex/s); %@valid AUC %.4f, logloss %.4f, accuracy %.4f; skipped rows %d",
                                s.mode.rawValue, s.epoch, s.totalEpochs, s.step, s.examplesSeen, s.trainingSeconds,
                                s.averageExamplesPerSecond, which, ended.metrics.auc, ended.metrics.logloss,
                                ended.metrics.accuracy, s.skippedRows))
        } else {
            lines.append("no evaluation was completed")
        }
        if s.skippedRows > 0 {
            // Why rows were lost, not only how many: the first reasons the run kept.
            let why = s.skippedRowsReasons.isEmpty ? "" : "; first: " + s.skippedRowsReasons.joined(separator: "; ")
            lines.append("skipped \(s.skippedRows) malformed rows\(why)")
        }
        if let best = s.best {
            var where_ = best.step == s.validation.last?.step ? "the last evaluation"
                : best.examples <= s.examplesAtStart && s.examplesAtStart > 0 ? "an evaluation from before the resume" : "not the last"
            if s.restoredBest { where_ = "the model the run ended on (early stopping restored it)" }
            if let path = s.bestCheckpoint, s.bestCheckpointStep == best.step { where_ += "; saved as \(path)" }
            lines.append(String(format: "best by validation %@: step %d (epoch %d), valid AUC %.4f, logloss %.4f, accuracy %.4f — %@",
                                s.bestMetric.rawValue, best.step, best.epoch, best.metrics.auc, best.metrics.logloss,
                                best.metrics.accuracy, where_))
        }
        if let wide = s.wide, !s.validation.isEmpty {
            lines.append(String(format: "wide part: %d non-zero of %d touched coordinates (%.1f%% sparse), hash space %d",
                                wide.nonzero, wide.touched, wide.sparsity * 100, wide.total))
        }
        var saved: [String] = []
        if s.checkpointsSaved > 0, let folder = s.checkpointDirectory { saved.append("\(s.checkpointsSaved) saved in \(folder)") }
        // The best model's file, while it holds the best (a restored one a resumed run without a
        // checkpoint folder went past is no longer where the best is).
        if let path = s.bestCheckpoint, s.bestCheckpointStep == s.best?.step {
            saved.append("the best model\(s.bestCheckpointStep.map { " (step \($0))" } ?? "") in \(path)")
        }
        if !saved.isEmpty { lines.append("checkpoints: " + saved.joined(separator: ", and ")) }
        // Paths in it (the checkpoint folder) come from the user: printed terminal-safe.
        return lines.map { TerminalSafe.escape($0, maxCharacters: .max) }
    }
}
