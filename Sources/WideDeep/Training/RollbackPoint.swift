/// The last good state of the model, copied in memory every few seconds of training, so that a
/// diverged run can go back to it.
struct RollbackPoint {
    /// Training seconds between copies.
    let interval: Double
    private(set) var kept: (state: ModelState, step: Int, examples: Int)?
    private var keptAt = 0.0

    init(interval: Double) { self.interval = interval }

    /// Copies the model's state when `interval` training seconds have passed since the last copy.
    /// Returns the name of a tensor holding NaN or infinity when the state is not good (nothing
    /// is kept then).
    mutating func keepIfDue(_ model: WideDeepModel, progress: RunProgress) -> String? {
        guard progress.trainingSeconds - keptAt >= interval else { return nil }
        keptAt = progress.trainingSeconds
        let state = model.captureState()
        if let bad = state.firstNonFiniteTensor { return bad }
        kept = (state, progress.step, progress.examples)
        return nil
    }

    /// Puts the kept state back into `model`; returns the step it was kept at, nil when nothing
    /// is kept yet.
    func restore(into model: WideDeepModel) throws -> Int? {
        guard let kept else { return nil }
        try model.restoreState(kept.state)
        return kept.step
    }
}
