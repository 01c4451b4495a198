import Foundation
import XCTest
@testable import WdlApp
import WideDeep
import WDLTestSupport

final class RunWarningsTests: XCTestCase {
    /// The header columns named nowhere in the config are listed in one warning with the file;
    /// ignored, used and label columns are not. A header without the label column, a directory
    /// and raw control characters get no warning, or an escaped one: the run's own error says
    /// what is wrong.
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
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        assertContains(warnings[0], "columns 'forgotten', 'also' of", "t.csv", "features.ignore")
        XCTAssertFalse(warnings[0].contains("'site'") || warnings[0].contains("'row_id'") || warnings[0].contains("'click'"))
        config.data.holdoutBy = "forgotten"
        let split = try XCTUnwrap(RunWarnings.unusedColumns(config).first)
        XCTAssertFalse(split.contains("'forgotten'"), "the column the validation rows are held out by is used: \(split)")
        config.data.holdoutBy = nil
        config.data.train = try folder.write("e.csv", "site,price,\u{1B}[31mred,click\na,1,2,1\n")
        let escaped = try XCTUnwrap(RunWarnings.unusedColumns(config).first)
        XCTAssertFalse(escaped.unicodeScalars.contains { $0.value == 0x1B }, escaped)
        config.data.train = try folder.write("n.csv", "site,price,other\na,1,2\n")
        XCTAssertEqual(RunWarnings.unusedColumns(config), [], "no label column: the run's error explains")
        config.data.train = folder.path("")
        XCTAssertEqual(RunWarnings.unusedColumns(config), [], "a directory is not read")
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
