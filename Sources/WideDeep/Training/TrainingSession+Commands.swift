import Dispatch
import Foundation

/// What the session does between minibatches: commands, divergence and rollback, checkpoints,
/// evaluations, statistics and publication. All on the training queue.
extension TrainingSession {
    func applyCommands() {
        report(checkpoints.takeCompleted())
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

    private func rollBack() {
        guard let model else { return }
        let step: Int
        do {
            guard let kept = try rollback.restore(into: model) else {
                note(.error, "no good state kept yet to roll back to")
                return
            }
            step = kept
        } catch {
            note(.error, "rollback failed: \(error)")
            return
        }
        publisher.draft.markers.append(RunMarker(examples: progress.examples, step: progress.step, kind: .rollback))
        diverged = false
        note(.rollback, "rolled back to the state of step \(step); paused (hyperparameters kept as they are)")
        publisher.draft.state = .paused
        publisher.draft.stateDetail = nil
        paused = true
        refreshStatistics()
    }

    // MARK: - Checkpoints

    /// Copies the state and hands it to the checkpoint writer; `name` nil makes a step checkpoint.
    func saveCheckpoint(name: String? = nil) {
        guard let model, let data else { return }
        exchange?.averageReplicas(of: model, now: true)
        guard isPrimary else {
            lastCheckpointExamples = progress.examples  // rank 0 saves the job's checkpoints
            return
        }
        guard let directory = options.checkpointDirectory else {
            note(.error, "cannot save: the run has no checkpoint folder")
            return
        }
        let state = model.captureState()
        if let bad = state.firstNonFiniteTensor {
            note(.error, "checkpoint refused: \(bad) holds NaN or infinite values")
            return
        }
        let request = CheckpointRequest(directory: directory, name: name ?? "step-\(progress.step)", state: state,
                                        layout: data.layout, config: config, step: progress.step,
                                        epoch: progress.epoch, examples: progress.examples,
                                        generator: progress.generator, position: progress.position,
                                        hyperparameters: currentHyperparameters(),
                                        events: events.events, wideNames: data.train.wideNames)
        lastCheckpointExamples = progress.examples
        report(checkpoints.submit(request, named: name))
        publish(force: true)
    }

    /// Reports ended checkpoint writes: events, markers, the saved count.
    func report(_ saves: [CheckpointWriter.Completed]) {
        guard !saves.isEmpty else { return }
        for save in saves {
            guard let path = save.path else {
                note(.error, "checkpoint failed: \(save.error ?? "unknown error")")
                continue
            }
            publisher.draft.checkpointsSaved += 1
            publisher.draft.hasUnsavedProgress = progress.examples > save.examples
            publisher.draft.markers.append(RunMarker(examples: save.examples, step: save.step, kind: .checkpoint))
            note(.checkpoint, "checkpoint saved to \(path)", detail: .checkpoint(path: path, step: save.step))
        }
        publish(force: true)
    }

    // MARK: - Evaluation, events, publication

    func evaluate(final: Bool) {
        guard let data, let model else { return }
        exchange?.averageReplicas(of: model, now: true)
        let previous = publisher.draft.state
        publisher.draft.state = .evaluating
        publish(force: true)
        let logits = validationLogits(model, data.valid)
        let metrics = BinaryMetrics.evaluate(logits: logits, labels: data.valid.labels)
        publisher.draft.state = previous
        publisher.draft.validation.append(ValidationPoint(step: progress.step, epoch: progress.epoch,
                                                          examples: progress.examples, metrics: metrics))
        refreshStatistics()
        let wide = publisher.draft.wide
        let record = RunRecord.Evaluation(context: context, examplesPerSecond: progress.examplesPerSecond,
                                          trainLoss: curves.takeMeanLoss(), metrics: metrics, wideNonzero: wide?.nonzero ?? 0,
                                          wideTouched: wide?.touched ?? 0, wideTotal: wide?.total ?? 0,
                                          skippedRows: publisher.draft.skippedRows,
                                          hyperparameters: currentHyperparameters(), final: final,
                                          exchange: exchange?.traffic)
        events.add(record, deferred: final)
        if final { pendingFinalRecord = record }
        note(.evaluation, String(format: "eval: AUC %.4f, logloss %.4f, accuracy %.4f", metrics.auc, metrics.logloss, metrics.accuracy),
             logged: false)
        publish(force: true)
    }

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
        publisher.publish(at: now, saving: checkpoints.inFlight > 0)
    }
}
