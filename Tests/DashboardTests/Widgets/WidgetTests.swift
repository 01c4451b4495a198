import XCTest
import WideDeep
@testable import Dashboard

final class WidgetTests: XCTestCase {
    func testBoxDrawsRoundedBorderAndTitle() {
        var buffer = CellBuffer(width: 12, height: 3)
        let inner = Box(title: "loss").render(in: buffer.bounds, buffer: &buffer)
        XCTAssertEqual(inner, Rect(x: 1, y: 1, width: 10, height: 1))
        XCTAssertEqual(buffer.lines, ["╭─ loss ───╮", "│          │", "╰──────────╯"])
        XCTAssertEqual(buffer[3, 0].style, .fg(.title, .bold))
    }

    func testBoxTruncatesALongTitle() {
        var buffer = CellBuffer(width: 12, height: 3)
        Box(title: "a very long title").render(in: buffer.bounds, buffer: &buffer)
        XCTAssertEqual(buffer.line(0), "╭─ a very…─╮")
    }

    func testBoxShowsARightTitleOnlyWhenItFitsWhole() {
        var buffer = CellBuffer(width: 20, height: 2)
        // 16 columns between the corners' margins; " loss " takes 6, 2 dashes apart, 2 spaces round it.
        XCTAssertEqual(Box(title: "loss").rightTitleRoom(width: 20), 6)
        Box(title: "loss", rightTitle: "epoch3").render(in: buffer.bounds, buffer: &buffer)
        XCTAssertEqual(buffer.line(0), "╭─ loss ── epoch3 ─╮")
        Box(title: "loss", rightTitle: "epoch 3").render(in: buffer.bounds, buffer: &buffer)
        XCTAssertEqual(buffer.line(0), "╭─ loss ───────────╮")
    }

    func testBarListTruncatesLongNamesWithEllipsis() {
        var buffer = CellBuffer(width: 30, height: 2)
        BarList(items: [
            BarItem(label: "education_x_occupation", value: 100, valueText: "100"),
            BarItem(label: "age", value: 50, valueText: "50"),
        ], labelWidth: 10).render(in: buffer.bounds, buffer: &buffer)
        // 10 label columns, a space, 15 bar columns, a space, 3 value columns; 50 of 100 is
        // 60 of 120 eighths: 7 full blocks and a half block.
        XCTAssertEqual(buffer.lines, [
            "education… " + String(repeating: "█", count: 15) + " 100",
            "age        " + String(repeating: "█", count: 7) + "▌" + String(repeating: " ", count: 7) + "  50",
        ])
    }

    func testBarListSaysHowManyItemsAreHidden() {
        var buffer = CellBuffer(width: 20, height: 2)
        BarList(items: (1...5).map { BarItem(label: "g\($0)", value: Double($0), valueText: "\($0)") })
            .render(in: buffer.bounds, buffer: &buffer)
        XCTAssertTrue(buffer.line(0).hasPrefix("g1"))
        XCTAssertEqual(buffer.line(1).trimmingCharacters(in: .whitespaces), "+4 more")
    }

    func testTableTruncatesCellsAndAlignsNumbers() {
        var buffer = CellBuffer(width: 16, height: 2)
        Table(columns: [TableColumn("field", width: 8), TableColumn("rows", alignRight: true)],
              rows: [["native_country", "1,234"]]).render(in: buffer.bounds, buffer: &buffer)
        XCTAssertEqual(buffer.lines, ["field       rows", "native_…   1,234"])
    }

    func testKeyValueTableTruncatesKeysAndValues() {
        var buffer = CellBuffer(width: 14, height: 2)
        KeyValueTable(rows: [KeyValueRow("calibration", "pred 0.241 / obs 0.239"), KeyValueRow("AUC", "0.9")],
                      maxKeyWidth: 6).render(in: buffer.bounds, buffer: &buffer)
        XCTAssertEqual(buffer.lines, ["calib… pred 0…", "AUC    0.9    "])
    }

    func testSparklineLevels() {
        let line = Sparkline(values: [0, 0.5, 1, .nan], range: 0...1)
        // 0 → level 0, 0.5 → round(3.5) = 4, 1 → 7, NaN → blank.
        XCTAssertEqual(line.levels(width: 10), [0, 4, 7, nil])
        var buffer = CellBuffer(width: 4, height: 1)
        line.render(in: buffer.bounds, buffer: &buffer)
        XCTAssertEqual(buffer.line(0), "▁▅█ ")
    }

    func testSparklineShowsOnlyTheLatestValues() {
        XCTAssertEqual(Sparkline(values: [5, 0, 1], range: 0...1).levels(width: 2), [0, 7])
    }

