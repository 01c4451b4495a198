/// The newest good state of the run in memory, so that a diverged run can go back to it: a copy
/// made every few seconds of training (and once at the start), or the state of a new best
/// evaluation when the run copied it anyway (for `best.safetensors` or early stopping), whichever
/// is newer. Beside the model it holds everything that says where the run was — counters, data
/// position, loss curve, divergence watch, the statistics shown, the best's count — so a rollback
/// rewinds the run, not only its weights.
struct RollbackPoint {
    /// Where the run was, kept besides the model: its counters, curves and bests (the snapshot's
    /// `RunState` is a different thing, the phase the run is in).
    struct RunPosition {
        var progress: RunProgress
        var curves: TrainingCurves
        var divergence: DivergenceWatch
        /// Validation points recorded by then.
        var validationCount: Int
        /// The model statistics as shown for this state, and the history they extend.
        var statistics: ModelStatisticsRefresher
        var shown: ShownStatistics
        /// The live hyperparameters then, and how many changes the run had made by then
        /// (`TrainingRun.hyperparameterChanges`).
        var hyperparameters: [HyperparameterValue]
        var changesMade: Int
        /// The best evaluation then and the evaluations since it (early stopping's count).
        var best: ValidationPoint?
        var evaluationsSinceBest: Int

        /// The run as it is now, its best being `best` with `evaluationsSinceBest` since.
        init(_ run: TrainingRun, best: ValidationPoint?, evaluationsSinceBest: Int) {
            progress = run.progress
            curves = run.curves
            divergence = run.divergence
            validationCount = run.draft.validation.count
            statistics = run.statistics
            shown = ShownStatistics(run.draft)
            hyperparameters = run.currentHyperparameters()
            changesMade = run.hyperparameterChanges.count
            self.best = best
            self.evaluationsSinceBest = evaluationsSinceBest
        }
    }

    /// The snapshot's model statistics (a rollback shows them again instead of the diverged
    /// model's, whose gradient norms and dead units the restored weights do not undo).
    struct ShownStatistics {
        var wide: WideStatistics?
        var embeddings: [EmbeddingFieldStatistics]
        var dense: [DenseLayerStatistics]
        var step: Int

        init(_ snapshot: TrainingSnapshot) {
            wide = snapshot.wide
            embeddings = snapshot.embeddings
            dense = snapshot.dense
            step = snapshot.statisticsStep
        }

        func show(in snapshot: inout TrainingSnapshot) {
            snapshot.wide = wide
            snapshot.embeddings = embeddings
            snapshot.dense = dense
            snapshot.statisticsStep = step
        }
    }

    /// Training seconds between copies.
    let interval: Double
    private(set) var kept: (state: ModelState, run: RunPosition)?
    private var keptAt = -Double.infinity

    init(interval: Double) { self.interval = interval }

    /// Whether a copy is due at `trainingSeconds`.
    func isDue(trainingSeconds: Double) -> Bool { trainingSeconds - keptAt >= interval }

    /// Copies the model's state. Returns the name of a tensor holding NaN or infinity when the
    /// state is not good (nothing is kept then).
    mutating func keep(_ model: WideDeepModel, run: RunPosition) -> String? {
        keptAt = run.progress.trainingSeconds
        let state = model.captureState()
        if let bad = state.firstNonFiniteTensor { return bad }
        kept = (state, run)
        return nil
    }

    /// Keeps a good state copied for another purpose (a new best), when it is newer than the kept
    /// one; the periodic copies go on at their own pace.
    mutating func offer(_ state: ModelState, run: RunPosition) {
        guard state.firstNonFiniteTensor == nil, run.progress.step >= kept?.run.progress.step ?? 0 else { return }
        kept = (state, run)
    }

    /// Puts the kept model state back into `model`; returns the run state to go back to, nil when
    /// nothing is kept.
    func restore(into model: WideDeepModel) throws -> RunPosition? {
        guard let kept else { return nil }
        try model.restoreState(kept.state)
        model.stepsTrained = kept.run.progress.step
        return kept.run
    }
}
