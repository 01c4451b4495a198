import Foundation
import WDLTestSupport
@testable import WdlApp
import WideDeep
import XCTest

final class HeadlessRunnerTests: XCTestCase {
    /// One epoch of the bundled Adult run (32,561 rows in train.csv, of which the last 3,256 —
    /// 10% — are held out for validation: 29,305 training rows, batch 256), evaluated every
    /// 10,000 examples: the output has one line per evaluation carrying the session's own
    /// figures, in order, the last marked final, then the summary with the test file's line.
    func testSeededAdultRunPrintsEachEvaluationThenTheSummary() throws {
        var config = try RunConfigLoader.load(path: TestPaths.path("sample-data/adult/adult.yaml"))
        config.train.epochs = 1
        config.train.evalEvery = 10_000
        let session = TrainingSession(config: config)
        let lines = LineCollector()
        let outcome = HeadlessRunner(session: session, output: lines.append).run()
        XCTAssertEqual(outcome, .finished)

        let snapshot = session.snapshot
        let output = lines.lines
        let evaluations = output.filter { $0.hasPrefix("epoch ") }
        // Evaluations at 10,000 and 20,000 examples (rounded up to whole batches of 256; 30,000
        // is past the epoch), then the final one at the end of the epoch.
        XCTAssertEqual(evaluations.count, 3, output.joined(separator: "\n"))
        XCTAssertEqual(snapshot.validation.count, evaluations.count)
        for (line, point) in zip(evaluations, snapshot.validation) {
            XCTAssertTrue(line.contains(String(format: "step %6d  examples %9d", point.step, point.examples)), line)
            XCTAssertTrue(line.contains(String(format: "valid loss %.4f  AUC %.4f  acc %.4f", point.metrics.logloss,
                                               point.metrics.auc, point.metrics.accuracy)), line)
        }
        XCTAssertEqual(snapshot.validation.map(\.examples).prefix(2), [10_240, 20_224])
        XCTAssertEqual(evaluations.map { $0.hasSuffix("(final)") }, [false, false, true])
        // Every one of them in the first epoch, counted from 1 (its end included).
        XCTAssertEqual(evaluations.filter { $0.hasPrefix("epoch  1/1  step") }.count, 3, evaluations.joined(separator: "\n"))
        XCTAssertEqual(snapshot.validation.map(\.epoch), [1, 1, 1])
        XCTAssertEqual(snapshot.validation.last?.metrics.count, 3_256, "the held-out tail of train.csv")
        // 29,305 rows in batches of 256: 114 full ones and a last one of 121.
        XCTAssertEqual(snapshot.step, 115)
        XCTAssertEqual(snapshot.examplesSeen, 29_305)

        let finalEvaluation = try XCTUnwrap(output.lastIndex { $0.hasPrefix("epoch ") })
        let summary = Array(output[(finalEvaluation + 1)...])
        XCTAssertEqual(summary.count, 4, summary.joined(separator: "\n"))
        let last = try XCTUnwrap(snapshot.validation.last).metrics
        XCTAssertTrue(summary[0].hasPrefix("final: wide-deep mode, epoch 1/1, 115 steps, 29305 examples in "), summary[0])
        XCTAssertTrue(summary[0].hasSuffix(String(format: "valid AUC %.4f, logloss %.4f, accuracy %.4f; skipped rows 0",
                                                  last.auc, last.logloss, last.accuracy)), summary[0])
        let best = try XCTUnwrap(snapshot.validation.min { $0.metrics.logloss < $1.metrics.logloss })
        XCTAssertTrue(summary[1].hasPrefix(String(format: "best by validation logloss: step %d (epoch %d), valid AUC %.4f, logloss %.4f",
                                                  best.step, best.epoch, best.metrics.auc, best.metrics.logloss)), summary[1])
        // test.csv, scored once with the model the run ended on (its last: no early stopping).
        let test = try XCTUnwrap(snapshot.test)
        XCTAssertEqual(test.metrics.count, 16_281)
        XCTAssertEqual(test.step, 115)
        XCTAssertTrue(summary[2].hasPrefix(String(format: "test (16281 rows, the model of step 115, scored once at the end): AUC %.4f, logloss %.4f",
                                                  test.metrics.auc, test.metrics.logloss)), summary[2])
        XCTAssertTrue(summary[3].hasPrefix("wide part: "), summary[3])
        XCTAssertTrue(summary[3].hasSuffix("hash space 1048576"), summary[3])
    }

    /// A failed run's error reaches the user once: as the failure the caller prints, not also as
    /// an `[error]` line.
    func testFailureIsNotAlsoPrintedAsAnErrorLine() {
        var config = RunConfig()
        config.data.train = "/nonexistent-wdl-folder/missing-train.csv"
        config.data.label = "y"
        config.features.categorical = ["a"]
        let lines = LineCollector()
        let outcome = HeadlessRunner(session: TrainingSession(config: config), output: lines.append).run()
        guard case .failed(let message) = outcome else { return XCTFail("expected a failure, got \(outcome)") }
        XCTAssertTrue(message.contains("data.train in the config, or --train"), message)
        XCTAssertFalse(lines.lines.contains { $0.hasPrefix("[error]") }, "\(lines.lines)")
    }

    /// Figures of 1000 and more print grouped without decimals, smaller ones with one decimal.
    func testBenchFiguresAreReadable() {
        XCTAssertEqual(BenchSuite.figure(1_234_567.4), "1,234,567")
        XCTAssertEqual(BenchSuite.figure(1000), "1,000")
        XCTAssertEqual(BenchSuite.figure(12.34), "12.3")
        XCTAssertEqual(BenchSuite.figure(.nan), "n/a")
    }

    /// A training file that does not exist: the run fails with a message naming it, and
    /// nothing is summarized.
    func testMissingTrainingFileFailsNamingTheFile() {
        var config = RunConfig()
        config.data.train = "/nonexistent-wdl-folder/missing-train.csv"
        config.data.valid = "/nonexistent-wdl-folder/missing-valid.csv"
        config.data.label = "y"
        config.features.categorical = ["a"]
        let lines = LineCollector()
        let outcome = HeadlessRunner(session: TrainingSession(config: config), output: lines.append).run()
        guard case .failed(let message) = outcome else { return XCTFail("expected a failure, got \(outcome)") }
        XCTAssertTrue(message.contains("/nonexistent-wdl-folder/missing-train.csv"), message)
        XCTAssertFalse(lines.lines.contains { $0.hasPrefix("final:") }, "\(lines.lines)")
    }
}

/// Lines written from any thread, kept in order.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    var lines: [String] { lock.withLock { stored } }

    func append(_ line: String) { lock.withLock { stored.append(line) } }
}
