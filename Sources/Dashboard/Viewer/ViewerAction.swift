/// What a key does in the run viewer (`wdl view`).
enum ViewerAction: Equatable, Sendable {
    /// All examples, then the last 50%, 25%, 10% of the longest run, then all again.
    case cycleZoom
    case toggleRawLoss
    /// Validation logloss ↔ validation AUC.
    case switchMetric
    /// Shows or hides run N (1-based, as numbered on screen).
    case toggleRun(Int)
    case nextTheme
    case showHelp
    case quit
}
