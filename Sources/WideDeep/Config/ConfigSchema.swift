import Foundation

/// The run config's keys, each once (see `ConfigKey`), in the order of the YAML sections.
/// A new key is one entry here plus its `RunConfig` property (and its `CodingKeys` case, which
/// writes it out; a test holds the two lists equal).
public enum ConfigSchema {
    /// Every key, section by section.
    public static let keys: [ConfigKey] = top + data + features + model + optim + train

    /// The sections, in the file's order (`""` is the top level).
    public static let sections = ["", "data", "features", "model", "optim", "optim.wide", "optim.deep", "train"]

    /// The keys of `section` that are values (the nested sections are not listed).
    public static func keys(in section: String) -> [ConfigKey] { keys.filter { $0.section == section } }

    /// The key with this flag (`--epochs`).
    public static func key(flag: String) -> ConfigKey? { keys.first { $0.flag == flag } }

    /// The key at this path (`train.epochs`).
    public static func key(path: String) -> ConfigKey? { keys.first { $0.path == path } }

    /// Reads `section`'s keys from `decoder` into `config` (what is absent keeps its value).
    static func decode(section: String, from decoder: Decoder, into config: inout RunConfig) throws {
        let container = try decoder.container(keyedBy: SchemaCodingKey.self)
        for key in keys(in: section) { try key.decode(from: container, into: &config) }
    }

    private static let top: [ConfigKey] = [
        .optional("name", \.name, type: "string", whenAbsent: "the training file's name", "The run's name, shown on screen and in run records."),
    ]

    private static let data: [ConfigKey] = [
        .value("data.format", \.data.format, type: "csv | criteo", flag: "--format", onResume: .changesLayout,
               "Data format."),
        .optional("data.train", \.data.train, type: "path", flag: "--train",
                  "Training data: a file (plain, gzip or zstd), a folder or glob of part files, a comma-separated list, or - for standard input."),
        .optional("data.valid", \.data.valid, type: "path", flag: "--valid", whenAbsent: "the last 10% of the training rows",
                  "Validation data, in the same forms as --train."),
        .value("data.label", \.data.label, type: "string", "CSV: the label column's name."),
        .converted("data.positive", \.data.positive, from: OneOrMany.self, type: "string or list of strings",
                   "Label values meaning 1.") { written, _ in written.values },
        .converted("data.negative", \.data.negative, from: OneOrMany.self, type: "string or list of strings",
                   "Label values meaning 0; absent: \"0\" when positive is the default, else every other non-empty value.") { written, _ in written.values },
        .converted("data.delimiter", \.data.delimiter, from: String.self, type: "one character",
                   "CSV field separator.") { text, container in
            guard text.utf8.count == 1 else { throw ConfigKey.refused("delimiter", in: container, "delimiter must be one ASCII character") }
            return text
        },
        .converted("data.missing", \.data.missing, from: OneOrMany.self, type: "string or list of strings",
                   "Field values read as missing (the empty field always is).") { written, _ in written.values },
        .converted("data.max_skipped", \.data.maxSkipped, from: String.self, type: "share or count", flag: "--max-skipped",
                   "Most malformed rows a file may lose before the run stops: a fraction (0.05, 5%) or a count (250).") { text, container in
            guard let limit = SkippedRowsLimit(text) else { throw ConfigKey.refused("max_skipped", in: container, SkippedRowsLimit.syntax) }
            return limit
        },
        .optional("data.holdout_by", \.data.holdoutBy, type: "column", whenAbsent: "the last rows in file order",
                  "Without valid: hold out the rows with the latest values of this time column."),
        .optional("data.test", \.data.test, type: "path", flag: "--test",
                  "Test data file, scored once at the end with the model the run keeps; it picks no best model and stops nothing."),
        .optional("data.weight", \.data.weight, type: "column",
                  "CSV: a numeric column scaling each row's loss, gradient and share of every metric."),
        .optional("data.negative_sampling", \.data.negativeSampling, type: "number", check: samplingRate("data.negative_sampling"),
                  "The kept fraction of negatives of the training data as given (downsampled upstream), in (0, 1]."),
        .optional("data.sample_negatives", \.data.sampleNegatives, type: "number", flag: "--negative-sampling",
                  check: samplingRate("data.sample_negatives (--negative-sampling)"), onResume: .startOnly,
                  "Keep this fraction of the training negatives, sampled while reading (seeded); every probability wdl reports is corrected for it."),
    ]

