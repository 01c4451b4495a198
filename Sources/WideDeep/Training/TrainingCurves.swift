/// The training side of the run's figures: the loss curve (bounded), the recent throughput, the
/// mean loss since the last evaluation record, and when the next evaluation is due (every
/// `train.eval_every` examples into each epoch, and at its end).
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

    /// Starts an epoch's schedule: evaluations every `evaluateEvery` examples into the epoch,
    /// counted from `start` (the run's examples when the epoch began; a resumed or rolled-back
    /// epoch is already `examples` in, and the points before that are past). Counting from each
    /// epoch's start keeps the schedule from drifting against the epoch-end evaluation: a run-wide
    /// count put a periodic evaluation one step after an epoch end when `eval_every` divides the
    /// epoch, and a few steps after it when it does not.
    mutating func beginEpoch(start: Int, examples: Int) {
        guard evaluateEvery > 0 else { return }
        nextEvaluationAt = start + evaluateEvery
        while nextEvaluationAt <= examples { nextEvaluationAt += evaluateEvery }
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
