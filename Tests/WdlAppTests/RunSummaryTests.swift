import WdlApp
import WideDeep
import XCTest

final class RunSummaryTests: XCTestCase {
    func testSummaryOfAFinishedRun() {
        var s = TrainingSnapshot()
        s.mode = .wide
        s.epoch = 3
        s.totalEpochs = 3
        s.step = 120
        s.examplesSeen = 6_000
        s.trainingSeconds = 2.5
        s.skippedRows = 7
        s.skippedRowsReasons = ["train.csv:12: expected 4 fields, found 2", "train.csv:40: column 'x': 'abc' is not a number"]
        s.validation = [
            ValidationPoint(step: 60, epoch: 1, examples: 3_000, metrics: EvaluationMetrics(
                count: 500, logloss: 0.9, auc: 0.6, accuracy: 0.5, meanPrediction: 0.3, positiveRate: 0.3)),
            ValidationPoint(step: 120, epoch: 3, examples: 6_000, metrics: EvaluationMetrics(
                count: 500, logloss: 0.41234, auc: 0.81236, accuracy: 0.75, meanPrediction: 0.3, positiveRate: 0.3)),
        ]
        s.wide = WideStatistics(nonzero: 25, touched: 100, total: 4096, groups: [], sparsityHistory: [], bias: 0)
        s.checkpointsSaved = 2
        s.checkpointDirectory = "/tmp/ck"
        // 6,000 examples in 2.5 s: 2,400 ex/s; 75 of 100 touched coordinates at zero.
        XCTAssertEqual(RunSummary.lines(of: s), [
            "final: wide mode, epoch 3/3, 120 steps, 6000 examples in 2.5 s of training (2400 ex/s); valid AUC 0.8124, logloss 0.4123, accuracy 0.7500; skipped rows 7",
            "skipped 7 malformed rows; first: train.csv:12: expected 4 fields, found 2; train.csv:40: column 'x': 'abc' is not a number",
            "wide part: 25 non-zero of 100 touched coordinates (75.0% sparse), hash space 4096",
            "checkpoints: 2 saved in /tmp/ck",
        ])
    }

    /// A run its user stopped without saving does not call its figures "final".
    func testHeadingOfARunStoppedByItsUser() {
        var s = TrainingSnapshot()
        s.validation = [ValidationPoint(step: 10, epoch: 0, examples: 100, metrics: EvaluationMetrics(
            count: 50, logloss: 0.5, auc: 0.7, accuracy: 0.6, meanPrediction: 0.3, positiveRate: 0.3))]
        let first = RunSummary.lines(of: s, heading: "stopped by user (no final checkpoint)")[0]
        XCTAssertTrue(first.hasPrefix("stopped by user (no final checkpoint): "), first)
        XCTAssertFalse(first.contains("final:"))
    }

    /// The checkpoint folder comes from the user: an escape sequence in it is printed visibly.
    func testSummaryEscapesTheCheckpointFolder() {
        var s = TrainingSnapshot()
        s.validation = [ValidationPoint(step: 1, epoch: 1, examples: 10, metrics: EvaluationMetrics(
            count: 10, logloss: 0.5, auc: 0.7, accuracy: 0.6, meanPrediction: 0.4, positiveRate: 0.4))]
        s.checkpointsSaved = 1
        s.checkpointDirectory = "/tmp/\u{1B}[31mred\u{202E}"
        XCTAssertEqual(RunSummary.lines(of: s).last, "checkpoints: 1 saved in /tmp/\\e[31mred\\u{202E}")
    }

    private func point(step: Int, epoch: Int, auc: Double, logloss: Double) -> ValidationPoint {
        ValidationPoint(step: step, epoch: epoch, examples: step * 50, metrics: EvaluationMetrics(
            count: 500, logloss: logloss, auc: auc, accuracy: 0.75, meanPrediction: 0.3, positiveRate: 0.3))
    }

    /// An early-stopped run ends on its best state: the final line gives that state's figures
    /// (step 60's), not those of the evaluation that stopped the run (step 100's); the checkpoint
    /// line counts best.safetensors too.
    func testSummaryOfAnEarlyStoppedRunGivesTheStateItEndedOn() {
        var s = TrainingSnapshot()
        s.mode = .wideDeep
        s.epoch = 5
        s.totalEpochs = 10
        s.step = 100
        s.examplesSeen = 5_000
        s.trainingSeconds = 2
        let best = point(step: 60, epoch: 3, auc: 0.81236, logloss: 0.41234)
        s.validation = [point(step: 20, epoch: 1, auc: 0.7, logloss: 0.5), best,
                        point(step: 80, epoch: 4, auc: 0.8, logloss: 0.42), point(step: 100, epoch: 5, auc: 0.79, logloss: 0.43)]
        s.best = best
        s.restoredBest = true
        s.checkpointsSaved = 1
        s.checkpointDirectory = "/tmp/ck"
        s.bestCheckpoint = "/tmp/ck/best.safetensors"
        s.bestCheckpointStep = 60
        XCTAssertEqual(RunSummary.lines(of: s), [
            "final: wide-deep mode, epoch 5/10, 100 steps, 5000 examples in 2.0 s of training (2500 ex/s); ended on the best state, of step 60: valid AUC 0.8124, logloss 0.4123, accuracy 0.7500; skipped rows 0",
            "best by validation logloss: step 60 (epoch 3), valid AUC 0.8124, logloss 0.4123, accuracy 0.7500 — the model the run ended on (early stopping restored it); saved as /tmp/ck/best.safetensors",
            "checkpoints: 1 saved in /tmp/ck, and the best model (step 60) in /tmp/ck/best.safetensors",
        ])
    }

    /// A resumed run whose best is still the one from before the resume names it as such.
    func testSummaryOfAResumedRunNamesTheBestFromBeforeTheResume() {
        var s = TrainingSnapshot()
        s.epoch = 4
        s.totalEpochs = 4
        s.step = 160
        s.examplesSeen = 8_000
        s.examplesAtStart = 4_000
        s.trainingSeconds = 1
        s.validation = [point(step: 120, epoch: 3, auc: 0.8, logloss: 0.45), point(step: 160, epoch: 4, auc: 0.79, logloss: 0.46)]
        s.best = point(step: 40, epoch: 1, auc: 0.81236, logloss: 0.41234)
        s.bestCheckpoint = "/tmp/ck/best.safetensors"
        s.bestCheckpointStep = 40
        let lines = RunSummary.lines(of: s)
        XCTAssertEqual(lines[1], "best by validation logloss: step 40 (epoch 1), valid AUC 0.8124, logloss 0.4123, accuracy 0.7500 — an evaluation from before the resume; saved as /tmp/ck/best.safetensors")
        XCTAssertEqual(lines.last, "checkpoints: the best model (step 40) in /tmp/ck/best.safetensors")
    }

    func testSummaryWithoutEvaluation() {
        XCTAssertEqual(RunSummary.lines(of: TrainingSnapshot()), ["no evaluation was completed"])
    }
}
