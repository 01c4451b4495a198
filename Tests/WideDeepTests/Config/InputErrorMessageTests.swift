import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

/// Errors a newcomer meets first say what is wrong, where it came from and what would be right.
final class InputErrorMessageTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    private func failure(_ config: RunConfig) -> String {
        let session = TrainingSession(config: config)
        session.start()
        session.waitUntilFinished()
        XCTAssertEqual(session.snapshot.state, .failed)
        return session.snapshot.stateDetail ?? ""
    }

    func testClosestNameIsSuggestedOnlyWhenClose() {
        XCTAssertEqual(NameSuggestion.closest(to: "contry", in: ["age", "country", "education"]), "country")
        XCTAssertEqual(NameSuggestion.closest(to: "Educaton", in: ["age", "country", "education"]), "education")
        XCTAssertNil(NameSuggestion.closest(to: "xyz", in: ["age", "country", "education"]))
        // Part of a longer name: "contry" is one edit from "country" inside "native_country".
        XCTAssertEqual(NameSuggestion.closest(to: "contry", in: ["age", "native_country", "race"]), "native_country")
        XCTAssertNil(NameSuggestion.closest(to: "gender", in: ["age", "native_country", "race"]))
        // kitten → sitting: substitute k→s, e→i, insert g.
        XCTAssertEqual(NameSuggestion.editDistance(Array("kitten"), Array("sitting")), 3)
    }

    /// A cross naming a column that is not there lists the columns that can be crossed and
    /// suggests the near one.
    func testCrossOfAMissingColumnListsTheColumnsAndSuggestsOne() throws {
        var config = try SmallRun.config(in: folder)
        config.features.crosses = [["aa", "b"]]
        let message = failure(config)
        XCTAssertTrue(message.contains("'aa' is not a categorical or bucketized column (did you mean 'a'?)"), message)
        XCTAssertTrue(message.contains("the columns that can be crossed are: a, b, x"), message)
    }

    /// In a config file the same mistake is reported at load time with the misspelt name's line.
    func testCrossInAConfigFileNamesTheLine() {
        let yaml = """
            data:
              label: y
            features:
              categorical: [native_country, race]
              crosses:
                - [race, native_country]
                - [race,
                   contry]
            """
        XCTAssertThrowsError(try RunConfigLoader.parse(yaml, file: "run.yaml")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("run.yaml:8: features.crosses: 'contry' is not a categorical or bucketized column "
                                         + "(did you mean 'native_country'?)"), text)
            XCTAssertTrue(text.hasSuffix("the columns that can be crossed are: native_country, race"), text)
        }
    }

    /// Criteo rows given where the config expects CSV: say so, instead of calling a data row the
    /// header.
    func testCriteoRowsForACSVConfigAreRecognized() throws {
        var config = try SmallRun.config(in: folder)
        config.data.train = try folder.write("criteo.tsv", "1\t5\t\t3\tab12\tcd34\n0\t2\t1\t\tef56\t\n")
        let message = failure(config)
        XCTAssertTrue(message.contains("criteo.tsv:1: this looks like Criteo TSV"), message)
        XCTAssertFalse(message.contains("the header's columns"), message)
    }

    func testMissingDataFileNamesWhereItWasSet() throws {
        var config = try SmallRun.config(in: folder)
        config.data.valid = folder.path("nope.csv")
        let message = failure(config)
        XCTAssertTrue(message.contains("nope.csv: file not found (set by data.valid in the config, or --valid)"), message)
    }
}
