import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// No model lost and no resource exhausted without a word: the memory estimate, the checkpoint
/// folder checked at start, the metrics log on a failing disk.
final class RunSafetyTests: XCTestCase {
    /// The per-part formulas of docs/memory.md, by hand for a small model.
    func testMemoryEstimateFollowsTheDocumentedFormulas() {
        var config = RunConfig()
        config.features.hashBuckets = 1000
        config.features.categorical = ["a", "b"]
        config.features.numeric = ["x", "y", "z"]
        config.features.embeddingBuckets = 100
        config.model.embeddingDim = 4
        config.model.hidden = [5]
        let estimate = MemoryEstimate(config: config, checkpointing: false)
        XCTAssertEqual(estimate.wideBytes, 16 * 1001)
        XCTAssertEqual(estimate.embeddingBytes, 2 * 100 * (4 * 8 + 5))  // AdaGrad: value and accumulator
        // Widths 2·4 + 3 = 11 → 5 → 1: 11·5 + 5 + 5·1 + 1 = 66 parameters, 8 bytes each, and a
        // 4-byte gradient each.
        XCTAssertEqual(estimate.denseBytes, 66 * 12)
        XCTAssertEqual(estimate.stateCopyBytes, 10 * 1001 + 7400 + 528)
        // With checkpoints: the rollback copy, the best state waiting to be saved, a save in flight.
        XCTAssertEqual(MemoryEstimate(config: config, checkpointing: true).stateCopyBytes, 3 * (10 * 1001 + 7400 + 528))
        config.train.earlyStop = 3  // the best state kept to end on
        XCTAssertEqual(MemoryEstimate(config: config, checkpointing: false).stateCopyBytes, 2 * (10 * 1001 + 7400 + 528))
        config.train.earlyStop = 0
        config.model.mode = .wide
        // Wide only: the wide part, one state copy, the logits of a 256-example batch.
        XCTAssertEqual(MemoryEstimate(config: config, checkpointing: false).totalBytes, 26 * 1001 + 4 * 256 * 2)
    }

    func testAModelTheMachineCannotHoldIsRefusedNamingWhatToLower() throws {
        var config = RunConfig()
        config.features.hashBuckets = 1 << 30
        let estimate = MemoryEstimate(config: config, checkpointing: true)
        XCTAssertNoThrow(try estimate.check(machineBytes: 2 * estimate.totalBytes))
        XCTAssertNoThrow(try estimate.check(machineBytes: nil))
        // 16·(2^30 + 1) wide + 3 copies of 10·(2^30 + 1) + the default tower's 5201 parameters · 8
        // (four times) = 49.39 GB.
        let message = thrownDescription { try estimate.check(machineBytes: 24e9) }
        assertContains(message, "the run needs about 49.4 GB", "wide 17.2 GB", "this machine's 24.0 GB", "lower features.hash_buckets")
        config.features.hashBuckets = 1 << 10
        config.model.hidden = [65_536, 65_536]
        assertContains(thrownDescription { try MemoryEstimate(config: config, checkpointing: false).check(machineBytes: 24e9) },
                       "lower model.hidden")
        XCTAssertNotNil(MemoryEstimate.machineBytes())
    }

    func testAnUnwritableCheckpointFolderFailsTheRunAtItsStart() throws {
        let folder = try TemporaryFolder()
        var options = SessionOptions()
        options.checkpointDirectory = "/proc/nope"
        let session = TrainingSession(config: try SmallRun.config(in: folder), options: options)
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .failed)
        XCTAssertEqual(session.snapshot.step, 0)
        assertContains(session.snapshot.stateDetail ?? "", "/proc/nope", "cannot create the checkpoint folder")
        let file = try folder.write("plain", "x")
        assertContains(thrownDescription { try Checkpoint.prepareFolder(file + "/ck") }, file + "/ck", "cannot create")
        // A new nested folder is created (so the dashboard's log has somewhere to go) and left clean.
        let nested = folder.path("new/deeper")
        try Checkpoint.prepareFolder(nested)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: nested), [])
    }

    /// /dev/full fails every write: the run finishes, the failure is one error event.
    func testAFailingMetricsLogIsOneErrorEventAndTrainingGoesOn() throws {
        let folder = try TemporaryFolder()
        var options = SessionOptions()
        options.metricsPath = "/dev/full"
        let snapshot = SmallRun.run(try SmallRun.config(in: folder), options: options)
        XCTAssertEqual(snapshot.step, 80)
        let errors = snapshot.events.filter { $0.kind == .error }.map(\.message)
        XCTAssertEqual(errors.count, 1, "\(errors)")
        assertContains(errors.first ?? "", "metrics log /dev/full stopped", "cannot write the metrics log")
    }

    func testAReplacedMetricsLogIsSaid() throws {
        let folder = try TemporaryFolder()
        var options = SessionOptions()
        options.metricsPath = try folder.write("m.jsonl", "old line\n")
        let snapshot = SmallRun.run(try SmallRun.config(in: folder), options: options)
        XCTAssertTrue(snapshot.events.contains { $0.message == "metrics log \(options.metricsPath!) existed; it is overwritten" })
        let text = try String(contentsOfFile: options.metricsPath!, encoding: .utf8)
        XCTAssertFalse(text.contains("old line"))
        XCTAssertTrue(text.split(separator: "\n").allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }
}

/// A label setting that leaves one class only is an error, not "AUC nan" with success.
final class SingleClassRunTests: XCTestCase {
    func testANegativeValueTheFileNeverHasFailsTheRun() throws {
        let folder = try TemporaryFolder()
        var config = try SmallRun.config(in: folder)
        config.data.negative = ["never"]
        let session = TrainingSession(config: config, options: SessionOptions())
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .failed)
        assertContains(session.snapshot.stateDetail ?? "", config.data.train!, "training rows read are positive",
                       "a run needs both classes", "data.negative [never]")
    }
}
