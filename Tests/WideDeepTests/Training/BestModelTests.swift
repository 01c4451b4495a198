import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// The best model rather than the last: early stopping, best.safetensors, divergence by blow-up,
/// and rollbacks that rewind the run.
final class BestModelTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    /// The small run with a deep learning rate that overfits its 2,000 rows within a few epochs,
    /// evaluated at epoch ends.
    private func overfittingConfig(epochs: Int) throws -> RunConfig {
        var config = try SmallRun.config(in: folder)
        config.model.hidden = [32]
        config.optim.deep.lr = 0.3
        config.train.epochs = epochs
        return config
    }

    private func state(_ path: String) throws -> ModelState { try LoadedCheckpoint.load(path: path).model.captureState() }

    private func assertSameState(_ a: ModelState, _ b: ModelState, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(a.floats.keys), Set(b.floats.keys), what, file: file, line: line)
        for (name, values) in a.floats { XCTAssertEqual(values, b.floats[name], "\(what): \(name)", file: file, line: line) }
        XCTAssertEqual(a.uint16, b.uint16, what, file: file, line: line)
        XCTAssertEqual(a.deepOptimizerSteps, b.deepOptimizerSteps, what, file: file, line: line)
    }

    /// With a patience of 2 the run stops two evaluations after its best one, ends on the best
    /// state, and that state is bit for bit the state of a run that trained only up to it; the
    /// best checkpoint holds it too, and the final metrics record names best and last.
    func testEarlyStoppingEndsOnTheBestStateOfARunStoppedThere() throws {
        var config = try overfittingConfig(epochs: 12)
        config.train.earlyStop = 2
        var options = SessionOptions()
        options.checkpointDirectory = folder.path("early")
        options.metricsPath = folder.path("early.jsonl")
        let early = SmallRun.run(config, options: options)
        let logloss = early.validation.map(\.metrics.logloss)
        let bestIndex = logloss.indices.min { logloss[$0] < logloss[$1] }!
        XCTAssertLessThan(early.validation.count, 12, "the run overfits and stops early: \(logloss)")
        XCTAssertEqual(early.validation.count, bestIndex + 3, "stopped after two evaluations without improvement")
        XCTAssertEqual(early.best, early.validation[bestIndex])
        XCTAssertTrue(early.restoredBest)

        var shorter = try overfittingConfig(epochs: bestIndex + 1)
        shorter.train.earlyStop = 0
        var plain = SessionOptions()
        plain.checkpointDirectory = folder.path("plain")
        let stoppedThere = SmallRun.run(shorter, options: plain)
        XCTAssertEqual(stoppedThere.validation.last?.metrics, early.best?.metrics)
        let reference = try state(folder.path("plain") + "/final.safetensors")
        assertSameState(try state(folder.path("early") + "/final.safetensors"), reference, "final after early stopping")
        assertSameState(try state(folder.path("early") + "/best.safetensors"), reference, "best.safetensors")
        XCTAssertEqual(try LoadedCheckpoint.load(path: folder.path("early") + "/final.safetensors").step,
                       early.validation[bestIndex].step, "the final checkpoint resumes from the best point")

        let records = try String(contentsOfFile: options.metricsPath!, encoding: .utf8).split(separator: "\n")
        let final = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(records.last!.utf8)) as? [String: Any])
        XCTAssertEqual(final["final"] as? Bool, true)
        XCTAssertEqual(final["best_step"] as? Int, early.validation[bestIndex].step)
        // (JSON keeps 16–17 significant digits.)
        XCTAssertEqual(try XCTUnwrap(final["best_valid_logloss"] as? Double), logloss[bestIndex], accuracy: 1e-14)
        XCTAssertEqual(try XCTUnwrap(final["valid_logloss"] as? Double), logloss.last!, accuracy: 1e-14,
                       "the last evaluation's figures")
    }

    /// Without early stopping, best.safetensors is the state at the best evaluation (here the
    /// state of a run that ended there) and final.safetensors the last.
    func testBestCheckpointIsTheStateAtTheBestEvaluation() throws {
        let config = try overfittingConfig(epochs: 6)
        var options = SessionOptions()
        options.checkpointDirectory = folder.path("full")
        let full = SmallRun.run(config, options: options)
        let bestIndex = full.validation.indices.min { full.validation[$0].metrics.logloss < full.validation[$1].metrics.logloss }!
        XCTAssertLessThan(bestIndex, 5, "the best is not the last epoch")
        XCTAssertEqual(full.bestCheckpoint, folder.path("full") + "/best.safetensors")
        var options2 = SessionOptions()
        options2.checkpointDirectory = folder.path("short")
        SmallRun.run(try overfittingConfig(epochs: bestIndex + 1), options: options2)
        assertSameState(try state(folder.path("full") + "/best.safetensors"), try state(folder.path("short") + "/final.safetensors"),
                        "best.safetensors")
    }

    /// A huge learning rate blows the loss up without any NaN; the smoothed-loss rule calls it a
    /// divergence and names the cause and the step.
    func testBlowUpIsADivergence() throws {
        var config = try SmallRun.config(in: folder)
        config.optim.deep.lr = 100
        config.optim.wide.alpha = 100
        var options = SessionOptions()
        options.stopOnDivergence = true
        let session = TrainingSession(config: config, options: options)
        session.start()
        session.waitUntilFinished()
        let s = session.snapshot
        XCTAssertEqual(s.state, .diverged)
        let cause = try XCTUnwrap(s.stateDetail)
        XCTAssertTrue(cause.contains("smoothed training loss climbed") && cause.contains("at step"), cause)
        XCTAssertLessThan(s.step, 80)
    }

    /// A run that ends without its final evaluation says so on its metrics log's last line, so a
    /// reader (`wdl view`) knows it is over: an `end` record with the state and the cause.
    func testADivergedRunEndsItsMetricsLogWithAnEndRecord() throws {
        var config = try SmallRun.config(in: folder)
        config.optim.deep.lr = 100
        config.optim.wide.alpha = 100
        var options = SessionOptions()
        options.stopOnDivergence = true
        options.metricsPath = folder.path("diverged.jsonl")
        let session = TrainingSession(config: config, options: options)
        session.start()
        session.waitUntilFinished()
        let lines = try String(contentsOfFile: options.metricsPath!, encoding: .utf8).split(separator: "\n")
        let last = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(lines.last).utf8)) as? [String: Any])
        XCTAssertEqual(last["event"] as? String, "end")
        XCTAssertEqual(last["state"] as? String, "diverged")
        XCTAssertEqual(last["message"] as? String, session.snapshot.stateDetail)
        XCTAssertEqual(lines.filter { $0.contains("\"event\":\"end\"") }.count, 1)

        // A run that finishes ends on its final evaluation instead, with no end record.
        var fine = SessionOptions()
        fine.metricsPath = folder.path("finished.jsonl")
        SmallRun.run(try SmallRun.config(in: folder), options: fine)
        let text = try String(contentsOfFile: fine.metricsPath!, encoding: .utf8)
        XCTAssertFalse(text.contains("\"event\":\"end\""))
        let final = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(text.split(separator: "\n").last).utf8)) as? [String: Any])
        XCTAssertEqual(final["final"] as? Bool, true)
    }

    /// A learning rate set to 100 at step 10 diverges the run; setting it back and rolling back
    /// returns to the state kept at the start — step, examples, loss curve and validation
    /// points included — and the resumed run then replays a plain run exactly.
    func testRollbackRewindsTheRunAndItReplaysExactly() throws {
        let config = try SmallRun.config(in: folder)
        var options = SessionOptions()
        options.goodStateInterval = 1e9  // only the start state is kept
        options.scheduledCommands = [(step: 10, command: .set(.deepLearningRate, 100))]
        let session = TrainingSession(config: config, options: options)
        session.start()
        wait(for: session, "the divergence") { $0.state == .diverged }
        XCTAssertTrue(session.snapshot.canRollBack)
        XCTAssertEqual(session.snapshot.lastChanged, .deepLearningRate)
        XCTAssertGreaterThan(session.snapshot.step, 10)
        session.send(.set(.deepLearningRate, 0.05))
        session.send(.rollBack)
        wait(for: session, "the rollback") { $0.events.contains { $0.kind == .rollback } }
        let rewound = session.snapshot
        XCTAssertEqual(rewound.state, .paused)
        XCTAssertEqual(rewound.step, 0)
        XCTAssertEqual(rewound.examplesSeen, 0)
        XCTAssertTrue(rewound.trainLoss.isEmpty)
        XCTAssertTrue(rewound.validation.isEmpty)
        XCTAssertFalse(rewound.canRollBack)
        session.send(.resume)
        session.waitUntilFinished()
        let replayed = session.snapshot
        let plain = SmallRun.run(config)
        XCTAssertEqual(replayed.state, .finished)
        XCTAssertEqual(replayed.step, 80)
        XCTAssertEqual(replayed.validation, plain.validation)
        XCTAssertEqual(replayed.trainLoss, plain.trainLoss)
    }
}

