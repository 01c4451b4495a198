import Foundation

/// The fitted transform of one numeric column for the deep part: optional log, then
/// standardization with the training data's mean and deviation. Missing becomes 0 (the mean).
public struct NumericTransform: Sendable, Equatable, Codable {
    public var name: String
    /// Apply `sign(x)·log1p(|x|)` first (counts; Criteo's I columns, which can be negative).
    public var logarithm: Bool
    public var mean: Double
    public var deviation: Double

    public init(name: String, logarithm: Bool, mean: Double, deviation: Double) {
        self.name = name
        self.logarithm = logarithm
        self.mean = mean
        self.deviation = deviation
    }

    @inlinable
    public func apply(_ raw: Float) -> Float {
        guard !raw.isNaN else { return 0 }
        let x = logarithm ? Self.signedLog1p(Double(raw)) : Double(raw)
        return Float((x - mean) / deviation)
    }

    @inlinable
    public static func signedLog1p(_ x: Double) -> Double {
        x < 0 ? -log1p(-x) : log1p(x)
    }

    /// The smallest deviation fitting keeps; a column varying less is treated as constant.
    public static let smallestDeviation = 1e-6

    /// Fits mean and deviation on the non-missing values of column `column` of `count` rows with
    /// `stride` values per row. A constant column (deviation under `smallestDeviation`) gets deviation 1.
    public static func fit(name: String, logarithm: Bool, values: [Float], column: Int, stride: Int) -> NumericTransform {
        var sum = 0.0, sumSquares = 0.0, n = 0.0
        var i = column
        while i < values.count {
            let raw = values[i]
            if !raw.isNaN {
                let x = logarithm ? signedLog1p(Double(raw)) : Double(raw)
                sum += x
                sumSquares += x * x
                n += 1
            }
            i += stride
        }
        guard n > 0 else { return NumericTransform(name: name, logarithm: logarithm, mean: 0, deviation: 1) }
        let mean = sum / n
        let variance = max(0, sumSquares / n - mean * mean)
        let deviation = variance > smallestDeviation * smallestDeviation ? variance.squareRoot() : 1
        return NumericTransform(name: name, logarithm: logarithm, mean: mean, deviation: deviation)
    }
}
