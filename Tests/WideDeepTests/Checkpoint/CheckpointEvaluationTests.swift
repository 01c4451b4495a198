import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// `wdl eval`: the metrics of a saved model on a labelled file, bad rows skipped and counted.
final class CheckpointEvaluationTests: XCTestCase {
    func testMetricsOverTheRowsThatParse() throws {
        let folder = try TemporaryFolder()
        var config = try SmallRun.config(in: folder)
        config.train.epochs = 1
        let checkpoint = try LoadedCheckpoint.load(path: SmallRun.trainedCheckpoint(config, folder: folder))
        // The validation rows with a malformed one inserted; probabilities and labels of the
        // good rows from `wdl predict`'s path and the CSV text itself.
        var rows = SmallRun.csv(rows: 500, seed: 78).split(separator: "\n").map(String.init)
        let header = rows.removeFirst()
        let input = try folder.write("valid-with-bad-row.csv",
                                     ([header] + rows.prefix(7) + ["a1,b2,oops,1"] + rows.dropFirst(7)).joined(separator: "\n") + "\n")
        let labels = rows.map { Double($0.split(separator: ",").last!)! }
        let probabilities = try BatchPrediction.run(checkpoint, dataPath: input, threads: 1).probabilities
            .filter { !$0.isNaN }.map(Double.init)
        XCTAssertEqual(probabilities.count, 500)

        let result = try CheckpointEvaluation.run(checkpoint, dataPath: input, threads: 2)
        XCTAssertEqual(result.skippedRows, 1)
        XCTAssertEqual(result.metrics.count, 500)
        let logloss = zip(probabilities, labels).map { p, y in -(y * log(p) + (1 - y) * log(1 - p)) }.reduce(0, +) / 500
        XCTAssertEqual(result.metrics.logloss, logloss, accuracy: 1e-5)
        XCTAssertEqual(result.metrics.positiveRate, labels.reduce(0, +) / 500, accuracy: 1e-12)
        XCTAssertEqual(result.metrics.meanPrediction, probabilities.reduce(0, +) / 500, accuracy: 1e-5)
        // AUC by brute force: the share of (positive, negative) pairs ranked right, ties half.
        var right = 0.0, pairs = 0.0
        for (p, y) in zip(probabilities, labels) where y == 1 {
            for (q, z) in zip(probabilities, labels) where z == 0 {
                pairs += 1
                right += p > q ? 1 : p == q ? 0.5 : 0
            }
        }
        XCTAssertEqual(result.metrics.auc, right / pairs, accuracy: 1e-9)
    }

    func testMissingDataFileIsAnErrorNamingIt() throws {
        let folder = try TemporaryFolder()
        var config = try SmallRun.config(in: folder)
        config.train.epochs = 1
        let checkpoint = try LoadedCheckpoint.load(path: SmallRun.trainedCheckpoint(config, folder: folder))
        let missing = folder.path("missing.csv")
        XCTAssertThrowsError(try CheckpointEvaluation.run(checkpoint, dataPath: missing, threads: 1)) { error in
            XCTAssertTrue("\(error)".contains(missing), "\(error)")
        }
    }
}
