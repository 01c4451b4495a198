import XCTest
import WideDeep
@testable import Dashboard
import WDLTestSupport

/// The dashboard on a run in another process (`wdl attach`), through a fake connection.
final class AttachedModeTests: XCTestCase {
    private var run: FakeAttachedRun!
    private var terminal: InMemoryTerminal!
    private var app: DashboardApp!

    private func open(readOnly: Bool = false) {
        run = FakeAttachedRun(snapshot: SnapshotFixtures.running(), readOnly: readOnly)
        terminal = InMemoryTerminal(columns: 120, rows: 40)
        var options = DashboardOptions(themeName: "default")
        options.attached = true
        options.readOnly = readOnly
        app = DashboardApp(control: run, terminal: terminal, themes: ThemeLibrary.load(directory: TestPaths.themesDirectory),
                           options: options, clock: { 100 })
        app.render()
    }

    private func press(_ keys: Key...) {
        terminal.pendingEvents.append(contentsOf: keys.map(InputEvent.key))
        while !terminal.pendingEvents.isEmpty { app.step() }
    }

    private var screen: String { terminal.text }
    private var footer: String { screen.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? "" }

    func testDDetachesAndSendsNothing() {
        open()
        press(.character("d"))
        XCTAssertEqual(app.outcome?.reason, .detached)
        XCTAssertTrue(run.detached)
        XCTAssertEqual(run.commands, [])
    }

    func testQAsksToStopTheRunOrDetach() {
        open()
        press(.character("q"))
        XCTAssertNil(app.outcome)
        XCTAssertTrue(screen.contains("s stop the run · d detach (training goes on)"), screen)
        press(.character("x"))
        XCTAssertNil(app.outcome, "any other key cancels")
        XCTAssertTrue(screen.contains("cancelled: still attached"), screen)

        press(.character("q"), .character("d"))
        XCTAssertEqual(app.outcome?.reason, .detached)
        XCTAssertEqual(run.commands, [])

        open()
        press(.character("q"), .character("s"))
        XCTAssertEqual(app.outcome?.reason, .userQuit)
        XCTAssertEqual(run.commands, [.stop], "s stops the run, saving as the run's own q would")
    }

    func testCtrlCOnlyDetaches() {
        open()
        app.handle(.interrupt)
        XCTAssertEqual(app.outcome?.reason, .detached)
        XCTAssertEqual(run.commands, [])
    }

    func testSigtermOrSighupOnlyDetaches() {
        open()
        press(.character("q"))
        app.handle(.terminate)
        XCTAssertEqual(app.outcome?.reason, .detached, "a signal to the client never stops the run in another process")
        XCTAssertTrue(run.detached)
        XCTAssertEqual(run.commands, [])
    }

    func testCommandsStillGoWhenNotReadOnly() {
        open()
        XCTAssertTrue(footer.contains("ATTACHED · d detach"), footer)
        XCTAssertFalse(footer.contains("READ-ONLY"), footer)
        press(.character(" "), .character("e"))
        XCTAssertEqual(run.commands, [.pause, .evaluateNow])
    }

    func testReadOnlyShowsAMessageInsteadOfSending() {
        open(readOnly: true)
        XCTAssertTrue(footer.contains("READ-ONLY"), footer)
        for key in [" ", "s", "e", "+", "r"] {
            press(.character(Character(key)))
            XCTAssertTrue(screen.contains("READ-ONLY: attached to watch"), "\(key): \(screen)")
        }
        XCTAssertEqual(run.commands, [])
        // Smoothing is the dashboard's own setting: it still changes.
        press(.up, .character("+"))
        XCTAssertTrue(screen.contains("smoothing 0.680"), screen)
        XCTAssertEqual(run.commands, [])
        press(.character("q"))
        XCTAssertEqual(app.outcome?.reason, .detached, "nothing to decide: q detaches")
    }

    func testRunEndedAndConnectionLostAreShownAndTheLastStateKept() {
        open()
        run.connection = .ended("run ended")
        app.render()
        XCTAssertTrue(screen.contains("run ended — the last state received is shown; q closes"), screen)
        XCTAssertTrue(screen.contains("RUNNING"), "the last snapshot stays on screen")
        press(.character(" "))
        XCTAssertEqual(run.commands, [])
        XCTAssertTrue(screen.contains("run ended: nothing can be sent"), screen)
        press(.character("q"))
        XCTAssertEqual(app.outcome?.reason, .detached)

        open()
        run.connection = .lost("connection lost")
        app.render()
        XCTAssertTrue(screen.contains("connection lost — the last state received is shown"), screen)
    }

    func testARefusalFromTheRunIsShown() {
        open()
        run.refuse("deep lr must be in 1e-09…100.0, got -1.0")
        app.render()
        XCTAssertTrue(footer.contains("refused by the run: deep lr must be in"), footer)
    }

    /// The training dashboard itself is unchanged: d does nothing, q quits as before.
    func testTrainingDashboardIgnoresD() {
        let control = FakeTrainingControl(snapshot: SnapshotFixtures.running())
        let terminal = InMemoryTerminal(columns: 120, rows: 40)
        let app = DashboardApp(control: control, terminal: terminal,
                               themes: ThemeLibrary.load(directory: TestPaths.themesDirectory),
                               options: DashboardOptions(themeName: "default"), clock: { 100 })
        terminal.pendingEvents.append(.key(.character("d")))
        app.step()
        XCTAssertNil(app.outcome)
        XCTAssertEqual(control.commands, [])
        XCTAssertFalse(terminal.text.contains("READ-ONLY"))
        XCTAssertFalse(terminal.text.contains("ATTACHED"), "the run's own dashboard is not attached")
    }
}
