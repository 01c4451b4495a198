import Foundation
import XCTest
@testable import WideDeep

/// A temporary folder removed when the test ends.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("wdl-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to `name` in the folder and returns the file's path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

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

enum TestPaths {
    /// The package root, found from this file's location (…/Tests/WideDeepTests/Support/…).
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url = url.deletingLastPathComponent()
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    static var adultConfig: String {
        repositoryRoot.appendingPathComponent("sample-data/adult/adult.yaml").path
    }
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
