import XCTest
import WideDeep
@testable import Dashboard

/// Whole frames of the fixture snapshots, character for character, against the files in
/// `Golden/`. They catch any change to what a user sees; `FrameTests` says what each frame must
/// contain and why.
final class GoldenFrameTests: XCTestCase {
    private func frame(columns: Int, rows: Int, mode: InteractionMode = .normal) -> [String] {
        var view = ViewState(smoothing: 0.6, themeName: "default")
        view.mode = mode
        var buffer = CellBuffer(width: columns, height: rows)
        DashboardView.render(snapshot: SnapshotFixtures.running(), view: view, into: &buffer)
        return buffer.lines
    }

    func testRunningAt80x24() throws {
        try GoldenFile.assertMatches(frame(columns: 80, rows: 24), name: "running-80x24")
    }

    func testRunningAt120x40() throws {
        try GoldenFile.assertMatches(frame(columns: 120, rows: 40), name: "running-120x40")
    }

    func testRunningAt200x60() throws {
        try GoldenFile.assertMatches(frame(columns: 200, rows: 60), name: "running-200x60")
    }

    func testHelpOverlayAt120x40() throws {
        try GoldenFile.assertMatches(frame(columns: 120, rows: 40, mode: .help), name: "help-120x40")
    }

    func testTooSmallAt60x15() throws {
        try GoldenFile.assertMatches(frame(columns: 60, rows: 15), name: "too-small-60x15")
    }

    /// The comparison itself: it names the first differing line, and trailing spaces never count.
    func testFirstDifferenceNamesTheLine() {
        XCTAssertNil(GoldenFile.firstDifference(expected: "a\nb\n", actual: "a\nb\n"))
        let changed = GoldenFile.firstDifference(expected: "a\nb\nc\n", actual: "a\nB\nc\n")
        XCTAssertEqual(changed?.line, 2)
        XCTAssertEqual(changed?.expected, "b")
        XCTAssertEqual(changed?.actual, "B")
        let shorter = GoldenFile.firstDifference(expected: "a\nb\n", actual: "a\n")
        XCTAssertEqual(shorter?.line, 2)
        XCTAssertEqual(shorter?.expected, "b")
        XCTAssertEqual(shorter?.actual, "")
        XCTAssertEqual(GoldenFile.text(of: ["ab  ", "   ", " c"]), "ab\n\n c\n")
    }
}
