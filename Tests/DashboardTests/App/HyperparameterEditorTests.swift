import XCTest
import WideDeep
@testable import Dashboard

/// The panel's editing decisions on a plain view state, without a terminal or a control.
/// The fixture's rows: deep lr 0.01, FTRL α 0.05, β 1, λ1 0, λ2 1, then smoothing.
final class HyperparameterEditorTests: XCTestCase {
    private var snapshot = SnapshotFixtures.running()
    private var view = ViewState(smoothing: 0.6, themeName: "default")

    private var editor: HyperparameterEditor { HyperparameterEditor(snapshot: snapshot) }

    private func select(_ row: EditableRow) throws {
        view.selectedRow = try XCTUnwrap(EditableRow.rows(for: snapshot).firstIndex(of: row))
    }

    private func setValue(_ reaction: KeyReaction) -> (Hyperparameter, Double)? {
        if case .set(let parameter, let value)? = reaction.command { return (parameter, value) }
        return nil
    }

    private func messageText(_ reaction: KeyReaction) -> String? {
        if case .message(let text, _, _)? = reaction.notice { return text }
        return nil
    }

    private func typeAndEnter(_ text: String) -> KeyReaction {
        view.mode = .editing(editor.selectedRow(in: view), text: "")
        for character in text { _ = editor.type(.character(character), in: &view) }
        return editor.type(.enter, in: &view)
    }

    func testSelectionWrapsAroundBothEnds() {
        editor.moveSelection(by: -1, in: &view)
        XCTAssertEqual(editor.selectedRow(in: view), .smoothing, "up from the first row is the last")
        editor.moveSelection(by: 1, in: &view)
        XCTAssertEqual(editor.selectedRow(in: view), .hyperparameter(.deepLearningRate))
        editor.moveSelection(by: 7, in: &view)   // 6 rows: 7 ≡ 1
        XCTAssertEqual(editor.selectedRow(in: view), .hyperparameter(.ftrlAlpha))
    }

    func testScalingSendsTheProductAndStartsFromAPendingValue() throws {
        var reaction = editor.scaleSelected(by: 1.25, in: &view)
        var set = try XCTUnwrap(setValue(reaction))
        XCTAssertEqual(set.0, .deepLearningRate)
        XCTAssertEqual(set.1, 0.0125, accuracy: 1e-15)
        guard case .awaiting(_, let kinds)? = reaction.notice else { return XCTFail("\(reaction)") }
        XCTAssertEqual(kinds, [.hyperparameter, .error], "the run's event or refusal answers the change")

        view.pending[.deepLearningRate] = PendingValue(value: 0.02, sentAt: 0)
        reaction = editor.scaleSelected(by: 0.8, in: &view)
        set = try XCTUnwrap(setValue(reaction))
        XCTAssertEqual(set.1, 0.016, accuracy: 1e-15, "0.02 sent but not yet shown, × 0.8")
    }

    func testScalingPastTheRangeIsRefusedWithTheRange() throws {
        snapshot.hyperparameters[0].value = 100   // deep lr at its maximum
        var reaction = editor.scaleSelected(by: 1.25, in: &view)
        XCTAssertNil(reaction.command)
        var text = try XCTUnwrap(messageText(reaction))
        XCTAssertTrue(text.hasPrefix("deep lr must be in 1e-09…100.0, got 125.0"), text)
        XCTAssertTrue(text.hasSuffix("unchanged"), text)
        XCTAssertEqual(try XCTUnwrap(setValue(editor.scaleSelected(by: 0.8, in: &view))).1, 80, accuracy: 1e-12,
                       "down from the edge is fine")

        snapshot.hyperparameters[0].value = 1e-9   // and at its minimum
        reaction = editor.scaleSelected(by: 0.8, in: &view)
        XCTAssertNil(reaction.command)
        text = try XCTUnwrap(messageText(reaction))
        XCTAssertTrue(text.hasPrefix("deep lr must be in"), text)
    }

    func testSmoothingScalesItsDistanceToOneAndClampsAtTheEdges() throws {
        try select(.smoothing)
        var reaction = editor.scaleSelected(by: 1.25, in: &view)
        XCTAssertNil(reaction.command, "smoothing never reaches the run")
        XCTAssertEqual(view.smoothing, 0.68, accuracy: 1e-12, "1 − 0.4 / 1.25")
        XCTAssertEqual(messageText(reaction), "smoothing 0.680")

        view.smoothing = 0.999
        reaction = editor.scaleSelected(by: 1.25, in: &view)   // 1 − 0.0008 clamps to 0.999
        XCTAssertEqual(view.smoothing, 0.999)
        XCTAssertEqual(messageText(reaction), "smoothing 0.999")

        view.smoothing = 0
        _ = editor.scaleSelected(by: 0.8, in: &view)            // 1 − 1.25 clamps to 0
        XCTAssertEqual(view.smoothing, 0)
    }

