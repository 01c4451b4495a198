import Dispatch

/// Applies the clients' commands between minibatches — pause and resume, hyperparameter changes,
/// evaluate and save now, stop — and keeps the last good state a rollback returns to. On the
/// training queue.
final class RunSteering {
    private let run: TrainingRun
    private let evaluator: RunEvaluator
    private let checkpoints: RunCheckpoints
    /// Who sent the command being applied, for its events.
    private var source: CommandSource?

    init(run: TrainingRun, evaluator: RunEvaluator, checkpoints: RunCheckpoints) {
        self.run = run
        self.evaluator = evaluator
        self.checkpoints = checkpoints
    }

    /// Applies `command`; `source` (who sent it) goes into the events it causes.
    func apply(_ command: TrainingCommand, from source: CommandSource? = nil) {
        dispatchPrecondition(condition: .onQueue(run.queue))
        self.source = source
        defer { self.source = nil }
        switch command {
        case .pause:
            guard run.transition(.pause) else { return }
            note(.state, "paused")
        case .resume:
            if run.phase.isDiverged {
                note(.info, "the run diverged: roll it back before resuming")
                return
            }
            guard run.transition(.resume) else { return }
            note(.state, "resumed")
        case .set(let parameter, let value):
            set(parameter, value)
        case .evaluateNow:
            evaluator.evaluate(final: false)
        case .saveCheckpoint:
            checkpoints.save()
        case .rollBack:
            rollBack()
        case .stop:
            if source != nil { note(.state, "stop asked for") }
            run.transition(.stop(saveFinal: true))
        case .stopWithoutSaving:
            if source != nil { note(.state, "stop without the final checkpoint asked for") }
            run.transition(.stop(saveFinal: false))
        }
        run.publish(force: true)
    }

    private func set(_ parameter: Hyperparameter, _ value: Double) {
        guard let model = run.model else { return }
        if let message = parameter.validate(value) {
            note(.error, "refused: \(message)")
            return
        }
        guard let old = parameter.value(in: model) else {
            note(.error, "refused: \(parameter.label) needs \(parameter.requirement)")
            return
        }
        parameter.set(value, in: model)
        run.draft.lastChanged = parameter
        run.hyperparameterChanges.append(parameter)
        run.draft.markers.append(RunMarker(examples: run.progress.examples, step: run.progress.step, kind: .hyperparameter))
        note(.hyperparameter, "\(parameter.label) \(Self.format(old)) → \(Self.format(value))",
                 detail: .hyperparameter(parameter, from: old, to: value))
    }

    /// A hyperparameter value as events show it.
    static func format(_ value: Double) -> String { String(format: "%.6g", value) }

    /// Keeps the run's current state as the one a rollback returns to; a state that is not finite
    /// is a divergence instead.
    func keepRollbackPoint() {
        guard let model = run.model else { return }
        // Statistics of this very state, shown again after a rollback to it.
        run.refreshStatistics()
        let best = evaluator.bestSoFar
        let state = RollbackPoint.RunPosition(run, best: best.point, evaluationsSinceBest: best.evaluationsSince)
        if let bad = run.rollback.keep(model, run: state) {
            run.diverge(cause: "\(bad) holds NaN or infinite values at step \(run.progress.step)")
        }
    }

    /// Goes back to the newest good state kept: the model, the counters and data position (the
    /// current epoch restarts there), the loss curve, the validation points after it, the model
    /// statistics shown then and the early-stopping count. Names every hyperparameter changed
    /// since (rolling back keeps their values: one of them is often the cause). Stays paused.
    private func rollBack() {
        guard let model = run.model else { return }
        let kept: RollbackPoint.RunPosition
        do {
            guard let restored = try run.rollback.restore(into: model) else {
                note(.error, "no good state kept yet to roll back to")
                return
            }
            kept = restored
        } catch {
            note(.error, "rollback failed: \(error)")
            return
        }
        let from = run.progress.step
        run.progress = kept.progress
        // The epoch is drawn again from its start generator and resumed at the kept offset
        // (a streamed pass restarts at the beginning of its file, as a resumed one does).
        run.progress.generator = run.progress.epochStartGenerator
        run.progress.resumeOffset = run.stream == nil ? run.progress.epochOffset : 0
        run.curves = kept.curves
        run.divergence = kept.divergence
        run.statistics = kept.statistics
        kept.shown.show(in: &run.draft)
        evaluator.rewind(to: kept)
        run.draft.validation.removeLast(run.draft.validation.count - kept.validationCount)
        run.draft.markers.append(RunMarker(examples: run.progress.examples, step: run.progress.step, kind: .rollback))
        run.transition(.rollBack)
        note(.rollback, "rolled back from step \(from) to step \(run.progress.step); paused" + Self.changes(since: kept, in: run, model: model))
        run.draft.stateDetail = nil
    }

    /// "; changed since step N: deep lr 0.05 then, 0.05 now; …" for every hyperparameter changed
    /// after `kept` was taken, in the order first changed (or that none was).
    static func changes(since kept: RollbackPoint.RunPosition, in run: TrainingRun, model: WideDeepModel) -> String {
        var changed: [Hyperparameter] = []
        for parameter in run.hyperparameterChanges.dropFirst(kept.changesMade) where !changed.contains(parameter) {
            changed.append(parameter)
        }
        guard !changed.isEmpty else { return "; no hyperparameter was changed since" }
        let then = Dictionary(kept.hyperparameters.map { ($0.parameter, $0.value) }, uniquingKeysWith: { a, _ in a })
        let items = changed.map { p in
            "\(p.label) \(format(then[p] ?? .nan)) then, \(format(p.value(in: model) ?? .nan)) now"
        }
        return "; changed since step \(kept.progress.step): " + items.joined(separator: "; ")
    }

    /// Records an event caused by the command being applied, naming who sent it.
    private func note(_ kind: RunEvent.Kind, _ message: String, detail: RunEvent.Detail? = nil) {
        run.note(kind, source.map { "\(message) (\($0))" } ?? message, detail: detail, source: source)
    }
}