    private static let features: [ConfigKey] = [
        .value("features.categorical", \.features.categorical, type: "list of columns", "Categorical columns."),
        .value("features.numeric", \.features.numeric, type: "list of columns", "Numeric columns (standardized)."),
        .value("features.multi_valued", \.features.multiValued, type: "column: separator", "Multi-valued categorical columns and their value separators, e.g. {genres: \"|\"}."),
        .value("features.ignore", \.features.ignore, type: "list of columns", "Columns left out."),
        .value("features.log", \.features.log, type: "list of columns", "Numeric columns given log1p before standardization (counts)."),
        .value("features.buckets", \.features.buckets, type: "column: boundaries or \"quantile:N\"", "Bucketized numerics for the wide part."),
        .value("features.crosses", \.features.crosses, type: "list of lists of columns", flag: "--cross", onResume: .changesLayout,
               "Crosses of two or more categorical or bucketized fields (the flag joins them by ':', e.g. C5:C8, and is repeatable; it replaces the config's)."),
        .value("features.hash_buckets", \.features.hashBuckets, type: "integer", flag: "--hash-buckets",
               check: .integer(1...(1 << 30)), onResume: .changesLayout, inTemplate: true, "Size of the hashed wide space."),
        .value("features.embedding_buckets", \.features.embeddingBuckets, type: "integer", check: .integer(1...(1 << 26)),
               "Cap on embedding rows per categorical field."),
    ]

    private static let model: [ConfigKey] = [
        .value("model.mode", \.model.mode, type: "wide | deep | wide-deep", flag: "--mode", onResume: .changesLayout, inTemplate: true,
               "Which parts train."),
        .value("model.embedding_dim", \.model.embeddingDim, type: "integer", flag: "--embedding-dim", check: .integer(1...1024),
               onResume: .changesLayout, inTemplate: true, "Embedding dimension."),
        .value("model.hidden", \.model.hidden, type: "list of integers", flag: "--hidden", check: .rule { config, name in hiddenLayersProblem(config, naming: name) },
               onResume: .changesLayout, inTemplate: true, "Hidden layer sizes (the flag takes them comma-separated, e.g. 256,128)."),
        .value("model.dropout", \.model.dropout, type: "number", flag: "--dropout", check: .hyperparameter(.dropout),
               "Dropout rate of the deep part's hidden layers in training, 0…0.9."),
    ]

    private static let optim: [ConfigKey] = [
        .converted("optim.wide.name", \.optim.wide.name, from: String.self, type: "ftrl | adagrad | sgd",
                   "The wide part's optimizer.") { text, container in try optimizerName(text, part: "wide", in: container) },
        .value("optim.wide.alpha", \.optim.wide.alpha, type: "number", flag: "--ftrl-alpha", check: .hyperparameter(.ftrlAlpha),
               "FTRL α, the wide learning rate."),
        .value("optim.wide.beta", \.optim.wide.beta, type: "number", flag: "--ftrl-beta", check: .hyperparameter(.ftrlBeta), "FTRL β."),
        .value("optim.wide.l1", \.optim.wide.l1, type: "number", flag: "--ftrl-l1", check: .hyperparameter(.ftrlL1), "FTRL λ1, L1 strength."),
        .value("optim.wide.l2", \.optim.wide.l2, type: "number", flag: "--ftrl-l2", check: .hyperparameter(.ftrlL2), "FTRL λ2, L2 strength."),
        .value("optim.wide.lr", \.optim.wide.lr, type: "number", check: .hyperparameter(.wideLearningRate),
               "The wide part's learning rate when it is AdaGrad or SGD."),
        .value("optim.wide.initial_accumulator", \.optim.wide.initialAccumulator, type: "number", check: .number(0...1e6),
               "Wide AdaGrad's starting accumulator."),
        .value("optim.wide.epsilon", \.optim.wide.epsilon, type: "number", check: .number(1e-12...1), "Wide AdaGrad's ε."),
        .converted("optim.deep.name", \.optim.deep.name, from: String.self, type: DeepOptimizerName.allCases.map(\.rawValue).joined(separator: " | "),
                   flag: "--deep-optimizer", onResume: .changesLayout,
                   "Deep optimizer.") { text, container in try optimizerName(text, part: "deep", in: container) },
        .value("optim.deep.lr", \.optim.deep.lr, type: "number", flag: "--deep-lr", check: .hyperparameter(.deepLearningRate),
               "Deep part learning rate."),
        .value("optim.deep.initial_accumulator", \.optim.deep.initialAccumulator, type: "number", check: .number(0...1e6),
               "Deep AdaGrad's starting accumulator (TensorFlow's initial_accumulator_value)."),
        .value("optim.deep.beta1", \.optim.deep.beta1, type: "number", check: .number(0...0.999_999), "Adam's β1."),
        .value("optim.deep.beta2", \.optim.deep.beta2, type: "number", check: .number(0...0.999_999_999), "Adam's β2."),
        .value("optim.deep.epsilon", \.optim.deep.epsilon, type: "number", check: .number(1e-12...1), "Deep AdaGrad's and Adam's ε."),
        .value("optim.deep.l2", \.optim.deep.l2, type: "number", flag: "--deep-l2", check: .hyperparameter(.deepL2),
               "L2 on the deep part's dense weights."),
        .value("optim.deep.embedding_l2", \.optim.deep.embeddingL2, type: "number", flag: "--embedding-l2",
               check: .hyperparameter(.embeddingL2), "L2 on the embedding rows each step touches."),
    ]

