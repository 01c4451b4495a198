/// What a session reports to its `onRecord` listener as the run goes.
public enum RunRecord: Sendable {
    case evaluation(record: Evaluation)
    case event(RunEvent)

    public struct Evaluation: Sendable {
        public var step: Int
        public var epoch: Int
        public var examples: Int
        public var seconds: Double
        /// Mean training logloss since the previous evaluation.
        public var trainLoss: Double
        public var metrics: EvaluationMetrics
        public var final: Bool
        public var examplesPerSecond: Double
    }
}
