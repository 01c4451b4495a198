import Foundation

/// What a session reports to its `onRecord` listener as the run goes; the same records make the
/// metrics log (`MetricsLog`).
public enum RunRecord: Sendable {
    case evaluation(record: Evaluation)
    case event(RunEvent)
    /// The test set scored at the run's end (`data.test`); its figures are also in the final
    /// evaluation record's `test_*` keys.
    case test(Test)

    /// The test set's figures and the step of the model that scored them.
    public struct Test: Sendable {
        public var step: Int
        public var file: String
        public var metrics: EvaluationMetrics

        /// As the metrics log's final record names them.
        public var figures: [String: Double] {
            ["test_logloss": metrics.logloss, "test_auc": metrics.auc, "test_accuracy": metrics.accuracy,
             "test_mean_prediction": metrics.meanPrediction, "test_positive_rate": metrics.positiveRate]
                .filter { $0.value.isFinite }
        }
    }

    /// Where the run was when a record was made.
    public struct Context: Sendable, Equatable {
        public var step: Int
        public var epoch: Int
        public var examples: Int
        /// Seconds since the session started.
        public var seconds: Double
        /// Processes training together (1 alone) and the minibatch of a step over all of them.
        public var ranks = 1
        public var batch = 0
    }

    /// One validation pass, with the training figures since the previous one.
    public struct Evaluation: Sendable, Encodable {
        public var context: Context
        /// Training examples per second of training time over the session.
        public var examplesPerSecond: Double
        /// Mean training logloss since the previous evaluation (NaN when no step ran since).
        public var trainLoss: Double
        public var metrics: EvaluationMetrics
        public var wideNonzero: Int
        public var wideTouched: Int
        public var wideTotal: Int
        public var skippedRows: Int
        public var hyperparameters: [HyperparameterValue]
        /// The best evaluation so far (this one included) by `bestMetric`.
        public var best: ValidationPoint?
        public var bestMetric: ValidationMetric
        /// The run's last evaluation.
        public var final: Bool
        /// Bytes this rank exchanged with the others, in a multi-process job.
        public var exchange: ExchangeTraffic?
        /// The final record only: the test set's figures (`data.test`) with the model the run ends on.
        public var test: EvaluationMetrics? = nil

        public var step: Int { context.step }
        public var epoch: Int { context.epoch }
        public var examples: Int { context.examples }
        public var seconds: Double { context.seconds }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(context)
            try c.encode(examplesPerSecond, "examples_per_sec")
            try c.encode(trainLoss, "train_logloss")
            try c.encode(metrics.logloss, "valid_logloss")
            try c.encode(metrics.auc, "valid_auc")
            try c.encode(metrics.accuracy, "valid_accuracy")
            try c.encode(metrics.meanPrediction, "valid_mean_prediction")
            try c.encode(metrics.positiveRate, "valid_positive_rate")
            try c.encode(wideNonzero, forKey: "wide_nonzero")
            try c.encode(wideTouched, forKey: "wide_touched")
            try c.encode(wideTotal, forKey: "wide_total")
            try c.encode(skippedRows, forKey: "skipped_rows")
            for value in hyperparameters { try c.encode(value.value, JSONKey(value.parameter.rawValue)) }
            if let best {
                try c.encode(best.metrics.auc, "best_valid_auc")
                try c.encode(best.metrics.logloss, "best_valid_logloss")
                try c.encode(best.step, forKey: "best_step")
                try c.encode(bestMetric.rawValue, forKey: "best_metric")
            }
            if let exchange {
                let perStep = exchange.perStep
                try c.encode(perStep.dense, "exchange_dense_bytes_per_step")
                try c.encode(perStep.wide, "exchange_wide_bytes_per_step")
                try c.encode(perStep.embeddings, "exchange_embedding_bytes_per_step")
                try c.encode(exchange.seconds / Double(max(1, exchange.steps)), "exchange_seconds_per_step")
            }
            if let test {
                try c.encode(test.count, forKey: "test_rows")
                try c.encode(test.logloss, "test_logloss")
                try c.encode(test.auc, "test_auc")
                try c.encode(test.accuracy, "test_accuracy")
                try c.encode(test.meanPrediction, "test_mean_prediction")
                try c.encode(test.positiveRate, "test_positive_rate")
            }
            if final { try c.encode(true, forKey: "final") }
        }
    }

    /// The metrics log's first line: the run's name and its resolved config (every default filled
    /// in), so a log says which settings made it.
    struct Start: Encodable {
        var runName: String
        var config: RunConfig
        var context: Context

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode("start", forKey: "event")
            try c.encode(runName, forKey: "run")
            try c.encode(config, forKey: "config")
            try c.encode(context)
        }
    }

    /// The metrics log's last line for a run that ended without its final evaluation (it
    /// diverged or failed), so a reader of the log knows the run is over and how it ended.
    struct End: Encodable {
        var state: RunState
        var message: String
        var context: Context

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode("end", forKey: "event")
            try c.encode(state.rawValue.lowercased(), forKey: "state")
            try c.encode(message, forKey: "message")
            try c.encode(context)
        }
    }

    /// An event as the metrics log writes it: what happened, where, and its details.
    struct EventLine: Encodable {
        var event: RunEvent
        var context: Context
        var detail: RunEvent.Detail?
        /// Who sent the command the event records, when one did.
        var source: CommandSource?

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(event.kind.rawValue, forKey: "event")
            try c.encode(event.message, forKey: "message")
            try c.encode(context)
            switch detail {
            case .hyperparameter(let parameter, let from, let to):
                try c.encode(parameter.rawValue, forKey: "parameter")
                try c.encode(from, "from")
                try c.encode(to, "to")
            case .checkpoint(let path, let step):
                try c.encode(path, forKey: "path")
                try c.encode(step, forKey: "saved_step")
            case nil:
                break
            }
            try c.encodeIfPresent(source?.description, forKey: "source")
        }
    }
}

/// A JSON object key given as a string (the metrics log's keys are its documented format).
struct JSONKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init(stringLiteral value: String) { stringValue = value }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedEncodingContainer<JSONKey> {
    /// JSON has no NaN or infinity: such a value is written as null.
    mutating func encode(_ value: Double, _ key: JSONKey) throws {
        if value.isFinite { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }

    mutating func encode(_ context: RunRecord.Context) throws {
        try encode(context.step, forKey: "step")
        try encode(context.epoch, forKey: "epoch")
        try encode(context.examples, forKey: "examples")
        try encode(context.seconds, "seconds")
        try encode(context.ranks, forKey: "ranks")
        try encode(context.batch, forKey: "batch")
    }
}