/// The rules behind the best model and divergence, on hand-made sequences.
final class DivergenceWatchTests: XCTestCase {
    func testSmoothedLossPastFactorTimesItsLowestIsADivergence() {
        var watch = DivergenceWatch(factor: 5)
        for _ in 0..<30 { XCTAssertNil(watch.addTrainingLoss(0.4)) }
        // The EMA (weight 0.9) of a jump to 10 passes 5 × 0.4 = 2 on the 2nd step: 0.4 + 0.19·9.6 ≈ 2.22.
        XCTAssertNil(watch.addTrainingLoss(10))
        XCTAssertNotNil(watch.addTrainingLoss(10))
    }

    func testNeverBelowLn2NorWhenOff() {
        var low = DivergenceWatch(factor: 5)
        for _ in 0..<30 { _ = low.addTrainingLoss(0.01) }
        for _ in 0..<30 { XCTAssertNil(low.addTrainingLoss(0.6), "6× its lowest, but still better than a constant 0.5") }
        var off = DivergenceWatch(factor: 0)
        for loss in [0.3, 1e8, 1e9] + Array(repeating: 1e9, count: 30) { XCTAssertNil(off.addTrainingLoss(loss)) }
        var validation = DivergenceWatch(factor: 3)
        XCTAssertNil(validation.addValidation(logloss: 0.3))
        XCTAssertNil(validation.addValidation(logloss: 0.64), "overfitting is not divergence")
        XCTAssertNotNil(validation.addValidation(logloss: 0.95))
    }

    func testValidationMetricOrder() {
        XCTAssertTrue(ValidationMetric.logloss.improves(0.3, on: 0.31))
        XCTAssertFalse(ValidationMetric.logloss.improves(0.31, on: 0.31))
        XCTAssertTrue(ValidationMetric.auc.improves(0.91, on: 0.9))
        XCTAssertFalse(ValidationMetric.auc.improves(.nan, on: 0.5))
        XCTAssertTrue(ValidationMetric.auc.improves(0.5, on: .nan))
    }
}
