import WideDeep

/// The normal-mode keys that steer the run: pause/resume, save, evaluate and roll back. Each
/// decides from the run's state whether to send its command and what the footer says meanwhile.
struct RunCommandKeys {
    let snapshot: TrainingSnapshot

    /// Whether `action` is one of these keys (each would send a command, so a read-only or lost
    /// attachment refuses it first).
    static func handles(_ action: KeyAction) -> Bool {
        switch action {
        case .togglePause, .saveCheckpoint, .evaluateNow, .rollBack: true
        default: false
        }
    }

    /// What `action` does now; `.none` for an action that is not one of these keys.
    func reaction(to action: KeyAction) -> KeyReaction {
        switch action {
        case .togglePause: togglePause()
        case .saveCheckpoint: saveNow()
        case .evaluateNow: evaluateNow()
        case .rollBack: rollBack()
        default: .none
        }
    }

    private func togglePause() -> KeyReaction {
        switch snapshot.state {
        case .paused: .send(.resume, "resuming…", until: [.state, .info])
        case .running, .evaluating, .saving: .send(.pause, "pausing after this minibatch…", until: [.state])
        case .loading: .message("still loading data; pause once training has started", .warning)
        case .diverged: .message("the run diverged: r rolls back to the last good state", .warning)
        case .finished: .message("the run has finished; q quits", .info)
        case .failed: .message("the run failed; q quits", .warning)
        }
    }

    /// A run that has ended (or not started) takes no command: the session would never answer, so
    /// the key says why instead of "saving…".
    private func saveNow() -> KeyReaction {
        switch snapshot.state {
        case .loading: return .message("still loading data: nothing trained to save yet", .warning)
        case .finished:
            guard let folder = snapshot.checkpointDirectory else {
                return .message("the run has finished: nothing can be saved (it has no --checkpoint-dir)", .warning)
            }
            return .message("the run has finished: its final checkpoint is already in \(folder)", .info)
        case .failed: return .message("the run failed: nothing more can be saved", .warning)
        default: return .send(.saveCheckpoint, "saving a checkpoint…", until: [.checkpoint, .error])
        }
    }

    private func evaluateNow() -> KeyReaction {
        switch snapshot.state {
        case .loading: return .message("still loading data: evaluate once training has started", .warning)
        case .finished: return .message("the run has finished: its final evaluation is the one shown", .info)
        case .failed: return .message("the run failed: nothing more can be evaluated", .warning)
        default: return .send(.evaluateNow, "evaluating on the validation data…", until: [.evaluation, .error])
        }
    }

    private func rollBack() -> KeyReaction {
        guard snapshot.state == .diverged else {
            return .message("nothing to roll back: r works after the run has DIVERGED", .warning)
        }
        guard snapshot.canRollBack else {
            return .message("no good state was kept before the divergence: nothing to roll back to", .warning)
        }
        return .send(.rollBack, "rolling back to the last good state…", until: [.rollback, .error])
    }
}
