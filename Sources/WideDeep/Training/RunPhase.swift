/// Where a run is in its life, owned by `TrainingRun`: it changes only through `after(_:)`, the
/// one table of legal transitions, and the snapshot's state is derived from it (`shown`).
enum RunPhase: Equatable, Sendable {
    /// Reading and encoding the data, building the model (no command is applied yet).
    case loading
    case running
    case paused
    /// A divergence paused the run until a rollback; `stop`: it ends instead (a stop asked for,
    /// or `stopOnDivergence`). A diverged run ends as DIVERGED, nothing evaluated or saved.
    case diverged(stop: Stop?)
    /// A stop is pending: the loop ends before its next step, then the final evaluation and
    /// checkpoint. Until then the snapshot still says what the run was doing (`wasPaused`).
    case stopping(Stop, wasPaused: Bool)
    case finished
    case failed

    /// Why the run stops.
    struct Stop: Equatable, Sendable {
        /// False: "quit without saving", neither the final checkpoint nor a pending best.
        var saveFinal = true
        /// Early stopping's patience ran out: its evaluation was the final one.
        var early = false

        /// Both stops: a refusal to save, once asked, is kept.
        func merged(with other: Stop) -> Stop {
            Stop(saveFinal: saveFinal && other.saveFinal, early: early || other.early)
        }
    }

    /// What happens to a run.
    enum Event: Equatable, Sendable {
        /// Loading ended: the first step comes next (`paused`: the session starts paused).
        case beginTraining(paused: Bool)
        case pause
        case resume
        /// A stop asked for (`saveFinal` false: without the final checkpoint).
        case stop(saveFinal: Bool)
        /// Early stopping's patience ran out.
        case earlyStop
        /// The model diverged; `endsRun`: the run stops instead of waiting for a rollback.
        case diverge(endsRun: Bool)
        /// A rollback restored a good state: the run waits, paused, at the state's step.
        case rollBack
        /// The run ended normally (its epochs done, or stopped).
        case finish
        /// The run failed (an error, a lost final checkpoint).
        case fail
    }

    /// The phase after `event`, or nil when the event is not legal in this phase (it is then
    /// ignored: e.g. resume while diverged, pause once finished).
    func after(_ event: Event) -> RunPhase? {
        switch (self, event) {
        case (.loading, .beginTraining(let paused)): return paused ? .paused : .running
        case (.running, .pause): return .paused
        case (.stopping(let stop, false), .pause): return .stopping(stop, wasPaused: true)
        case (.paused, .resume): return .running
        case (.stopping(let stop, true), .resume): return .stopping(stop, wasPaused: false)
        case (.running, .stop(let save)): return .stopping(Stop(saveFinal: save), wasPaused: false)
        case (.paused, .stop(let save)): return .stopping(Stop(saveFinal: save), wasPaused: true)
        case (.running, .earlyStop): return .stopping(Stop(early: true), wasPaused: false)
        case (.paused, .earlyStop): return .stopping(Stop(early: true), wasPaused: true)
        case (.stopping(let stop, let wasPaused), .stop(let save)):
            return .stopping(stop.merged(with: Stop(saveFinal: save)), wasPaused: wasPaused)
        case (.stopping(let stop, let wasPaused), .earlyStop):
            return .stopping(stop.merged(with: Stop(early: true)), wasPaused: wasPaused)
        case (.diverged(let stop), .stop(let save)): return .diverged(stop: Self.merge(stop, Stop(saveFinal: save)))
        case (.diverged(let stop), .earlyStop): return .diverged(stop: Self.merge(stop, Stop(early: true)))
        case (.running, .diverge(let ends)), (.paused, .diverge(let ends)):
            return .diverged(stop: ends ? Stop() : nil)
        case (.stopping(let stop, _), .diverge): return .diverged(stop: stop)
        case (.diverged(let stop), .diverge(let ends)): return .diverged(stop: ends ? Self.merge(stop, Stop()) : stop)
        // A rollback keeps a pending stop: the run then ends from the restored state.
        case (.running, .rollBack), (.paused, .rollBack), (.diverged(nil), .rollBack): return .paused
        case (.diverged(let stop?), .rollBack), (.stopping(let stop, _), .rollBack): return .stopping(stop, wasPaused: true)
        // Diverged too: the session decides how the run ends before its final evaluation, which
        // can still find a divergence (the run then finishes, as decided; nothing non-finite is saved).
        case (.running, .finish), (.paused, .finish), (.stopping, .finish), (.diverged, .finish): return .finished
        case (.finished, .fail), (.failed, .fail): return nil
        case (_, .fail): return .failed
        default: return nil
        }
    }

    private static func merge(_ stop: Stop?, _ other: Stop) -> Stop { stop?.merged(with: other) ?? other }

    /// The state the snapshot shows in this phase; an evaluation in progress shows EVALUATING.
    func shown(evaluating: Bool) -> RunState {
        if evaluating { return .evaluating }
        switch self {
        case .loading: return .loading
        case .running: return .running
        case .paused: return .paused
        case .diverged: return .diverged
        case .stopping(_, let wasPaused): return wasPaused ? .paused : .running
        case .finished: return .finished
        case .failed: return .failed
        }
    }

    /// The stop pending, if any (diverged or not).
    var stop: Stop? {
        switch self {
        case .diverged(let stop): return stop
        case .stopping(let stop, _): return stop
        default: return nil
        }
    }

    /// The training loop waits for commands before the next step (paused, or diverged with no
    /// stop pending).
    var waitsForCommands: Bool { self == .paused || self == .diverged(stop: nil) }

    var isDiverged: Bool {
        if case .diverged = self { return true }
        return false
    }
}
