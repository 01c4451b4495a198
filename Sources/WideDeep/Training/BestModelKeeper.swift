/// The best evaluation of the run by its metric (`train.early_stop_metric`), how many evaluations
/// have passed without improving on it, and — when the run keeps it — the state at that point:
/// the model and where the run was, so that the run can end on it (early stopping) and
/// `final.safetensors` holds it.
struct BestModelKeeper {
    let metric: ValidationMetric
    private(set) var best: ValidationPoint?
    private(set) var evaluationsSinceBest = 0
    /// The model and progress at `best`, when `keepsState`.
    private(set) var kept: (state: ModelState, progress: RunProgress)?

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
        return true
    }

    /// Keeps the state at the best point (called right after `consider` returned true).
    mutating func keep(_ state: ModelState, progress: RunProgress) { kept = (state, progress) }
}
