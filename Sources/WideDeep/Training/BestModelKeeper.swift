/// The best evaluation of the run by its metric (`train.early_stop_metric`), how many evaluations
/// have passed without improving on it, and — when the run keeps it — the state at that point:
/// the model and where the run was, so that the run can end on it (early stopping) and
/// `final.safetensors` holds it. A resumed run continues from its checkpoint's record.
struct BestModelKeeper {
    let metric: ValidationMetric
    private(set) var best: ValidationPoint?
    private(set) var evaluationsSinceBest = 0
    /// The model and progress at `best`, when `keepsState`.
    private(set) var kept: (state: ModelState, progress: RunProgress)?
    /// Where the model at `best` is saved (`best.safetensors`), when the run saves it.
    var file: String?

    init(metric: ValidationMetric) { self.metric = metric }

    /// Counts an evaluation; true when it is the best so far (the caller then saves the state if
    /// it wants it, through `keep`).
    mutating func consider(_ point: ValidationPoint) -> Bool {
        guard metric.improves(metric.value(in: point.metrics), on: best.map { metric.value(in: $0.metrics) } ?? .nan) else {
            evaluationsSinceBest += 1
            return false
        }
        best = point
        evaluationsSinceBest = 0
        kept = nil
        file = nil
        return true
    }

    /// Keeps the state at the best point (called right after `consider` returned true).
    mutating func keep(_ state: ModelState, progress: RunProgress) { kept = (state, progress) }

    /// Continues from a checkpoint's record: the best so far, its file and the evaluations since
    /// it. Its state is not in memory (it is in the file, when there is one).
    mutating func restore(_ saved: CheckpointMetadata.Best) {
        best = saved.point
        evaluationsSinceBest = saved.evaluationsSince
        file = saved.file
        kept = nil
    }

    /// What a checkpoint of the run as it is now records (`CheckpointMetadata.Best`).
    var record: CheckpointMetadata.Best? {
        best.map { CheckpointMetadata.Best(metric: metric, point: $0, file: file, evaluationsSince: evaluationsSinceBest) }
    }

    /// What a checkpoint of the state at the best point records: that point, none since.
    var recordAtBest: CheckpointMetadata.Best? {
        best.map { CheckpointMetadata.Best(metric: metric, point: $0, file: file, evaluationsSince: 0) }
    }

    /// After a rollback to a state of when the best was `then`, with `count` evaluations since:
    /// the evaluations after that state are gone, so the count is that of then. A best found
    /// after that state stays the best (its model may be saved), counted from.
    mutating func rewind(to then: ValidationPoint?, evaluationsSince count: Int) {
        evaluationsSinceBest = best == then ? count : 0
    }
}
