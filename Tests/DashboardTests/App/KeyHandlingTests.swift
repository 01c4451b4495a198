import XCTest
import WideDeep
@testable import Dashboard
import WDLTestSupport

/// Keys go in through the in-memory terminal; commands come out of the fake session.
final class KeyHandlingTests: XCTestCase {
    var control: FakeTrainingControl!
    var terminal: InMemoryTerminal!
    var app: DashboardApp!
    var now = 100.0

    override func setUp() {
        control = FakeTrainingControl(snapshot: SnapshotFixtures.running())
        terminal = InMemoryTerminal(columns: 120, rows: 40)
        now = 100
        app = DashboardApp(control: control, terminal: terminal,
                           themes: ThemeLibrary.load(directory: TestPaths.themesDirectory),
                           options: DashboardOptions(themeName: "default"), clock: { [unowned self] in self.now })
        app.render()
    }

    /// Presses the keys one by one through the terminal, drawing after each.
    func press(_ keys: Key...) {
        terminal.pendingEvents.append(contentsOf: keys.map(InputEvent.key))
        while !terminal.pendingEvents.isEmpty { app.step() }
    }

    func type(_ text: String) {
        terminal.type(text)
        while !terminal.pendingEvents.isEmpty { app.step() }
    }

    var screen: String { terminal.text }

    func setValue(_ command: TrainingCommand?) -> (Hyperparameter, Double)? {
        if case .set(let parameter, let value)? = command { return (parameter, value) }
        return nil
    }

    func testSpaceAndPPauseOrResumeByState() {
        press(.character(" "))
        XCTAssertEqual(control.commands, [.pause])
        control.snapshot.state = .paused
        press(.character("p"))
        XCTAssertEqual(control.commands, [.pause, .resume])
        control.snapshot.state = .diverged
        press(.character(" "))
        XCTAssertEqual(control.commands.count, 2, "no pause/resume while DIVERGED")
        XCTAssertTrue(screen.contains("r rolls back"), screen)
    }

    func testPlusAndArrowsMultiplyTheSelectedValue() throws {
        press(.character("+"))
        var set = try XCTUnwrap(setValue(control.commands.last))
        XCTAssertEqual(set.0, .deepLearningRate)
        XCTAssertEqual(set.1, 0.0125, accuracy: 1e-15)
        // The pending value shows at once and the next press starts from it.
        XCTAssertTrue(screen.contains("0.01 → 0.0125…"), screen)
        press(.right)
        set = try XCTUnwrap(setValue(control.commands.last))
        XCTAssertEqual(set.1, 0.015625, accuracy: 1e-15)
        control.clearCommands()
        control.snapshot.hyperparameters[0].value = 0.015625
        app.render()
        XCTAssertFalse(screen.contains("→ 0.015625…"), "applied value is no longer pending")
        press(.character("-"))
        XCTAssertEqual(try XCTUnwrap(setValue(control.commands.last)).1, 0.0125, accuracy: 1e-15)
        press(.left)
        XCTAssertEqual(try XCTUnwrap(setValue(control.commands.last)).1, 0.01, accuracy: 1e-15)
    }

    func testSelectionMovesWithArrowsAndVimKeys() throws {
        press(.down)                      // FTRL α
        press(.character("+"))
        var set = try XCTUnwrap(setValue(control.commands.last))
        XCTAssertEqual(set.0, .ftrlAlpha)
        XCTAssertEqual(set.1, 0.0625, accuracy: 1e-15)
        press(.character("j"), .character("-"))   // FTRL β: 1 × 0.8
        set = try XCTUnwrap(setValue(control.commands.last))
        XCTAssertEqual(set.0, .ftrlBeta)
        XCTAssertEqual(set.1, 0.8, accuracy: 1e-15)
        press(.character("k"), .up, .up)          // back past the top to smoothing
        XCTAssertEqual(app.selectedRow, .smoothing)
        press(.character("k"))
        XCTAssertEqual(app.selectedRow, .hyperparameter(.ftrlL2))
    }

    func testZeroValueCannotBeScaled() {
        press(.down, .down, .down)        // FTRL λ1 = 0
        XCTAssertEqual(app.selectedRow, .hyperparameter(.ftrlL1))
        press(.character("+"))
        XCTAssertEqual(control.commands, [])
        XCTAssertTrue(screen.contains("press Enter to type a value"), screen)
    }

    func testEnterSetsAnExactValue() throws {
        press(.enter)
        type("0.05")
        XCTAssertTrue(screen.contains("deep lr = 0.05"), screen)
        press(.enter)
        let set = try XCTUnwrap(setValue(control.commands.last))
        XCTAssertEqual(set.0, .deepLearningRate)
        XCTAssertEqual(set.1, 0.05)
    }

