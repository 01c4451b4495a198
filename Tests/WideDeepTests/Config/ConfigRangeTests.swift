import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// Every numeric config value has a documented range (docs/robustness.md), checked in one place;
/// the bounds below are the documented ones, written out independently of the table.
final class ConfigRangeTests: XCTestCase {
    /// `validate()` on the YAML `section: {key: value}`; nil when accepted, else the error.
    private func refusal(_ section: String, _ key: String, _ value: String) throws -> ConfigError? {
        let config = try RunConfigLoader.parse("\(section):\n  \(key): \(value)\n")
        do { try config.validate() } catch let error as ConfigError { return error }
        return nil
    }

    func testEveryIntegerKeyRefusesJustOutsideItsRangeAndAcceptsItsBounds() throws {
        let documented: [(String, String, Int, Int)] = [
            ("train", "epochs", 1, 1_000_000), ("train", "batch_size", 1, 65_536), ("train", "threads", 1, 256),
            ("train", "eval_every", 0, 1 << 40), ("train", "early_stop", 0, 1_000_000), ("model", "embedding_dim", 1, 1024),
            ("features", "hash_buckets", 1, 1 << 30), ("features", "embedding_buckets", 1, 1 << 26),
        ]
        for (section, key, low, high) in documented {
            XCTAssertNil(try refusal(section, key, "\(low)"), "\(key) \(low)")
            XCTAssertNil(try refusal(section, key, "\(high)"), "\(key) \(high)")
            for bad in [low - 1, high + 1, Int.max, Int.min] {
                let error = try XCTUnwrap(try refusal(section, key, "\(bad)"), "\(key) \(bad) accepted")
                XCTAssertEqual(error.key, "\(section).\(key)")
                assertContains(error.message, "\(section).\(key) must be \(low)…\(high), got \(bad)")
            }
        }
        let integerKeys = ConfigSchema.keys.filter { if case .integer = $0.check { true } else { false } }
        XCTAssertEqual(integerKeys.count, documented.count, "a new integer key needs its documented range here")
    }

    /// The audit's trap: `epochs: 9223372036854775807` multiplied by the row count.
    func testHugeEpochsIsRefusedBeforeAnyDataIsRead() throws {
        var config = RunConfig()
        config.train.epochs = Int.max
        config.data.train = "/nonexistent/never-read.csv"
        let session = TrainingSession(config: config, options: SessionOptions())
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .failed)
        assertContains(session.snapshot.stateDetail ?? "", "train.epochs must be 1…1000000")
    }

    func testHiddenLayersAndOptimizerConstants() throws {
        XCTAssertNotNil(try refusal("model", "hidden", "[10, 0, 5]"))
        XCTAssertNotNil(try refusal("model", "hidden", "[65537]"))
        XCTAssertNotNil(try refusal("model", "hidden", "[" + Array(repeating: "2", count: 33).joined(separator: ",") + "]"))
        XCTAssertNil(try refusal("model", "hidden", "[65536]"))
        let config = try RunConfigLoader.parse("optim:\n  deep: {name: adam, beta1: 1.0}\n")
        assertContains(thrownDescription { try config.validate() }, "optim.deep.beta1")
        let epsilon = try RunConfigLoader.parse("optim:\n  wide: {epsilon: -1}\n")
        assertContains(thrownDescription { try epsilon.validate() }, "optim.wide.epsilon")
    }

    func testLabelsNeedAPositiveValueNotAlsoNegative() throws {
        assertContains(try XCTUnwrap(try refusal("data", "positive", "[]")).message, "data.positive lists no value")
        let both = try RunConfigLoader.parse("data:\n  positive: [\"1\", \"yes\"]\n  negative: [\"0\", \"yes\"]\n")
        assertContains(thrownDescription { try both.validate() }, "data.negative", "'yes'", "both positive and negative")
    }

    func testFitRowsHasARange() throws {
        let folder = try TemporaryFolder()
        var config = try StreamingFixtures.config(in: folder)
        config.train.epochs = 1
        let message = thrownDescription {
            _ = try RunData.loadStreaming(config: config, options: StreamOptions(fitRows: Int.max), threads: 1)
        }
        assertContains(message, "--fit-rows must be 1…100000000")
    }
}

/// YAML errors name their line and quote neither the whole document nor a 200 KB line.
final class ConfigYAMLErrorTests: XCTestCase {
    func testDuplicateKeyNamesItsLineAndNotTheWholeConfig() {
        let message = thrownDescription { _ = try RunConfigLoader.parse("name: x\ntrain:\n  epochs: 1\n  epochs: 2\n", file: "c.yaml") }
        assertContains(message, "c.yaml:", "'epochs' twice")
        XCTAssertFalse(message.contains("name: x"), message)
    }

    func testDeepNestingGivesAShortMessage() {
        let message = thrownDescription { _ = try RunConfigLoader.parse("a: " + String(repeating: "[", count: 200_000), file: "c.yaml") }
        assertContains(message, "c.yaml:1:", "not valid YAML")
        XCTAssertLessThan(message.count, 1200)
    }
}
