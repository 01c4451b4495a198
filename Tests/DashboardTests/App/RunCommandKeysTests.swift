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
