import XCTest
@testable import Dashboard
import WDLTestSupport

/// The viewer's key table is its one list of keys: no key means two things, digits name runs,
/// and docs/dashboard.md documents exactly the table's rows.
final class ViewerKeyBindingTests: XCTestCase {
    func testNoKeyIsBoundTwice() {
        let keys = ViewerKeyBinding.all.flatMap(\.keys)
        XCTAssertEqual(Set(keys).count, keys.count, "\(keys)")
        XCTAssertNil(ViewerKeyBinding.action(for: .character("0")))
    }

    func testDigitsToggleTheirRun() {
        XCTAssertEqual(ViewerKeyBinding.action(for: .character("1")), .toggleRun(1))
        XCTAssertEqual(ViewerKeyBinding.action(for: .character("9")), .toggleRun(9))
    }

    func testDocsKeyTableMatchesTheBindings() throws {
        let docs = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("docs/dashboard.md"),
                              encoding: .utf8)
        let lines = docs.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let begin = lines.firstIndex(of: "<!-- view-keys:begin -->"),
              let end = lines.firstIndex(of: "<!-- view-keys:end -->"), begin < end else {
            return XCTFail("docs/dashboard.md has no viewer key table between `<!-- view-keys:begin -->` and `<!-- view-keys:end -->`")
        }
        let documented = lines[(begin + 1)..<end].filter { !$0.isEmpty }
        let expected = ["| keys | action |", "|---|---|"]
            + ViewerKeyBinding.all.map { "| \($0.helpKeys) | \($0.helpAction) |" }
        XCTAssertEqual(documented, expected)
    }
}
