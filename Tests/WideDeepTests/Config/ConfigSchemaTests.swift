import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// The schema is the one list of config keys: what the loader reads, the flags override, `--help`
/// and the README say. The expected defaults below are written out by hand from the documented
/// defaults (README, docs/best-model.md), not read from the code.
final class ConfigSchemaTests: XCTestCase {
    /// Each flag's default as its help must state it (flag syntax).
    private let documentedFlagDefaults: [String: String] = [
        "--format": "csv", "--mode": "wide-deep", "--epochs": "10", "--batch-size": "256", "--embedding-dim": "8",
        "--hidden": "100,50", "--cross": "none", "--hash-buckets": "1048576", "--ftrl-alpha": "0.05", "--ftrl-beta": "1.0",
        "--ftrl-l1": "0.1", "--ftrl-l2": "1.0", "--deep-lr": "0.02", "--deep-optimizer": "adagrad", "--eval-every": "20000",
        "--dropout": "0.0", "--deep-l2": "0.0", "--embedding-l2": "0.0", "--early-stop": "0", "--early-stop-metric": "logloss",
        "--divergence-factor": "5.0", "--threads": "2", "--seed": "42", "--strict": "false", "--max-skipped": "1%",
        "--train": "none", "--valid": "the last 10% of the training rows", "--test": "none", "--negative-sampling": "none",
    ]

