import XCTest
import WideDeep
@testable import Dashboard

/// The quit and stop-or-detach questions on a plain view state.
final class QuitDialogTests: XCTestCase {
    private var snapshot = SnapshotFixtures.running()   // unsaved progress, checkpoint folder "ckpt"
    private var view = ViewState(smoothing: 0.6, themeName: "default")

    private func dialog(attached: Bool = false, readOnly: Bool = false) -> QuitDialog {
        QuitDialog(snapshot: snapshot, attached: attached, readOnly: readOnly)
    }

    func testUnsavedProgressWithAFolderAsksSaveOrDiscard() {
        XCTAssertEqual(dialog().request(in: &view), .stay(message: nil))
        XCTAssertEqual(view.mode, .confirmQuit(canSave: true))
        for (key, decision) in [("s", QuitDialog.Decision.quit(saving: true)), ("S", .quit(saving: true)),
                                ("d", .quit(saving: false)), ("y", .stay(message: "quit cancelled"))] {
            view.mode = .confirmQuit(canSave: true)
            XCTAssertEqual(dialog().answer(.character(Character(key)), in: &view), decision, key)
            XCTAssertEqual(view.mode, .normal, key)
        }
        view.mode = .confirmQuit(canSave: true)
        XCTAssertEqual(dialog().answer(.escape, in: &view), .stay(message: "quit cancelled"))
    }

    func testWithoutAFolderTheQuestionIsYesOrNo() {
        snapshot.checkpointDirectory = nil
        XCTAssertEqual(dialog().request(in: &view), .stay(message: nil))
        XCTAssertEqual(view.mode, .confirmQuit(canSave: false))
        XCTAssertEqual(dialog().answer(.character("s"), in: &view), .stay(message: "quit cancelled"),
                       "nothing can be saved: s is no answer")
        view.mode = .confirmQuit(canSave: false)
        XCTAssertEqual(dialog().answer(.character("Y"), in: &view), .quit(saving: false))
    }

    func testADivergedRunCannotBeSaved() {
        snapshot.state = .diverged
        _ = dialog().request(in: &view)
        XCTAssertEqual(view.mode, .confirmQuit(canSave: false))
    }

    func testNothingToLoseOrNothingLeftToDecideQuitsAtOnce() {
        snapshot.hasUnsavedProgress = false
        XCTAssertEqual(dialog().request(in: &view), .quit(saving: true))
        snapshot.hasUnsavedProgress = true
        snapshot.state = .finished   // the run no longer writes checkpoints, folder or not
        XCTAssertEqual(dialog().request(in: &view), .quit(saving: true))
        XCTAssertEqual(view.mode, .normal)
    }

    func testCtrlCAsksFromAnyModeAndASecondOneQuitsWithoutSaving() {
        view.mode = .editing(.smoothing, text: "0.")
        XCTAssertEqual(dialog().interrupt(in: &view), .stay(message: nil))
        XCTAssertEqual(view.mode, .confirmQuit(canSave: true))
        XCTAssertEqual(dialog().interrupt(in: &view), .interrupted, "quits without saving, as an interrupted program")
    }

    func testAttachedQAsksStopOrDetach() {
        let attached = dialog(attached: true)
        XCTAssertEqual(attached.request(in: &view), .stay(message: nil))
        XCTAssertEqual(view.mode, .confirmDetach)
        XCTAssertEqual(attached.answer(.character("S"), in: &view), .stopRunAndClose)
        view.mode = .confirmDetach
        XCTAssertEqual(attached.answer(.character("d"), in: &view), .detach)
        view.mode = .confirmDetach
        XCTAssertEqual(attached.answer(.character("q"), in: &view), .stay(message: "cancelled: still attached"))
        XCTAssertEqual(view.mode, .normal)
    }

    func testAttachedDetachesAtOnceWhenThatIsAllThereIs() {
        XCTAssertEqual(dialog(attached: true, readOnly: true).request(in: &view), .detach)
        view.connectionNote = "connection lost"
        XCTAssertEqual(dialog(attached: true).request(in: &view), .detach)
        view.connectionNote = nil
        snapshot.state = .failed
        XCTAssertEqual(dialog(attached: true).request(in: &view), .detach)
        XCTAssertEqual(view.mode, .normal)
    }

    func testAttachedCtrlCOnlyDetaches() {
        view.mode = .confirmDetach
        XCTAssertEqual(dialog(attached: true).interrupt(in: &view), .detach)
    }

    func testAKeyOutsideAQuestionChangesNothing() {
        view.mode = .help
        XCTAssertEqual(dialog().answer(.character("s"), in: &view), .stay(message: nil))
        XCTAssertEqual(view.mode, .help)
    }
}
