import Foundation
import XCTest
import SafeTensors
@testable import WideDeep
import WDLTestSupport

/// A data-parallel job trained by ranks that are threads of this process (`InProcessJob`): the
/// session, sharding, exchange and commands are the ones `mpirun` runs; only the transport differs.
final class DataParallelTrainingTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    /// Runs one session per rank of a job of `ranks` until all end; `options(rank)` sets each up.
    func runJob(_ config: RunConfig, ranks: Int, options: (Int) -> SessionOptions = { _ in SessionOptions() })
        -> [TrainingSnapshot] {
        let job = InProcessJob(size: ranks)
        let sessions = job.ranks.enumerated().map { rank, communicator in
            var o = options(rank)
            o.communicator = communicator
            return TrainingSession(config: config, options: o)
        }
        for session in sessions { session.start() }
        for session in sessions { session.waitUntilFinished() }
        return sessions.map(\.snapshot)
    }

    /// The largest |a − b| / max(1, |b|) over every float tensor of two checkpoints; their other
    /// tensors (the touched marks, feature groups) must be equal.
    func largestRelativeDifference(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) throws -> Float {
        let x = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: a)).tensors
        let y = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: b)).tensors
        XCTAssertEqual(x.keys.sorted(), y.keys.sorted(), file: file, line: line)
        var largest: Float = 0
        for (name, tensor) in x {
            let other = try XCTUnwrap(y[name])
            guard tensor.dtype == .f32 else {
                XCTAssertEqual(tensor, other, name, file: file, line: line)
                continue
            }
            for (u, v) in zip(try tensor.floats(), try other.floats()) { largest = max(largest, abs(u - v) / max(1, abs(v))) }
        }
        return largest
    }

    func replicasIdentical(_ snapshot: TrainingSnapshot) -> Bool {
        snapshot.events.contains { $0.message.hasPrefix("replicas identical on") }
    }

    /// N ranks × batch B are one model trained with batch N × B on the same rows: only the order
    /// of the float sums differs (each rank's partial sum first), so every tensor of the final
    /// checkpoint agrees to rounding (2⁻²⁴ per sum) amplified by 80 steps — bounded here by 1e-5
    /// relative. A lost or doubled rank's gradient moves them by the gradients' own size, as one
    /// process with batch B (the other way to get it wrong) shows: more than 1e-3.
    func testTwoRanksMatchOneProcessWithTheJobsBatch() throws {
        var config = try SmallRun.config(in: folder)
        let single = folder.path("single")
        var one = SessionOptions()
        one.checkpointDirectory = single
        let reference = SmallRun.run(config, options: one)

        config.train.batchSize = 25
        let snapshots = runJob(config, ranks: 2) { rank in
            var o = SessionOptions()
            o.checkpointDirectory = self.folder.path("job")
            o.metricsPath = self.folder.path("m\(rank).jsonl")
            return o
        }
        for s in snapshots {
            XCTAssertEqual(s.state, .finished, s.stateDetail ?? "")
            XCTAssertEqual(s.step, 80, "2,000 rows in job steps of 50, two epochs")
            XCTAssertEqual(s.examplesSeen, 4000)
            XCTAssertTrue(replicasIdentical(s), "\(s.events.map(\.message))")
        }
        XCTAssertEqual(snapshots[0].validation, snapshots[1].validation, "every rank evaluates the same model")
        let job = try XCTUnwrap(snapshots[0].validation.last?.metrics), alone = try XCTUnwrap(reference.validation.last?.metrics)
        XCTAssertEqual(job.logloss, alone.logloss, accuracy: 1e-5)
        XCTAssertEqual(job.auc, alone.auc, accuracy: 1e-4)
        XCTAssertLessThan(try largestRelativeDifference(folder.path("job/final.safetensors"), single + "/final.safetensors"), 1e-5)
        var small = SessionOptions()
        small.checkpointDirectory = folder.path("small")
        SmallRun.run(config, options: small)
        XCTAssertGreaterThan(try largestRelativeDifference(folder.path("small/final.safetensors"), single + "/final.safetensors"), 1e-3)

        // Rank 0 alone writes the metrics log; every record names the ranks and the job's batch.
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path("m1.jsonl")))
        let records = try String(contentsOfFile: folder.path("m0.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertFalse(records.isEmpty)
        for line in records {
            let record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(record["ranks"] as? Int, 2)
            XCTAssertEqual(record["batch"] as? Int, 50)
        }
    }

    /// Shards of unequal length: 2,001 rows in job steps of 150 end with a step of one row (one
    /// rank has it, two have none), and a 2-row file leaves one of 3 ranks without any row.
    func testUnevenAndEmptyShardsFinishAndMatchOneProcess() throws {
        for rows in [2001, 2] {
            var config = try SmallRun.config(in: folder)
            config.data.train = try folder.write("train\(rows).csv", SmallRun.csv(rows: rows, seed: 77))
            config.train.batchSize = 150
            let single = folder.path("single\(rows)")
            var one = SessionOptions()
            one.checkpointDirectory = single
            let reference = SmallRun.run(config, options: one)

            config.train.batchSize = 50
            let snapshots = runJob(config, ranks: 3) { _ in
                var o = SessionOptions()
                o.checkpointDirectory = self.folder.path("job\(rows)")
                return o
            }
            for s in snapshots {
                XCTAssertEqual(s.state, .finished, "\(rows) rows: \(s.stateDetail ?? "")")
                XCTAssertEqual(s.step, reference.step, "\(rows) rows: as many steps as one process with the job's batch")
                XCTAssertEqual(s.examplesSeen, 2 * rows)
                XCTAssertTrue(replicasIdentical(s), "\(rows) rows")
            }
            XCTAssertLessThan(try largestRelativeDifference(folder.path("job\(rows)/final.safetensors"), single + "/final.safetensors"), 1e-5,
                              "\(rows) rows")
        }
    }

    /// Commands are rank 0's: a learning-rate change and a stop scheduled on rank 0 only take
    /// effect on every rank at the same step.
    func testRankZerosCommandsReachEveryRankAtTheSameStep() throws {
        var config = try SmallRun.config(in: folder)
        config.train.batchSize = 25
        let deepLR = try XCTUnwrap(Hyperparameter(rawValue: "deep_lr"))
        let snapshots = runJob(config, ranks: 2) { rank in
            var o = SessionOptions()
            if rank == 0 { o.scheduledCommands = [(step: 10, command: .set(deepLR, 0.01)), (step: 30, command: .stop)] }
            return o
        }
        for s in snapshots {
            XCTAssertEqual(s.step, 30)
            XCTAssertEqual(s.hyperparameters.first { $0.parameter == deepLR }?.value, 0.01)
            XCTAssertTrue(replicasIdentical(s))
        }
    }

    func testCommandsSurviveTheirBroadcastForm() throws {
        let alpha = try XCTUnwrap(Hyperparameter(rawValue: "ftrl_alpha"))
        let commands: [TrainingCommand] = [.pause, .set(alpha, 0.123456789), .resume, .evaluateNow, .saveCheckpoint,
                                           .rollBack, .stop, .stopWithoutSaving]
        XCTAssertEqual(TrainingCommand.decode(TrainingCommand.encode(commands)), commands)
        XCTAssertEqual(TrainingCommand.decode([]), [])
    }

    func testStateChecksumSeesOneBit() {
        var state = ModelState()
        state.floats["w"] = [1, 2, 3]
        state.uint8["t"] = [0, 1]
        var other = state
        XCTAssertEqual(state.checksum, other.checksum)
        other.floats["w"]![1] = Float(bitPattern: Float(2).bitPattern ^ 1)
        XCTAssertNotEqual(state.checksum, other.checksum)
        other = state
        other.uint8["t"]![0] = 1
        XCTAssertNotEqual(state.checksum, other.checksum)
    }

    /// Periodic averaging with K past the epoch's 40 steps: each rank trains alone on its rows,
    /// and the one average (before the final evaluation) makes every float tensor the mean of
    /// the two replicas — which two models trained here on the same rows, by hand, give exactly:
    /// (a + b) / 2 is what both compute.
    func testAveragingEveryKStepsGivesTheMeanOfReplicasTrainedAlone() throws {
        var config = try SmallRun.config(in: folder)
        config.train.epochs = 1
        config.train.shuffle = false
        config.train.batchSize = 25
        let snapshots = runJob(config, ranks: 2) { _ in
            var o = SessionOptions()
            o.checkpointDirectory = self.folder.path("job")
            o.syncEvery = 1000
            return o
        }
        for s in snapshots {
            XCTAssertEqual(s.state, .finished, s.stateDetail ?? "")
            XCTAssertTrue(replicasIdentical(s))
        }

        let data = try RunData.load(config: config, threads: 1)
        let replicas = (0..<2).map { rank in
            let model = WideDeepModel(layout: data.layout, config: config)
            for step in 0..<40 {
                let rows = (0..<25).map { Int32(step * 50 + rank * 25 + $0) }
                rows.withUnsafeBufferPointer { _ = model.trainStep(data.train, rows: $0, threads: 1) }
            }
            return model.captureState()
        }
        let job = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: folder.path("job/final.safetensors"))).tensors
        for (name, a) in replicas[0].floats {
            let b = replicas[1].floats[name]!
            let mean = zip(a, b).map { ($0 + $1) / 2 }
            XCTAssertEqual(try XCTUnwrap(job[name]).floats(), mean, name)
        }
    }
}