    func testEveryFlagsHelpStatesTheDocumentedDefaultWhichIsTheLoadersDefault() throws {
        let loaded = try RunConfigLoader.parse("")
        let flagged = ConfigSchema.keys.compactMap(\.flag)
        XCTAssertEqual(Set(flagged), Set(documentedFlagDefaults.keys), "a flag without its documented default here, or one gone")
        XCTAssertEqual(flagged.count, Set(flagged).count, "a flag given to two keys")
        for flag in flagged {
            let key = try XCTUnwrap(ConfigSchema.key(flag: flag))
            let expected = try XCTUnwrap(documentedFlagDefaults[flag])
            assertContains(ConfigSchema.help(flag: flag), "default: the config's \(key.path), else \(expected)")
            // The code's default: what an empty config file loads.
            let rendered = ConfigKey.yaml(key.value(in: loaded))
            XCTAssertEqual(rendered.map { $0.replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "")
                .replacingOccurrences(of: " ", with: "") }.map { $0.isEmpty ? "none" : $0 } ?? key.whenAbsent,
                expected, flag)
        }
    }

    /// The drifts the schema ended: each was a hand-written help that said another value.
    func testTheHelpTextsThatHadDriftedSayWhatTheCodeDoes() {
        assertContains(ConfigSchema.help(flag: "--deep-lr"), "else 0.02")
        assertContains(ConfigSchema.help(flag: "--hidden"), "else 100,50; 256,128 for --format criteo without a config")
        assertContains(ConfigSchema.help(flag: "--embedding-dim"), "else 8; 16 for --format criteo")
        XCTAssertFalse(ConfigSchema.help(flag: "--format").contains("for --format criteo"))
        // `--embedding-l2` was left out of the flags' range checks.
        let refused = ConfigSchema.key(flag: "--embedding-l2")?.problem(withFlagValue: 1e4)
        assertContains(refused ?? "accepted", "--embedding-l2: emb L2 must be in 0.0…1000.0, got 10000.0")
        XCTAssertNil(ConfigSchema.key(flag: "--embedding-l2")?.problem(withFlagValue: 0.5))
    }

    /// Decoding goes through the schema, writing through the `CodingKeys`: both name the same keys.
    func testTheSchemaNamesExactlyTheKeysEachSectionWrites() {
        let written: [String: [String]] = [
            "data": DataConfig.CodingKeys.allCases.map(\.rawValue),
            "features": FeatureConfig.CodingKeys.allCases.map(\.rawValue),
            "model": ModelConfig.CodingKeys.allCases.map(\.rawValue),
            "optim.wide": WideOptimConfig.CodingKeys.allCases.map(\.rawValue),
            "optim.deep": DeepOptimConfig.CodingKeys.allCases.map(\.rawValue),
            "train": TrainConfig.CodingKeys.allCases.map(\.rawValue),
            "": ["name"],
        ]
        for (section, keys) in written {
            XCTAssertEqual(ConfigSchema.keys(in: section).map(\.name), keys, "section '\(section)'")
        }
        XCTAssertEqual(ConfigSchema.keys.count, written.values.map(\.count).reduce(0, +))
        XCTAssertEqual(RunConfigLoader.knownKeys[""], ["name", "data", "features", "model", "optim", "train"])
        XCTAssertEqual(RunConfigLoader.knownKeys["optim"], ["wide", "deep"])
    }

    /// Every key set away from its default in YAML lands in its property, and the config written
    /// into a checkpoint (JSON) reads back the same.
    func testEveryKeyDecodesIntoItsPropertyAndRoundTripsThroughJSON() throws {
        let yaml = """
            name: n
            data: {format: criteo, train: a, valid: b, label: y, positive: yes1, negative: [no1], delimiter: ";",
                   missing: ["?"], max_skipped: 250, holdout_by: t, test: c, weight: w, negative_sampling: 0.5, sample_negatives: 0.25}
            features: {categorical: [c], numeric: [x], multi_valued: {g: "|"}, ignore: [i], log: [x], buckets: {x: [1, 2]},
                       crosses: [[c, x]], hash_buckets: 7, embedding_buckets: 9}
            model: {mode: deep, embedding_dim: 3, hidden: [4], dropout: 0.1}
            optim:
              wide: {name: sgd, alpha: 0.2, beta: 2, l1: 0.3, l2: 0.4, lr: 0.5, initial_accumulator: 0.6, epsilon: 0.001}
              deep: {name: adam, lr: 0.3, initial_accumulator: 0.2, beta1: 0.8, beta2: 0.99, epsilon: 0.01, l2: 0.5, embedding_l2: 0.6}
            train: {epochs: 3, batch_size: 5, eval_every: 6, seed: 8, threads: 1, shuffle: false, strict: true, tensorboard: /tb,
                    early_stop: 2, early_stop_metric: auc, divergence_factor: 3}
            """
        let config = try RunConfigLoader.parse(yaml)
        var expected = RunConfig()
        expected.name = "n"
        expected.data.format = .criteo; expected.data.train = "a"; expected.data.valid = "b"; expected.data.label = "y"
        expected.data.positive = ["yes1"]; expected.data.negative = ["no1"]; expected.data.delimiter = ";"
        expected.data.missing = ["?"]; expected.data.maxSkipped = .count(250); expected.data.holdoutBy = "t"
        expected.data.test = "c"; expected.data.weight = "w"; expected.data.negativeSampling = 0.5; expected.data.sampleNegatives = 0.25
        expected.features.categorical = ["c"]; expected.features.numeric = ["x"]; expected.features.multiValued = ["g": "|"]
        expected.features.ignore = ["i"]; expected.features.log = ["x"]; expected.features.buckets = ["x": .boundaries([1, 2])]
        expected.features.crosses = [["c", "x"]]; expected.features.hashBuckets = 7; expected.features.embeddingBuckets = 9
        expected.model.mode = .deep; expected.model.embeddingDim = 3; expected.model.hidden = [4]; expected.model.dropout = 0.1
        expected.optim.wide.name = .sgd; expected.optim.wide.alpha = 0.2; expected.optim.wide.beta = 2; expected.optim.wide.l1 = 0.3
        expected.optim.wide.l2 = 0.4; expected.optim.wide.lr = 0.5; expected.optim.wide.initialAccumulator = 0.6; expected.optim.wide.epsilon = 0.001
        expected.optim.deep.name = .adam; expected.optim.deep.lr = 0.3; expected.optim.deep.initialAccumulator = 0.2
        expected.optim.deep.beta1 = 0.8; expected.optim.deep.beta2 = 0.99; expected.optim.deep.epsilon = 0.01
        expected.optim.deep.l2 = 0.5; expected.optim.deep.embeddingL2 = 0.6
        expected.train.epochs = 3; expected.train.batchSize = 5; expected.train.evalEvery = 6; expected.train.seed = 8
        expected.train.threads = 1; expected.train.shuffle = false; expected.train.strict = true; expected.train.tensorboard = "/tb"
        expected.train.earlyStop = 2; expected.train.earlyStopMetric = .auc; expected.train.divergenceFactor = 3
        XCTAssertEqual(config, expected)
        let json = try JSONEncoder().encode(config)
        XCTAssertEqual(try JSONDecoder().decode(RunConfig.self, from: json), config)
        XCTAssertEqual(try JSONDecoder().decode(RunConfig.self, from: Data("{}".utf8)), RunConfig())
    }

    func testAFlagSetsItsKeyThroughTheSchema() throws {
        var config = RunConfig()
        try XCTUnwrap(ConfigSchema.key(flag: "--deep-lr")).set(0.7, in: &config)
        try XCTUnwrap(ConfigSchema.key(flag: "--negative-sampling")).set(0.5, in: &config)
        try XCTUnwrap(ConfigSchema.key(flag: "--hidden")).set([7, 3], in: &config)
        XCTAssertEqual(config.optim.deep.lr, 0.7)
        XCTAssertEqual(config.data.sampleNegatives, 0.5)
        XCTAssertEqual(config.model.hidden, [7, 3])
        assertContains(ConfigSchema.key(flag: "--epochs")?.problem(withFlagValue: 0) ?? "accepted", "--epochs must be 1…1000000, got 0")
        assertContains(ConfigSchema.key(flag: "--hidden")?.problem(withFlagValue: [0]) ?? "accepted", "--hidden: at most 32 layers")
    }

    /// `wdl init` writes the template keys with their defaults, and they load back as the defaults.
    func testTheInitTemplateWritesTheSchemasDefaults() throws {
        let lines = ConfigSchema.templateLines(section: "model")
        assertContains(lines, "  mode: wide-deep   #", "  embedding_dim: 8   #", "  hidden: [100, 50]   #")
        assertContains(ConfigSchema.templateLines(section: "train"), "  epochs: 10   #", "  batch_size: 256   #")
        assertContains(ConfigSchema.templateLines(section: "features"), "  hash_buckets: 1048576   #")
        let yaml = "features:\n" + ConfigSchema.templateLines(section: "features") + "model:\n" + lines
            + "train:\n" + ConfigSchema.templateLines(section: "train")
        XCTAssertEqual(try RunConfigLoader.parse(yaml), RunConfig())
    }

    /// The README's table is the generated one (regenerate: the failure message prints it).
    func testTheReadmeTableIsTheSchemas() throws {
        let readme = try String(contentsOfFile: TestPaths.path("README.md"), encoding: .utf8)
        let begin = "<!-- config-table:begin -->\n", end = "<!-- config-table:end -->"
        let start = try XCTUnwrap(readme.range(of: begin), "README.md has no config-table markers")
        let stop = try XCTUnwrap(readme.range(of: end, range: start.upperBound..<readme.endIndex))
        let table = String(readme[start.upperBound..<stop.lowerBound])
        XCTAssertEqual(table, ConfigSchema.markdownTable(), "README.md's table is stale; it should be:\n\(ConfigSchema.markdownTable())")
        for key in ConfigSchema.keys { XCTAssertTrue(table.contains("`\(key.path)`"), key.path) }
    }
}
