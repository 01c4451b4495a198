import Foundation

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
