import Foundation
import XCTest
@testable import WideDeep
import WDLTestSupport

extension RunConfig {
    /// A CSV with a yes/no `click` label, categorical `site`, numeric `price` and `count`.
    static var clickCSV: RunConfig {
        var config = RunConfig()
        config.data.label = "click"
        config.data.positive = ["yes"]
        config.data.negative = ["no"]
        config.features.categorical = ["site"]
        config.features.numeric = ["price", "count"]
        return config
    }
}

extension TestPaths {
    static var adultConfig: String { path("sample-data/adult/adult.yaml") }
}

/// Reads CSV text with the schema of `config` (`file` names it in errors).
func readCSV(_ text: String, config: RunConfig, strict: Bool = false, file: String = "test.csv") throws -> RawDataset {
    let reader = DatasetReader(schema: try DataSchema(config: config), strict: strict)
    return try reader.parse(bytes: Array(text.utf8), file: file)
}

/// Asserts that `body` throws, and returns the thrown error's description.
func thrownDescription(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> String {
    do {
        try body()
        XCTFail("expected an error", file: file, line: line)
        return ""
    } catch {
        return "\(error)"
    }
}

/// Asserts that `text` contains every one of `parts`.
func assertContains(_ text: String, _ parts: String..., file: StaticString = #filePath, line: UInt = #line) {
    for part in parts {
        XCTAssertTrue(text.contains(part), "'\(text)' does not contain '\(part)'", file: file, line: line)
    }
}

/// Relative closeness with an absolute floor.
func assertClose(_ actual: Double, _ expected: Double, relative: Double, absolute: Double = 0,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    let tolerance = max(absolute, relative * max(abs(actual), abs(expected)))
    XCTAssertLessThanOrEqual(abs(actual - expected), tolerance,
                             "actual \(actual) vs expected \(expected) \(message())", file: file, line: line)
}
