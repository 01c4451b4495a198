/// What a key does in the normal mode (the help overlay, typing a value and the quit question
/// read keys their own way).
enum KeyAction: Equatable, Sendable {
    case togglePause
    /// Moves the hyperparameter selection by this many rows, wrapping around.
    case moveSelection(by: Int)
    /// Multiplies the selected value by this factor.
    case scaleSelected(by: Double)
    case editSelected
    case saveCheckpoint
    case evaluateNow
    case nextTheme
    case rollBack
    case showHelp
    /// Scrolls the events panel back (positive) or forward by this many lines.
    case scrollEvents(by: Int)
    case scrollEventsToNewest
    case quit
}
