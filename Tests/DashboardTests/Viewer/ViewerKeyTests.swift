import Foundation
import WDLTestSupport
import WideDeep
import XCTest
@testable import Dashboard
import WdlRuns

/// The viewer driven like a user would, over real files: keys from the table change what is
/// drawn, a growing log shows its new evaluations at the next poll, q and Ctrl-C quit.
final class ViewerKeyTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder.remove() }

    private func app(_ files: [String], columns: Int = 100, rows: Int = 30) throws -> (ViewerApp, InMemoryTerminal) {
        let paths = try files.enumerated().map { try folder.write("run\($0.offset + 1).jsonl", $0.element) }
        let followers = try paths.map { try RunLogFollower(path: $0) }
        let terminal = InMemoryTerminal(columns: columns, rows: rows)
        let app = ViewerApp(followers: followers, terminal: terminal, themes: ThemeLibrary(), clock: { 0 })
        app.render()
        return (app, terminal)
    }

    private func log(_ run: String, evaluations: Int, final: Bool = false) -> String {
        var lines = [MetricsLogLines.start(run: run)]
        for i in 1...evaluations {
            lines.append(MetricsLogLines.evaluation(step: i, examples: i * 1000, seconds: Double(i),
                                                    train: "\(0.6 - Double(i) * 0.01)", auc: "\(0.7 + Double(i) * 0.01)",
                                                    logloss: "\(0.5 - Double(i) * 0.005)",
                                                    final: final && i == evaluations))
        }
        return lines.map { $0 + "\n" }.joined()
    }

    private func press(_ app: ViewerApp, _ keys: Key...) {
        for key in keys { app.handle(.key(key)) }
        app.render()
    }

    func testDigitsToggleRunsAndOtherKeysChangeTheView() throws {
        let (app, terminal) = try app([log("a", evaluations: 10, final: true), log("b", evaluations: 6)])
        XCTAssertTrue(terminal.text.contains("●"))
        press(app, .character("2"))
        XCTAssertEqual(app.state.hiddenRuns, [1])
        XCTAssertTrue(terminal.text.contains("b (hidden)"))
        press(app, .character("2"))
        XCTAssertEqual(app.state.hiddenRuns, [])
        press(app, .character("m"))
        XCTAssertEqual(app.state.metric, .auc)
        XCTAssertTrue(terminal.lines[1].contains("validation AUC"))
        press(app, .character("z"), .character("z"))
        XCTAssertEqual(app.state.zoom, .lastQuarter)
        XCTAssertTrue(terminal.lines[0].contains("last 25%"))
        press(app, .character("z"), .character("z"))
        XCTAssertEqual(app.state.zoom, .all)
        press(app, .character("r"))
        XCTAssertFalse(app.state.showsRawLoss)
        // A run that does not exist: said, nothing hidden.
        press(app, .character("7"))
        XCTAssertEqual(app.state.hiddenRuns, [])
        XCTAssertTrue(terminal.lines.last!.contains("no run 7: 2 runs shown"), terminal.lines.last!)
        press(app, .character("?"))
        XCTAssertTrue(terminal.text.contains("press any key to close"))
        press(app, .character("q"))
        XCTAssertFalse(terminal.text.contains("press any key to close"))
        XCTAssertNil(app.outcome, "q closes the help first")
        press(app, .character("q"))
        XCTAssertEqual(app.outcome, .userQuit)
    }

    func testThemeKeyNamesTheTheme() throws {
        let themes = ThemeLibrary.load(directory: TestPaths.themesDirectory)
        let path = try folder.write("a.jsonl", log("a", evaluations: 3))
        let terminal = InMemoryTerminal(columns: 100, rows: 30)
        let app = ViewerApp(followers: [try RunLogFollower(path: path)], terminal: terminal, themes: themes, clock: { 0 })
        app.handle(.key(.character("t")))
        app.render()
        XCTAssertNotEqual(app.state.themeName, "default")
        XCTAssertTrue(terminal.lines.last!.contains("theme: \(app.state.themeName)"))
    }

    func testGrowingLogShowsNewEvaluationsAtThePoll() throws {
        let (app, terminal) = try app([log("a", evaluations: 2)])
        XCTAssertTrue(terminal.text.contains("2,000"))
        let path = folder.path("run1.jsonl")
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((MetricsLogLines.evaluation(step: 3, examples: 3000, auc: "0.9123") + "\n").utf8))
        try handle.write(contentsOf: Data("garbage\n".utf8))
        try handle.close()
        app.render()
        XCTAssertFalse(terminal.text.contains("3,000"), "nothing is read between polls")
        app.poll()
        app.render()
        XCTAssertTrue(terminal.text.contains("3,000"))
        XCTAssertTrue(terminal.text.contains("0.9123"))
        XCTAssertTrue(terminal.lines[1].contains("\(path):5: not a JSON object (skipped)"), terminal.lines[1])
        XCTAssertTrue(terminal.lines[0].contains("FOLLOWING"), terminal.lines[0])
    }

    func testAReplacedLogIsReadAgainAndSaidSo() throws {
        // Wide enough for the temporary folder's long path.
        let (app, terminal) = try app([log("first", evaluations: 4)], columns: 160)
        let path = folder.path("run1.jsonl")
        try log("second", evaluations: 2).write(toFile: path, atomically: true, encoding: .utf8)
        app.poll()
        app.render()
        XCTAssertTrue(terminal.text.contains("1 ◆ second"))
        XCTAssertFalse(terminal.text.contains("first"))
        XCTAssertTrue(terminal.lines.last!.contains("run1.jsonl was emptied or replaced: read again from the start"),
                      terminal.lines.last!)
    }

    func testInterruptAndTerminateEnd() throws {
        let (app, _) = try app([log("a", evaluations: 2)])
        app.handle(.key(Key.controlC))
        XCTAssertEqual(app.outcome, .userQuit)
        let (other, terminal) = try self.app([log("a", evaluations: 2)])
        terminal.resize(columns: 60, rows: 15)
        other.handle(terminal.readEvent(timeoutMilliseconds: 0)!)
        other.render()
        XCTAssertTrue(terminal.text.contains("enlarge the terminal"))
        other.handle(.terminate)
        XCTAssertEqual(other.outcome, .terminated)
    }

    func testRunLoopQuitsOnQ() throws {
        let (app, terminal) = try app([log("a", evaluations: 2)])
        terminal.type("zq")
        XCTAssertEqual(app.run(), .userQuit)
        XCTAssertEqual(app.state.zoom, .lastHalf)
    }
}
