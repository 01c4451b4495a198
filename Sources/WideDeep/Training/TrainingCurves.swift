import Foundation

// Read together: the run's curves (`TrainingCurves`), what they are made of (`LossHistory`,
// `ThroughputMeter`) and the watch that judges the same losses (`DivergenceWatch`).

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

/// Training-loss points with bounded memory: when full, neighbouring points are merged in pairs
/// (their losses averaged), so the whole run stays in view at half the resolution.
public struct LossHistory: Sendable {
    public let capacity: Int
    public private(set) var points: [LossPoint] = []
    /// Minibatches each stored point stands for (doubles at each merge).
    public private(set) var stepsPerPoint = 1
    private var pending: (sum: Double, count: Int) = (0, 0)

    public init(capacity: Int) {
        precondition(capacity >= 2)
        self.capacity = capacity
    }

    public mutating func add(_ point: LossPoint) {
        pending.sum += point.loss
        pending.count += 1
        guard pending.count >= stepsPerPoint else { return }
        points.append(LossPoint(step: point.step, examples: point.examples, loss: pending.sum / Double(pending.count)))
        pending = (0, 0)
        if points.count >= capacity {
            // With an odd count the last point has no partner: carry its steps into `pending`
            // (it stands for `stepsPerPoint` steps) instead of dropping them.
            let unpaired = points.count % 2 == 1 ? points.last : nil
            points = stride(from: 0, to: points.count - 1, by: 2).map { i in
                LossPoint(step: points[i + 1].step, examples: points[i + 1].examples,
                          loss: (points[i].loss + points[i + 1].loss) / 2)
            }
            if let unpaired { pending = (unpaired.loss * Double(stepsPerPoint), stepsPerPoint) }
            stepsPerPoint *= 2
        }
    }
}

/// Examples per second of training time over the last `window` seconds of training.
public struct ThroughputMeter: Sendable {
    public let window: Double
    private var samples: [(examples: Int, seconds: Double)] = []
    private var examples = 0
    private var seconds = 0.0

    public init(window: Double) { self.window = window }

    public mutating func add(examples count: Int, seconds took: Double) {
        samples.append((count, took))
        examples += count
        seconds += took
        while seconds - (samples.first?.seconds ?? 0) > window, samples.count > 1 {
            let first = samples.removeFirst()
            examples -= first.examples
            seconds -= first.seconds
        }
    }

    public var rate: Double { seconds > 0 ? Double(examples) / seconds : 0 }
}

/// Divergence beyond NaN: a run diverges when its smoothed training loss climbs past `factor`
/// times the lowest it has been, or its validation logloss past `factor` times its best — and in
/// either case past ln 2, the loss of predicting 0.5 for everything, so a run that is merely
/// learning less well is never stopped. The training loss is smoothed per step with a debiased
/// exponential moving average (TensorFlow's smoothing, weight 0.9: about the last ten steps); its
/// lowest is tracked from the first step, but judged only from `warmupSteps` on, when the first
/// steps' noise has settled.
struct DivergenceWatch {
    /// 0 turns the rule off (`train.divergence_factor`).
    let factor: Double
    static let smoothing = 0.9
    static let warmupSteps = 10
    static let floor = log(2.0)

    private var average = 0.0
    private var weight = 0.0
    private var steps = 0
    private var lowestTraining = Double.infinity
    private var bestValidation = Double.infinity

    init(factor: Double) { self.factor = factor }

    /// Adds a step's mean training loss; returns the cause when the run has diverged.
    mutating func addTrainingLoss(_ loss: Double) -> String? {
        guard factor > 0 else { return nil }
        average = Self.smoothing * average + (1 - Self.smoothing) * loss
        weight = Self.smoothing * weight + (1 - Self.smoothing)
        steps += 1
        let smoothed = average / weight
        lowestTraining = min(lowestTraining, smoothed)
        guard steps >= Self.warmupSteps, smoothed > factor * lowestTraining && smoothed > Self.floor else { return nil }
        return String(format: "the smoothed training loss climbed to %.4g, over %g× its lowest (%.4g)",
                      smoothed, factor, lowestTraining)
    }

    /// Adds a validation logloss; returns the cause when the run has diverged.
    mutating func addValidation(logloss: Double) -> String? {
        guard factor > 0, logloss.isFinite else { return nil }
        defer { bestValidation = min(bestValidation, logloss) }
        guard logloss > factor * bestValidation && logloss > Self.floor else { return nil }
        return String(format: "the validation logloss climbed to %.4g, over %g× its best (%.4g)",
                      logloss, factor, bestValidation)
    }
}
