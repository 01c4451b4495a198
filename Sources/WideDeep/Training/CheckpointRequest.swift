/// Everything a checkpoint holds, copied at a minibatch boundary.
public struct CheckpointRequest: Sendable {
    public var directory: String
    /// File name without extension, e.g. "step-1200" or "final".
    public var name: String
    public var state: ModelState
    public var layout: FeatureLayout
    public var config: RunConfig
    public var step: Int
    public var epoch: Int
    public var examples: Int
    public var generator: SeededGenerator
    public var position: DataPosition
    public var hyperparameters: [HyperparameterValue]
    public var events: [RunEvent]
    public var wideNames: [UInt32: String]
    /// The run's best evaluation as of this state and its early-stopping count (`CheckpointMetadata.Best`).
    public var best: CheckpointMetadata.Best? = nil
    /// The id of the run that saves it (`TrainingRun.runID`, the `run_id` of its metrics log).
    public var runID: String? = nil
}
