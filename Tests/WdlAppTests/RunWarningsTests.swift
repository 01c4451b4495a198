import Foundation
import XCTest
@testable import WdlApp
import WideDeep
import WDLTestSupport

final class RunWarningsTests: XCTestCase {
    /// Every header column not named anywhere in the config gets a warning naming it and the file;
    /// ignored, used and label columns get none.
    func testUnusedColumns() throws {
        let folder = try TemporaryFolder()
        var config = RunConfig()
        config.data.format = .csv
        config.data.label = "click"
        config.features.categorical = ["site"]
        config.features.numeric = ["price"]
        config.features.ignore = ["row_id"]
        config.data.train = try folder.write("t.csv", "site, price ,row_id,forgotten,\"also\",click\na,1,2,3,4,1\n")
        let warnings = RunWarnings.unusedColumns(config)
        XCTAssertEqual(warnings.count, 2, "\(warnings)")
        assertContains(warnings[0], "'forgotten'", "t.csv", "features.ignore")
        assertContains(warnings[1], "'also'")
        config.data.format = .criteo
        XCTAssertEqual(RunWarnings.unusedColumns(config), [], "a Criteo file has no header and uses every column")
    }

    func testSmallValidationSet() {
        func metrics(count: Int, positiveRate: Double) -> EvaluationMetrics {
            EvaluationMetrics(count: count, logloss: 0.5, auc: 0.7, accuracy: 0.8, meanPrediction: 0.2, positiveRate: positiveRate)
        }
        XCTAssertNil(RunWarnings.smallValidation(metrics(count: 1_000, positiveRate: 0.1)), "1000 rows, 100 positives: enough")
        assertContains(RunWarnings.smallValidation(metrics(count: 999, positiveRate: 0.5)) ?? "", "999 rows", "noisy")
        assertContains(RunWarnings.smallValidation(metrics(count: 5_000, positiveRate: 0.01)) ?? "", "50 positives")
    }

    private func assertContains(_ text: String, _ parts: String..., line: UInt = #line) {
        for part in parts { XCTAssertTrue(text.contains(part), "'\(text)' lacks '\(part)'", line: line) }
    }
}
