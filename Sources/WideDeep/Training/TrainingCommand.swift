/// What a client (the dashboard, the headless runner, a test) asks a running training session to
/// do. Commands are queued and applied between minibatches, in the order sent, so a change asked
/// for while step N runs takes effect from step N + 1 on.
public enum TrainingCommand: Sendable, Equatable {
    case pause
    case resume
    /// Sets a live hyperparameter. Values outside `Hyperparameter.validRange` are refused with an
    /// event explaining why; nothing changes.
    case set(Hyperparameter, Double)
    /// Runs a validation pass now (between minibatches).
    case evaluateNow
    /// Saves a checkpoint of the current state (needs a checkpoint directory).
    case saveCheckpoint
    /// After a divergence: restores the last good in-memory state and stays paused.
    case rollBack
    /// Ends the run after the current minibatch (saving `final` when there is a checkpoint folder).
    case stop
    /// Ends the run after the current minibatch without the final checkpoint: the dashboard's
    /// "quit without saving".
    case stopWithoutSaving
}

/// Anything that runs training and can be steered: the real `TrainingSession`, or a fake in tests.
public protocol TrainingControl: AnyObject, Sendable {
    /// Queues a command; it is applied between minibatches.
    func send(_ command: TrainingCommand)
    /// Queues a command saying who sent it, so that events and the metrics log can name the
    /// source. The default ignores the source (`send(_:)`); a session that records it implements
    /// this requirement itself.
    func send(_ command: TrainingCommand, from source: CommandSource)
    /// The latest published state. Cheap: returns an immutable value.
    var snapshot: TrainingSnapshot { get }
}

extension TrainingControl {
    public func send(_ command: TrainingCommand, from source: CommandSource) { send(command) }
}
