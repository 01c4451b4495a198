import Foundation
import XCTest

/// Whole frames compared with text files in `Tests/DashboardTests/Golden/`.
///
/// `WDL_UPDATE_GOLDEN=1 swift test --filter GoldenFrameTests` rewrites the files from the current
/// code instead of comparing; read the new files before committing them.
enum GoldenFile {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden")

    static var updating: Bool { ProcessInfo.processInfo.environment["WDL_UPDATE_GOLDEN"] == "1" }

    /// The frame as stored: one line per row, trailing spaces trimmed, a final newline.
    static func text(of lines: [String]) -> String {
        lines.map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
            .joined(separator: "\n") + "\n"
    }

    /// Compares `lines` with the golden file `name`.txt, or writes it when updating (the test is
    /// then reported as skipped, since it compared nothing).
    static func assertMatches(_ lines: [String], name: String,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        let url = directory.appendingPathComponent("\(name).txt")
        let actual = text(of: lines)
        if updating {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            throw XCTSkip("WDL_UPDATE_GOLDEN=1: wrote \(url.path) instead of comparing", file: file, line: line)
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("no golden file \(url.path); run with WDL_UPDATE_GOLDEN=1 to write it", file: file, line: line)
            return
        }
        guard let difference = firstDifference(expected: expected, actual: actual) else { return }
        XCTFail("""
            frame differs from \(url.lastPathComponent) at line \(difference.line):
              golden: \(difference.expected.map { "'\($0)'" } ?? "(no such line)")
              actual: \(difference.actual.map { "'\($0)'" } ?? "(no such line)")
            (WDL_UPDATE_GOLDEN=1 rewrites the golden files)
            """, file: file, line: line)
    }

    /// The first line (numbered from 1) where the two texts differ, with both versions.
    static func firstDifference(expected: String, actual: String)
        -> (line: Int, expected: String?, actual: String?)? {
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for index in 0..<max(expectedLines.count, actualLines.count) {
            let golden = index < expectedLines.count ? expectedLines[index] : nil
            let current = index < actualLines.count ? actualLines[index] : nil
            if golden != current { return (index + 1, golden, current) }
        }
        return nil
    }
}
