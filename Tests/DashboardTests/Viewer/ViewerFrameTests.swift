import WideDeep
import XCTest
@testable import Dashboard

/// What the viewer's frames must show and why: each run's glyph on the charts (gone when the run
/// is hidden), the chosen metric in the title, the zoomed x range in the labels, the log's figures
/// in the table with "—" for nulls, the state of each log, and later problems named.
final class ViewerFrameTests: XCTestCase {
    private let runs = [RunFixtures.finished(), RunFixtures.growing()]

    /// The chart rows: below the header, above the runs table.
    private func chartRows(_ lines: [String]) -> [String] {
        let tableTop = lines.firstIndex { $0.hasPrefix("╭─ run") } ?? lines.count
        return Array(lines[1..<tableTop])
    }

    private func count(_ glyph: Character, in lines: [String]) -> Int {
        lines.reduce(0) { $0 + $1.filter { $0 == glyph }.count }
    }

    func testEachRunHasItsGlyphOnBothCharts() {
        let charts = chartRows(RunFixtures.frame(runs))
        let left = charts.map { String($0.prefix(40)) }, right = charts.map { String($0.dropFirst(40)) }
        for glyph: Character in ["◆", "●"] {
            XCTAssertGreaterThan(count(glyph, in: left), 0, "\(glyph) on the validation chart")
            XCTAssertGreaterThan(count(glyph, in: right), 0, "\(glyph) on the training chart")
        }
    }

    func testHiddenRunLeavesTheChartsAndIsDimmedInTheLegend() {
        var state = ViewerState()
        state.hiddenRuns = [1]
        let lines = RunFixtures.frame(runs, state)
        XCTAssertEqual(count("●", in: chartRows(lines)), 0)
        XCTAssertGreaterThan(count("◆", in: chartRows(lines)), 0)
        XCTAssertTrue(lines.contains { $0.contains("2 ● lr-0.05 (hidden)") }, lines.joined(separator: "\n"))
        state.hiddenRuns = [0, 1]
        XCTAssertTrue(RunFixtures.frame(runs, state).joined().contains("every run is hidden"))
    }

    func testMetricSwitchChangesTheTitle() {
        XCTAssertTrue(RunFixtures.frame(runs)[1].contains("validation logloss"))
        var state = ViewerState()
        state.metric = .auc
        let lines = RunFixtures.frame(runs, state)
        XCTAssertTrue(lines[1].contains("validation AUC"))
        XCTAssertFalse(lines[1].contains("validation logloss"))
    }

    /// x labels as numbers (`150k` → 150,000).
    private func xLabels(_ lines: [String]) -> [Double] {
        let labelRow = chartRows(lines).last { $0.contains("k ") || $0.hasSuffix("k") || $0.contains("k│") } ?? ""
        return labelRow.split { !"0123456789.k".contains($0) }.compactMap { word in
            word.hasSuffix("k") ? Double(word.dropLast()).map { $0 * 1000 } : nil
        }
    }

    func testZoomShowsTheLastPartOfTheLongestRun() {
        let all = RunFixtures.frame(runs, columns: 120, rows: 40)
        XCTAssertTrue(all[0].contains("x: all examples (20k–240k)"), all[0])
        XCTAssertTrue(xLabels(all).contains { $0 < 120_000 }, "\(xLabels(all))")
        var state = ViewerState()
        state.zoom = .lastHalf
        let zoomed = RunFixtures.frame(runs, state, columns: 120, rows: 40)
        XCTAssertTrue(RunFixtures.frame(runs, state)[0].contains("x: last 50% (120k–240k)"), "shorter at 80 columns")
        // The longest run ends at 240k examples: its last half starts at 120k.
        XCTAssertTrue(zoomed[0].contains("x: last 50% of the longest run (120k–240k examples)"), zoomed[0])
        let labels = xLabels(zoomed)
        XCTAssertFalse(labels.isEmpty)
        XCTAssertTrue(labels.allSatisfy { $0 >= 120_000 && $0 <= 240_000 }, "\(labels)")
        XCTAssertNotEqual(labels, xLabels(all))
    }

    func testRawLossHides() {
        let shown = chartRows(RunFixtures.frame(runs))
        var state = ViewerState()
        state.showsRawLoss = false
        let hidden = chartRows(RunFixtures.frame(runs, state))
        XCTAssertTrue(shown[0].contains("⠂ raw"))
        XCTAssertTrue(hidden[0].contains("raw hidden"))
        // The validation chart (left half) does not change.
        XCTAssertEqual(shown.map { String($0.prefix(40)) }, hidden.map { String($0.prefix(40)) })
        XCTAssertNotEqual(shown, hidden)
    }

    func testTableShowsTheLogsFiguresAndDashesForNulls() {
        let lines = RunFixtures.frame(runs, columns: 120, rows: 40)
        let first = lines.first { $0.contains("1 ◆ lr-0.02") } ?? ""
        let second = lines.first { $0.contains("2 ● lr-0.05") } ?? ""
        // Run 1's final evaluation: 240,000 examples, AUC 0.8976, logloss 0.383, accuracy 0.83 + 11 × 0.002.
        for text in ["finished", "240,000", "0.8976", "0.3830", "0.8520", "0.3810 logloss @702", "deep.lr 0.02"] {
            XCTAssertTrue(first.contains(text), "\(text) in \(first)")
        }
        // Run 2's latest: still written, its accuracy null.
        for text in ["following", "160,000", "0.9000", "0.3760", "—", "0.9000 auc @624"] {
            XCTAssertTrue(second.contains(text), "\(text) in \(second)")
        }
        XCTAssertTrue(lines[0].contains("FOLLOWING 1 of 2"), lines[0])
        // Without settings that differ, ranks × batch has the room.
        let same = runs.map { run in
            var run = run
            run.configDifference = ""
            return run
        }
        let row = RunFixtures.frame(same, columns: 120, rows: 40).first { $0.contains("1 ◆ lr-0.02") } ?? ""
        XCTAssertTrue(row.contains("1×256"), row)
        XCTAssertFalse(row.contains("deep.lr"), row)
    }

