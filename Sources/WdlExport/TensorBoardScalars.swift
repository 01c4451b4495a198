import Foundation
import WideDeep

/// What a run's TensorBoard log shows, taken from the figures of the metrics log (`RunRecord`'s
/// JSON keys), so a live run and a converted metrics log give the same tags.
public struct TensorBoardScalars: Sendable {
    /// TensorBoard's own default smoothing weight, for `train/loss_smoothed`.
    public static let smoothingWeight = 0.6

    /// Metrics-log key → tag, for the figures copied as they are.
    static let figures: [(key: String, tag: String)] = [
        ("train_logloss", "train/loss"),
        ("examples_per_sec", "train/examples_per_sec"),
        ("valid_logloss", "valid/logloss"),
        ("valid_auc", "valid/auc"),
        ("valid_accuracy", "valid/accuracy"),
        ("valid_mean_prediction", "valid/mean_prediction"),
        ("valid_positive_rate", "valid/positive_rate"),
        ("wide_nonzero", "wide/nonzero"),
        ("test_logloss", "test/logloss"),
        ("test_auc", "test/auc"),
        ("test_accuracy", "test/accuracy"),
        ("test_mean_prediction", "test/mean_prediction"),
        ("test_positive_rate", "test/positive_rate"),
    ]

    /// Debiased exponential moving average of the training loss, as TensorBoard smooths:
    /// `average / (1 - weight^count)` so the first values are not pulled towards zero.
    private var average = 0.0
    private var count = 0

    public init() {}

    /// The scalars of one evaluation record, given as its metrics-log keys and numbers (a key
    /// whose value was not finite is absent).
    public mutating func scalars(of record: [String: Double]) -> [TensorBoardEvent.Scalar] {
        var out: [TensorBoardEvent.Scalar] = []
        for figure in Self.figures {
            if let value = record[figure.key] { out.append(.init(figure.tag, Float(value))) }
        }
        if let loss = record["train_logloss"] {
            count += 1
            average = average * Self.smoothingWeight + (1 - Self.smoothingWeight) * loss
            out.append(.init("train/loss_smoothed", Float(average / (1 - pow(Self.smoothingWeight, Double(count))))))
        }
        if let nonzero = record["wide_nonzero"], let touched = record["wide_touched"], touched > 0 {
            out.append(.init("wide/sparsity", Float(1 - nonzero / touched)))
        }
        for parameter in Hyperparameter.allCases {
            if let value = record[parameter.rawValue] { out.append(.init("hyperparameters/\(parameter.rawValue)", Float(value))) }
        }
        return out
    }

    /// The metrics-log numbers of an evaluation (its JSON form, read back).
    public static func figures(of evaluation: RunRecord.Evaluation) throws -> [String: Double] {
        let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(evaluation))
        return numbers(in: object as? [String: Any] ?? [:])
    }

    /// The numeric members of a JSON object (null and strings left out; only the keys above
    /// are read, so `final: true` coming through as 1 does not matter).
    static func numbers(in object: [String: Any]) -> [String: Double] {
        object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }

    /// The model's statistics in a snapshot: embedding norms per field, weight and gradient norms
    /// per dense layer, the wide bias.
    public static func scalars(statistics snapshot: TrainingSnapshot) -> [TensorBoardEvent.Scalar] {
        var out: [TensorBoardEvent.Scalar] = []
        if let wide = snapshot.wide { out.append(.init("wide/bias", Float(wide.bias))) }
        for field in snapshot.embeddings {
            out.append(.init("embeddings/\(field.field)/mean_norm", Float(field.meanNorm)))
            out.append(.init("embeddings/\(field.field)/max_norm", Float(field.maxNorm)))
        }
        for layer in snapshot.dense {
            out.append(.init("deep/\(layer.name)/weight_norm", Float(layer.weightNorm)))
            out.append(.init("deep/\(layer.name)/gradient_norm", Float(layer.gradientNorm)))
            if let dead = layer.deadFraction { out.append(.init("deep/\(layer.name)/dead_fraction", Float(dead))) }
        }
        return out.filter { $0.value.isFinite }
    }
}
