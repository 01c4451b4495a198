import XCTest
import WideDeep
@testable import Dashboard
import WDLTestSupport

/// Quitting: the questions q and Ctrl-C ask, what each answer sends, and SIGTERM.
extension KeyHandlingTests {
    func testQuitWithACheckpointFolderOffersSaveDiscardOrCancel() {
        press(.character("q"))
        XCTAssertNil(app.outcome)
        XCTAssertTrue(screen.contains("s save and quit · d quit without saving · Esc cancel"), screen)
        press(.character("n"))
        XCTAssertNil(app.outcome)
        XCTAssertTrue(screen.contains("quit cancelled"))
        press(.character("q"), .enter)
        XCTAssertNil(app.outcome, "anything but s or d cancels")
        press(.character("q"), .character("y"))
        XCTAssertNil(app.outcome, "y is no answer when saving is possible: the choice must be explicit")
        press(.character("q"), .character("s"))
        XCTAssertEqual(app.outcome?.reason, .userQuit)
        XCTAssertEqual(control.commands, [.stop], "save and quit: the session writes final")
    }

    func testQuitWithoutSavingSendsTheStopThatSkipsTheFinalCheckpoint() {
        press(.character("q"), .character("d"))
        XCTAssertEqual(app.outcome?.reason, .quitWithoutSaving)
        XCTAssertEqual(control.commands, [.stopWithoutSaving])
    }

    func testQuitWithoutACheckpointFolderAsksYesOrNo() {
        control.snapshot.checkpointDirectory = nil
        press(.character("q"))
        XCTAssertTrue(screen.contains("quit? unsaved progress is lost (nothing can be saved): y quit · N cancel"), screen)
        XCTAssertFalse(screen.contains("save and quit"))
        press(.character("s"))
        XCTAssertNil(app.outcome, "s cannot save without a folder: it cancels")
        press(.character("q"), .character("y"))
        XCTAssertEqual(app.outcome?.reason, .quitWithoutSaving)
        XCTAssertEqual(control.commands, [.stopWithoutSaving])
    }

    func testFinishedRunWithoutACheckpointFolderQuitsWithoutAsking() {
        control.snapshot.checkpointDirectory = nil
        control.snapshot.state = .finished
        press(.character("q"))
        XCTAssertEqual(app.outcome?.reason, .userQuit, "nothing can be saved any more: no question")
    }

    func testDivergedRunCannotBeSavedSoTheQuestionIsYesOrNo() {
        control.snapshot.state = .diverged
        press(.character("q"))
        XCTAssertTrue(screen.contains("y quit · N cancel"), screen)
    }

    func testQuitWithoutUnsavedProgressQuitsAtOnce() {
        control.snapshot.hasUnsavedProgress = false
        press(.character("q"))
        XCTAssertEqual(app.outcome?.reason, .userQuit)
        XCTAssertEqual(control.commands, [.stop])
    }

    func testCtrlCBehavesLikeQ() {
        terminal.pendingEvents.append(.interrupt)
        app.step()
        XCTAssertTrue(screen.contains("s save and quit"))
        press(.character("s"))
        XCTAssertEqual(app.outcome?.reason, .userQuit)
        setUp()
        control.snapshot.hasUnsavedProgress = false
        press(Key.controlC)
        XCTAssertEqual(app.outcome?.reason, .userQuit)
    }

    func testSecondCtrlCQuitsWithoutSaving() {
        press(.enter)
        type("0.0")
        terminal.pendingEvents.append(.interrupt)
        app.step()
        XCTAssertEqual(app.view.mode, .confirmQuit(canSave: true), "Ctrl-C while typing asks to quit")
        XCTAssertNil(app.outcome)
        terminal.pendingEvents.append(.interrupt)
        app.step()
        XCTAssertEqual(app.outcome?.reason, .interrupted, "a second Ctrl-C quits as an interrupted program (the CLI exits 130)")
        XCTAssertEqual(control.commands, [.stopWithoutSaving])
    }

    func testSigtermClosesTheScreenAndLeavesTheGracefulStopToTheCaller() {
        terminal.pendingEvents.append(.terminate)
        XCTAssertFalse(app.step())
        XCTAssertEqual(app.outcome?.reason, .terminated)
        XCTAssertEqual(control.commands, [], "the CLI sends .stop once the terminal is restored (final evaluation and checkpoint)")
    }

    func testSigtermAtTheQuitQuestionStillEndsGracefully() {
        press(.character("q"))
        XCTAssertEqual(app.view.mode, .confirmQuit(canSave: true))
        terminal.pendingEvents.append(.terminate)
        app.step()
        XCTAssertEqual(app.outcome?.reason, .terminated, "a signal is no answer to the question: the run is saved")
        XCTAssertEqual(control.commands, [])
    }

    func testFinishedRunStaysOpenUntilQ() {
        control.snapshot.state = .finished
        control.snapshot.hasUnsavedProgress = false
        for _ in 0..<5 { app.step() }
        XCTAssertNil(app.outcome)
        XCTAssertTrue(screen.contains("FINISHED"))
        press(.character(" "), .character("+"), .enter)
        XCTAssertEqual(control.commands, [], "nothing to pause or change after FINISHED")
        XCTAssertEqual(app.view.mode, .normal)
        press(.character("q"))
        XCTAssertEqual(app.outcome?.reason, .userQuit)
    }
}
