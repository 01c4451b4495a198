import WideDeep

/// The state of an attached client's connection to its run.
public enum ConnectionState: Sendable, Equatable {
    case connected
    /// We closed it (`detach()`); the run goes on.
    case detached
    /// The run said goodbye: it has ended (the reason it gave).
    case ended(String)
    /// The connection broke without a goodbye: the process died, or the protocol failed.
    case lost(String)
}

/// A run watched from another process: what an attached dashboard knows beyond
/// `TrainingControl` (its commands go over a connection that can end; it may only watch).
public protocol AttachedRun: TrainingControl {
    var connection: ConnectionState { get }
    /// Attached with `--read-only`: commands are refused (by the dashboard and by the run).
    var isReadOnly: Bool { get }
    /// The run's answers to commands it refused (and to messages it could not read), oldest
    /// first, each returned once.
    func takeRefusals() -> [String]
    /// Closes the connection; the run goes on.
    func detach()
}
