import XCTest
import WideDeep
@testable import Dashboard

/// Strings from data (run name, paths, event text, column names) must not drive the terminal:
/// control characters (C0 with ESC, DEL, C1 with NEL) and bidirectional overrides never reach it,
/// on the dashboard, attached, or in `wdl view`; each shows as `?`.
final class TerminalSafetyTests: XCTestCase {
    /// ESC starts a colour sequence, U+0085 (NEL) is a C1 newline, U+202E reverses what follows,
    /// U+2066 isolates, U+200B takes no column, DEL and BEL are C0/DEL.
    static let hostile = "evil\u{1B}[31m\u{202E}gnp.exe\u{85}x\u{2066}y\u{7F}\u{07}z\u{200B}"

    static func forbidden(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v)
            || (0x2066...0x2069).contains(v) || [0x200B, 0x200E, 0x200F, 0x061C].contains(v)
    }

    private func assertSafe(_ terminal: InMemoryTerminal, file: StaticString = #filePath, line: UInt = #line) {
        let bad = terminal.lines.joined().unicodeScalars.filter(Self.forbidden)
        XCTAssertEqual(bad.map { String($0.value, radix: 16) }, [], "reached the terminal", file: file, line: line)
    }

    private func hostileSnapshot() -> TrainingSnapshot {
        var s = SnapshotFixtures.running()
        s.runName = Self.hostile
        s.dataDescription = "data/" + Self.hostile + ".csv"
        s.checkpointDirectory = "ckpt/" + Self.hostile
        s.events.append(RunEvent(step: 12_300, seconds: 61, kind: .checkpoint,
                                 message: "checkpoint saved to ckpt/\(Self.hostile)/step-12300.safetensors"))
        s.wide?.groups[1].name = Self.hostile
        s.embeddings[1].field = Self.hostile
        return s
    }

    func testDashboardShowsHostileTextAsQuestionMarks() {
        for attached in [false, true] {
            let terminal = InMemoryTerminal(columns: 200, rows: 60)
            var options = DashboardOptions(themeName: "default")
            options.attached = attached
            let app = DashboardApp(control: FakeTrainingControl(snapshot: hostileSnapshot()), terminal: terminal,
                                   themes: ThemeLibrary(), options: options, clock: { 0 })
            app.render()
            assertSafe(terminal)
            let text = terminal.text
            XCTAssertTrue(text.contains("evil?[31m?gnp.exe?x?y??z?"), "the run name, each control shown as ?\n\(text)")
            XCTAssertTrue(text.contains("ckpt/evil?[31m"), "the event's path\n\(text)")
        }
    }

    func testCellsSetDirectlyAreCheckedWhenSent() {
        var buffer = CellBuffer(width: 4, height: 1)
        buffer.set(x: 0, y: 0, "\u{202E}", style: .plain)
        buffer.set(x: 1, y: 0, "\u{1B}", style: .plain)
        buffer.set(x: 2, y: 0, "\u{85}", style: .plain)
        buffer.set(x: 3, y: 0, "a", style: .plain)
        let terminal = InMemoryTerminal(columns: 4, rows: 1)
        var renderer = ScreenRenderer(theme: ResolvedTheme(theme: Theme.builtinDefault, tier: .trueColor))
        renderer.present(buffer, on: terminal)
        XCTAssertEqual(terminal.lines, ["???a"])
    }

    func testViewerShowsHostileRunNamesAsQuestionMarks() {
        var run = RunFixtures.finished()
        run.name = Self.hostile
        run.log.runName = Self.hostile
        run.configDifference = "deep.lr " + Self.hostile
        var buffer = CellBuffer(width: 120, height: 40)
        ViewerScreen.render(runs: [run, RunFixtures.growing()], state: ViewerState(), into: &buffer)
        let terminal = InMemoryTerminal(columns: 120, rows: 40)
        var renderer = ScreenRenderer(theme: ResolvedTheme(theme: Theme.builtinDefault, tier: .trueColor))
        renderer.present(buffer, on: terminal)
        assertSafe(terminal)
        XCTAssertTrue(terminal.text.contains("evil?[31m?gnp"), terminal.text)
    }

    func testDisplayableKeepsOrdinaryText() {
        for scalar in "aé€…◆★━┊│⠿Ωж".unicodeScalars {
            XCTAssertEqual(TerminalText.displayable(scalar), scalar)
        }
        for value: UInt32 in [0x00, 0x1B, 0x7F, 0x85, 0x9B, 0x202E, 0x202A, 0x2067, 0x200F, 0x061C, 0xFEFF, 0x0301] {
            XCTAssertEqual(TerminalText.displayable(Unicode.Scalar(value)!), "?", String(value, radix: 16))
        }
    }
}
