import Foundation
import SafeTensors

/// Reads a checkpoint's metadata without loading its tensors (resuming, inspecting).
public enum CheckpointMetadata {
    public static func header(of path: String) throws -> SafeTensorsHeader {
        if let problem = InputFile.problem(with: path) { throw CheckpointError(path: path, problem) }
        do {
            return try SafeTensorsFile.readHeader(of: URL(fileURLWithPath: path))
        } catch let error as SafeTensorsError {
            throw CheckpointError.unreadable(path, error)
        }
    }

    /// The run config saved in the checkpoint, with the hyperparameters in force when it was
    /// saved; refused when the saved layout is not one fitting gives for it.
    public static func config(of path: String) throws -> RunConfig {
        let meta = try header(of: path).metadata
        guard meta["format"] == Checkpoint.formatName else {
            throw CheckpointError(path: path, "a safetensors file, but not a wdl checkpoint")
        }
        guard let text = meta["config"], var config = try? JSONDecoder().decode(RunConfig.self, from: Data(text.utf8)) else {
            throw CheckpointError(path: path, "metadata 'config' is missing or not valid")
        }
        // The layout is the config's (as `LoadedCheckpoint.load` checks again): a resumed run
        // reads its data with this config's columns and encodes them with that layout.
        if let text = meta["layout"], let layout = try? JSONDecoder().decode(FeatureLayout.self, from: Data(text.utf8)),
           let problem = layout.fittingProblem(config: config) {
            throw CheckpointError(path: path, "metadata 'layout' is not one training produces: \(problem)")
        }
        if let text = meta["hyperparameters"],
           let values = try? JSONDecoder().decode([String: Double].self, from: Data(text.utf8)) {
            config = config.applying(hyperparameters: values)
        }
        // Checked here, before flags override it, so that the error names the checkpoint.
        do { try config.validate() } catch let error as ConfigError {
            throw CheckpointError(path: path, "the recorded config is invalid: \(error.message)")
        }
        return config
    }
}

extension CheckpointMetadata {
    /// Metadata key of the run's best evaluation when the checkpoint was saved (`Best`, JSON);
    /// absent from checkpoints of earlier wdl versions.
    public static let bestKey = "best"
    /// The id of the run that saved the checkpoint, as its metrics log's `run_id` (absent in
    /// checkpoints saved before it was recorded, and in those `wdl bench` makes).
    public static let runIDKey = "run_id"

    /// The best evaluation a run had reached at a checkpoint and its early-stopping count, so that
    /// a resumed run neither takes its first evaluation for the best (and overwrites a better
    /// `best.safetensors`) nor forgets its patience.
    public struct Best: Codable, Sendable, Equatable {
        public var metric: ValidationMetric
        public var point: ValidationPoint
        /// Where that best model was saved (`best.safetensors`), when the run saved it.
        public var file: String?
        /// Evaluations since the best one (early stopping's count).
        public var evaluationsSince: Int

        public init(metric: ValidationMetric, point: ValidationPoint, file: String?, evaluationsSince: Int) {
            self.metric = metric
            self.point = point
            self.file = file
            self.evaluationsSince = evaluationsSince
        }

        enum CodingKeys: String, CodingKey {
            case metric, step, epoch, examples, count, logloss, auc, accuracy
            case meanPrediction = "mean_prediction", positiveRate = "positive_rate", file
            case evaluationsSince = "evaluations_since"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            metric = try c.decode(ValidationMetric.self, forKey: .metric)
            let metrics = EvaluationMetrics(count: try c.decode(Int.self, forKey: .count), logloss: try c.decode(Double.self, forKey: .logloss),
                                            auc: try c.decode(Double.self, forKey: .auc), accuracy: try c.decode(Double.self, forKey: .accuracy),
                                            meanPrediction: try c.decode(Double.self, forKey: .meanPrediction),
                                            positiveRate: try c.decode(Double.self, forKey: .positiveRate))
            point = ValidationPoint(step: try c.decode(Int.self, forKey: .step), epoch: try c.decode(Int.self, forKey: .epoch),
                                    examples: try c.decode(Int.self, forKey: .examples), metrics: metrics)
            file = try c.decodeIfPresent(String.self, forKey: .file)
            evaluationsSince = try c.decode(Int.self, forKey: .evaluationsSince)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(metric, forKey: .metric)
            try c.encode(point.step, forKey: .step)
            try c.encode(point.epoch, forKey: .epoch)
            try c.encode(point.examples, forKey: .examples)
            let m = point.metrics
            try c.encode(m.count, forKey: .count)
            try c.encode(m.logloss, forKey: .logloss)
            try c.encode(m.auc, forKey: .auc)
            try c.encode(m.accuracy, forKey: .accuracy)
            try c.encode(m.meanPrediction, forKey: .meanPrediction)
            try c.encode(m.positiveRate, forKey: .positiveRate)
            try c.encodeIfPresent(file, forKey: .file)
            try c.encode(evaluationsSince, forKey: .evaluationsSince)
        }

