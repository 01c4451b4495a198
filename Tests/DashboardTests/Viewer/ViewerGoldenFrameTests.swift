import XCTest
@testable import Dashboard

/// The viewer's whole frames, character for character, against `Golden/viewer-*.txt`
/// (`WDL_UPDATE_GOLDEN=1` rewrites them; read them before committing).
final class ViewerGoldenFrameTests: XCTestCase {
    private let runs = [RunFixtures.finished(), RunFixtures.growing()]

    func testTwoRunsAt80x24() throws {
        try GoldenFile.assertMatches(RunFixtures.frame(runs), name: "viewer-two-runs-80x24")
    }

    func testTwoRunsAt120x40() throws {
        try GoldenFile.assertMatches(RunFixtures.frame(runs, columns: 120, rows: 40), name: "viewer-two-runs-120x40")
    }

    func testZoomedAUCWithoutRawLossAt120x40() throws {
        var state = ViewerState()
        state.metric = .auc
        state.zoom = .lastQuarter
        state.showsRawLoss = false
        try GoldenFile.assertMatches(RunFixtures.frame(runs, state, columns: 120, rows: 40),
                                     name: "viewer-auc-zoomed-120x40")
    }
}
