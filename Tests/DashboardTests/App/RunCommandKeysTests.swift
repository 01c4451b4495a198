import XCTest
import WideDeep
@testable import Dashboard

/// Pause, save, evaluate and roll back: what each sends in each state of the run.
final class RunCommandKeysTests: XCTestCase {
    private func reaction(_ action: KeyAction, state: RunState, canRollBack: Bool = false) -> KeyReaction {
        var snapshot = SnapshotFixtures.running()
        snapshot.state = state
        snapshot.canRollBack = canRollBack
        return RunCommandKeys(snapshot: snapshot).reaction(to: action)
    }

    func testPauseResumesAPausedRunAndPausesARunningOne() {
        XCTAssertEqual(reaction(.togglePause, state: .paused).command, .resume)
        for state: RunState in [.running, .evaluating, .saving] {
            XCTAssertEqual(reaction(.togglePause, state: state).command, .pause, "\(state)")
        }
        for state: RunState in [.loading, .diverged, .finished, .failed] {
            let answer = reaction(.togglePause, state: state)
            XCTAssertNil(answer.command, "\(state)")
            XCTAssertNotNil(answer.notice, "\(state): says why nothing happens")
        }
    }

    func testSaveAndEvaluateWaitForTheirOutcome() {
        XCTAssertEqual(reaction(.saveCheckpoint, state: .running),
                       .send(.saveCheckpoint, "saving a checkpoint…", until: [.checkpoint, .error]))
        XCTAssertEqual(reaction(.evaluateNow, state: .paused).command, .evaluateNow)
    }

    /// A finished or failed run's session has ended: nothing would answer "saving…" or
    /// "evaluating…", so the keys say why they do nothing (issue 21, item 14).
    func testSaveAndEvaluateOnAnEndedRunSayWhyAndSendNothing() {
        for state: RunState in [.finished, .failed, .loading] {
            for action: KeyAction in [.saveCheckpoint, .evaluateNow] {
                let answer = reaction(action, state: state)
                XCTAssertNil(answer.command, "\(state) \(action)")
                guard case .message(let text, _, _)? = answer.notice else {
                    return XCTFail("\(state) \(action): no message, got \(String(describing: answer.notice))")
                }
                XCTAssertFalse(text.contains("…"), "\(state) \(action) claims work under way: \(text)")
            }
        }
        XCTAssertEqual(reaction(.saveCheckpoint, state: .finished).notice,
                       .message("the run has finished: its final checkpoint is already in ckpt", .info))
        var snapshot = SnapshotFixtures.running()
        snapshot.state = .finished
        snapshot.checkpointDirectory = nil
        XCTAssertEqual(RunCommandKeys(snapshot: snapshot).reaction(to: .saveCheckpoint).notice,
                       .message("the run has finished: nothing can be saved (it has no --checkpoint-dir)", .warning))
        XCTAssertEqual(reaction(.evaluateNow, state: .finished).notice,
                       .message("the run has finished: its final evaluation is the one shown", .info))
    }

    func testRollBackOnlyAfterADivergenceWithAGoodStateKept() {
        XCTAssertNil(reaction(.rollBack, state: .running, canRollBack: true).command)
        let none = reaction(.rollBack, state: .diverged, canRollBack: false)
        XCTAssertNil(none.command)
        XCTAssertEqual(none.notice, .message("no good state was kept before the divergence: nothing to roll back to", .warning))
        XCTAssertEqual(reaction(.rollBack, state: .diverged, canRollBack: true).command, .rollBack)
    }

    func testOtherKeysAreNotTheirs() {
        XCTAssertFalse(RunCommandKeys.handles(.quit))
        XCTAssertFalse(RunCommandKeys.handles(.scaleSelected(by: 1.25)))
        XCTAssertTrue(RunCommandKeys.handles(.rollBack))
        XCTAssertEqual(reaction(.nextTheme, state: .running), .none)
    }
}