    private static let train: [ConfigKey] = [
        .value("train.epochs", \.train.epochs, type: "integer", flag: "--epochs", check: .integer(1...1_000_000), inTemplate: true,
               "Total epochs of the run."),
        .value("train.batch_size", \.train.batchSize, type: "integer", flag: "--batch-size", check: .integer(1...65_536), inTemplate: true,
               "Minibatch size."),
        .value("train.eval_every", \.train.evalEvery, type: "integer", flag: "--eval-every", check: .integer(0...(1 << 40)),
               "Training examples between validation passes, 0 for epoch ends only."),
        .value("train.seed", \.train.seed, type: "integer", flag: "--seed", onResume: .startOnly, "Random seed."),
        .value("train.threads", \.train.threads, type: "integer", flag: "--threads", check: .integer(1...256), "Threads."),
        .value("train.shuffle", \.train.shuffle, type: "true | false", "Shuffle the training rows at every epoch (seeded)."),
        .value("train.strict", \.train.strict, type: "true | false", flag: "--strict",
               "Stop at the first malformed row instead of skipping and counting it."),
        .value("train.early_stop", \.train.earlyStop, type: "integer", flag: "--early-stop", check: .integer(0...1_000_000),
               "Stop after N evaluations without improvement and end on the best state; 0 is off."),
        .value("train.early_stop_metric", \.train.earlyStopMetric, type: "logloss | auc", flag: "--early-stop-metric",
               "What early stopping and best.safetensors judge by."),
        .value("train.divergence_factor", \.train.divergenceFactor, type: "number", flag: "--divergence-factor",
               check: .rule { config, name in divergenceFactorProblem(config, naming: name) },
               "The run diverges when its smoothed training loss or validation logloss climbs past this multiple of its best (and past ln 2); 0 is off."),
        .optional("train.tensorboard", \.train.tensorboard, type: "folder",
                  "Folder for TensorBoard scalars (relative to the config file)."),
    ]

    // The rules a range cannot say.

    private static func samplingRate(_ name: String) -> ConfigKey.Check {
        .rule { config, _ in
            let rate = name.hasPrefix("data.negative_sampling") ? config.data.negativeSampling : config.data.sampleNegatives
            guard let rate, !(rate.isFinite && rate > 0 && rate <= 1) else { return nil }
            return "\(name) is the kept fraction of negatives, in (0, 1], got \(rate)"
        }
    }

    private static func hiddenLayersProblem(_ config: RunConfig, naming name: String) -> String? {
        let sizes = config.model.hidden
        guard sizes.count > RunConfig.maxHiddenLayers || !sizes.allSatisfy(RunConfig.hiddenUnits.contains) else { return nil }
        return "\(name): at most \(RunConfig.maxHiddenLayers) layers of 1…65536 units each, got \(sizes)"
    }

    private static func divergenceFactorProblem(_ config: RunConfig, naming name: String) -> String? {
        let factor = config.train.divergenceFactor
        guard !(factor == 0 || (factor > 1 && factor <= 1e6)) else { return nil }
        return "\(name) must be 0 (off) or in (1, 1e6], got \(factor)"
    }

    /// A part's optimizer name, refused with the names that part takes (the error names the key).
    private static func optimizerName<Name: RawRepresentable & CaseIterable>(
        _ text: String, part: String, in container: KeyedDecodingContainer<SchemaCodingKey>
    ) throws -> Name where Name.RawValue == String {
        guard let name = Name(rawValue: text) else {
            let accepted = Name.allCases.map(\.rawValue)
            throw ConfigKey.refused("name", in: container,
                                    "the \(part) part takes \(accepted.dropLast().joined(separator: ", ")) or \(accepted.last!), got '\(text)'")
        }
        return name
    }
}
