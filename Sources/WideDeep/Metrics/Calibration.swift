import Foundation

/// The probability correction of a model trained on negative-downsampled data (He et al. 2014,
/// "Practical Lessons from Predicting Clicks on Ads at Facebook"): with a kept fraction r
/// of the negatives, the sample's odds are the population's over r, so a predicted q becomes
///
///     p = q / (q + (1 − q) / r)
///
/// which in logit space is exactly `logit(p) = logit(q) + ln r` (divide numerator and denominator
/// by 1 − q: p/(1 − p) = r·q/(1 − q)). wdl adds ln r to the logit: one addition, no cancellation
/// near q = 0 or 1, and the ONNX graph does the same. Ranking (AUC) is unchanged.
public struct Calibration: Sendable, Equatable {
    /// The kept fraction of negatives, in (0, 1]; 1 is no correction.
    public let negativeSampling: Double

    public init(negativeSampling: Double) {
        precondition(negativeSampling > 0 && negativeSampling <= 1, "a kept fraction is in (0, 1]")
        self.negativeSampling = negativeSampling
    }

    public static let none = Calibration(negativeSampling: 1)

    /// ln r, added to every logit that leaves wdl (0 without sampling).
    public var logitOffset: Double { negativeSampling == 1 ? 0 : log(negativeSampling) }

    /// The corrected probability of a model logit.
    public func probability(logit: Float) -> Float {
        Float(BinaryMetrics.sigmoid(Double(logit) + logitOffset))
    }

    /// He et al.'s form of the correction, of a sample probability q (for checking the logit form).
    public func correct(probability q: Double) -> Double {
        q / (q + (1 - q) / negativeSampling)
    }
}
