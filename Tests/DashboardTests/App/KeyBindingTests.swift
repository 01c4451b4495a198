import XCTest
@testable import Dashboard
import WDLTestSupport

/// The key table is the one list of keys: no key means two things, and the README documents
/// exactly the table's rows.
final class KeyBindingTests: XCTestCase {
    func testNoKeyIsBoundTwice() {
        let keys = KeyBinding.all.flatMap { $0.actions.flatMap(\.keys) }
        XCTAssertEqual(Set(keys).count, keys.count, "\(keys)")
        XCTAssertNil(KeyBinding.action(for: .tab))
    }

    func testOppositeKeysOfOneRowDoOppositeThings() {
        XCTAssertEqual(KeyBinding.action(for: .up), .moveSelection(by: -1))
        XCTAssertEqual(KeyBinding.action(for: .character("j")), .moveSelection(by: 1))
        XCTAssertEqual(KeyBinding.action(for: .character("=")), .scaleSelected(by: 1.25))
        XCTAssertEqual(KeyBinding.action(for: .left), .scaleSelected(by: 0.8))
    }

    func testReadmeKeyTableMatchesTheBindings() throws {
        let readme = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("README.md"),
                                encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0.reversed().drop { $0 == " " || $0 == "\r" }.reversed()) }
        guard let begin = lines.firstIndex(of: "<!-- keys:begin -->"),
              let end = lines.firstIndex(of: "<!-- keys:end -->"), begin < end else {
            return XCTFail("README.md has no key table between a `<!-- keys:begin -->` line and a "
                           + "`<!-- keys:end -->` line")
        }
        let documented = lines[(begin + 1)..<end].filter { !$0.isEmpty }
        let expected = ["| keys | action |", "|---|---|"]
            + KeyBinding.all.map { "| \($0.helpKeys) | \($0.helpAction) |" }
        if let difference = GoldenFile.firstDifference(expected: expected.joined(separator: "\n"),
                                                      actual: documented.joined(separator: "\n")) {
            XCTFail("""
                README.md's key table differs from KeyBinding.all at its line \(difference.line):
                  README:   \(difference.actual ?? "(no such line)")
                  bindings: \(difference.expected ?? "(no such line)")
                """)
        }
    }
}
