import XCTest
@testable import WideDeep
import WDLTestSupport

/// The quality bar on the bundled UCI Adult data with the shipped config (wide & deep,
/// 10 epochs): on the test file (scored once at the end; validation is the last 10% of
/// train.csv) AUC ≥ 0.905 and accuracy ≥ 0.85. Not timed.
final class AdultQualityTests: XCTestCase {
    func testShippedConfigReachesTheQualityBar() throws {
        let config = try RunConfigLoader.load(path: TestPaths.adultConfig)
        XCTAssertEqual(config.model.mode, .wideDeep)
        let session = TrainingSession(config: config)
        session.start()
        session.waitUntilFinished()
        let snapshot = session.snapshot
        XCTAssertEqual(snapshot.state, .finished, snapshot.stateDetail ?? "")
        XCTAssertEqual(snapshot.validation.last?.metrics.count, 3_256, "validation: the held-out 10% of train.csv")
        let final = try XCTUnwrap(snapshot.test?.metrics)
        XCTAssertEqual(final.count, 16_281, "the whole test file")
        XCTAssertEqual(snapshot.epoch, 10)
        XCTAssertGreaterThanOrEqual(final.auc, 0.905)
        XCTAssertGreaterThanOrEqual(final.accuracy, 0.85)
        // Calibration: the mean prediction is close to the observed positive rate (23.6%).
        XCTAssertEqual(final.meanPrediction, final.positiveRate, accuracy: 0.03)
        XCTAssertEqual(snapshot.skippedRows, 0)
        print("Adult wide-deep: AUC \(final.auc), accuracy \(final.accuracy), logloss \(final.logloss)")
    }
}
