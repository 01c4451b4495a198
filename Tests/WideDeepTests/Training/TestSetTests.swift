import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// `data.test`: scored once at the end with the model the run keeps, reported in the snapshot
/// and the metrics log's final record, and never used to pick the best model or to stop.
final class TestSetTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    /// The small run made to overfit, evaluated at epoch ends, with early stopping.
    private func overfittingConfig() throws -> RunConfig {
        var config = try SmallRun.config(in: folder)
        config.model.hidden = [32]
        config.optim.deep.lr = 0.3
        config.train.epochs = 12
        config.train.earlyStop = 2
        return config
    }

    func testTestSetIsScoredWithTheKeptModelAndChoosesNothing() throws {
        var config = try overfittingConfig()
        let testPath = try folder.write("test.csv", SmallRun.csv(rows: 700, seed: 79))
        let without = SmallRun.run(config)
        config.data.test = testPath
        var options = SessionOptions()
        options.checkpointDirectory = folder.path("ck")
        options.metricsPath = folder.path("m.jsonl")
        let with = SmallRun.run(config, options: options)

        // It chose nothing: the same evaluations, the same best, the same early stop.
        XCTAssertEqual(with.validation, without.validation)
        XCTAssertEqual(with.best, without.best)
        XCTAssertTrue(with.restoredBest, "the run ends on its best state")
        XCTAssertNil(without.test)

        // Scored with the model the run kept (the restored best, saved as final.safetensors).
        let test = try XCTUnwrap(with.test)
        XCTAssertEqual(test.step, with.best?.step)
        XCTAssertEqual(test.metrics.count, 700)
        let final = try LoadedCheckpoint.load(path: folder.path("ck") + "/final.safetensors")
        let reference = try CheckpointEvaluation.run(final, dataPath: testPath, threads: 1).metrics
        XCTAssertEqual(test.metrics.auc, reference.auc, accuracy: 1e-12)
        XCTAssertEqual(test.metrics.logloss, reference.logloss, accuracy: 1e-9)
        XCTAssertNotEqual(test.metrics.auc, with.best?.metrics.auc, "the test file's own figures, not validation's")

        // In the metrics log's final record, beside the validation figures.
        let lines = try String(contentsOfFile: options.metricsPath!, encoding: .utf8).split(separator: "\n")
        let last = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as? [String: Any])
        XCTAssertEqual(last["final"] as? Bool, true)
        XCTAssertEqual(last["test_auc"] as? Double ?? .nan, test.metrics.auc, accuracy: 1e-12)
        XCTAssertEqual(last["test_rows"] as? Int, 700)
        XCTAssertEqual(lines.filter { $0.contains("test_auc") }.count, 1, "scored once")
    }

    /// A weight column is read (rows of weight 0 left out), weighs the validation figures, and a
    /// bad weight is a row error naming the file, line and column.
    func testWeightColumnIsReadAndBadWeightsAreRowErrors() throws {
        var config = RunConfig()
        config.data.label = "y"
        config.data.weight = "w"
        config.features.categorical = ["a"]
        let text = "a,w,y\nx,1.5,1\ny,0,0\nz,2,0\nx,-1,1\ny,nan,0\nz,inf,1\nx,abc,0\ny,,1\n"
        let raw = try readCSV(text, config: config, file: "w.csv")
        XCTAssertEqual(raw.count, 2)
        XCTAssertEqual(raw.weights, [1.5, 2])
        XCTAssertEqual(raw.zeroWeightRows, 1)
        XCTAssertEqual(raw.skippedRows, 5)
        XCTAssertEqual(raw.errors.map(\.line), [5, 6, 7, 8, 9])
        for error in raw.errors {
            assertContains("\(error)", "w.csv", "w", "not a finite non-negative number")
        }
        let strict = thrownDescription { _ = try readCSV(text, config: config, strict: true, file: "w.csv") }
        assertContains(strict, "w.csv:5", "'-1'")
        // Prediction never reads it (a file without the column scores).
        var reader = DatasetReader(schema: try DataSchema(config: config))
        reader.purpose = .prediction
        XCTAssertEqual(try reader.parse(bytes: Array("a\nx\ny\n".utf8), file: "p.csv").count, 2)
        // A column cannot be the weight and a feature.
        config.features.numeric = ["w"]
        assertContains(thrownDescription { _ = try DataSchema(config: config) }, "'w'", "weight")
    }

    /// A run whose weight column is 1 everywhere gives exactly the figures of the run without
    /// one (weights of 1 change no arithmetic), and weights that are not all 1 change them.
    func testUnitWeightColumnRunEqualsTheUnweightedRun() throws {
        let plain = try SmallRun.config(in: folder)
        func withWeights(_ path: String, _ weight: (Int) -> String) throws -> String {
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            let text = ([lines[0] + ",w"] + lines.dropFirst().enumerated().map { $0.element + "," + weight($0.offset) })
                .joined(separator: "\n") + "\n"
            return try folder.write("w-" + (path as NSString).lastPathComponent, text)
        }
        var weighted = plain
        weighted.data.weight = "w"
        weighted.data.train = try withWeights(plain.data.train!) { _ in "1" }
        weighted.data.valid = try withWeights(plain.data.valid!) { _ in "1.0" }
        let a = SmallRun.run(plain), b = SmallRun.run(weighted)
        XCTAssertEqual(a.validation, b.validation)
        XCTAssertEqual(a.trainLoss.map(\.loss), b.trainLoss.map(\.loss))
        weighted.data.valid = try withWeights(plain.data.valid!) { $0 % 3 == 0 ? "3" : "0.5" }
        XCTAssertNotEqual(SmallRun.run(weighted).validation.last?.metrics.logloss, a.validation.last?.metrics.logloss)
    }

    /// Negatives sampled while reading: every positive kept, about r of the negatives, the same
    /// rows for the same seed whatever the thread count, others for another seed.
    func testSamplingNegativesKeepsPositivesAndAboutRNegatives() throws {
        var config = try SmallRun.config(in: folder)
        config.data.train = try folder.write("big.csv", SmallRun.csv(rows: 20_000, seed: 5))
        let one = try DatasetReader(schema: DataSchema(config: config), threads: 1).read(path: config.data.train!)
        let four = try DatasetReader(schema: DataSchema(config: config), threads: 4).read(path: config.data.train!)
        let (sample, dropped) = one.samplingNegatives(rate: 0.25, seed: 3)
        let positives = one.labels.filter { $0 > 0.5 }.count, negatives = one.count - positives
        XCTAssertEqual(sample.labels.filter { $0 > 0.5 }.count, positives)
        XCTAssertEqual(sample.count + dropped, one.count)
        let kept = Double(negatives - dropped) / Double(negatives)
        // Binomial: 4 standard deviations of a kept share of 0.25 over the negatives.
        XCTAssertEqual(kept, 0.25, accuracy: 4 * (0.25 * 0.75 / Double(negatives)).squareRoot())
        XCTAssertEqual(four.samplingNegatives(rate: 0.25, seed: 3).sample.categorical, sample.categorical)
        XCTAssertNotEqual(one.samplingNegatives(rate: 0.25, seed: 4).sample.categorical, sample.categorical)
        XCTAssertEqual(one.samplingNegatives(rate: 1, seed: 3).sample.count, one.count)
    }

    /// Streamed in file order, a run sampling negatives trains on the same rows as in memory
    /// (the draw depends on the row's index alone), bit for bit, and its pass has the sample's rows.
    func testStreamedSamplingKeepsTheRowsInMemorySamplingKeeps() throws {
        var config = try SmallRun.config(in: folder)
        config.data.sampleNegatives = 0.3
        config.train.shuffle = false
        let memory = SmallRun.run(config)
        var options = SessionOptions()
        options.stream = StreamingFixtures.stream(blockBytes: 997)
        let stream = SmallRun.run(config, options: options)
        XCTAssertEqual(stream.validation, memory.validation)
        XCTAssertEqual(stream.trainLoss, memory.trainLoss)
        XCTAssertEqual(stream.examplesSeen, memory.examplesSeen)
        XCTAssertEqual(stream.totalExamples, memory.examplesSeen, "the pass's row count is the sample's")
        XCTAssertLessThan(memory.examplesSeen, 2 * 2000 - 600, "about 70% of the ~55% negatives left out")
    }

    /// A run on negatives sampled at r records r in its checkpoints, and every probability read
    /// back is corrected by ln r: eval reproduces the run's own validation figures, predict gives
    /// σ(logit + ln r), and validation's mean prediction is that of the corrected probabilities.
    func testSampledRunRecordsTheRateAndCorrectsEveryProbability() throws {
        var config = try SmallRun.config(in: folder)
        config.data.sampleNegatives = 0.5
        var options = SessionOptions()
        options.checkpointDirectory = folder.path("ck")
        let snapshot = SmallRun.run(config, options: options)
        let checkpoint = try LoadedCheckpoint.load(path: folder.path("ck") + "/final.safetensors")
        XCTAssertEqual(checkpoint.metadata[CheckpointMetadata.negativeSamplingKey], "0.5")
        XCTAssertEqual(try checkpoint.calibration().logitOffset, log(0.5), accuracy: 1e-15)
        assertContains(CheckpointInspection(checkpoint).text(), "trained on 0.5 of the negatives")

        let validation = try XCTUnwrap(snapshot.validation.last?.metrics)
        let evaluated = try CheckpointEvaluation.run(checkpoint, dataPath: config.data.valid!, threads: 1).metrics
        XCTAssertEqual(evaluated.meanPrediction, validation.meanPrediction, accuracy: 1e-12)
        XCTAssertEqual(evaluated.logloss, validation.logloss, accuracy: 1e-9)

        let predicted = try BatchPrediction.run(checkpoint, dataPath: config.data.valid!, threads: 1).probabilities
        let raw = try DatasetReader(schema: checkpoint.layout.schema).read(path: config.data.valid!)
        let logits = checkpoint.model.predictAll(FeatureEncoder(layout: checkpoint.layout).encode(raw), threads: 1)
        for i in stride(from: 0, to: logits.count, by: 37) {
            let q = BinaryMetrics.sigmoid(Double(logits[i]))
            XCTAssertEqual(Double(predicted[i]), q / (q + (1 - q) / 0.5), accuracy: 1e-6)
        }
        XCTAssertEqual(Double(predicted.reduce(0, +)) / Double(predicted.count), validation.meanPrediction, accuracy: 1e-5)
    }

    /// The recorded rate is checked: not a fraction, or not the recorded config's, is refused.
    func testRecordedRateIsChecked() throws {
        var config = RunConfig()
        config.data.negativeSampling = 0.2
        XCTAssertEqual(try CheckpointMetadata.calibration(in: ["negative_sampling": "0.2"], config: config, path: "c").negativeSampling, 0.2)
        XCTAssertEqual(try CheckpointMetadata.calibration(in: [:], config: config, path: "c").negativeSampling, 0.2)
        for bad in ["0", "1.5", "nan", "x", "0.3"] {
            assertContains(thrownDescription { _ = try CheckpointMetadata.calibration(in: ["negative_sampling": bad], config: config, path: "c.safetensors") },
                           "c.safetensors", "negative_sampling")
        }
        config.data.negativeSampling = 1.5
        assertContains(thrownDescription { try config.validate() }, "data.negative_sampling", "(0, 1]")
    }
}
