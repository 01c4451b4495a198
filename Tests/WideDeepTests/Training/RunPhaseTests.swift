import Dispatch
import XCTest
@testable import WideDeep

/// The run's lifecycle table (`RunPhase.after`), written out here from the session's rules
/// (docs/dashboard.md's keys, the headless stop, early stopping, divergence and rollback), and
/// the snapshot state each phase publishes.
final class RunPhaseTests: XCTestCase {
    typealias Stop = RunPhase.Stop
    let save = Stop(), noSave = Stop(saveFinal: false), early = Stop(early: true)

    func testEveryLegalTransition() {
        let table: [(RunPhase, RunPhase.Event, RunPhase)] = [
            (.loading, .beginTraining(paused: false), .running),
            (.loading, .beginTraining(paused: true), .paused),
            (.running, .pause, .paused),
            (.paused, .resume, .running),
            (.running, .stop(saveFinal: true), .stopping(save, wasPaused: false)),
            (.paused, .stop(saveFinal: false), .stopping(noSave, wasPaused: true)),
            (.running, .earlyStop, .stopping(early, wasPaused: false)),
            (.paused, .earlyStop, .stopping(early, wasPaused: true)),
            // A stop pending can still be paused, resumed, refused its final save, early-stopped.
            (.stopping(save, wasPaused: false), .pause, .stopping(save, wasPaused: true)),
            (.stopping(save, wasPaused: true), .resume, .stopping(save, wasPaused: false)),
            (.stopping(save, wasPaused: false), .stop(saveFinal: false), .stopping(noSave, wasPaused: false)),
            (.stopping(noSave, wasPaused: false), .stop(saveFinal: true), .stopping(noSave, wasPaused: false)),
            (.stopping(noSave, wasPaused: true), .earlyStop, .stopping(Stop(saveFinal: false, early: true), wasPaused: true)),
            (.running, .diverge(endsRun: false), .diverged(stop: nil)),
            (.paused, .diverge(endsRun: false), .diverged(stop: nil)),
            (.running, .diverge(endsRun: true), .diverged(stop: save)),
            (.stopping(noSave, wasPaused: false), .diverge(endsRun: false), .diverged(stop: noSave)),
            (.diverged(stop: nil), .diverge(endsRun: false), .diverged(stop: nil)),
            (.diverged(stop: nil), .stop(saveFinal: false), .diverged(stop: noSave)),
            (.diverged(stop: nil), .earlyStop, .diverged(stop: early)),
            (.diverged(stop: nil), .rollBack, .paused),
            (.diverged(stop: noSave), .rollBack, .stopping(noSave, wasPaused: true)),
            (.running, .rollBack, .paused),
            (.paused, .rollBack, .paused),
            (.stopping(save, wasPaused: false), .rollBack, .stopping(save, wasPaused: true)),
            (.running, .finish, .finished),
            (.paused, .finish, .finished),
            (.stopping(early, wasPaused: false), .finish, .finished),
            (.diverged(stop: save), .finish, .finished),
            (.loading, .fail, .failed),
            (.running, .fail, .failed),
            (.diverged(stop: nil), .fail, .failed),
            (.stopping(save, wasPaused: true), .fail, .failed),
        ]
        for (from, event, to) in table {
            XCTAssertEqual(from.after(event), to, "\(from) + \(event)")
        }
    }

    func testIllegalTransitionsAreRefused() {
        let refused: [(RunPhase, RunPhase.Event)] = [
            (.diverged(stop: nil), .resume),       // roll it back first
            (.diverged(stop: nil), .pause),
            (.paused, .pause),
            (.running, .resume),
            (.running, .beginTraining(paused: false)),
            (.loading, .pause),
            (.loading, .stop(saveFinal: true)),
            (.loading, .rollBack),
            (.loading, .finish),
            (.stopping(save, wasPaused: true), .pause),
            (.stopping(save, wasPaused: false), .resume),
            (.finished, .resume),
            (.finished, .stop(saveFinal: true)),
            (.finished, .diverge(endsRun: false)),
            (.finished, .rollBack),
            (.finished, .fail),
            (.failed, .finish),
            (.failed, .beginTraining(paused: false)),
        ]
        for (from, event) in refused {
            XCTAssertNil(from.after(event), "\(from) + \(event)")
        }
    }

    func testEachPhaseShowsItsState() {
        let shown: [(RunPhase, RunState)] = [
            (.loading, .loading), (.running, .running), (.paused, .paused),
            (.diverged(stop: nil), .diverged), (.diverged(stop: save), .diverged),
            // Until the loop reaches the step boundary the run shows what it was doing.
            (.stopping(save, wasPaused: false), .running), (.stopping(noSave, wasPaused: true), .paused),
            (.finished, .finished), (.failed, .failed),
        ]
        for (phase, state) in shown {
            XCTAssertEqual(phase.shown(evaluating: false), state, "\(phase)")
            XCTAssertEqual(phase.shown(evaluating: true), .evaluating, "\(phase)")
        }
        XCTAssertTrue(RunPhase.paused.waitsForCommands)
        XCTAssertTrue(RunPhase.diverged(stop: nil).waitsForCommands)
        XCTAssertFalse(RunPhase.diverged(stop: save).waitsForCommands)
        XCTAssertFalse(RunPhase.stopping(save, wasPaused: true).waitsForCommands)
        XCTAssertFalse(RunPhase.running.waitsForCommands)
    }

    /// The published snapshot's state follows the run's phase (no one sets it by hand), a refused
    /// transition changes nothing, and a rollback's one-shot rewind is taken once.
    func testThePublishedStateFollowsThePhase() {
        let queue = DispatchQueue(label: "run-phase-test")
        var options = SessionOptions()
        options.startPaused = true
        let run = TrainingRun(config: RunConfig(), options: options, queue: queue,
                              publisher: SnapshotPublisher(TrainingSnapshot(), interval: 0),
                              writer: CheckpointWriter(keep: nil) {}, ranks: 1)
        func published(after event: RunPhase.Event? = nil, legal: Bool = true) -> RunState {
            queue.sync {
                if let event { XCTAssertEqual(run.transition(event), legal, "\(event)") }
                run.publish(force: true)
                return run.publisher.latest.state
            }
        }
        XCTAssertEqual(published(), .loading)
        XCTAssertEqual(published(after: .beginTraining(paused: run.startsPaused)), .paused)
        XCTAssertEqual(published(after: .resume), .running)
        XCTAssertEqual(published(after: .diverge(endsRun: false)), .diverged)
        XCTAssertEqual(published(after: .resume, legal: false), .diverged)
        XCTAssertFalse(run.takeRewind())
        XCTAssertEqual(published(after: .rollBack), .paused)
        XCTAssertTrue(run.takeRewind())
        XCTAssertFalse(run.takeRewind(), "one rollback, one rewind")
        run.evaluating = true
        XCTAssertEqual(published(), .evaluating)
        run.evaluating = false
        XCTAssertEqual(published(after: .stop(saveFinal: false)), .paused)
        XCTAssertEqual(run.phase.stop, noSave)
        XCTAssertEqual(published(after: .finish), .finished)
        XCTAssertEqual(published(after: .fail, legal: false), .finished)
    }
}
