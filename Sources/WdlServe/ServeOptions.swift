import Foundation

/// How `wdl serve` runs: where the model is, where to listen, and the limits on requests.
public struct ServeOptions: Sendable {
    /// A checkpoint file, or a run directory (watched for newer checkpoints).
    public var model: String
    public var host = "127.0.0.1"
    /// 0: any free port (the one bound is passed to `onRunning`).
    public var port = 8080
    public var pick = CheckpointPick.best
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes = 16 << 20
    /// Most rows one request may hold.
    public var maxRows = 10_000
    /// Time a request's body may take to arrive, from its head.
    public var bodyTimeout: Duration = .seconds(10)
    /// A connection with nothing to read or write for this long is closed.
    public var idleTimeout: Duration = .seconds(30)
    /// How often a watched directory is looked at.
    public var pollInterval: Duration = .seconds(1)
    /// Copies of the model in memory, so that as many requests are scored at once.
    public var replicas = 1
    /// Threads for scoring a large request (small ones use one: starting threads costs more).
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    public init(model: String) { self.model = model }

    /// Rows from which a request is encoded and scored on `threads` threads.
    static let parallelRows = 512
}
