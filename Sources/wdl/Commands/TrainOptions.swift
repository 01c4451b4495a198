import ArgumentParser
import Foundation
import WideDeep

/// The run config file and every flag that overrides one of its values.
struct RunConfigOptions: ParsableArguments {
    @Option(name: .long, help: "YAML run config (default: the bundled sample-data/adult/adult.yaml, or none with --format criteo).")
    var config: String?

    @Option(name: .long, help: "Data format: criteo | csv (default: the config's, else csv).")
    var format: DataFormat?

    @Option(name: .long, help: "Training data: a file (plain, gzip or zstd), a folder or glob of part files, a comma-separated list, or - for standard input (default: the config's data.train).")
    var train: String?

    @Option(name: .long, help: "Validation data, in the same forms as --train (default: the config's data.valid; without one, the last 10% of the training rows).")
    var valid: String?

    @Option(name: .long, help: "Test data file, scored once at the end with the model the run keeps; it picks no best model and stops nothing (default: the config's data.test, else none).")
    var test: String?

    @Option(name: .long, parsing: .unconditional, help: "Keep this fraction of the training negatives, sampled while reading (seeded); every probability wdl reports is corrected for it (sets data.sample_negatives).")
    var negativeSampling: Double?

    @Option(name: .long, help: "Which parts train: wide | deep | wide-deep (default: the config's, else wide-deep).")
    var mode: ModelMode?

    @Option(name: .long, parsing: .unconditional, help: "Total epochs of the run (default: the config's, else 10).")
    var epochs: Int?

    @Option(name: .long, parsing: .unconditional, help: "Minibatch size (default: the config's, else 256).")
    var batchSize: Int?

    @Option(name: .long, parsing: .unconditional, help: "Embedding dimension (default: the config's, else 8; 16 for criteo without a config).")
    var embeddingDim: Int?

    @Option(name: .long, help: "Hidden layer sizes, comma-separated, e.g. 256,128 (default: the config's, else 100,50).")
    var hidden: HiddenLayers?

    @Option(name: .long, help: "A cross of two or more fields joined by ':', e.g. C5:C8 (repeatable; replaces the config's crosses).")
    var cross: [CrossSpec] = []

    @Option(name: .long, parsing: .unconditional, help: "Size of the hashed wide space (default: the config's, else 1048576).")
    var hashBuckets: Int?

    @Option(name: .long, parsing: .unconditional, help: "FTRL α, the wide learning rate (default: the config's, else 0.05).")
    var ftrlAlpha: Double?

    @Option(name: .long, parsing: .unconditional, help: "FTRL β (default: the config's, else 1.0).")
    var ftrlBeta: Double?

    @Option(name: .long, parsing: .unconditional, help: "FTRL λ1, L1 strength (default: the config's, else 0.1).")
    var ftrlL1: Double?

    @Option(name: .long, parsing: .unconditional, help: "FTRL λ2, L2 strength (default: the config's, else 1.0).")
    var ftrlL2: Double?

    @Option(name: .long, parsing: .unconditional, help: "Deep part learning rate (default: the config's, else 0.05).")
    var deepLr: Double?

    @Option(name: .long, help: "Deep optimizer: adagrad | adam | sgd | rmsprop (default: the config's, else adagrad).")
    var deepOptimizer: DeepOptimizerName?

    @Option(name: .long, parsing: .unconditional, help: "Training examples between validation passes, 0 for epoch ends only (default: the config's, else 20000).")
    var evalEvery: Int?

    @Option(name: .long, parsing: .unconditional, help: "Dropout rate of the deep part's hidden layers in training, 0…0.9 (default: the config's model.dropout, else 0).")
    var dropout: Double?

    @Option(name: .long, parsing: .unconditional, help: "L2 on the deep part's dense weights (default: the config's optim.deep.l2, else 0).")
    var deepL2: Double?

    @Option(name: .long, parsing: .unconditional, help: "L2 on the embedding rows each step touches (default: the config's optim.deep.embedding_l2, else 0).")
    var embeddingL2: Double?