    func testEnterRejectsANonNumber() {
        press(.enter)
        type("abc")
        press(.enter)
        XCTAssertEqual(control.commands, [])
        XCTAssertTrue(screen.contains("not a number: 'abc'"), screen)
        XCTAssertEqual(app.view.mode, .normal)
    }

    func testEnterRejectsAnOutOfRangeValue() {
        press(.enter)
        type("500")
        press(.enter)
        XCTAssertEqual(control.commands, [])
        XCTAssertTrue(screen.contains("deep lr must be in"), screen)
        press(.enter)
        type("-1")
        press(.enter)
        XCTAssertEqual(control.commands, [])
    }

    func testEscapeCancelsAndBackspaceEdits() throws {
        press(.enter)
        type("0.9")
        press(.escape)
        XCTAssertEqual(control.commands, [])
        XCTAssertTrue(screen.contains("edit cancelled"))
        press(.enter)
        type("0.33")
        press(.backspace)
        press(.enter)
        XCTAssertEqual(try XCTUnwrap(setValue(control.commands.last)).1, 0.3)
    }

    func testSmoothingIsAdjustedLocally() {
        press(.up)                        // wraps to smoothing
        XCTAssertEqual(app.selectedRow, .smoothing)
        press(.character("+"))            // 1 − 0.4 × 0.8
        XCTAssertEqual(app.view.smoothing, 0.68, accuracy: 1e-12)
        press(.character("-"), .character("-"))
        XCTAssertEqual(app.view.smoothing, 0.5, accuracy: 1e-12)
        press(.enter)
        type("0.9")
        press(.enter)
        XCTAssertEqual(app.view.smoothing, 0.9)
        press(.enter)
        type("1.5")
        press(.enter)
        XCTAssertEqual(app.view.smoothing, 0.9)
        XCTAssertTrue(screen.contains("smoothing must be in 0…0.999"), screen)
        XCTAssertEqual(control.commands, [], "smoothing never reaches the session")
        XCTAssertTrue(screen.contains("train EMA 0.900"), screen)
    }

    func testSaveEvaluateAndRollBack() {
        press(.character("s"), .character("e"))
        XCTAssertEqual(control.commands, [.saveCheckpoint, .evaluateNow])
        press(.character("r"))
        XCTAssertEqual(control.commands.count, 2, "r does nothing unless DIVERGED")
        control.snapshot.state = .diverged
        press(.character("r"))
        XCTAssertEqual(control.commands.count, 2, "nor when no good state was kept")
        XCTAssertTrue(screen.contains("nothing to roll back to"), screen)
        control.snapshot.canRollBack = true
        press(.character("r"))
        XCTAssertEqual(control.commands.last, .rollBack)
    }

    func testThemeKeyCyclesWithoutAddingATrainingEvent() {
        XCTAssertEqual(app.view.themeName, "default")
        let before = terminal.style(x: 0, y: 0)
        press(.character("t"))
        XCTAssertEqual(app.view.themeName, "high-contrast")
        XCTAssertTrue(screen.contains(" theme: high-contrast"), screen)
        XCTAssertTrue(app.view.localEvents.isEmpty, "a theme is a display setting, not a training event")
        XCTAssertFalse(screen.contains("theme changed"), screen)
        XCTAssertTrue(terminal.lastDrawWasFull, "a theme change redraws every cell")
        XCTAssertNotEqual(terminal.style(x: 0, y: 0), before)
        XCTAssertEqual(control.commands, [])
    }

    func testHelpOpensAndAnyKeyClosesIt() {
        press(.character("?"))
        XCTAssertTrue(screen.contains("pause / resume training"))
        press(.character("x"))
        XCTAssertFalse(screen.contains("pause / resume training"))
        XCTAssertEqual(control.commands, [])
    }

    func testOnlyChangedCellsAreRedrawn() {
        XCTAssertTrue(terminal.lastDrawWasFull, "the first frame is sent whole")
        XCTAssertEqual(terminal.lastChangeCount, 120 * 40)
        let frames = terminal.framesDrawn
        app.render()
        XCTAssertEqual(terminal.framesDrawn, frames, "an unchanged frame is not sent")
        press(.down)
        XCTAssertEqual(terminal.framesDrawn, frames + 1)
        XCTAssertGreaterThan(terminal.lastChangeCount, 0)
        XCTAssertLessThan(terminal.lastChangeCount, 120 * 40 / 10)
        XCTAssertFalse(terminal.lastDrawWasFull)
    }

    func testResizeRelaysOutAndTooSmallShowsTheMessage() {
        terminal.resize(columns: 60, rows: 15)
        app.step()
        XCTAssertTrue(screen.contains("enlarge the terminal to at least 80×24"), screen)
        XCTAssertTrue(screen.contains("current size: 60×15"))
        terminal.resize(columns: 80, rows: 24)
        app.step()
        XCTAssertTrue(screen.contains("hyperparameters"), screen)
        XCTAssertEqual(terminal.lines.count, 24)
    }