    func testALogWithoutEvaluationsSaysSo() {
        let lines = RunFixtures.frame([RunFixtures.empty()])
        XCTAssertTrue(chartRows(lines).joined().contains("no evaluations yet"))
        XCTAssertTrue((lines.first { $0.contains("1 ◆ new") } ?? "").contains("no evaluations yet"))
    }

    func testEndedRunsAndLaterProblemsAreNamed() {
        var ended = RunFixtures.growing()
        ended.status = .endedWithoutFinal
        ended.problems = [DataError(file: "/runs/lr05.jsonl", line: 14, "not a JSON object")]
        let lines = RunFixtures.frame([RunFixtures.finished(), ended], columns: 120, rows: 40)
        XCTAssertTrue(lines[1].contains("/runs/lr05.jsonl:14: not a JSON object (skipped)"), lines[1])
        XCTAssertTrue((lines.first { $0.contains("2 ● lr-0.05") } ?? "").contains("no final record"))
        XCTAssertFalse(lines[0].contains("FOLLOWING"))
    }

    func testTooSmallAsksForMoreRoom() {
        let lines = RunFixtures.frame(runs, columns: 60, rows: 15)
        XCTAssertTrue(lines.joined().contains("enlarge the terminal to at least 80×24"))
    }

    func testHelpListsEveryKeyOfTheTable() {
        var state = ViewerState()
        state.showsHelp = true
        let text = RunFixtures.frame(runs, state, columns: 120, rows: 40).joined(separator: "\n")
        for binding in ViewerKeyBinding.all {
            XCTAssertTrue(text.contains(binding.helpAction), binding.helpAction)
        }
    }
}

extension ViewerFrameTests {
    /// Names told apart by their end stay apart when cut; a hidden run whose name leaves no room
    /// says "hidden" in its state.
    func testNarrowTableKeepsNamesApart() {
        XCTAssertEqual(RunTablePanel.shortened("adult (view-c.jsonl)", to: 13), "adul…c.jsonl)")
        XCTAssertEqual(RunTablePanel.shortened("short", to: 13), "short")
        var first = RunFixtures.finished(), second = RunFixtures.growing()
        first.name = "a-very-long-run-name (one.jsonl)"
        second.name = "a-very-long-run-name (two.jsonl)"
        var state = ViewerState()
        state.hiddenRuns = [1]
        let lines = RunFixtures.frame([first, second], state)
        let rows = lines.filter { $0.contains("a-ver") }
        XCTAssertEqual(rows.count, 2)
        XCTAssertTrue(rows[0].contains("one.jsonl)") && rows[1].contains("two.jsonl)"), rows.joined(separator: "\n"))
        XCTAssertTrue(rows[1].contains(" hidden "), rows[1])
        XCTAssertTrue(rows[0].contains("finished"), rows[0])
    }
}

extension ViewerFrameTests {
    /// The names keep their full length against the minor columns (accuracy, ranks × batch), and
    /// the settings that differ get what the names leave, at least 14 columns.
    func testNamesComeBeforeMinorColumns() {
        var first = RunFixtures.finished(), second = RunFixtures.growing()
        first.name = "adult (lr02.jsonl)"
        second.name = "adult (lr08.jsonl)"
        let lines = RunFixtures.frame([first, second], columns: 110, rows: 30)
        let header = lines.first { $0.contains("state") } ?? ""
        XCTAssertTrue(lines.contains { $0.contains("1 ◆ adult (lr02.jsonl)") }, lines.joined(separator: "\n"))
        XCTAssertTrue(header.contains("accuracy"), header)
        XCTAssertFalse(header.contains("ranks×batch"), header)
        XCTAssertFalse(header.contains("config differs"), header)
        let wide = RunFixtures.frame([first, second], columns: 140, rows: 30).first { $0.contains("state") } ?? ""
        XCTAssertTrue(wide.contains("config differs"), wide)
    }
}

extension ViewerFrameTests {
    /// Nine runs at 80×24: the charts keep 12 rows, so the table lists 6 runs and says 3 more.
    func testRunsThatDoNotFitAreCounted() {
        let nine = (0..<9).map { index in
            var run = index.isMultiple(of: 2) ? RunFixtures.finished() : RunFixtures.growing()
            run.name = "run-\(index + 1)"
            return run
        }
        let lines = RunFixtures.frame(nine)
        // 24 rows: header, footer, 22 for the body; the table gets 22 - 12 = 10: two borders, the
        // header row, 6 runs and the "+3 more" row.
        XCTAssertTrue(lines.contains { $0.contains("6 ") && $0.contains("run-6") })
        XCTAssertFalse(lines.contains { $0.contains("run-7") })
        XCTAssertTrue(lines.contains { $0.contains("+3 more (a taller terminal lists them)") }, lines.joined(separator: "\n"))
        XCTAssertTrue(RunFixtures.frame(nine, columns: 120, rows: 40).contains { $0.contains("9 △ run-9") })
    }
}
