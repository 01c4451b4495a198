/// The training side of the run's figures: the loss curve (bounded), the recent throughput, the
/// mean loss since the last evaluation record, and when the next evaluation is due.
struct TrainingCurves {
    /// Training examples between evaluations (`train.eval_every`); 0: at epoch ends only.
    let evaluateEvery: Int
    private(set) var lossHistory = LossHistory(capacity: 4096)
    private(set) var throughput = ThroughputMeter(window: 5)
    private var lossSinceRecord = (sum: 0.0, count: 0)
    private var nextEvaluationAt: Int

    init(evaluateEvery: Int) {
        self.evaluateEvery = evaluateEvery
        nextEvaluationAt = evaluateEvery
    }

    /// Counts a step's time (whatever its loss).
    mutating func addTime(of step: TrainingLoop.Step) {
        throughput.add(examples: step.count, seconds: step.seconds)
    }

    /// Adds a step's finite loss, the run being at `progress` after it.
    mutating func addLoss(of step: TrainingLoop.Step, progress: RunProgress) {
        lossSinceRecord.sum += step.loss
        lossSinceRecord.count += step.count
        lossHistory.add(LossPoint(step: progress.step, examples: progress.examples, loss: step.loss / Double(step.count)))
    }

    /// Whether an evaluation is due after a step that brought the run to `examples` (never on an
    /// epoch's last minibatch: the epoch end evaluates). Moves the next one on when it is.
    mutating func evaluationIsDue(examples: Int, moreInEpoch: Bool) -> Bool {
        guard evaluateEvery > 0 && examples >= nextEvaluationAt && moreInEpoch else { return false }
        while nextEvaluationAt <= examples { nextEvaluationAt += evaluateEvery }
        return true
    }

    /// The mean training loss since the previous call (NaN when no step ran since).
    mutating func takeMeanLoss() -> Double {
        defer { lossSinceRecord = (0, 0) }
        return lossSinceRecord.count > 0 ? lossSinceRecord.sum / Double(lossSinceRecord.count) : .nan
    }
}
