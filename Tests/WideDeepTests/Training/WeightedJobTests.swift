import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// Weights through a data-parallel job's step (`trainStep` with `GradientReduction.exchange`), and the test set
/// scored by every rank together: a 2-rank weighted job with batch 25 is the weighted single
/// process with batch 50, to rounding.
final class WeightedJobTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    /// A copy of a CSV with a weight column `w`: 0.5, 1, 2 or 3 by row.
    private func weighted(_ path: String) throws -> String {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let weights = ["0.5", "1", "2", "3"]
        let text = ([lines[0] + ",w"] + lines.dropFirst().enumerated().map { $0.element + "," + weights[($0.offset * 7) % 4] })
            .joined(separator: "\n") + "\n"
        return try folder.write("w-" + (path as NSString).lastPathComponent, text)
    }

    /// Streamed in file order (blocks of 997 bytes, chunks across minibatches), a weighted run is
    /// bit-identical to the in-memory one: the weights travel with their rows through the chunks.
    func testStreamedWeightedRunEqualsTheInMemoryOne() throws {
        let plain = try SmallRun.config(in: folder)
        var config = plain
        config.data.weight = "w"
        config.data.train = try weighted(plain.data.train!)
        config.data.valid = try weighted(plain.data.valid!)
        config.train.shuffle = false
        let memory = SmallRun.run(config)
        var options = SessionOptions()
        options.stream = StreamingFixtures.stream(blockBytes: 997)
        let stream = SmallRun.run(config, options: options)
        XCTAssertEqual(stream.validation, memory.validation)
        XCTAssertEqual(stream.trainLoss, memory.trainLoss)
        config.data.weight = nil
        config.features.ignore = ["w"]
        XCTAssertNotEqual(SmallRun.run(config, options: options).trainLoss, memory.trainLoss, "the weights count")
    }

    func testWeightedJobMatchesTheWeightedSingleProcess() throws {
        let plain = try SmallRun.config(in: folder)
        var config = plain
        config.data.weight = "w"
        config.data.train = try weighted(plain.data.train!)
        config.data.valid = try weighted(plain.data.valid!)
        config.data.test = try weighted(try folder.write("test.csv", SmallRun.csv(rows: 600, seed: 90)))
        let alone = SmallRun.run(config)
        let unweighted = SmallRun.run(plain)
        XCTAssertNotEqual(alone.validation.last?.metrics.logloss, unweighted.validation.last?.metrics.logloss,
                          "the weights change the training and the figures")

        config.train.batchSize = 25
        let job = InProcessJob(size: 2)
        let sessions = job.ranks.map { communicator in
            var options = SessionOptions()
            options.communicator = communicator
            return TrainingSession(config: config, options: options)
        }
        for session in sessions { session.start() }
        for session in sessions { session.waitUntilFinished() }
        let snapshots = sessions.map(\.snapshot)
        for s in snapshots { XCTAssertEqual(s.state, .finished, s.stateDetail ?? "") }
        let a = try XCTUnwrap(snapshots[0].validation.last?.metrics), b = try XCTUnwrap(alone.validation.last?.metrics)
        XCTAssertEqual(a.logloss, b.logloss, accuracy: 1e-5)
        XCTAssertEqual(a.auc, b.auc, accuracy: 1e-4)
        let testJob = try XCTUnwrap(snapshots[0].test?.metrics), testAlone = try XCTUnwrap(alone.test?.metrics)
        XCTAssertEqual(testJob.count, 600)
        XCTAssertEqual(snapshots[1].test?.metrics, testJob, "every rank scores the same test set with the same model")
        XCTAssertEqual(testJob.logloss, testAlone.logloss, accuracy: 1e-5)
        XCTAssertEqual(testJob.auc, testAlone.auc, accuracy: 1e-4)
    }
}
