/// How a training session runs, beyond the run config.
public struct SessionOptions: Sendable {
    public var runName: String = "run"
    /// JSON Lines metrics file (`--metrics-out`).
    public var metricsPath: String?
    /// Where `saveCheckpoint` writes (`--checkpoint-dir`).
    public var checkpointDirectory: String?
    /// Save `step-<step>.safetensors` every this many training examples (`--checkpoint-every`).
    public var checkpointEvery: Int?
    /// Keep only the newest K step checkpoints (`--keep`).
    public var keep: Int?
    /// Continue the run saved in this checkpoint (`--resume`).
    public var resumePath: String?
    /// Initialize the new model's parts from checkpoints (`--warm-start-wide`, `--warm-start-deep`);
    /// not with `resumePath`.
    public var warmStart: WarmStart?
    /// Stream the training file in one pass per epoch instead of loading it (`--stream`); nil
    /// trains from memory.
    public var stream: StreamOptions?
    /// End the run when it diverges instead of pausing for a rollback (headless runs, where no
    /// one can press r).
    public var stopOnDivergence = false
    /// Start paused (the dashboard's tests; a user can resume).
    public var startPaused = false
    /// Commands applied just before the minibatch of the given step (0-based): reproducible
    /// steering in tests and scripts.
    public var scheduledCommands: [(step: Int, command: TrainingCommand)] = []
    /// Training seconds between in-memory copies of the last good state (for rolling back).
    public var goodStateInterval: Double = 5
    /// Wall seconds between snapshot publications while training.
    public var publishInterval: Double = 0.1
    /// The job this session is one rank of (`mpirun`); nil, or a single rank, trains alone.
    public var communicator: Communicator?
    /// In a job: steps each rank trains alone between averages of the replicas (`--sync-every`);
    /// 1 exchanges every step's gradients (exact).
    public var syncEvery = 1
    /// Wall seconds between refreshes of the model statistics (wide sparsity, norms).
    public var statisticsInterval: Double = 1

    public init() {}
}
