import Foundation
import WDLTestSupport
@testable import WdlApp
import WideDeep
import XCTest

final class HeadlessRunnerTests: XCTestCase {
    /// One epoch of the bundled Adult run (32,561 training rows, batch 256), evaluated every
    /// 10,000 examples: the output has one line per evaluation carrying the session's own
    /// figures, in order, the last marked final, then the summary.
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
        // Evaluations at 10,000, 20,000 and 30,000 examples (rounded up to whole batches of
        // 256), then the final one at the end of the epoch.
        XCTAssertEqual(evaluations.count, 4, output.joined(separator: "\n"))
        XCTAssertEqual(snapshot.validation.count, evaluations.count)
        for (line, point) in zip(evaluations, snapshot.validation) {
            XCTAssertTrue(line.contains(String(format: "step %6d  examples %9d", point.step, point.examples)), line)
            XCTAssertTrue(line.contains(String(format: "valid loss %.4f  AUC %.4f  acc %.4f", point.metrics.logloss,
                                               point.metrics.auc, point.metrics.accuracy)), line)
        }
        XCTAssertEqual(snapshot.validation.map(\.examples).prefix(3), [10_240, 20_224, 30_208])
        XCTAssertEqual(evaluations.map { $0.hasSuffix("(final)") }, [false, false, false, true])
        // Every one of them in the first epoch, counted from 1 (its end included).
        XCTAssertEqual(evaluations.filter { $0.hasPrefix("epoch  1/1  step") }.count, 4, evaluations.joined(separator: "\n"))
        XCTAssertEqual(snapshot.validation.map(\.epoch), [1, 1, 1, 1])
        // 32,561 rows in batches of 256: 127 full ones and a last one of 49.
        XCTAssertEqual(snapshot.step, 128)
        XCTAssertEqual(snapshot.examplesSeen, 32_561)

        let finalEvaluation = try XCTUnwrap(output.lastIndex { $0.hasPrefix("epoch ") })
        let summary = Array(output[(finalEvaluation + 1)...])
        XCTAssertEqual(summary.count, 3, summary.joined(separator: "\n"))
        let last = try XCTUnwrap(snapshot.validation.last).metrics
        XCTAssertTrue(summary[0].hasPrefix("final: wide-deep mode, epoch 1/1, 128 steps, 32561 examples in "), summary[0])
        XCTAssertTrue(summary[0].hasSuffix(String(format: "valid AUC %.4f, logloss %.4f, accuracy %.4f; skipped rows 0",
                                                  last.auc, last.logloss, last.accuracy)), summary[0])
        let best = try XCTUnwrap(snapshot.validation.min { $0.metrics.logloss < $1.metrics.logloss })
        XCTAssertTrue(summary[1].hasPrefix(String(format: "best by validation logloss: step %d (epoch %d), valid AUC %.4f, logloss %.4f",
                                                  best.step, best.epoch, best.metrics.auc, best.metrics.logloss)), summary[1])
        XCTAssertTrue(summary[2].hasPrefix("wide part: "), summary[2])
        XCTAssertTrue(summary[2].hasSuffix("hash space 1048576"), summary[2])
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
