import ArgumentParser
import Foundation
import WideDeep

/// The run config file and every flag that overrides one of its values.
struct RunConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("YAML run config (default: the bundled \(BundledData.defaultConfig), or none with --format criteo)."))
    var config: String?

    @Option(name: .long, help: ArgumentHelp(ConfigSchema.help(flag: "--format")))
    var format: DataFormat?

    @Option(name: .long, help: ArgumentHelp(ConfigSchema.help(flag: "--train")))
    var train: String?

    @Option(name: .long, help: ArgumentHelp(ConfigSchema.help(flag: "--valid")))
    var valid: String?

    @Option(name: .long, help: ArgumentHelp(ConfigSchema.help(flag: "--test")))
    var test: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--negative-sampling")))
    var negativeSampling: Double?

    @Option(name: .long, help: ArgumentHelp(ConfigSchema.help(flag: "--mode")))
    var mode: ModelMode?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--epochs")))
    var epochs: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--batch-size")))
    var batchSize: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--embedding-dim")))
    var embeddingDim: Int?

    @Option(name: .long, help: ArgumentHelp(ConfigSchema.help(flag: "--hidden")))
    var hidden: HiddenLayers?

    @Option(name: .long, help: ArgumentHelp(ConfigSchema.help(flag: "--cross")))
    var cross: [CrossSpec] = []

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--hash-buckets")))
    var hashBuckets: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--ftrl-alpha")))
    var ftrlAlpha: Double?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--ftrl-beta")))
    var ftrlBeta: Double?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--ftrl-l1")))
    var ftrlL1: Double?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--ftrl-l2")))
    var ftrlL2: Double?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--deep-lr")))
    var deepLr: Double?

    @Option(name: .long, help: ArgumentHelp(ConfigSchema.help(flag: "--deep-optimizer")))
    var deepOptimizer: DeepOptimizerName?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--eval-every")))
    var evalEvery: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--dropout")))
    var dropout: Double?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--deep-l2")))
    var deepL2: Double?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--embedding-l2")))
    var embeddingL2: Double?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--early-stop")))
    var earlyStop: Int?

    @Option(name: .long, help: ArgumentHelp(ConfigSchema.help(flag: "--early-stop-metric")))
    var earlyStopMetric: ValidationMetric?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--divergence-factor")))
    var divergenceFactor: Double?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--threads")))
    var threads: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ConfigSchema.help(flag: "--seed")))
    var seed: UInt64?

    @Flag(name: .long, help: ArgumentHelp(ConfigSchema.help(flag: "--strict")))
    var strict = false

    @Option(name: .long, help: ArgumentHelp(ConfigSchema.help(flag: "--max-skipped")))
    var maxSkipped: SkippedRowsLimit?

    /// Each flag given, by name, with its value as the config holds it; the schema applies it.
    private var given: [(flag: String, value: Any)] {
        let values: [(String, Any?)] = [
            ("--format", format), ("--train", train), ("--valid", valid), ("--test", test),
            ("--negative-sampling", negativeSampling), ("--mode", mode), ("--epochs", epochs), ("--batch-size", batchSize),
            ("--embedding-dim", embeddingDim), ("--hidden", hidden?.sizes), ("--cross", cross.isEmpty ? nil : cross.map(\.fields)),
            ("--hash-buckets", hashBuckets), ("--ftrl-alpha", ftrlAlpha), ("--ftrl-beta", ftrlBeta), ("--ftrl-l1", ftrlL1),
            ("--ftrl-l2", ftrlL2), ("--deep-lr", deepLr), ("--deep-optimizer", deepOptimizer), ("--eval-every", evalEvery),
            ("--dropout", dropout), ("--deep-l2", deepL2), ("--embedding-l2", embeddingL2), ("--early-stop", earlyStop),
            ("--early-stop-metric", earlyStopMetric), ("--divergence-factor", divergenceFactor), ("--threads", threads),
            ("--seed", seed), ("--strict", strict ? true : nil), ("--max-skipped", maxSkipped),
        ]
        return values.compactMap { flag, value in value.map { (flag, $0) } }
    }

    /// The schema's key of a declared flag.
    private static func key(_ flag: String) -> ConfigKey {
        guard let key = ConfigSchema.key(flag: flag) else { preconditionFailure("\(flag) names no config key") }
        return key
    }

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
        if let format, format != config.data.format, format == .criteo && config_ == nil {
            config = RunConfig.criteoDefault()
        }
        for (flag, value) in given { Self.key(flag).set(value, in: &config) }
        return config
    }

    private var config_: String? { config }

    /// The config saved in a checkpoint, with the overrides that do not change the feature layout
    /// or the model's shapes; any other flag is an error naming it.
    func resolve(resuming path: String) throws -> RunConfig {
        var saved = try CheckpointMetadata.config(of: path)
        if config != nil {
            throw ValidationError("--config cannot change when resuming: it would alter the saved model's layout (\(path))")
        }
        for (flag, _) in given where Self.key(flag).onResume == .changesLayout {
            throw ValidationError("\(flag) cannot change when resuming: it would alter the saved model's layout (\(path))")
        }
        if seed != nil {
            // The seed only starts a run; a resumed one continues the checkpoint's random state.
            throw ValidationError("--seed cannot be given when resuming: the run continues the random state saved in \(path) (its data order and dropout masks), so that it trains as the uninterrupted run would; start a new run for another seed")
        }
        for (flag, value) in given where Self.key(flag).onResume == .applies { Self.key(flag).set(value, in: &saved) }
        return saved
    }

    /// Checks each given flag against its config key's range (the schema's), so a flag and a
    /// config file admit the same values.
    func validate() throws {
        for (flag, value) in given {
            if let message = Self.key(flag).problem(withFlagValue: value) { throw ValidationError(message) }
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
