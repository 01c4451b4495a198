import Foundation

/// Evaluations and what hangs on them: the validation curve and record, the best model
/// (`best.safetensors`, early stopping, ending on the best state) and divergence of the
/// validation logloss. On the training queue.
final class RunEvaluator {
    private let run: TrainingRun
    private let job: DataParallelJob?
    private let checkpoints: RunCheckpoints
    private var best: BestModelKeeper {
        didSet { run.bestRecord = best.record }
    }
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

    /// The best evaluation so far and the evaluations since it (for a rollback point).
    var bestSoFar: (point: ValidationPoint?, evaluationsSince: Int) { (best.best, best.evaluationsSinceBest) }

    /// A resumed run continues from its checkpoint's best and early-stopping count; `file` is the
    /// best model's file when it still holds that best.
    func restore(_ saved: CheckpointMetadata.Best, file: String?) {
        var restored = saved
        restored.file = file
        best.restore(restored)
        run.draft.best = saved.point
        run.draft.bestCheckpoint = file
        run.draft.bestCheckpointStep = file == nil ? nil : saved.point.step
    }

    /// After a rollback to `state`: the early-stopping count of then (`BestModelKeeper.rewind`).
    func rewind(to state: RollbackPoint.RunPosition) {
        best.rewind(to: state.best, evaluationsSince: state.evaluationsSinceBest)
    }

    func evaluate(final: Bool) {
        guard let data = run.data, let model = run.model else { return }
        if let last = run.draft.validation.last, last.step == run.progress.step {
            // The model has not trained since it was last evaluated: no second pass, and no
            // second count toward the early-stopping patience. A final one still ends the log.
            if final { if pendingFinalRecord == nil { addRecord(last.metrics, final: true) } } else { run.note(.info, "step \(last.step) is already evaluated") }
            run.publish(force: true)
            return
        }
        job?.exchange.averageReplicas(of: model, now: true)
        run.evaluating = true
        run.publish(force: true)
        let logits = job?.validationLogits(model, data.valid, threads: run.config.train.threads)
            ?? model.predictAll(data.valid, threads: run.config.train.threads)
        let metrics = BinaryMetrics.evaluate(logits: logits, labels: data.valid.labels, weights: data.valid.weights,
                                             logitOffset: run.calibration.logitOffset)
        run.evaluating = false
        let progress = run.progress
        let point = ValidationPoint(step: progress.step, epoch: progress.epochNumber, examples: progress.examples, metrics: metrics)
        run.draft.validation.append(point)
        run.refreshStatistics()
        let bestState = best.consider(point) ? keepBest(model) : nil
        run.draft.best = best.best
        var final = final
        if !final && endsOnBest && best.evaluationsSinceBest >= run.config.train.earlyStop {
            run.transition(.earlyStop)
            final = true
            run.note(.state, "early stop: validation \(best.metric.rawValue) did not improve in \(run.config.train.earlyStop) evaluations")
        }
        addRecord(metrics, final: final)
        run.note(.evaluation, String(format: "eval: AUC %.4f, logloss %.4f, accuracy %.4f", metrics.auc, metrics.logloss, metrics.accuracy),
                 logged: false)
        if let cause = run.divergence.addValidation(logloss: metrics.logloss) {
            run.diverge(cause: "\(cause) at step \(progress.step)")
        } else if let bestState, job == nil {
            // The newest good state a rollback can return to (taken after the record, whose mean
            // training loss it has reported).
            run.rollback.offer(bestState, run: RollbackPoint.RunPosition(run, best: best.best, evaluationsSinceBest: 0))
        }
        run.publish(force: true)
    }

    /// The evaluation record of the run as it is now with `metrics`; a final one waits for the
    /// final checkpoint's event.
    private func addRecord(_ metrics: EvaluationMetrics, final: Bool) {
        let wide = run.draft.wide
        let record = RunRecord.Evaluation(context: run.context, examplesPerSecond: run.progress.examplesPerSecond,
                                          trainLoss: run.curves.takeMeanLoss(), metrics: metrics, wideNonzero: wide?.nonzero ?? 0,
                                          wideTouched: wide?.touched ?? 0, wideTotal: wide?.total ?? 0,
                                          skippedRows: run.draft.skippedRows,
                                          hyperparameters: run.currentHyperparameters(), best: best.best,
                                          bestMetric: best.metric, final: final, exchange: job?.exchange.traffic)
        run.events.add(record, deferred: final)
        if final { pendingFinalRecord = record }
    }

