import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// Saving copies the state between minibatches and writes it on another queue: training goes on
/// meanwhile, completion is reported on the training queue, and a run is finished only when its
/// last checkpoint is on disk.
final class AsyncCheckpointTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    func testTrainingContinuesWhileASaveIsWritten() throws {
        let config = try SmallRun.config(in: folder)
        var options = SessionOptions()
        options.checkpointDirectory = folder.path("ck")
        options.scheduledCommands = [(step: 5, command: .saveCheckpoint)]
        let session = TrainingSession(config: config, options: options)
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        session.checkpointer = { request in
            if request.name == "step-5" {
                started.signal()
                release.wait()
            }
            return try Checkpoint.save(request)
        }
        session.start()
        XCTAssertEqual(started.wait(timeout: .now() + 60), .success)
        // The step-5 write is held; training still reaches the end of the run.
        wait(for: session, "the last step") { $0.step == 80 }
        XCTAssertEqual(session.snapshot.checkpointsSaved, 0)
        XCTAssertFalse(session.waitUntilFinished(timeout: 0.2), "not finished while a checkpoint is being written")
        XCTAssertNotEqual(session.snapshot.state, .finished)
        release.signal()
        session.waitUntilFinished()

        let s = session.snapshot
        XCTAssertEqual(s.state, .finished)
        XCTAssertEqual(s.checkpointsSaved, 2)
        XCTAssertFalse(s.hasUnsavedProgress)
        XCTAssertEqual(s.markers.filter { $0.kind == .checkpoint }.map(\.step), [5, 80])
        // The best model (best.safetensors) is saved too, and reported apart.
        let saved = s.events.filter { $0.kind == .checkpoint && !$0.message.hasPrefix("best model") }.map(\.message)
        XCTAssertEqual(saved, ["checkpoint saved to \(folder.path("ck"))/step-5.safetensors",
                               "checkpoint saved to \(folder.path("ck"))/final.safetensors"])
        // The held save wrote the state of step 5, copied before training went on.
        let early = try LoadedCheckpoint.load(path: folder.path("ck") + "/step-5.safetensors")
        XCTAssertEqual(early.step, 5)
        XCTAssertEqual(early.examples, 250)
        XCTAssertEqual(early.model.deepOptimizer.steps, 5)
    }

    /// A session whose checkpoint writes take 0.3 s each.
    private func slowSavingSession(_ config: RunConfig, _ options: SessionOptions) -> TrainingSession {
        let session = TrainingSession(config: config, options: options)
        session.checkpointer = { request in
            Thread.sleep(forTimeInterval: 0.3)
            return try Checkpoint.save(request)
        }
        return session
    }

    /// The final checkpoint is on disk, and its event logged, before the run reports finished;
    /// the metrics log still ends with the final record.
    func testFinalCheckpointCompletesBeforeFinished() throws {
        let config = try SmallRun.config(in: folder)
        var options = SessionOptions()
        options.checkpointDirectory = folder.path("ck")
        options.metricsPath = folder.path("m.jsonl")
        let session = slowSavingSession(config, options)
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .finished)
        XCTAssertEqual(session.snapshot.checkpointsSaved, 1)
        XCTAssertEqual(try LoadedCheckpoint.load(path: folder.path("ck") + "/final.safetensors").step, 80)
        let lines = try String(contentsOfFile: options.metricsPath!, encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(lines.last?.contains("\"final\":true") ?? false)
        XCTAssertTrue(lines.dropLast().last?.contains("\"event\":\"checkpoint\"") ?? false, "\(lines.suffix(2))")
    }

    /// The metrics log opens with the resolved config, stamps every line with one run id and a
    /// wall-clock time, and its `seconds` never go back, although the final evaluation's record is
    /// held until the (slow, 0.3 s) final checkpoint is on disk.
    func testMetricsLogIsStampedAndItsSecondsNeverGoBack() throws {
        let config = try SmallRun.config(in: folder)
        var options = SessionOptions()
        options.checkpointDirectory = folder.path("ck")
        options.metricsPath = folder.path("m.jsonl")
        let session = slowSavingSession(config, options)
        let started = Date()
        session.start()
        session.waitUntilFinished()
        let lines = try String(contentsOfFile: options.metricsPath!, encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let first = try XCTUnwrap(records.first)
        XCTAssertEqual(first["event"] as? String, "start")
        let saved = try JSONSerialization.data(withJSONObject: try XCTUnwrap(first["config"]))
        XCTAssertEqual(try JSONDecoder().decode(RunConfig.self, from: saved), config, "the first record holds the config")
        let ids = Set(records.compactMap { $0["run_id"] as? String })
        XCTAssertEqual(ids.count, 1, "one run id on every line")
        XCTAssertEqual(records.compactMap { $0["run_id"] }.count, records.count)
        // The checkpoints it saved name the same run (what `wdl serve` answers with), and a
        // run id that is not one is refused on load.
        let checkpoint = try LoadedCheckpoint.load(path: folder.path("ck/final.safetensors"))
        XCTAssertEqual(checkpoint.metadata[CheckpointMetadata.runIDKey], ids.first)
        for forged in ["\u{1B}[31m", "0C1F6A4E-5B2D-4E8A-9F3C-7D1E2B4A6C80", "0c1f6a4e-5b2d-4e8a-9f3c", ""] {
            var metadata = checkpoint.metadata
            metadata[CheckpointMetadata.runIDKey] = forged
            XCTAssertThrowsError(try CheckpointIntegrity.checkConfig(checkpoint.config, layout: checkpoint.layout, metadata: metadata, path: "f"), forged)
        }
        XCTAssertNoThrow(try CheckpointIntegrity.checkConfig(checkpoint.config, layout: checkpoint.layout, metadata: checkpoint.metadata, path: "f"))
        let clock = ISO8601DateFormatter()
        clock.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for record in records {
            let time = try XCTUnwrap(clock.date(from: try XCTUnwrap(record["time"] as? String)))
            XCTAssertEqual(time.timeIntervalSince(started), 0, accuracy: 60)
        }
        let seconds = records.dropFirst().compactMap { $0["seconds"] as? Double }
        XCTAssertEqual(seconds.count, records.count - 1)
        XCTAssertEqual(seconds, seconds.sorted(), "seconds go back: \(seconds)")
    }

    /// "Quit without saving" stops the run without the final checkpoint a plain stop writes.
    func testStopWithoutSavingWritesNoFinalCheckpoint() throws {
        let config = try SmallRun.config(in: folder)
        var options = SessionOptions()
        options.checkpointDirectory = folder.path("ck")
        options.scheduledCommands = [(step: 5, command: .stopWithoutSaving)]
        let s = SmallRun.run(config, options: options)
        XCTAssertEqual(s.state, .finished)
        XCTAssertEqual(s.step, 5)
        XCTAssertEqual(s.checkpointsSaved, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path("ck") + "/final.safetensors"))
    }

    /// A failed save is an event and training goes on; a failed final save fails the run (a run is
    /// finished only once its final checkpoint is on disk).
    func testFailedSaveIsReportedAndTheRunGoesOnButALostFinalCheckpointFailsIt() throws {
        let config = try SmallRun.config(in: folder)
        var options = SessionOptions()
        options.checkpointDirectory = folder.path("ck")
        options.scheduledCommands = [(step: 3, command: .saveCheckpoint)]
        let session = TrainingSession(config: config, options: options)
        session.checkpointer = { request in throw CheckpointError(path: request.directory, "disk full") }
        session.start()
        session.waitUntilFinished()
        let s = session.snapshot
        XCTAssertEqual(s.state, .failed)
        XCTAssertEqual(s.stateDetail, "the final checkpoint was not saved: \(folder.path("ck")): disk full")
        XCTAssertEqual(s.step, 80)
        XCTAssertEqual(s.checkpointsSaved, 0)
        XCTAssertTrue(s.hasUnsavedProgress)
        // The scheduled save and the final one; the best model's saves fail too, named as such.
        let errors = s.events.filter { $0.kind == .error }.map(\.message)
        XCTAssertEqual(errors.filter { !$0.hasPrefix("checkpoint best failed") },
                       ["checkpoint step-3 failed: \(folder.path("ck")): disk full",
                        "checkpoint final failed: \(folder.path("ck")): disk full"])
        XCTAssertGreaterThan(errors.count, 2)
    }

    /// `--checkpoint-every` with `--keep`: periodic saves in step order, the oldest deleted.
    func testPeriodicSavesKeepTheNewest() throws {
        let config = try SmallRun.config(in: folder)
        var options = SessionOptions()
        options.checkpointDirectory = folder.path("ck")
        options.checkpointEvery = 500
        options.keep = 2
        let s = SmallRun.run(config, options: options)
        XCTAssertEqual(s.checkpointsSaved, 9)  // steps 10, 20, …, 80 and final
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path("ck")).sorted()
        XCTAssertEqual(names, ["best.safetensors", "final.safetensors", "step-70.safetensors", "step-80.safetensors"])
    }

    /// The session never writes a state holding NaN: it says why and saves nothing (neither the
    /// checkpoint asked for nor the final one).
    func testSessionRefusesToSaveNonFiniteState() throws {
        let config = try SmallRun.config(in: folder)
        var options = SessionOptions()
        options.checkpointDirectory = folder.path("ck")
        // Paused after a few steps: a run that trained nothing would not save a final checkpoint.
        options.scheduledCommands = [(step: 3, command: .pause)]
        let session = TrainingSession(config: config, options: options)
        session.start()
        wait(for: session, "the pause at step 3") { $0.state == .paused && !$0.hyperparameters.isEmpty }
        // The training queue is idle while paused; poison one weight from here.
        session.run.model!.layers[0].weight[3] = .nan
        session.send(.saveCheckpoint)
        session.send(.stop)
        session.waitUntilFinished()
        let s = session.snapshot
        XCTAssertEqual(s.checkpointsSaved, 0)
        XCTAssertEqual(s.events.filter { $0.kind == .error }.map(\.message),
                       Array(repeating: "checkpoint refused: deep.dense0.weight holds NaN or infinite values", count: 2))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path("ck") + "/final.safetensors"))
    }
}
