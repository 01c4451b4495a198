import Foundation

/// TensorBoard's scalar smoothing: an exponential moving average with bias correction, so the
/// first points are not pulled towards zero.
///
/// For weight `w`: `last = last·w + (1−w)·y; n += 1; out = last / (1 − wⁿ)`. Non-finite points
/// pass through unchanged and do not advance `n` (as TensorBoard does), so one NaN does not poison
/// the rest of the curve.
public enum Smoothing {
    /// The accepted range of the smoothing factor.
    public static let range: ClosedRange<Double> = 0...0.999

    public static func debiasedEMA(_ values: [Double], weight: Double) -> [Double] {
        let w = min(max(weight, range.lowerBound), range.upperBound)
        var last = 0.0
        // w^count, kept as a running product: pow per point was a fifth of a frame's drawing
        // with 15,000 loss points.
        var decay = 1.0
        var result: [Double] = []
        result.reserveCapacity(values.count)
        for y in values {
            guard y.isFinite else {
                result.append(y)
                continue
            }
            last = last * w + (1 - w) * y
            decay *= w
            let debias = w == 1 ? 1 : 1 - decay
            result.append(last / debias)
        }
        return result
    }
}
