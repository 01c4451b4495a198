import WdlApp
import WideDeep
import XCTest

final class RunSummaryTests: XCTestCase {
    func testSummaryOfAFinishedRun() {
        var s = TrainingSnapshot()
        s.mode = .wide
        s.epoch = 3
        s.step = 120
        s.examplesSeen = 6_000
        s.trainingSeconds = 2.5
        s.skippedRows = 7
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
            "final: wide mode, 3 epochs, 120 steps, 6000 examples in 2.5 s of training (2400 ex/s); valid AUC 0.8124, logloss 0.4123, accuracy 0.7500; skipped rows 7",
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

    func testSummaryWithoutEvaluation() {
        XCTAssertEqual(RunSummary.lines(of: TrainingSnapshot()), ["no evaluation was completed"])
    }
}