    @Option(name: .long, parsing: .unconditional, help: "Stop after N evaluations without improvement and end on the best state; 0 is off (default: the config's train.early_stop, else 0).")
    var earlyStop: Int?

    @Option(name: .long, help: "What early stopping and best.safetensors judge by: logloss | auc (default: the config's, else logloss).")
    var earlyStopMetric: ValidationMetric?

    @Option(name: .long, parsing: .unconditional, help: "The run diverges when its smoothed training loss or validation logloss climbs past this multiple of its best (and past ln 2); 0 is off (default: the config's train.divergence_factor, else 5).")
    var divergenceFactor: Double?

    @Option(name: .long, parsing: .unconditional, help: "Threads (default: the config's, else 2).")
    var threads: Int?

    @Option(name: .long, parsing: .unconditional, help: "Random seed (default: the config's, else 42).")
    var seed: UInt64?

    @Flag(name: .long, help: "Stop at the first malformed row instead of skipping and counting it.")
    var strict = false

    @Option(name: .long, help: "Most malformed rows a file may lose before the run stops: a fraction (0.05, 5%) or a count (250) (default: the config's data.max_skipped, else 1%).")
    var maxSkipped: SkippedRowsLimit?

    /// The config after the file and every override.
    func resolve() throws -> RunConfig {
        var config: RunConfig
        if let path = config_ {
            config = try RunConfigLoader.load(path: path)
        } else if format == .criteo {
            config = RunConfig.criteoDefault()
        } else if let train {
            // The bundled Adult config would be applied to a file it does not describe.
            throw ValidationError("""
                --train \(train) needs a config saying which column is the label and what the others are \
                (only --format criteo has a built-in one). Write one from the data, review it, and train:
                  wdl init --from \(train) --out run.yaml
                  wdl train --config run.yaml
                """)
        } else {
            config = try RunConfigLoader.load(path: try BundledData.defaultConfigPath())
        }
        if let format, format != config.data.format {
            if format == .criteo && config_ == nil { config = RunConfig.criteoDefault() }
            config.data.format = format
        }
        if let mode { config.model.mode = mode }
        if let embeddingDim { config.model.embeddingDim = embeddingDim }
        if let hidden { config.model.hidden = hidden.sizes }
        if !cross.isEmpty { config.features.crosses = cross.map(\.fields) }
        if let hashBuckets { config.features.hashBuckets = hashBuckets }
        if let deepOptimizer { config.optim.deep.name = deepOptimizer }
        if let seed { config.train.seed = seed }
        if let negativeSampling { config.data.sampleNegatives = negativeSampling }
        applyRunOverrides(to: &config)
        return config
    }

    /// The overrides that leave the feature layout and the model's shapes alone: data paths,
    /// schedule, hyperparameters, threads. A resumed run accepts only these.
    private func applyRunOverrides(to config: inout RunConfig) {
        if let train { config.data.train = train }
        if let valid { config.data.valid = valid }
        if let test { config.data.test = test }
        if let epochs { config.train.epochs = epochs }
        if let batchSize { config.train.batchSize = batchSize }
        if let ftrlAlpha { config.optim.wide.alpha = ftrlAlpha }
        if let ftrlBeta { config.optim.wide.beta = ftrlBeta }
        if let ftrlL1 { config.optim.wide.l1 = ftrlL1 }
        if let ftrlL2 { config.optim.wide.l2 = ftrlL2 }
        if let deepLr { config.optim.deep.lr = deepLr }
        if let evalEvery { config.train.evalEvery = evalEvery }
        if let dropout { config.model.dropout = dropout }
        if let deepL2 { config.optim.deep.l2 = deepL2 }
        if let embeddingL2 { config.optim.deep.embeddingL2 = embeddingL2 }
        if let earlyStop { config.train.earlyStop = earlyStop }
        if let earlyStopMetric { config.train.earlyStopMetric = earlyStopMetric }
        if let divergenceFactor { config.train.divergenceFactor = divergenceFactor }
        if let threads { config.train.threads = threads }
        if strict { config.train.strict = true }
        if let maxSkipped { config.data.maxSkipped = maxSkipped }
    }

