import Foundation

/// Evaluations and what hangs on them: the best model (`best.safetensors`, early stopping) and
/// divergence of the validation logloss. On the training queue.
extension TrainingSession {
    func evaluate(final: Bool) {
        guard let data, let model else { return }
        exchange?.averageReplicas(of: model, now: true)
        let previous = publisher.draft.state
        publisher.draft.state = .evaluating
        publish(force: true)
        let logits = validationLogits(model, data.valid)
        let metrics = BinaryMetrics.evaluate(logits: logits, labels: data.valid.labels)
        publisher.draft.state = previous
        let point = ValidationPoint(step: progress.step, epoch: progress.epoch, examples: progress.examples, metrics: metrics)
        publisher.draft.validation.append(point)
        refreshStatistics()
        if best.consider(point) { keepBest(model) }
        publisher.draft.best = best.best
        var final = final
        if !final && config.train.earlyStop > 0 && best.evaluationsSinceBest >= config.train.earlyStop {
            earlyStopped = true
            stopRequested = true
            final = true
            note(.state, "early stop: validation \(best.metric.rawValue) did not improve in \(config.train.earlyStop) evaluations")
        }
        let wide = publisher.draft.wide
        let record = RunRecord.Evaluation(context: context, examplesPerSecond: progress.examplesPerSecond,
                                          trainLoss: curves.takeMeanLoss(), metrics: metrics, wideNonzero: wide?.nonzero ?? 0,
                                          wideTouched: wide?.touched ?? 0, wideTotal: wide?.total ?? 0,
                                          skippedRows: publisher.draft.skippedRows,
                                          hyperparameters: currentHyperparameters(), best: best.best,
                                          bestMetric: best.metric, final: final, exchange: exchange?.traffic)
        events.add(record, deferred: final)
        if final { pendingFinalRecord = record }
        note(.evaluation, String(format: "eval: AUC %.4f, logloss %.4f, accuracy %.4f", metrics.auc, metrics.logloss, metrics.accuracy),
             logged: false)
        if let cause = divergence.addValidation(logloss: metrics.logloss) { diverge(cause: "\(cause) at step \(progress.step)") }
        publish(force: true)
    }

    static let bestName = "best"

    /// At a new best evaluation: copies the state when the run needs it — to end on it (early
    /// stopping) or to save it as `best.safetensors`. A best model found while another checkpoint
    /// is being written waits in memory (a newer best replaces it), so training never waits for
    /// the writer on its account.
    private func keepBest(_ model: WideDeepModel) {
        let endsOnBest = config.train.earlyStop > 0
        guard endsOnBest || options.checkpointDirectory != nil else { return }
        let state = model.captureState()
        guard state.firstNonFiniteTensor == nil else { return }
        if endsOnBest { best.keep(state, progress: progress) }
        guard options.checkpointDirectory != nil else { return }
        pendingBest = (state, progress)
        if checkpoints.inFlight == 0 { savePendingBest() }
    }

    /// Writes the best model waiting in memory, if any.
    func savePendingBest() {
        guard let (state, at) = pendingBest else { return }
        pendingBest = nil
        saveCheckpoint(name: Self.bestName, state: state, at: at)
    }

    /// With early stopping, the run ends on its best state: restores it into the model (when the
    /// model has moved on since) and returns it with the progress it belongs to, for the final
    /// checkpoint.
    func endOnBestState() -> (state: ModelState, progress: RunProgress)? {
        guard config.train.earlyStop > 0, let kept = best.kept, let model, let point = best.best else { return nil }
        guard kept.progress.step != progress.step else { return kept }
        do {
            try model.restoreState(kept.state)
        } catch {
            note(.error, "restoring the best state failed: \(error)")
            return nil
        }
        model.stepsTrained = kept.progress.step
        publisher.draft.restoredBest = true
        note(.state, String(format: "restored the best state, of step %d (validation AUC %.4f, logloss %.4f)",
                            point.step, point.metrics.auc, point.metrics.logloss))
        return kept
    }
}
