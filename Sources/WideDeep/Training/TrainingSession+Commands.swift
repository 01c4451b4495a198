import Dispatch
import Foundation

/// What the session does between minibatches: commands, divergence and rollback, checkpoints,
/// evaluations, statistics and publication. All on the training queue.
extension TrainingSession {
    func applyCommands() {
        report(checkpoints.takeCompleted())
        if checkpoints.inFlight == 0 { savePendingBest() }
        for command in jobCommands(inbox.take(beforeStep: progress.step)) { apply(command) }
    }

    func apply(_ command: TrainingCommand) {
        dispatchPrecondition(condition: .onQueue(queue))
        let state = publisher.draft.state
        switch command {
        case .pause:
            guard state != .diverged, !paused else { return }
            paused = true
            publisher.draft.state = .paused
            note(.state, "paused")
        case .resume:
            guard paused else { return }
            guard state != .diverged else {
                note(.info, "the run diverged: roll it back before resuming")
                return
            }
            paused = false
            publisher.draft.state = .running
            note(.state, "resumed")
        case .set(let parameter, let value):
            setHyperparameter(parameter, value)
        case .evaluateNow:
            evaluate(final: false)
        case .saveCheckpoint:
            saveCheckpoint()
        case .rollBack:
            rollBack()
        case .stop:
            stopRequested = true
        case .stopWithoutSaving:
            stopRequested = true
            skipFinalCheckpoint = true
        }
        publish(force: true)
    }

    private func setHyperparameter(_ parameter: Hyperparameter, _ value: Double) {
        guard let model else { return }
        if let message = parameter.validate(value) {
            note(.error, "refused: \(message)")
            return
        }
        guard let old = parameter.value(in: model) else {
            note(.error, "refused: \(parameter.label) needs \(parameter.requirement)")
            return
        }
        parameter.set(value, in: model)
        publisher.draft.lastChanged = parameter
        publisher.draft.markers.append(RunMarker(examples: progress.examples, step: progress.step, kind: .hyperparameter))
        note(.hyperparameter, "\(parameter.label) \(Self.format(old)) → \(Self.format(value))",
             detail: .hyperparameter(parameter, from: old, to: value))
    }

    func currentHyperparameters() -> [HyperparameterValue] {
        guard let model else { return [] }
        return Hyperparameter.allCases.compactMap { p in p.value(in: model).map { HyperparameterValue(parameter: p, value: $0) } }
    }

    /// A hyperparameter value as events show it.
    static func format(_ value: Double) -> String { String(format: "%.6g", value) }

    // MARK: - Divergence and rollback

    func diverge(cause: String) {
        paused = true
        diverged = true
        publisher.draft.state = .diverged
        publisher.draft.stateDetail = cause
        if options.stopOnDivergence {
            stopRequested = true
            note(.divergence, "diverged: \(cause); the run stops (nothing non-finite is saved)")
        } else {
            note(.divergence, "diverged: \(cause); paused until it is rolled back")
        }
        publish(force: true)
    }

    /// Keeps the run's current state as the one a rollback returns to; a state that is not finite
    /// is a divergence instead.
    func keepRollbackPoint() {
        guard let model else { return }
        let run = RollbackPoint.RunState(progress: progress, curves: curves, divergence: divergence,
                                         validationCount: publisher.draft.validation.count)
        if let bad = rollback.keep(model, run: run) {
            diverge(cause: "\(bad) holds NaN or infinite values at step \(progress.step)")
        }
    }

    /// Goes back to the kept good state: the model, the counters and data position (the current
    /// epoch restarts there), the loss curve and the validation points after it. Stays paused.
    private func rollBack() {
        guard let model else { return }
        let run: RollbackPoint.RunState
        do {
            guard let kept = try rollback.restore(into: model) else {
                note(.error, "no good state kept yet to roll back to")
                return
            }
            run = kept
        } catch {
            note(.error, "rollback failed: \(error)")
            return
        }
        let from = progress.step
        progress = run.progress
        // The epoch is drawn again from its start generator and resumed at the kept offset
        // (a streamed pass restarts at the beginning of its file, as a resumed one does).
        progress.generator = progress.epochStartGenerator
        progress.resumeOffset = stream == nil ? progress.epochOffset : 0
        curves = run.curves
        divergence = run.divergence
        publisher.draft.validation.removeLast(publisher.draft.validation.count - run.validationCount)
        publisher.draft.markers.append(RunMarker(examples: progress.examples, step: progress.step, kind: .rollback))
        diverged = false
        rewound = true
        let changed = publisher.draft.lastChanged.map { "; \($0.label) is still \(Self.format($0.value(in: model) ?? .nan))" } ?? ""
        note(.rollback, "rolled back from step \(from) to step \(progress.step); paused\(changed)")
        publisher.draft.state = .paused
        publisher.draft.stateDetail = nil
        paused = true
        refreshStatistics()
    }

