import Foundation

/// Everything that defines a run, as written in the YAML run config (see the README). Every key
/// is optional in the file; what is absent takes the default shown here. Paths are resolved
/// against the config file's folder when loaded from a file.
public struct RunConfig: Sendable, Equatable, Codable {
    public var name: String?
    public var data = DataConfig()
    public var features = FeatureConfig()
    public var model = ModelConfig()
    public var optim = OptimConfig()
    public var train = TrainConfig()

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        data = try c.decodeIfPresent(DataConfig.self, forKey: .data) ?? DataConfig()
        features = try c.decodeIfPresent(FeatureConfig.self, forKey: .features) ?? FeatureConfig()
        model = try c.decodeIfPresent(ModelConfig.self, forKey: .model) ?? ModelConfig()
        optim = try c.decodeIfPresent(OptimConfig.self, forKey: .optim) ?? OptimConfig()
        train = try c.decodeIfPresent(TrainConfig.self, forKey: .train) ?? TrainConfig()
    }
}

public enum DataFormat: String, Sendable, Codable, CaseIterable {
    case csv
    case criteo
}

public struct DataConfig: Sendable, Equatable, Codable {
    public var format: DataFormat = .csv
    public var train: String?
    public var valid: String?
    /// CSV: the label column's name.
    public var label: String = "label"
    /// Label values meaning 1.
    public var positive: [String] = ["1"]
    /// Label values meaning 0. When absent: `["0"]` if `positive` is the default `["1"]`,
    /// otherwise every non-empty value that is not positive.
    public var negative: [String]?
    /// CSV field separator (one character).
    public var delimiter: String = ","
    // Missing values, data loss and the held-out split (docs/data.md).
    /// Field values that mean "missing" (the empty field always does): numerics read them as
    /// missing (NaN: the missing bucket, the imputed mean), categoricals as the missing category.
    public var missing: [String] = DataConfig.defaultMissing
    /// Most malformed rows a file may have before a run (or eval, predict) stops.
    public var maxSkipped: SkippedRowsLimit = .default
    /// Without `valid`: hold out the rows with the latest values of this time column rather than
    /// the last rows in file order.
    public var holdoutBy: String?

    /// What pandas, R and SQL dumps write for a missing value. Not "?", "-", "None", "N/A": they
    /// are real categories often enough (the bundled Adult data's "?" is one) to need asking for.
    public static let defaultMissing = ["", "NA", "NaN", "nan", "null", "NULL", "\\N"]

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case format, train, valid, label, positive, negative, delimiter
        case missing, maxSkipped = "max_skipped", holdoutBy = "holdout_by"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decodeIfPresent(DataFormat.self, forKey: .format) ?? .csv
        train = try c.decodeIfPresent(String.self, forKey: .train)
        valid = try c.decodeIfPresent(String.self, forKey: .valid)
        label = try c.decodeIfPresent(String.self, forKey: .label) ?? "label"
        positive = try c.decodeIfPresent(OneOrMany.self, forKey: .positive)?.values ?? ["1"]
        negative = try c.decodeIfPresent(OneOrMany.self, forKey: .negative)?.values
        delimiter = try c.decodeIfPresent(String.self, forKey: .delimiter) ?? ","
        guard delimiter.utf8.count == 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: .delimiter, in: c, debugDescription: "delimiter must be one ASCII character")
        }
        missing = try c.decodeIfPresent(OneOrMany.self, forKey: .missing)?.values ?? DataConfig.defaultMissing
        if let text = try c.decodeIfPresent(String.self, forKey: .maxSkipped) {
            guard let limit = SkippedRowsLimit(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .maxSkipped, in: c, debugDescription: SkippedRowsLimit.syntax)
            }
            maxSkipped = limit
        }
        holdoutBy = try c.decodeIfPresent(String.self, forKey: .holdoutBy)
    }
}

/// A YAML scalar or list of scalars read as strings (`positive: 1` and `positive: ["1"]`).
struct OneOrMany: Decodable {
    var values: [String]
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let list = try? c.decode([String].self) { values = list } else { values = [try c.decode(String.self)] }
    }
}