    func testMessagesExpire() {
        press(.character("e"), .character("x"))
        XCTAssertFalse(screen.contains("evaluating"), "a key clears the message")
        press(.character("+"))
        XCTAssertTrue(screen.contains("applies at the next minibatch"))
        now += 61
        app.render()
        XCTAssertFalse(screen.contains("applies at the next minibatch"), "no outcome within a minute: dropped")
        press(.character("t"))
        XCTAssertEqual(app.view.message?.text, "theme: high-contrast")
        now += 6
        app.render()
        XCTAssertNil(app.view.message)
    }

    /// "saving a checkpoint…" stays until the run says how the save ended, then says that: a
    /// failure in full (the events panel cuts long lines), a success as the saved path.
    func testFooterShowsTheOutcomeOfASave() {
        control.snapshot.elapsedSeconds = 65
        press(.character("s"))
        XCTAssertTrue(screen.contains("saving a checkpoint…"))
        now += 4
        control.snapshot.events.append(RunEvent(step: 12_345, seconds: 64, kind: .error, message: "an older error"))
        app.render()
        XCTAssertTrue(screen.contains("saving a checkpoint…"), "an event from before the key answers nothing")
        let failure = "checkpoint failed: cannot create /nonexistent/ckpt/step-12345.safetensors (--checkpoint-dir DIR is not writable)"
        control.snapshot.events.append(RunEvent(step: 12_345, seconds: 66, kind: .error, message: failure))
        app.render()
        XCTAssertFalse(screen.contains("saving a checkpoint…"), screen)
        XCTAssertTrue(screen.contains(failure), screen)
    }

    func testFooterShowsARefusedRollback() {
        control.snapshot.state = .diverged
        control.snapshot.canRollBack = true
        control.snapshot.elapsedSeconds = 65
        press(.character("r"))
        XCTAssertTrue(screen.contains("rolling back"))
        control.snapshot.events.append(RunEvent(step: 12_345, seconds: 66, kind: .error, message: "no good state kept yet to roll back to"))
        app.render()
        XCTAssertFalse(screen.contains("rolling back"), screen)
        XCTAssertTrue(screen.contains("no good state kept yet to roll back to"))
    }

    /// 30 events in a panel of 6 rows (120×40): PgUp shows older ones, PgDn and End come back.
    func testEventsPanelScrolls() {
        control.snapshot.events = (1...30).map { RunEvent(step: $0, seconds: Double($0), kind: .info, message: "event number \($0)") }
        app.render()
        XCTAssertTrue(screen.contains("event number 30"))
        XCTAssertFalse(screen.contains("event number 20 "), screen)
        XCTAssertTrue(screen.contains("PgUp older"))
        press(.pageUp, .pageUp)
        XCTAssertFalse(screen.contains("event number 30"), screen)
        XCTAssertTrue(screen.contains("event number 20"), screen)
        XCTAssertTrue(screen.contains("10 newer below"), screen)
        press(.pageDown)
        XCTAssertTrue(screen.contains("5 newer below"), screen)
        press(.end)
        XCTAssertTrue(screen.contains("event number 30"))
        for _ in 0..<20 { press(.pageUp) }
        XCTAssertTrue(screen.contains("event number 1 "), "scrolling stops at the oldest: \(screen)")
        XCTAssertEqual(control.commands, [])
    }

    func testBrokenThemeFileIsReportedOnScreen() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "text = #zzzzzz\n".write(to: directory.appendingPathComponent("odd.theme"), atomically: true, encoding: .utf8)
        let app = DashboardApp(control: control, terminal: terminal, themes: ThemeLibrary.load(directory: directory.path),
                               options: DashboardOptions(themeName: "odd"), clock: { 0 })
        app.render()
        XCTAssertEqual(app.view.themeName, "default")
        XCTAssertTrue(terminal.text.contains("odd.theme:1"), terminal.text)
    }

    func testNoColorGivesTheMonochromeLook() {
        let app = DashboardApp(control: control, terminal: terminal, themes: ThemeLibrary(),
                               options: DashboardOptions(noColor: true), clock: { 0 })
        app.render()
        for y in 0..<terminal.size.rows {
            for x in 0..<terminal.size.columns {
                let style = terminal.style(x: x, y: y)
                XCTAssertEqual(style.foreground, .default)
                XCTAssertEqual(style.background, .default)
            }
        }
        XCTAssertTrue(terminal.style(x: 1, y: 0).attributes.contains(.reverse), "status bar in reverse video")
    }
}
