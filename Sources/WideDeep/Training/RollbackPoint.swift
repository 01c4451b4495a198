/// The last good state of the run, copied in memory every few seconds of training (and once at
/// the start), so that a diverged run can go back to it: the model and everything that says where
/// the run was — counters, data position, loss curve, divergence watch — so a rollback rewinds
/// the run, not only its weights.
struct RollbackPoint {
    /// What is kept besides the model.
    struct RunState {
        var progress: RunProgress
        var curves: TrainingCurves
        var divergence: DivergenceWatch
        /// Validation points recorded by then.
        var validationCount: Int
    }

    /// Training seconds between copies.
    let interval: Double
    private(set) var kept: (state: ModelState, run: RunState)?
    private var keptAt = -Double.infinity

    init(interval: Double) { self.interval = interval }

    /// Whether a copy is due at `trainingSeconds`.
    func isDue(trainingSeconds: Double) -> Bool { trainingSeconds - keptAt >= interval }

    /// Copies the model's state. Returns the name of a tensor holding NaN or infinity when the
    /// state is not good (nothing is kept then).
    mutating func keep(_ model: WideDeepModel, run: RunState) -> String? {
        keptAt = run.progress.trainingSeconds
        let state = model.captureState()
        if let bad = state.firstNonFiniteTensor { return bad }
        kept = (state, run)
        return nil
    }

    /// Puts the kept model state back into `model`; returns the run state to go back to, nil when
    /// nothing is kept.
    func restore(into model: WideDeepModel) throws -> RunState? {
        guard let kept else { return nil }
        try model.restoreState(kept.state)
        model.stepsTrained = kept.run.progress.step
        return kept.run
    }
}
