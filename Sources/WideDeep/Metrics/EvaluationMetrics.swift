/// The figures of one validation pass.
public struct EvaluationMetrics: Sendable, Equatable, Codable {
    public var count: Int
    /// Mean logistic loss, computed stably from the logits.
    public var logloss: Double
    /// Exact ROC AUC, ties given their average rank (NaN when only one class is present).
    public var auc: Double
    /// Share of examples whose prediction at threshold 0.5 matches the label.
    public var accuracy: Double
    /// Mean predicted probability; compare with `positiveRate` for calibration.
    public var meanPrediction: Double
    /// Observed share of positive labels.
    public var positiveRate: Double

    public init(count: Int, logloss: Double, auc: Double, accuracy: Double,
                meanPrediction: Double, positiveRate: Double) {
        self.count = count
        self.logloss = logloss
        self.auc = auc
        self.accuracy = accuracy
        self.meanPrediction = meanPrediction
        self.positiveRate = positiveRate
    }
}