    private var config_: String? { config }

    /// The config saved in a checkpoint, with the overrides that do not change the feature layout
    /// or the model's shapes; any other flag is an error naming it.
    func resolve(resuming path: String) throws -> RunConfig {
        var saved = try CheckpointMetadata.config(of: path)
        let layoutFlags: [(Bool, String)] = [
            (config != nil, "--config"), (format != nil, "--format"), (mode != nil, "--mode"),
            (embeddingDim != nil, "--embedding-dim"), (hidden != nil, "--hidden"), (!cross.isEmpty, "--cross"),
            (hashBuckets != nil, "--hash-buckets"), (deepOptimizer != nil, "--deep-optimizer"),
        ]
        if let flag = layoutFlags.first(where: { $0.0 })?.1 {
            throw ValidationError("\(flag) cannot change when resuming: it would alter the saved model's layout (\(path))")
        }
        if seed != nil {
            // The seed only starts a run; a resumed one continues the checkpoint's random state.
            throw ValidationError("--seed cannot be given when resuming: the run continues the random state saved in \(path) (its data order and dropout masks), so that it trains as the uninterrupted run would; start a new run for another seed")
        }
        applyRunOverrides(to: &saved)
        return saved
    }

    /// Checks each given flag against its config key's range (`RunConfig.integerRanges`, the
    /// hyperparameter table), so a flag and a config file admit the same values.
    func validate() throws {
        let integers: [(flag: String, value: Int?)] = [
            ("--epochs", epochs), ("--batch-size", batchSize), ("--embedding-dim", embeddingDim),
            ("--hash-buckets", hashBuckets), ("--threads", threads), ("--eval-every", evalEvery),
            ("--early-stop", earlyStop),
        ]
        for (flag, value) in integers {
            guard let value, let entry = RunConfig.integerRanges.first(where: { $0.flag == flag }) else { continue }
            guard entry.range.contains(value) else {
                throw ValidationError("\(flag) must be \(entry.range.lowerBound)…\(entry.range.upperBound), got \(value)")
            }
        }
        if let sizes = hidden?.sizes, sizes.count > RunConfig.maxHiddenLayers || !sizes.allSatisfy(RunConfig.hiddenUnits.contains) {
            throw ValidationError("--hidden takes at most \(RunConfig.maxHiddenLayers) layers of 1…65536 units each, got \(sizes)")
        }
        let rates: [(flag: String, value: Double?, parameter: Hyperparameter)] = [
            ("--ftrl-alpha", ftrlAlpha, .ftrlAlpha), ("--ftrl-beta", ftrlBeta, .ftrlBeta), ("--ftrl-l1", ftrlL1, .ftrlL1),
            ("--ftrl-l2", ftrlL2, .ftrlL2), ("--deep-lr", deepLr, .deepLearningRate), ("--dropout", dropout, .dropout),
            ("--deep-l2", deepL2, .deepL2),
        ]
        for (flag, value, parameter) in rates {
            if let value, let message = parameter.validate(value) { throw ValidationError("\(flag): \(message)") }
        }
    }
}

extension DataFormat: ExpressibleByArgument {}
extension ModelMode: ExpressibleByArgument {}

extension DeepOptimizerName: ExpressibleByArgument {}
extension ValidationMetric: ExpressibleByArgument {}

struct HiddenLayers: ExpressibleByArgument {
    var sizes: [Int]
    init?(argument: String) {
        // Empty items are refused (`10,,5`), not skipped.
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
        sizes = parts.map { $0! }
    }
    static var defaultCompletionKind: CompletionKind { .default }
}

struct CrossSpec: ExpressibleByArgument {
    var fields: [String]
    init?(argument: String) {
        fields = argument.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 2, fields.allSatisfy({ !$0.isEmpty }) else { return nil }
    }
}

extension SkippedRowsLimit: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
