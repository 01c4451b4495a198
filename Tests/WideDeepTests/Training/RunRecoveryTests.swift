import Foundation
import XCTest
import SafeTensors
@testable import WideDeep
import WDLTestSupport

/// What a run keeps across a resume and a rollback: the best evaluation, its file and the
/// early-stopping count (resume), and the newest good state with the statistics shown then
/// (rollback).
final class RunRecoveryTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    /// The small run with a deep learning rate that overfits its 2,000 rows within a few epochs
    /// (40 steps each), evaluated at epoch ends.
    private func overfittingConfig(epochs: Int) throws -> RunConfig {
        var config = try SmallRun.config(in: folder)
        config.model.hidden = [32]
        config.optim.deep.lr = 0.3
        config.train.epochs = epochs
        return config
    }

    private func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// A run saved at epoch c, two epochs after its best evaluation (epoch b + 1), and resumed:
    /// the checkpoint records that best and one evaluation since; the resumed run's evaluations,
    /// all worse, leave `best.safetensors` byte for byte as it was, and the run names the restored
    /// best. With a patience of 2 the resumed run stops at its first evaluation (the second since
    /// the best) and ends on the best state, read back from `best.safetensors`.
    func testResumeKeepsTheBestModelItsFileAndItsPatience() throws {
        let config = try overfittingConfig(epochs: 8)
        var options = SessionOptions()
        options.checkpointDirectory = folder.path("a")
        options.checkpointEvery = 2000  // a step checkpoint at every epoch's last step, before its evaluation
        let full = SmallRun.run(config, options: options)
        let logloss = full.validation.map(\.metrics.logloss)
        let b = logloss.indices.min { logloss[$0] < logloss[$1] }!
        XCTAssertLessThanOrEqual(b, 4, "the run overfits: its best is early \(logloss)")
        let bestPoint = full.validation[b]
        let bestFile = folder.path("a") + "/best.safetensors"
        let bestBytes = try bytes(bestFile)
        // Saved at the end of epoch b + 3, before that epoch's evaluation: evaluations b + 1 and
        // b + 2 (1-based epochs) are behind it, one since the best.
        let resumeFrom = folder.path("a") + "/step-\((b + 3) * 40).safetensors"
        let saved = try LoadedCheckpoint.load(path: resumeFrom)
        let record = try XCTUnwrap(try CheckpointMetadata.best(in: saved.metadata, path: resumeFrom, step: saved.step,
                                                               examples: saved.examples))
        XCTAssertEqual(record.point, bestPoint)
        XCTAssertEqual(record.evaluationsSince, 1)
        XCTAssertEqual(record.file, bestFile)
        XCTAssertEqual(record.metric, .logloss)

        var patient = config
        patient.train.earlyStop = 2
        var early = SessionOptions()
        early.resumePath = resumeFrom
        early.checkpointDirectory = folder.path("b")
        let stopped = SmallRun.run(patient, options: early)
        XCTAssertEqual(stopped.validation.map(\.step), [(b + 3) * 40], "the second evaluation since the best stops the run")
        XCTAssertEqual(stopped.best, bestPoint)
        XCTAssertTrue(stopped.restoredBest)
        let ended = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: folder.path("b") + "/final.safetensors"))
        let best = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: bestFile))
        XCTAssertEqual(ended.tensors, best.tensors, "the run ended on the best state of before the resume")
        XCTAssertEqual(ended.metadata["step"], String(bestPoint.step))

        var resume = SessionOptions()
        resume.resumePath = resumeFrom
        resume.checkpointDirectory = folder.path("a")  // the same folder, as a user resumes
        let resumed = SmallRun.run(config, options: resume)
        XCTAssertEqual(resumed.validation.map(\.step), Array((b + 3)...8).map { $0 * 40 })
        XCTAssertEqual(resumed.validation.map(\.metrics), Array(full.validation.suffix(8 - b - 2)).map(\.metrics),
                       "the resumed run evaluates as the uninterrupted one did: every figure worse than the best")
        XCTAssertEqual(try bytes(bestFile), bestBytes, "best.safetensors is replaced only by a better model")
        XCTAssertEqual(resumed.best, bestPoint)
        XCTAssertEqual(resumed.bestCheckpoint, bestFile)
        XCTAssertEqual(resumed.bestCheckpointStep, bestPoint.step)
        XCTAssertTrue(resumed.events.contains { $0.message.hasPrefix("best so far: step \(bestPoint.step) ") }, "the restored best is said")
    }

    /// A checkpoint saved before the best was recorded (the key taken out, the metadata re-sealed)
    /// still resumes; the run says that its best so far is unknown and takes its first
    /// evaluation as the best. A forged record (a best after the checkpoint's own step) is
    /// refused, naming the key.
    func testACheckpointWithoutABestRecordResumesAndAForgedOneIsRefused() throws {
        let config = try overfittingConfig(epochs: 3)
        var options = SessionOptions()
        options.checkpointDirectory = folder.path("a")
        options.checkpointEvery = 2000
        SmallRun.run(config, options: options)
        let source = URL(fileURLWithPath: folder.path("a") + "/step-80.safetensors")
        var file = try SafeTensorsFile(contentsOf: source)
        XCTAssertNotNil(file.metadata[CheckpointMetadata.bestKey])

        file.metadata.removeValue(forKey: CheckpointMetadata.bestKey)
        CheckpointIntegrity.seal(&file.metadata)
        let old = folder.path("old.safetensors")
        try file.write(to: URL(fileURLWithPath: old))
        var resume = SessionOptions()
        resume.resumePath = old
        let resumed = SmallRun.run(config, options: resume)
        XCTAssertEqual(resumed.validation.map(\.step), [80, 120])
        XCTAssertEqual(resumed.best?.step, resumed.validation.min { $0.metrics.logloss < $1.metrics.logloss }?.step)
        XCTAssertTrue(resumed.events.contains { $0.message.contains("records no best evaluation") && $0.message.contains("unknown") })

        var forged = try SafeTensorsFile(contentsOf: source)
        let text = try XCTUnwrap(forged.metadata[CheckpointMetadata.bestKey])
        forged.metadata[CheckpointMetadata.bestKey] = text.replacingOccurrences(of: #""step":40"#, with: #""step":4000"#)
        XCTAssertNotEqual(forged.metadata[CheckpointMetadata.bestKey], text)
        CheckpointIntegrity.seal(&forged.metadata)
        let bad = folder.path("forged.safetensors")
        try forged.write(to: URL(fileURLWithPath: bad))
        var refused = SessionOptions()
        refused.resumePath = bad
        let session = TrainingSession(config: config, options: refused)
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .failed)
        let detail = session.snapshot.stateDetail ?? ""
        XCTAssertTrue(detail.contains("forged.safetensors") && detail.contains("metadata 'best'") && detail.contains("4000"), detail)
    }

    /// Learning rates of 100 set right after the first epoch diverge the run. The newest good
    /// state is then the best one of step 40 (kept for best.safetensors), not the start's: the
    /// rollback goes there, shows the model statistics of that state again (not the diverged
    /// model's gradient norms), names both rates changed since, and the resumed run replays a
    /// plain run exactly.
    func testRollbackGoesToTheNewestGoodStateAndNamesEveryChange() throws {
        let config = try SmallRun.config(in: folder)
        var config3 = config
        config3.train.epochs = 3
        let alpha = config3.optim.wide.alpha

        var pausedOptions = SessionOptions()
        pausedOptions.scheduledCommands = [(step: 40, command: .pause)]
        let reference = TrainingSession(config: config3, options: pausedOptions)
        reference.start()
        wait(for: reference, "the pause at step 40") { $0.state == .paused }
        let at40 = reference.snapshot
        reference.send(.stop)
        reference.waitUntilFinished()

        var options = SessionOptions()
        options.checkpointDirectory = folder.path("rb")
        options.goodStateInterval = 1e9  // the periodic copy is the start's only
        options.statisticsInterval = 0   // statistics at every step: the diverged ones are on show
        options.scheduledCommands = [(step: 41, command: .set(.deepLearningRate, 100)),
                                     (step: 41, command: .set(.ftrlAlpha, 100))]
        let session = TrainingSession(config: config3, options: options)
        session.start()
        wait(for: session, "the divergence") { $0.state == .diverged }
        let diverged = session.snapshot
        XCTAssertNotEqual(diverged.dense, at40.dense)
        session.send(.set(.deepLearningRate, 0.05))
        session.send(.set(.ftrlAlpha, alpha))
        session.send(.rollBack)
        wait(for: session, "the rollback") { $0.events.contains { $0.kind == .rollback } }
        let rewound = session.snapshot
        XCTAssertEqual(rewound.step, 40)
        XCTAssertEqual(rewound.examplesSeen, 2000)
        XCTAssertEqual(rewound.validation.map(\.step), [40])
        XCTAssertEqual(rewound.statisticsStep, 40)
        XCTAssertEqual(rewound.dense, at40.dense, "the statistics of the state rolled back to")
        XCTAssertEqual(rewound.embeddings, at40.embeddings)
        XCTAssertEqual(rewound.wide?.nonzero, at40.wide?.nonzero)
        let message = try XCTUnwrap(rewound.events.last { $0.kind == .rollback }?.message)
        let a = RunSteering.format(alpha)
        XCTAssertTrue(message.hasPrefix("rolled back from step \(diverged.step) to step 40; paused"), message)
        XCTAssertTrue(message.hasSuffix("changed since step 40: deep lr 0.05 then, 0.05 now; \(Hyperparameter.ftrlAlpha.label) \(a) then, \(a) now"),
                      message)

        session.send(.resume)
        session.waitUntilFinished()
        let replayed = session.snapshot
        let plain = SmallRun.run(config3)
        XCTAssertEqual(replayed.state, .finished)
        XCTAssertEqual(replayed.step, 120)
        XCTAssertEqual(replayed.validation, plain.validation)
        XCTAssertEqual(replayed.trainLoss, plain.trainLoss)
    }

    /// Resuming a run that has completed its epochs trains nothing: no evaluation, no new final
    /// checkpoint, and a metrics log that ends with an end record saying why.
    func testResumingACompletedRunEndsItsLogSayingThereIsNothingToTrain() throws {
        let config = try SmallRun.config(in: folder)
        let final = SmallRun.trainedCheckpoint(config, folder: folder)
        let before = try bytes(final)
        var options = SessionOptions()
        options.resumePath = final
        options.checkpointDirectory = folder.path("ck")
        options.metricsPath = folder.path("done.jsonl")
        let resumed = SmallRun.run(config, options: options)
        XCTAssertTrue(resumed.validation.isEmpty)
        XCTAssertEqual(resumed.step, 80)
        XCTAssertEqual(try bytes(final), before)
        let lines = try String(contentsOfFile: options.metricsPath!, encoding: .utf8).split(separator: "\n")
        let last = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(lines.last).utf8)) as? [String: Any])
        XCTAssertEqual(last["event"] as? String, "end")
        XCTAssertEqual(last["state"] as? String, "finished")
        XCTAssertEqual(last["message"] as? String, "nothing to train: the run has completed its epochs (2 of 2); raise --epochs to train further")
    }
}