    func testZeroCannotBeScaled() throws {
        try select(.hyperparameter(.ftrlL1))
        let reaction = editor.scaleSelected(by: 1.25, in: &view)
        XCTAssertNil(reaction.command)
        XCTAssertTrue(messageText(reaction)?.contains("press Enter to type a value") ?? false, "\(reaction)")
    }

    func testTypedValueIsSentWhenValid() throws {
        let reaction = typeAndEnter(" 0.05 ")
        let set = try XCTUnwrap(setValue(reaction))
        XCTAssertEqual(set.0, .deepLearningRate)
        XCTAssertEqual(set.1, 0.05)
        XCTAssertEqual(view.mode, .normal)
    }

    func testTypedValueOutOfRangeIsRefusedNamingTheRange() throws {
        try select(.hyperparameter(.ftrlBeta))
        let reaction = typeAndEnter("-1")
        XCTAssertNil(reaction.command)
        let text = try XCTUnwrap(messageText(reaction))
        XCTAssertTrue(text.hasPrefix("FTRL β must be in 0.0…1000000.0, got -1.0"), text)
        guard case .message(_, let severity, _)? = reaction.notice else { return XCTFail() }
        XCTAssertEqual(severity, .error)
        XCTAssertEqual(view.mode, .normal)
    }

    func testTypedSmoothingOutOfRangeIsRefused() throws {
        try select(.smoothing)
        let reaction = typeAndEnter("1.5")
        XCTAssertEqual(view.smoothing, 0.6)
        XCTAssertTrue(messageText(reaction)?.hasPrefix("smoothing must be in 0…0.999") ?? false, "\(reaction)")
    }

    func testNonNumbersAndInfinityAreNotNumbers() {
        for typed in ["abc", "inf", "nan", ""] {
            let reaction = typeAndEnter(typed)
            XCTAssertNil(reaction.command, typed)
            XCTAssertEqual(messageText(reaction), "not a number: '\(typed)' — deep lr unchanged")
        }
    }

    func testTheTypedLineEditsAndCancels() {
        view.mode = .editing(.smoothing, text: "0.33")
        _ = editor.type(.backspace, in: &view)
        XCTAssertEqual(view.mode, .editing(.smoothing, text: "0.3"))
        _ = editor.type(.up, in: &view)
        XCTAssertEqual(view.mode, .editing(.smoothing, text: "0.3"), "keys that type nothing are ignored")
        view.mode = .editing(.smoothing, text: String(repeating: "1", count: 32))
        _ = editor.type(.character("2"), in: &view)
        XCTAssertEqual(view.mode, .editing(.smoothing, text: String(repeating: "1", count: 32)), "32 characters at most")
        let reaction = editor.type(.escape, in: &view)
        XCTAssertEqual(view.mode, .normal)
        XCTAssertEqual(messageText(reaction), "edit cancelled")
        XCTAssertEqual(view.smoothing, 0.6)
    }

    func testAnEndedRunRefusesChangesButSmoothingStillChanges() throws {
        snapshot.state = .failed
        var reaction = editor.startTyping(in: &view)
        XCTAssertEqual(view.mode, .normal)
        XCTAssertEqual(messageText(reaction), "the run has ended: deep lr can no longer change")
        reaction = editor.scaleSelected(by: 1.25, in: &view)
        XCTAssertNil(reaction.command)
        try select(.smoothing)
        XCTAssertFalse(editor.editingSendsCommand(in: view))
        _ = editor.startTyping(in: &view)
        XCTAssertEqual(view.mode, .editing(.smoothing, text: ""))
    }

    func testSettleDropsAppliedAndStaleValuesAndKeepsTheSelectionOnARow() {
        view.pending[.deepLearningRate] = PendingValue(value: 0.01, sentAt: 10)   // the snapshot shows it
        view.pending[.ftrlAlpha] = PendingValue(value: 0.5, sentAt: 10)           // not shown, 2 s old
        view.pending[.ftrlBeta] = PendingValue(value: 2, sentAt: 8.5)             // not shown, 3.5 s old
        view.selectedRow = 9
        editor.settle(&view, now: 12)
        XCTAssertEqual(Set(view.pending.keys), [.ftrlAlpha])
        XCTAssertEqual(view.selectedRow, 5, "6 rows: the last one")
    }
}
