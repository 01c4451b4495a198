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
    /// Ends the run after the current minibatch.
    case stop
}

/// The hyperparameters that can be changed while a run trains.
public enum Hyperparameter: String, CaseIterable, Sendable, Codable {
    case deepLearningRate = "deep_lr"
    case ftrlAlpha = "ftrl_alpha"
    case ftrlBeta = "ftrl_beta"
    case ftrlL1 = "ftrl_l1"
    case ftrlL2 = "ftrl_l2"

    /// A short label for screens and logs.
    public var label: String {
        switch self {
        case .deepLearningRate: "deep lr"
        case .ftrlAlpha: "FTRL α"
        case .ftrlBeta: "FTRL β"
        case .ftrlL1: "FTRL λ1"
        case .ftrlL2: "FTRL λ2"
        }
    }

    /// Values a command may set. Learning rates must be positive; regularisation may be zero.
    public var validRange: ClosedRange<Double> {
        switch self {
        case .deepLearningRate: 1e-9...100
        case .ftrlAlpha: 1e-9...100
        case .ftrlBeta: 0...1e6
        case .ftrlL1: 0...1e6
        case .ftrlL2: 0...1e6
        }
    }

    /// Checks a value for this hyperparameter; returns a message when it is refused.
    public func validate(_ value: Double) -> String? {
        guard value.isFinite else { return "\(label) must be a finite number" }
        guard validRange.contains(value) else {
            return "\(label) must be in \(validRange.lowerBound)…\(validRange.upperBound), got \(value)"
        }
        return nil
    }
}

/// Anything that runs training and can be steered: the real `TrainingSession`, or a fake in tests.
public protocol TrainingControl: AnyObject, Sendable {
    /// Queues a command; it is applied between minibatches.
    func send(_ command: TrainingCommand)
    /// The latest published state. Cheap: returns an immutable value.
    var snapshot: TrainingSnapshot { get }
}