    /// Scores the test set (`data.test`) once, with the model the run ends on (its best state
    /// when early stopping restored it, else its last): into the final record, the snapshot and
    /// an event. Nothing here touches the best model or early stopping.
    func scoreTest() {
        guard let data = run.data, let test = data.test, let model = run.model else { return }
        let logits = job?.validationLogits(model, test, threads: run.config.train.threads)
            ?? model.predictAll(test, threads: run.config.train.threads)
        let metrics = BinaryMetrics.evaluate(logits: logits, labels: test.labels, weights: test.weights,
                                             logitOffset: run.calibration.logitOffset)
        let progress = run.progress
        let ended = run.draft.restoredBest ? run.draft.best : nil
        run.draft.test = ValidationPoint(step: ended?.step ?? progress.step, epoch: ended?.epoch ?? progress.epochNumber,
                                         examples: ended?.examples ?? progress.examples, metrics: metrics)
        pendingFinalRecord?.test = metrics
        run.events.listener?(.test(RunRecord.Test(step: progress.step, file: data.testDescription ?? "", metrics: metrics)))
        run.note(.evaluation, String(format: "test (%d rows, %@): AUC %.4f, logloss %.4f, accuracy %.4f",
                                     metrics.count, data.testDescription ?? "test file", metrics.auc, metrics.logloss, metrics.accuracy),
                 logged: false)
        run.publish(force: true)
    }

    /// Writes the final evaluation's record, held back so that it follows the final checkpoint's
    /// event as the log's last line; its time is now, so `seconds` never goes back.
    func writeFinalRecord() {
        guard var record = pendingFinalRecord else { return }
        record.context.seconds = max(record.context.seconds, run.seconds)
        run.events.write(record, at: record.context)
    }

    /// Whether the final evaluation's record is waiting to be written.
    var hasFinalRecord: Bool { pendingFinalRecord != nil }

    /// At a new best evaluation: copies the state when the run needs it — to end on it (early
    /// stopping) or to save it as `best.safetensors` — and returns the copy.
    private func keepBest(_ model: WideDeepModel) -> ModelState? {
        if !checkpoints.enabled {
            // A file from before a resume no longer holds the best, and this run saves none.
            run.draft.bestCheckpoint = nil
            run.draft.bestCheckpointStep = nil
        }
        guard endsOnBest || checkpoints.enabled else { return nil }
        let state = model.captureState()
        guard state.firstNonFiniteTensor == nil else { return nil }
        if endsOnBest { best.keep(state, progress: run.progress) }
        if let path = checkpoints.bestPath { best.file = path }
        checkpoints.saveBest(state, progress: run.progress, record: best.recordAtBest)
        return state
    }

    /// With early stopping, the run ends on its best state: restores it into the model (when the
    /// model has moved on since) and returns it with the progress it belongs to and its record,
    /// for the final checkpoint. A best from before a resume is read back from its file.
    func endOnBestState() -> (state: ModelState, progress: RunProgress, record: CheckpointMetadata.Best?)? {
        guard endsOnBest, let model = run.model, let point = best.best else { return nil }
        guard let kept = best.kept ?? bestFromFile(point) else {
            run.note(.info, "the best state (step \(point.step)) is not in memory nor in a file that holds it: the run ends on its last state")
            return nil
        }
        guard kept.progress.step != run.progress.step else { return (kept.state, kept.progress, best.recordAtBest) }
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
        return (kept.state, kept.progress, best.recordAtBest)
    }

    /// The best state of a resumed run, from the file that holds it (checked to be of its step).
    private func bestFromFile(_ point: ValidationPoint) -> (state: ModelState, progress: RunProgress)? {
        guard let file = best.file else { return nil }
        do {
            let loaded = try LoadedCheckpoint.load(path: file)
            guard loaded.step == point.step else { return nil }
            return (loaded.model.captureState(), RunProgress(resuming: loaded))
        } catch {
            run.note(.error, "reading the best state back failed: \(error)")
            return nil
        }
    }
}