    // MARK: - Checkpoints

    /// Copies the state and hands it to the checkpoint writer; `name` nil makes a step checkpoint.
    /// `state` and `at` save a state copied earlier (the best one) with the progress it belongs
    /// to, instead of the model as it is now. Returns why a checkpoint named `name` was not saved,
    /// when that is known at once. In a job, rank 0 saves (the replicas are averaged first when
    /// they train apart).
    @discardableResult
    func saveCheckpoint(name: String? = nil, state given: ModelState? = nil, at position: RunProgress? = nil) -> String? {
        guard let model, let data else { return "the run has no model" }
        exchange?.averageReplicas(of: model, now: true)
        guard isPrimary else {
            if name == nil { lastCheckpointExamples = progress.examples }
            return nil
        }
        guard let directory = options.checkpointDirectory else {
            note(.error, "cannot save: the run has no checkpoint folder")
            return "the run has no checkpoint folder"
        }
        let state = given ?? model.captureState()
        if let bad = state.firstNonFiniteTensor {
            note(.error, "checkpoint refused: \(bad) holds NaN or infinite values")
            return "\(bad) holds NaN or infinite values"
        }
        let at = position ?? progress
        let request = CheckpointRequest(directory: directory, name: name ?? "step-\(at.step)", state: state,
                                        layout: data.layout, config: config, step: at.step,
                                        epoch: at.epoch, examples: at.examples,
                                        generator: at.generator, position: at.position,
                                        hyperparameters: currentHyperparameters(),
                                        events: events.events, wideNames: data.train.wideNames)
        if name == nil { lastCheckpointExamples = progress.examples }
        let failure = report(checkpoints.submit(request, named: name))
        publish(force: true)
        return failure
    }

    /// Reports ended checkpoint writes: events, markers, the saved count. Returns the error of a
    /// failed final checkpoint, if one is among them.
    @discardableResult
    func report(_ saves: [CheckpointWriter.Completed]) -> String? {
        guard !saves.isEmpty else { return nil }
        var finalFailure: String?
        for save in saves {
            guard let path = save.path else {
                note(.error, "checkpoint \(save.name ?? "step-\(save.step)") failed: \(save.error ?? "unknown error")")
                if save.name == "final" { finalFailure = save.error ?? "unknown error" }
                continue
            }
            if save.name == Self.bestName {
                // The best model: not the run's progress, so neither counted nor marked.
                publisher.draft.bestCheckpoint = path
                note(.checkpoint, "best model (step \(save.step)) saved to \(path)", detail: .checkpoint(path: path, step: save.step))
                continue
            }
            publisher.draft.checkpointsSaved += 1
            publisher.draft.hasUnsavedProgress = progress.examples > save.examples
            publisher.draft.markers.append(RunMarker(examples: save.examples, step: save.step, kind: .checkpoint))
            note(.checkpoint, "checkpoint saved to \(path)", detail: .checkpoint(path: path, step: save.step))
        }
        publish(force: true)
        return finalFailure
    }

    // MARK: - Statistics, events, publication

    func refreshStatistics() {
        guard let model, let data else { return }
        statistics.refresh(model, layout: data.layout, step: progress.step, at: seconds, into: &publisher.draft)
    }

    /// Records an event where the run is now.
    func note(_ kind: RunEvent.Kind, _ message: String, detail: RunEvent.Detail? = nil, logged: Bool = true) {
        events.add(kind, message, at: context, detail: detail, logged: logged)
    }

    /// Publishes the snapshot (at most every `publishInterval` seconds unless forced), with the
    /// counters, loss history, events and hyperparameters as they are now.
    func publish(force: Bool = false) {
        dispatchPrecondition(condition: .onQueue(queue))
        let now = seconds
        guard force || publisher.isDue(at: now) else { return }
        publisher.draft.show(progress)
        publisher.draft.examplesPerSecond = curves.throughput.rate
        publisher.draft.elapsedSeconds = now
        publisher.draft.trainLoss = curves.lossHistory.points
        publisher.draft.events = events.events
        publisher.draft.hyperparameters = currentHyperparameters()
        publisher.draft.canRollBack = diverged && rollback.kept != nil
        publisher.publish(at: now, saving: checkpoints.inFlight > 0)
    }
}
