import Foundation

/// Evaluations and what hangs on them: the validation curve and record, the best model
/// (`best.safetensors`, early stopping, ending on the best state) and divergence of the
/// validation logloss. On the training queue.
final class RunEvaluator {
    private let run: TrainingRun
    private let job: DataParallelJob?
    private let checkpoints: RunCheckpoints
    private var best: BestModelKeeper
    /// The final evaluation's record, written after the final checkpoint's event.
    private var pendingFinalRecord: RunRecord.Evaluation?

    init(run: TrainingRun, job: DataParallelJob?, checkpoints: RunCheckpoints) {
        self.run = run
        self.job = job
        self.checkpoints = checkpoints
        best = BestModelKeeper(metric: run.config.train.earlyStopMetric)
    }

    /// The run ends on its best state (early stopping is on).
    private var endsOnBest: Bool { run.config.train.earlyStop > 0 }

    func evaluate(final: Bool) {
        guard let data = run.data, let model = run.model else { return }
        job?.exchange.averageReplicas(of: model, now: true)
        let previous = run.draft.state
        run.draft.state = .evaluating
        run.publish(force: true)
        let logits = job?.validationLogits(model, data.valid, threads: run.config.train.threads)
            ?? model.predictAll(data.valid, threads: run.config.train.threads)
        let metrics = BinaryMetrics.evaluate(logits: logits, labels: data.valid.labels)
        run.draft.state = previous
        let progress = run.progress
        let point = ValidationPoint(step: progress.step, epoch: progress.epoch, examples: progress.examples, metrics: metrics)
        run.draft.validation.append(point)
        run.refreshStatistics()
        if best.consider(point) { keepBest(model) }
        run.draft.best = best.best
        var final = final
        if !final && endsOnBest && best.evaluationsSinceBest >= run.config.train.earlyStop {
            run.earlyStopped = true
            run.stopRequested = true
            final = true
            run.note(.state, "early stop: validation \(best.metric.rawValue) did not improve in \(run.config.train.earlyStop) evaluations")
        }
        let wide = run.draft.wide
        let record = RunRecord.Evaluation(context: run.context, examplesPerSecond: progress.examplesPerSecond,
                                          trainLoss: run.curves.takeMeanLoss(), metrics: metrics, wideNonzero: wide?.nonzero ?? 0,
                                          wideTouched: wide?.touched ?? 0, wideTotal: wide?.total ?? 0,
                                          skippedRows: run.draft.skippedRows,
                                          hyperparameters: run.currentHyperparameters(), best: best.best,
                                          bestMetric: best.metric, final: final, exchange: job?.exchange.traffic)
        run.events.add(record, deferred: final)
        if final { pendingFinalRecord = record }
        run.note(.evaluation, String(format: "eval: AUC %.4f, logloss %.4f, accuracy %.4f", metrics.auc, metrics.logloss, metrics.accuracy),
                 logged: false)
        if let cause = run.divergence.addValidation(logloss: metrics.logloss) { run.diverge(cause: "\(cause) at step \(progress.step)") }
        run.publish(force: true)
    }

    /// Writes the final evaluation's record, held back so that it follows the final checkpoint's
    /// event as the log's last line; its time is now, so `seconds` never goes back.
    func writeFinalRecord() {
        guard var record = pendingFinalRecord else { return }
        record.context.seconds = max(record.context.seconds, run.seconds)
        run.events.write(record, at: record.context)
    }

    /// At a new best evaluation: copies the state when the run needs it — to end on it (early
    /// stopping) or to save it as `best.safetensors`.
    private func keepBest(_ model: WideDeepModel) {
        guard endsOnBest || checkpoints.enabled else { return }
        let state = model.captureState()
        guard state.firstNonFiniteTensor == nil else { return }
        if endsOnBest { best.keep(state, progress: run.progress) }
        checkpoints.saveBest(state, progress: run.progress)
    }

    /// With early stopping, the run ends on its best state: restores it into the model (when the
    /// model has moved on since) and returns it with the progress it belongs to, for the final
    /// checkpoint.
    func endOnBestState() -> (state: ModelState, progress: RunProgress)? {
        guard endsOnBest, let kept = best.kept, let model = run.model, let point = best.best else { return nil }
        guard kept.progress.step != run.progress.step else { return kept }
        do {
            try model.restoreState(kept.state)
        } catch {
            run.note(.error, "restoring the best state failed: \(error)")
            return nil
        }
        model.stepsTrained = kept.progress.step
        run.draft.restoredBest = true
        run.note(.state, String(format: "restored the best state, of step %d (validation AUC %.4f, logloss %.4f)",
                                point.step, point.metrics.auc, point.metrics.logloss))
        return kept
    }
}