public struct FeatureConfig: Sendable, Equatable, Codable {
    public var categorical: [String] = []
    public var numeric: [String] = []
    /// Multi-valued categorical columns and their value separators, e.g. `{genres: "|"}`.
    public var multiValued: [String: String] = [:]
    public var ignore: [String] = []
    /// Numeric columns given log1p before standardization (counts). Criteo: all I columns.
    public var log: [String] = []
    /// Bucketized numerics for the wide part.
    public var buckets: [String: BucketSpec] = [:]
    /// Cross-product transformations: groups of two or more categorical or bucketized fields.
    public var crosses: [[String]] = []
    public var hashBuckets: Int = 1 << 20
    public var embeddingBuckets: Int = 100_000

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case categorical, numeric, multiValued = "multi_valued", ignore, log, buckets, crosses
        case hashBuckets = "hash_buckets", embeddingBuckets = "embedding_buckets"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        categorical = try c.decodeIfPresent([String].self, forKey: .categorical) ?? []
        numeric = try c.decodeIfPresent([String].self, forKey: .numeric) ?? []
        multiValued = try c.decodeIfPresent([String: String].self, forKey: .multiValued) ?? [:]
        ignore = try c.decodeIfPresent([String].self, forKey: .ignore) ?? []
        log = try c.decodeIfPresent([String].self, forKey: .log) ?? []
        buckets = try c.decodeIfPresent([String: BucketSpec].self, forKey: .buckets) ?? [:]
        crosses = try c.decodeIfPresent([[String]].self, forKey: .crosses) ?? []
        hashBuckets = try c.decodeIfPresent(Int.self, forKey: .hashBuckets) ?? 1 << 20
        embeddingBuckets = try c.decodeIfPresent(Int.self, forKey: .embeddingBuckets) ?? 100_000
    }
}

public struct ModelConfig: Sendable, Equatable, Codable {
    public var mode: ModelMode = .wideDeep
    public var embeddingDim: Int = 8
    public var hidden: [Int] = [100, 50]
    /// Dropout rate of the hidden layers' outputs in training (`DeepRegularization.dropout`).
    public var dropout: Double = 0

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mode, embeddingDim = "embedding_dim", hidden, dropout
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mode = try c.decodeIfPresent(ModelMode.self, forKey: .mode) ?? .wideDeep
        embeddingDim = try c.decodeIfPresent(Int.self, forKey: .embeddingDim) ?? 8
        hidden = try c.decodeIfPresent([Int].self, forKey: .hidden) ?? [100, 50]
        dropout = try c.decodeIfPresent(Double.self, forKey: .dropout) ?? 0
    }
}

public struct TrainConfig: Sendable, Equatable, Codable {
    /// The run's total number of epochs.
    public var epochs: Int = 10
    public var batchSize: Int = 256
    /// Training examples between validation passes (there is one at every epoch end too);
    /// 0 evaluates at epoch ends only.
    public var evalEvery: Int = 20_000
    public var seed: UInt64 = 42
    public var threads: Int = 2
    /// Shuffle the training rows at every epoch (seeded).
    public var shuffle: Bool = true
    /// Stop at the first malformed row instead of skipping and counting it.
    public var strict: Bool = false
    /// Folder for TensorBoard scalars (`--tensorboard`); nil writes none.
    public var tensorboard: String?
    /// Early stopping: end the run after this many evaluations without improvement of
    /// `earlyStopMetric`, with the best state restored; 0 trains every epoch.
    public var earlyStop: Int = 0
    public var earlyStopMetric: ValidationMetric = .logloss
    /// Divergence beyond NaN: the run diverges when its smoothed training loss (or its validation
    /// logloss) climbs past this multiple of the lowest it has been; 0 turns the rule off.
    public var divergenceFactor: Double = 5

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case epochs, batchSize = "batch_size", evalEvery = "eval_every", seed, threads, shuffle, strict
        case earlyStop = "early_stop", earlyStopMetric = "early_stop_metric", divergenceFactor = "divergence_factor"
        case tensorboard
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? 10
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? 256
        evalEvery = try c.decodeIfPresent(Int.self, forKey: .evalEvery) ?? 20_000
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 42
        threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? 2
        shuffle = try c.decodeIfPresent(Bool.self, forKey: .shuffle) ?? true
        strict = try c.decodeIfPresent(Bool.self, forKey: .strict) ?? false
        tensorboard = try c.decodeIfPresent(String.self, forKey: .tensorboard)
        earlyStop = try c.decodeIfPresent(Int.self, forKey: .earlyStop) ?? 0
        earlyStopMetric = try c.decodeIfPresent(ValidationMetric.self, forKey: .earlyStopMetric) ?? .logloss
        divergenceFactor = try c.decodeIfPresent(Double.self, forKey: .divergenceFactor) ?? 5
    }
}

/// A validation figure a run can be judged by (early stopping, the best checkpoint).
public enum ValidationMetric: String, Sendable, Codable, CaseIterable {
    case logloss
    case auc

    /// The metric's value in `metrics`.
    public func value(in metrics: EvaluationMetrics) -> Double {
        switch self {
        case .logloss: metrics.logloss
        case .auc: metrics.auc
        }
    }

    /// Whether `candidate` is strictly better than `best` (lower logloss, higher AUC); a NaN
    /// candidate never is, anything finite beats a NaN best.
    public func improves(_ candidate: Double, on best: Double) -> Bool {
        guard !candidate.isNaN else { return false }
        guard !best.isNaN else { return true }
        return self == .logloss ? candidate < best : candidate > best
    }
}