        /// The metadata value (nil when a figure is not finite: JSON cannot hold it, and such an
        /// evaluation is never a best anyway).
        public var metadataValue: String? {
            let m = point.metrics
            guard [m.logloss, m.auc, m.accuracy, m.meanPrediction, m.positiveRate].allSatisfy(\.isFinite) else { return nil }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// The best evaluation recorded in a checkpoint saved at `step` after `examples`, checked as
    /// fitting can produce it; nil when the checkpoint predates the record.
    public static func best(in metadata: [String: String], path: String, step: Int, examples: Int) throws -> Best? {
        guard let text = metadata[bestKey] else { return nil }
        let best: Best
        do { best = try JSONDecoder().decode(Best.self, from: Data(text.utf8)) } catch {
            throw CheckpointError(path: path, "metadata '\(bestKey)' is not valid: \(error)")
        }
        let p = best.point, m = p.metrics
        let problem: String? =
            !(0...step).contains(p.step) ? "its step \(p.step) is not within the checkpoint's 0…\(step)"
            : !(0...examples).contains(p.examples) || p.epoch < 0 ? "its epoch or examples are out of range"
            : m.count < 1 ? "its validation row count is \(m.count)"
            : !(m.logloss.isFinite && m.logloss >= 0) ? "its logloss \(m.logloss) is not a loss"
            : ![m.auc, m.accuracy, m.meanPrediction, m.positiveRate].allSatisfy({ (0...1).contains($0) })
                ? "its AUC, accuracy, mean prediction or positive rate is outside 0…1"
            : best.evaluationsSince < 0 ? "its evaluations since the best (\(best.evaluationsSince)) are negative"
            : nil
        if let problem { throw CheckpointError(path: path, "metadata '\(bestKey)': \(problem)") }
        return best
    }
}

extension CheckpointMetadata {
    /// Metadata key of the kept fraction of negatives the model was trained with (a decimal
    /// number in (0, 1]; `RunConfig.negativeSamplingRate`), written only when below 1. Every
    /// probability read from the model is corrected by it (`Calibration`).
    public static let negativeSamplingKey = "negative_sampling"

    /// The metadata value of `rate` (nil: no sampling, no key).
    public static func negativeSamplingValue(_ rate: Double) -> String? { rate == 1 ? nil : "\(rate)" }

    /// The calibration of a checkpoint: its recorded rate, checked to be a kept fraction and to
    /// agree with its recorded config; without the key (no sampling, or an earlier wdl), the
    /// config's rate.
    public static func calibration(in metadata: [String: String], config: RunConfig, path: String) throws -> Calibration {
        let configured = config.negativeSamplingRate
        guard let text = metadata[negativeSamplingKey] else {
            guard configured > 0 && configured <= 1 else {
                throw CheckpointError(path: path, "the recorded config's negative sampling \(configured) is not in (0, 1]")
            }
            return Calibration(negativeSampling: configured)
        }
        guard let rate = Double(text), rate.isFinite, rate > 0, rate <= 1 else {
            throw CheckpointError(path: path, "metadata '\(negativeSamplingKey)' is '\(text)', not a kept fraction in (0, 1]")
        }
        guard rate == configured else {
            throw CheckpointError(path: path, "metadata '\(negativeSamplingKey)' (\(text)) disagrees with the recorded config's \(configured)")
        }
        return Calibration(negativeSampling: rate)
    }
}

extension LoadedCheckpoint {
    /// The probability correction for this model's negative sampling (`CheckpointMetadata.calibration`).
    public func calibration() throws -> Calibration {
        try CheckpointMetadata.calibration(in: metadata, config: config, path: path)
    }
}