    func testGaugeEighths() {
        var buffer = CellBuffer(width: 10, height: 1)
        // 4 bar columns (6 for "50.0%" + space): 0.5 × 32 eighths = 16 → two full blocks.
        Gauge(fraction: 0.5).render(in: buffer.bounds, buffer: &buffer)
        XCTAssertEqual(buffer.line(0), "██·· 50.0%")
        Gauge(fraction: 0.3, label: "x").render(in: buffer.bounds, buffer: &buffer)
        // 8 bar columns: 0.3 × 64 = 19.2 → 19 eighths = 2 full + 3/8.
        XCTAssertEqual(buffer.line(0), "██▍····· x")
    }

    func testPercentileBand() {
        // Scale 0…10 on 11 columns: one column per unit.
        let band = PercentileBand(percentiles: [1, 3, 5, 7, 9], scaleMax: 10)
        XCTAssertEqual(band.text(width: 11), " ──━━┃━━── ")
    }

    func testEventListShowsTheNewestAtTheBottom() {
        var buffer = CellBuffer(width: 40, height: 2)
        EventList(events: [
            RunEvent(step: 1, seconds: 1, kind: .info, message: "first"),
            RunEvent(step: 20, seconds: 61, kind: .checkpoint, message: "checkpoint saved to a/very/long/path/file.safetensors"),
            RunEvent(step: 300, seconds: 125, kind: .divergence, message: "loss is NaN"),
        ]).render(in: buffer.bounds, buffer: &buffer)
        // 29 columns: too few for folder and name, so the words' start (11) and the name (17) stay.
        XCTAssertEqual(buffer.line(0), "01:01  #20 checkpoint …/file.safetensors")
        XCTAssertEqual(buffer.line(1), TerminalText.pad("02:05 #300 loss is NaN", to: 40))
        XCTAssertEqual(buffer[11, 1].style.foreground, .role(.bad))
    }

    /// Runs of evaluations take one line each (the latest, with their count), so a change made
    /// between them stays on screen however often the run evaluates.
    func testEventListFoldsRunsOfEvaluations() {
        func eval(_ step: Int, _ auc: String) -> RunEvent {
            RunEvent(step: step, seconds: Double(step), kind: .evaluation, message: "eval: AUC \(auc)")
        }
        let events = (1...30).map { eval($0, "0.\($0)") }
            + [RunEvent(step: 31, seconds: 31, kind: .hyperparameter, message: "deep lr 0.05 → 0.08")]
            + (32...90).map { eval($0, "0.\($0)") }
            + [RunEvent(step: 91, seconds: 91, kind: .checkpoint, message: "saved"), eval(92, "0.92")]
        XCTAssertEqual(EventList.lines(events).map(\.message), [
            "eval: AUC 0.30 (latest of 30 evaluations in a row)", "deep lr 0.05 → 0.08",
            "eval: AUC 0.90 (latest of 59 evaluations in a row)", "saved", "eval: AUC 0.92",
        ])
        XCTAssertEqual(EventList.lines(events).map(\.step), [30, 31, 90, 91, 92])
        var buffer = CellBuffer(width: 70, height: 3)
        EventList(events: events).render(in: buffer.bounds, buffer: &buffer)
        XCTAssertEqual(buffer.line(0), TerminalText.pad("01:30 #90 eval: AUC 0.90 (latest of 59 evaluations in a row)", to: 70))
        XCTAssertEqual(EventList.lines([]), [])
    }

    /// A folded line too long for its row loses the evaluation's last figures, never the count.
    func testFoldedEvaluationKeepsItsCountWhenCut() {
        let event = RunEvent(step: 2438, seconds: 9, kind: .evaluation,
                             message: "eval: AUC 0.9080, logloss 0.3171, accuracy 0.8538")
        XCTAssertEqual(EventList.text(of: event, folding: 50, width: 58),
                       "eval: AUC 0.9080… (latest of 50 evaluations in a row)")
        XCTAssertEqual(EventList.text(of: event, folding: 50, width: 72),
                       "eval: AUC 0.9080, logloss 0.3171… (latest of 50 evaluations in a row)")
        XCTAssertEqual(EventList.text(of: event, folding: 50, width: 30), "eval: AUC 0.90… (latest of 50)")
        XCTAssertEqual(EventList.text(of: event, folding: 50, width: 25), "eval: AUC… (latest of 50)")
        XCTAssertEqual(EventList.text(of: event, folding: 50, width: 90),
                       "eval: AUC 0.9080, logloss 0.3171, accuracy 0.8538 (latest of 50 evaluations in a row)")
        XCTAssertEqual(EventList.text(of: event, folding: 1, width: 20), "eval: AUC 0.9080, l…")
    }

