import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

final class TrainingSessionTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    /// The shared small run (`SmallRun`): 2,000 training rows in minibatches of 50, 40 steps per
    /// epoch, 80 in the run.
    private func smallConfig() throws -> RunConfig {
        try SmallRun.config(in: folder)
    }

    private func run(_ config: RunConfig, options: SessionOptions = SessionOptions(),
                     file: StaticString = #filePath, line: UInt = #line) -> TrainingSnapshot {
        SmallRun.run(config, options: options, file: file, line: line)
    }

    /// The metrics log's lines as JSON objects.
    private func logRecords(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    // MARK: - Determinism

    func testSeededRunsAreIdenticalAndIndependentOfThreadCount() throws {
        var config = try RunConfigLoader.load(path: TestPaths.adultConfig)
        config.train.epochs = 2
        config.train.threads = 2
        let first = run(config)
        let second = run(config)
        XCTAssertGreaterThanOrEqual(first.validation.count, 2)
        XCTAssertEqual(first.validation, second.validation, "same seed, same data, same threads")
        XCTAssertEqual(first.trainLoss, second.trainLoss)
        config.train.threads = 1
        let single = run(config)
        XCTAssertEqual(single.validation, first.validation, "1 vs 2 threads must be bit-identical")
        XCTAssertEqual(single.trainLoss, first.trainLoss)
        config.train.seed = 43
        config.train.epochs = 1
        let other = run(config)
        XCTAssertNotEqual(other.validation.first?.metrics, first.validation.first?.metrics, "another seed differs")
    }

    // MARK: - Commands

    /// Losses of steps (1-based, the loss of the minibatch computed before its update), by step.
    private func lossesByStep(_ snapshot: TrainingSnapshot) -> [Int: Double] {
        Dictionary(uniqueKeysWithValues: snapshot.trainLoss.map { ($0.step, $0.loss) })
    }

    /// A command scheduled at step N (0-based minibatch index) is applied just before minibatch N:
    /// minibatches 0…N−1 run with the old value, N on with the new one. The loss recorded for step
    /// s (1-based) is minibatch s−1's, computed in its forward pass before its update. So:
    /// - deep learning rate (used by updates only): steps 1…N+1 equal a run without the command,
    ///   step N+2 (after minibatch N's update) differs;
    /// - FTRL α, β, λ1, λ2 (the weights are computed from z, n AND them in every forward pass):
    ///   steps 1…N are equal, step N+1 (minibatch N's forward) already differs.
    func testCommandAtStepNChangesTheHyperparameterFromStepNOn() throws {
        let n = 10
        let cases: [(Hyperparameter, Double, Double, firstDifferent: Int)] = [
            (.deepLearningRate, 0.4, 0.05, n + 2), (.ftrlAlpha, 0.5, 0.05, n + 1), (.ftrlL1, 2, 0.1, n + 1),
        ]
        for (parameter, value, old, firstDifferent) in cases {
            let config = try smallConfig()
            let plain = run(config)
            var options = SessionOptions()
            options.scheduledCommands = [(step: n, command: .set(parameter, value))]
            options.metricsPath = folder.path("metrics-\(parameter.rawValue).jsonl")
            let changed = run(config, options: options)

            let a = lossesByStep(changed), b = lossesByStep(plain)
            XCTAssertEqual(changed.trainLoss.count, 80)
            for step in 1..<firstDifferent { XCTAssertEqual(a[step], b[step], "\(parameter) step \(step) precedes the change") }
            XCTAssertNotEqual(a[firstDifferent], b[firstDifferent], "\(parameter): minibatch \(n) used the new value")
            XCTAssertNotEqual(changed.validation.last?.metrics, plain.validation.last?.metrics)

            XCTAssertEqual(plain.value(of: parameter), old)
            XCTAssertEqual(changed.value(of: parameter), value)
            let events = changed.events.filter { $0.kind == .hyperparameter }
            XCTAssertEqual(events.count, 1)
            XCTAssertEqual(events.first?.step, n)
            assertContains(events.first?.message ?? "", parameter.label, RunSteering.format(old), RunSteering.format(value))
            XCTAssertEqual(changed.markers.filter { $0.kind == .hyperparameter }.map(\.step), [n])

            // The metrics log has the event with its step, and the evaluations carry the new value.
            let lines = try String(contentsOfFile: options.metricsPath!, encoding: .utf8).split(separator: "\n")
            let records = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            let event = try XCTUnwrap(records.first { $0["event"] as? String == "hyperparameter" })
            XCTAssertEqual(event["step"] as? Int, n)
            XCTAssertEqual(event["parameter"] as? String, parameter.rawValue)
            XCTAssertEqual(event["from"] as? Double, old)
            XCTAssertEqual(event["to"] as? Double, value)
            let final = try XCTUnwrap(records.last { $0["final"] as? Bool == true })
            XCTAssertEqual(final[parameter.rawValue] as? Double, value)
            XCTAssertEqual(final["step"] as? Int, 80)
        }
    }

    /// The snapshot keeps its last events, evaluations giving way first: a change made early in
    /// a run that evaluates hundreds of times is still listed at its end.
    func testFrequentEvaluationsDoNotEvictAChange() throws {
        var config = try smallConfig()
        config.train.evalEvery = 50            // one evaluation per minibatch: 40 an epoch
        config.train.epochs = 6
        var options = SessionOptions()
        options.scheduledCommands = [(step: 3, command: .set(.deepLearningRate, 0.2))]
        let snapshot = run(config, options: options)
        let evaluations = snapshot.events.filter { $0.kind == .evaluation }
        XCTAssertEqual(snapshot.events.count, EventLog.capacity)
        XCTAssertGreaterThan(snapshot.validation.count, EventLog.capacity, "more evaluations than the list holds")
        XCTAssertEqual(snapshot.events.filter { $0.kind == .hyperparameter }.map(\.step), [3])
        XCTAssertEqual(evaluations.last?.step, snapshot.step, "the newest evaluations are the ones kept")
    }

    func testPauseResumeAndRefusedValues() throws {
        let config = try smallConfig()
        let reference = run(config)
        var options = SessionOptions()
        options.startPaused = true
        let session = TrainingSession(config: config, options: options)
        session.start()
        wait(for: session, "the paused start") { $0.state == .paused && !$0.hyperparameters.isEmpty }
        XCTAssertEqual(session.snapshot.step, 0)
        // Out of range, negative, not finite: refused, with the reason; the value stays.
        session.send(.set(.deepLearningRate, 500))
        session.send(.set(.deepLearningRate, -1))
        session.send(.set(.ftrlAlpha, .nan))
        session.send(.set(.ftrlL2, -0.5))
        wait(for: session, "four refusals") { $0.events.filter { $0.kind == .error }.count == 4 }
        let refusals = session.snapshot.events.filter { $0.kind == .error }.map(\.message)
        assertContains(refusals[0], "refused", "deep lr", "500")
        assertContains(refusals[1], "refused", "deep lr", "-1")
        assertContains(refusals[2], "refused", "FTRL α", "finite")
        assertContains(refusals[3], "refused", "FTRL λ2", "-0.5")
        XCTAssertEqual(session.snapshot.value(of: .deepLearningRate), 0.05)
        XCTAssertEqual(session.snapshot.value(of: .ftrlAlpha), 0.05)
        XCTAssertEqual(session.snapshot.value(of: .ftrlL2), 1)
        XCTAssertEqual(session.snapshot.step, 0, "still paused")
        session.send(.resume)
        session.waitUntilFinished()
        let snapshot = session.snapshot
        XCTAssertEqual(snapshot.state, .finished)
        XCTAssertTrue(snapshot.events.contains { $0.kind == .state && $0.message == "resumed" })
        XCTAssertTrue(snapshot.events.filter { $0.kind == .hyperparameter }.isEmpty)
        XCTAssertEqual(snapshot.validation, reference.validation, "pausing and refused commands change nothing")
    }

    func testPauseAtAStepHoldsTrainingThere() throws {
        let config = try smallConfig()
        var options = SessionOptions()
        options.scheduledCommands = [(step: 7, command: .pause)]
        let session = TrainingSession(config: config, options: options)
        session.start()
        wait(for: session, "the pause") { $0.state == .paused }
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(session.snapshot.step, 7)
        XCTAssertEqual(session.snapshot.events.last { $0.kind == .state }?.message, "paused (schedule)")
        session.send(.pause)  // already paused: nothing
        session.send(.resume)
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .finished)
        XCTAssertEqual(session.snapshot.step, 80)
        XCTAssertEqual(session.snapshot.events.filter { $0.kind == .state && $0.message.hasPrefix("paused") }.count, 1)
        XCTAssertEqual(session.snapshot.validation, run(config).validation)
    }

    /// eval_every 600 with 2,000 rows per epoch in minibatches of 50: an evaluation as soon as
    /// 600, 1200, 1800 examples into each epoch are reached and one at each epoch's end: 600, 1200,
    /// 1800, 2000, then 2600, 3200, 3800 and 4000 (the end, final) — not 2400, 3000, 3600, a count
    /// over the run that drifts against the epoch ends. Epochs are counted from 1, an epoch's end
    /// belonging to the epoch that ended. Each record's train_logloss is the mean of the minibatch losses since
    /// the previous record (equal minibatch sizes).
    func testEvaluationScheduleAndMetricsLog() throws {
        var config = try smallConfig()
        config.train.evalEvery = 600
        var options = SessionOptions()
        options.metricsPath = folder.path("metrics.jsonl")
        let snapshot = run(config, options: options)
        XCTAssertEqual(snapshot.validation.map(\.examples), [600, 1200, 1800, 2000, 2600, 3200, 3800, 4000])
        XCTAssertEqual(snapshot.validation.map(\.epoch), [1, 1, 1, 1, 2, 2, 2, 2])
        XCTAssertEqual(snapshot.epoch, 2)
        let lines = try String(contentsOfFile: options.metricsPath!, encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .filter { $0["event"] == nil }
        XCTAssertEqual(records.count, 8)
        XCTAssertEqual(records.compactMap { $0["epoch"] as? Int }, [1, 1, 1, 1, 2, 2, 2, 2])
        XCTAssertEqual(records.compactMap { $0["final"] as? Bool }, [true], "only the last record is final")
        XCTAssertEqual(records.last?["final"] as? Bool, true)
        for key in ["step", "epoch", "examples", "seconds", "examples_per_sec", "train_logloss", "valid_logloss",
                    "valid_auc", "valid_accuracy", "valid_mean_prediction", "valid_positive_rate", "wide_nonzero",
                    "wide_touched", "wide_total", "skipped_rows", "deep_lr", "ftrl_alpha", "ftrl_beta", "ftrl_l1",
                    "ftrl_l2"] {
            XCTAssertNotNil(records.first?[key], key)
        }
        var previousStep = 0
        for (record, point) in zip(records, snapshot.validation) {
            let step = try XCTUnwrap(record["step"] as? Int)
            XCTAssertEqual(step, point.step)
            // (JSON text round trip: equal to the last digit or so.)
            XCTAssertEqual(try XCTUnwrap(record["valid_auc"] as? Double), point.metrics.auc, accuracy: 1e-12)
            let losses = snapshot.trainLoss.filter { $0.step > previousStep && $0.step <= step }.map(\.loss)
            XCTAssertEqual(losses.count, step - previousStep)
            XCTAssertEqual(try XCTUnwrap(record["train_logloss"] as? Double), losses.reduce(0, +) / Double(losses.count),
                           accuracy: 1e-12)
            previousStep = step
        }
    }

    /// eval_every 500 divides the 2,000-row epoch: one evaluation every 10 steps, the epoch's end
    /// (step 40) among them, and none repeated one step later (step 41, as the run-wide count did).
    func testAnEvalEveryThatDividesTheEpochEvaluatesEachPointOnce() throws {
        var config = try smallConfig()
        config.train.evalEvery = 500
        var options = SessionOptions()
        options.metricsPath = folder.path("divides.jsonl")
        let snapshot = run(config, options: options)
        XCTAssertEqual(snapshot.validation.map(\.step), [10, 20, 30, 40, 50, 60, 70, 80])
        let records = try logRecords(options.metricsPath!).filter { $0["valid_auc"] != nil }
        XCTAssertEqual(records.compactMap { $0["step"] as? Int }, [10, 20, 30, 40, 50, 60, 70, 80])
    }

    /// Early stopping counts distinct evaluations: with eval_every dividing the epoch and a
    /// patience of 1 on a run whose second evaluation is worse, the run stops at that second
    /// one, not at a repeat of the first.
    func testPatienceCountsDistinctEvaluations() throws {
        var config = try smallConfig()
        config.model.hidden = [32]
        config.optim.deep.lr = 0.3
        config.train.epochs = 12
        config.train.evalEvery = 2000  // the epoch: its end only, once
        let plain = run(config)
        let logloss = plain.validation.map(\.metrics.logloss)
        XCTAssertEqual(plain.validation.map(\.step), (1...12).map { $0 * 40 })
        // The first evaluation after which the logloss got worse: a patience of 1 stops right there.
        let worse = try XCTUnwrap(logloss.indices.dropFirst().first { logloss[$0] >= logloss[$0 - 1] })
        config.train.earlyStop = 1
        let early = run(config)
        XCTAssertEqual(early.validation.map(\.step), Array(plain.validation.map(\.step).prefix(worse + 1)))
    }

    /// A stop at an epoch's end, just after its evaluation, does not evaluate the same model a
    /// second time: one validation pass, whose figures the final record carries.
    func testAStopRightAfterAnEvaluationDoesNotRepeatIt() throws {
        let config = try smallConfig()
        var options = SessionOptions()
        options.scheduledCommands = [(step: 40, command: .stop)]
        options.metricsPath = folder.path("stop40.jsonl")
        let snapshot = run(config, options: options)
        XCTAssertEqual(snapshot.validation.map(\.step), [40])
        let records = try logRecords(options.metricsPath!).filter { $0["valid_auc"] != nil }
        XCTAssertEqual(records.last?["final"] as? Bool, true)
        XCTAssertEqual(records.last?["step"] as? Int, 40)
        XCTAssertEqual(records.last?["valid_auc"] as? Double, records.first?["valid_auc"] as? Double)
    }

    /// Stopped before its first step (a stop sent while it loads), a run has trained nothing: it
    /// neither evaluates the untrained model nor saves it, and its log ends saying so.
    func testAStopBeforeTheFirstStepEvaluatesAndSavesNothing() throws {
        let config = try smallConfig()
        var options = SessionOptions()
        options.scheduledCommands = [(step: 0, command: .stop)]
        options.metricsPath = folder.path("stop0.jsonl")
        options.checkpointDirectory = folder.path("stop0")
        let snapshot = run(config, options: options)
        XCTAssertEqual(snapshot.step, 0)
        XCTAssertTrue(snapshot.validation.isEmpty)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path("stop0") + "/final.safetensors"))
        let last = try XCTUnwrap(try logRecords(options.metricsPath!).last)
        XCTAssertEqual(last["event"] as? String, "end")
        XCTAssertEqual(last["message"] as? String, "stopped before the first step: nothing was trained; the model it started from is neither evaluated nor saved")
    }

    /// The epoch shown is the one under way, from 1: 1 during the first epoch and at its end
    /// (paused after step 40, before step 41), 2 once the second has begun.
    func testTheSnapshotCountsTheEpochUnderWayFromOne() throws {
        let config = try smallConfig()
        for (step, epoch) in [(5, 1), (40, 1), (41, 2)] {
            var options = SessionOptions()
            options.scheduledCommands = [(step: step, command: .pause)]
            let session = TrainingSession(config: config, options: options)
            session.start()
            wait(for: session, "the pause at \(step)") { $0.state == .paused }
            XCTAssertEqual(session.snapshot.step, step)
            XCTAssertEqual(session.snapshot.epoch, epoch, "at step \(step)")
            session.send(.stop)
            session.waitUntilFinished()
        }
    }

    func testEvaluateNowAddsAValidationPoint() throws {
        let config = try smallConfig()
        var options = SessionOptions()
        options.scheduledCommands = [(step: 5, command: .evaluateNow)]
        let snapshot = run(config, options: options)
        XCTAssertEqual(snapshot.validation.map(\.step), [5, 40, 80])
    }

    /// Malformed rows are skipped and counted, reported in the snapshot, an event and the metrics
    /// log; with `strict` the run fails on the first one, naming file and line.
    func testSkippedRowsAreReportedAndStrictFails() throws {
        var config = try smallConfig()
        let path = try XCTUnwrap(config.data.train)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        lines[10] = "a1,b2,not-a-number,1"  // line 11 of the file
        lines[20] = "a1,b2,0.5"  // line 21
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var options = SessionOptions()
        options.metricsPath = folder.path("skipped.jsonl")
        let snapshot = run(config, options: options)
        XCTAssertEqual(snapshot.skippedRows, 2)
        let event = try XCTUnwrap(snapshot.events.first { $0.kind == .skippedRows })
        assertContains(event.message, "2 malformed rows", path, ":11", "column 'x'")
        let log = try String(contentsOfFile: options.metricsPath!, encoding: .utf8)
        XCTAssertTrue(log.contains("\"skipped_rows\":2"), log)

        config.train.strict = true
        let session = TrainingSession(config: config)
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .failed)
        assertContains(session.snapshot.stateDetail ?? "", path, ":11", "column 'x'", "not a number")
    }

    func testStopEndsTheRunWithAFinalEvaluation() throws {
        let config = try smallConfig()
        var options = SessionOptions()
        options.scheduledCommands = [(step: 5, command: .stop)]
        let snapshot = run(config, options: options)
        XCTAssertEqual(snapshot.step, 5)
        XCTAssertEqual(snapshot.examplesSeen, 250)
        XCTAssertEqual(snapshot.validation.count, 1)
        XCTAssertEqual(snapshot.validation.last?.step, 5)
    }

    /// Commands are applied "in the order sent" (TrainingCommand's documentation); two scheduled at
    /// one step must be applied in the order listed, so the last value wins.
    func testScheduledCommandsAtOneStepApplyInOrder() throws {
        let config = try smallConfig()
        var options = SessionOptions()
        options.scheduledCommands = [(step: 3, command: .set(.deepLearningRate, 0.01)),
                                     (step: 3, command: .set(.deepLearningRate, 0.02))]
        let snapshot = run(config, options: options)
        let messages = snapshot.events.filter { $0.kind == .hyperparameter }.map(\.message)
        XCTAssertEqual(messages, ["deep lr 0.05 → 0.01 (schedule)", "deep lr 0.01 → 0.02 (schedule)"])
        XCTAssertEqual(snapshot.value(of: .deepLearningRate), 0.02)
    }

    /// A scheduled command is applied once, even when the run waits paused at its step (the pause
    /// loop calls `applyCommands` again and again at the same step).
    func testScheduledCommandIsAppliedOnceWhilePausedAtItsStep() throws {
        let config = try smallConfig()
        var options = SessionOptions()
        options.scheduledCommands = [(step: 4, command: .set(.deepLearningRate, 0.01)), (step: 4, command: .pause)]
        let session = TrainingSession(config: config, options: options)
        session.start()
        wait(for: session, "the pause") { $0.state == .paused }
        Thread.sleep(forTimeInterval: 0.5)
        session.send(.resume)
        session.waitUntilFinished()
        let events = session.snapshot.events.filter { $0.kind == .hyperparameter }
        XCTAssertEqual(events.count, 1, events.map(\.message).joined(separator: "; "))
        XCTAssertEqual(events.first?.step, 4)
    }
}
