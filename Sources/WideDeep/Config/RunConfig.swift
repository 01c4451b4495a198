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

    /// The top-level keys through `ConfigSchema`, then each section present.
    public init(from decoder: Decoder) throws {
        try ConfigSchema.decode(section: "", from: decoder, into: &self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let data = try c.decodeIfPresent(DataConfig.self, forKey: .data) { self.data = data }
        if let features = try c.decodeIfPresent(FeatureConfig.self, forKey: .features) { self.features = features }
        if let model = try c.decodeIfPresent(ModelConfig.self, forKey: .model) { self.model = model }
        if let optim = try c.decodeIfPresent(OptimConfig.self, forKey: .optim) { self.optim = optim }
        if let train = try c.decodeIfPresent(TrainConfig.self, forKey: .train) { self.train = train }
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

    // Sample weights, negative downsampling and the test set (README, "Sample weights, negative downsampling, a test set").
    /// Scored once at the end with the model the run keeps; never picks the best nor stops early.
    public var test: String?
    /// CSV: a numeric column scaling each row's loss and gradient and its share of every metric
    /// (non-negative; a row of weight 0 is read and left out).
    public var weight: String?
    /// The kept fraction of negatives of the training data as given (downsampled upstream), in (0, 1].
    public var negativeSampling: Double?
    /// A kept fraction of negatives to sample while reading the training data (seeded), in (0, 1].
    public var sampleNegatives: Double?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case format, train, valid, label, positive, negative, delimiter
        case missing, maxSkipped = "max_skipped", holdoutBy = "holdout_by"
        case test, weight, negativeSampling = "negative_sampling", sampleNegatives = "sample_negatives"
    }

    /// The section read through `ConfigSchema` (absent keys keep their defaults).
    public init(from decoder: Decoder) throws {
        var config = RunConfig()
        try ConfigSchema.decode(section: "data", from: decoder, into: &config)
        self = config.data
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

    /// The section read through `ConfigSchema` (absent keys keep their defaults).
    public init(from decoder: Decoder) throws {
        var config = RunConfig()
        try ConfigSchema.decode(section: "features", from: decoder, into: &config)
        self = config.features
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

    /// The section read through `ConfigSchema` (absent keys keep their defaults).
    public init(from decoder: Decoder) throws {
        var config = RunConfig()
        try ConfigSchema.decode(section: "model", from: decoder, into: &config)
        self = config.model
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

    /// The section read through `ConfigSchema` (absent keys keep their defaults).
    public init(from decoder: Decoder) throws {
        var config = RunConfig()
        try ConfigSchema.decode(section: "train", from: decoder, into: &config)
        self = config.train
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