    /// Hand-counted: 10 columns of "abcdefghijklmnop" keep 4 + "…" + 5.
    func testMiddleEllipsisKeepsBothEnds() {
        XCTAssertEqual(TerminalText.truncateMiddle("abcdefghijklmnop", to: 10), "abcd…lmnop")
        XCTAssertEqual(TerminalText.truncateMiddle("abcdefghijklmnop", to: 11), "abcde…lmnop")
        XCTAssertEqual(TerminalText.truncateMiddle("short", to: 10), "short")
        XCTAssertEqual(TerminalText.truncateMiddle("abcdef", to: 2), "a…")
        XCTAssertEqual(TerminalText.truncateMiddle("abcdef", to: 0), "")
        for width in 1...20 {
            XCTAssertEqual(TerminalText.truncateMiddle("runs/criteo/step-123456.safetensors", to: width).count, width)
        }
    }

    /// Two checkpoints in a deep folder differ only at their ends: a cut event line must still
    /// tell best from step-N, the folder's start and the message's words kept.
    func testEventPathsAreCutInTheMiddle() {
        let folder = "runs/experiments/criteo-2026-12/sweep-07/run-lr-0.02-l1-3"
        let message = "checkpoint saved to \(folder)/best.safetensors"
        let fitted = TerminalText.fitKeepingPaths(message, to: 60)
        XCTAssertEqual(fitted.count, 60)
        XCTAssertTrue(fitted.hasPrefix("checkpoint saved to runs/exper"), fitted)
        XCTAssertTrue(fitted.hasSuffix("/best.safetensors"), fitted)
        XCTAssertTrue(fitted.contains("…"))
        XCTAssertEqual(TerminalText.fitKeepingPaths("no path in this rather long message", to: 12), "no path in …")
        XCTAssertEqual(TerminalText.fitKeepingPaths("fits/ok", to: 12), "fits/ok")
        // A long path mid-text that cannot take the cut: the text's own end stays (it names the
        // test file), not the path's file name in its place.
        let two = "loaded 29305 training rows (last 3256 rows of runs/experiments/criteo-2026-12/sweep-07/train.csv); 16281 test rows (data/test.csv)"
        let cut = TerminalText.fitKeepingPaths(two, to: 40)
        XCTAssertEqual(cut.count, 40)
        XCTAssertTrue(cut.hasSuffix("(data/test.csv)"), cut)
        var buffer = CellBuffer(width: 60, height: 1)
        EventList(events: [RunEvent(step: 9000, seconds: 45, kind: .checkpoint, message: message)])
            .render(in: buffer.bounds, buffer: &buffer)
        // 48 columns for the message: 20 for its words, 28 for the path (10 of the folder, …, the name).
        XCTAssertEqual(buffer.line(0), "00:45 #9000 checkpoint saved to runs/exper…/best.safetensors")
    }

    func testTextInputKeepsTheEndOfLongText() {
        var buffer = CellBuffer(width: 16, height: 1)
        TextInputLine(prompt: "lr =", text: "0.000123456789").render(in: buffer.bounds, buffer: &buffer)
        XCTAssertEqual(buffer.line(0), "lr = 0123456789 ")
        XCTAssertEqual(buffer[15, 0].style.attributes, .reverse)
    }

    func testHelpOverlayListsEveryBinding() {
        var buffer = CellBuffer(width: 80, height: 20)
        HelpOverlay(entries: DashboardView.helpEntries).render(in: buffer.bounds, buffer: &buffer)
        let text = buffer.lines.joined(separator: "\n")
        for entry in DashboardView.helpEntries {
            XCTAssertTrue(text.contains(entry.keys), entry.keys)
            XCTAssertTrue(text.contains(entry.action), entry.action)
        }
    }

    func testCellBufferDiffListsOnlyChangedCells() {
        var a = CellBuffer(width: 5, height: 2)
        a.write("hello", x: 0, y: 0)
        var b = a
        b.write("J", x: 0, y: 0)
        b.write("!", x: 4, y: 1)
        XCTAssertEqual(b.changedIndices(since: a), [0, 9])
        XCTAssertEqual(b.changedIndices(since: CellBuffer(width: 4, height: 2)).count, 10)
    }

    func testWideAndControlCharactersDoNotBreakTheGrid() {
        var buffer = CellBuffer(width: 6, height: 1)
        buffer.write("a\tb日c", x: 0, y: 0)
        XCTAssertEqual(buffer.line(0), "a?b?c ")
    }
}
