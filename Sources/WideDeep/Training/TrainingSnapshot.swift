import Foundation

/// The phase a run is in, as shown in capitals on the dashboard's status bar.
public enum RunState: String, Sendable, Codable {
    case loading = "LOADING"
    case running = "RUNNING"
    case paused = "PAUSED"
    case evaluating = "EVALUATING"
    case saving = "SAVING"
    case diverged = "DIVERGED"
    case finished = "FINISHED"
    case failed = "FAILED"
}

/// An immutable picture of a training run, published by the session a few times a second.
/// Clients read it whenever they like; it never changes after publication.
///
/// Its wire form (docs/control-protocol.md) is the synthesized Codable: every stored property
/// under its Swift name, optionals left out when nil. The parts below synthesize theirs too,
/// except `LossPoint`, which travels as an array.
public struct TrainingSnapshot: Sendable, Codable {
    public var runName: String = ""
    /// Short description of the data, e.g. "adult (csv) 32,561 train / 16,281 valid rows".
    public var dataDescription: String = ""
    public var mode: ModelMode = .wideDeep
    public var state: RunState = .loading
    /// Why the run diverged or failed, when it did.
    public var stateDetail: String?

    /// The epoch under way, counted from 1; at an epoch's end the one that ended (`RunProgress.epochNumber`).
    public var epoch: Int = 0
    public var totalEpochs: Int = 0
    public var step: Int = 0
    public var examplesSeen: Int = 0
    /// Examples already seen when this session started (non-zero for a resumed run).
    public var examplesAtStart: Int = 0
    /// Training examples the whole run will see (epochs × training rows); 0 while loading.
    public var totalExamples: Int = 0
    /// `totalExamples` rests on an estimated row count (a streamed file before its first pass ends).
    public var totalExamplesIsEstimate = false
    public var batchSize: Int = 0
    /// Seconds spent training (loading, evaluation and pauses excluded).
    public var trainingSeconds: Double = 0
    /// Wall-clock seconds since the session started.
    public var elapsedSeconds: Double = 0
    /// Recent training throughput (examples per second of training time, over the last few seconds).
    public var examplesPerSecond: Double = 0

    public var loading: LoadingProgress?

    /// Training logloss of each recorded point; older points are merged in pairs when the history
    /// grows past its capacity, so the whole run stays visible at a bounded cost.
    public var trainLoss: [LossPoint] = []
    public var validation: [ValidationPoint] = []
    public var wide: WideStatistics?
    public var embeddings: [EmbeddingFieldStatistics] = []
    public var dense: [DenseLayerStatistics] = []
    /// When the model statistics above were computed (they are refreshed every few hundred ms).
    public var statisticsStep: Int = 0

    public var hyperparameters: [HyperparameterValue] = []
    /// Points on the examples axis where a hyperparameter changed or a checkpoint was saved.
    public var markers: [RunMarker] = []
    /// The latest events, oldest first (bounded).
    public var events: [RunEvent] = []
    public var skippedRows: Int = 0
    /// Why rows were skipped: the first few malformed rows' errors (file, line, column, problem).
    public var skippedRowsReasons: [String] = []
    public var checkpointsSaved: Int = 0
    /// True when training progressed since the last checkpoint (quitting would lose it).
    public var hasUnsavedProgress: Bool = false
    public var checkpointDirectory: String?

    /// The best evaluation so far by `bestMetric` (early stopping's and `best.safetensors`' measure).
    public var best: ValidationPoint?
    public var bestMetric: ValidationMetric = .logloss
    /// Where the best model was last saved (`best.safetensors`), once it has been.
    public var bestCheckpoint: String?
    /// The step of the model in `bestCheckpoint`.
    public var bestCheckpointStep: Int?
    /// The run ended on its best state (early stopping) rather than its last.
    public var restoredBest = false
    /// The test set's figures (`data.test`), scored once at the end with the model the run ended
    /// on (the step is that model's); nil until then or without a test file.
    public var test: ValidationPoint?
    /// A rollback is possible: the run diverged and a good state is kept.
    public var canRollBack = false
    /// The hyperparameter changed last (highlighted after a rollback: it may be what diverged).
    public var lastChanged: Hyperparameter?

    public init() {}

    /// The live value of one hyperparameter, if the model has it.
    public func value(of parameter: Hyperparameter) -> Double? {
        hyperparameters.first { $0.parameter == parameter }?.value
    }

    /// Training examples per second of training time over this session.
    public var averageExamplesPerSecond: Double {
        trainingSeconds > 0 ? Double(examplesSeen - examplesAtStart) / trainingSeconds : 0
    }

    /// Seconds left at the current rate, when it can be estimated.
    public var estimatedSecondsLeft: Double? {
        guard totalExamples > 0, examplesPerSecond > 0 else { return nil }
        return Double(max(0, totalExamples - examplesSeen)) / examplesPerSecond
    }
}

public struct LoadingProgress: Sendable, Equatable, Codable {
    public var file: String
    public var rowsRead: Int
    public var rowsSkipped: Int
    /// Bytes read / file size, 0…1.
    public var fraction: Double

    public init(file: String, rowsRead: Int, rowsSkipped: Int, fraction: Double) {
        self.file = file
        self.rowsRead = rowsRead
        self.rowsSkipped = rowsSkipped
        self.fraction = fraction
    }
}

public struct LossPoint: Sendable, Equatable {
    public var step: Int
    public var examples: Int
    /// Mean training logloss over the minibatches this point stands for.
    public var loss: Double

    public init(step: Int, examples: Int, loss: Double) {
        self.step = step
        self.examples = examples
        self.loss = loss
    }
}

/// A loss point is the bulk of a snapshot, so it travels as `[step, examples, loss]`, not as an
/// object: the one part whose wire form is not the synthesized one.
extension LossPoint: Codable {
    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        self.init(step: try c.decode(Int.self), examples: try c.decode(Int.self), loss: try c.decode(Double.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(step)
        try c.encode(examples)
        try c.encode(loss)
    }
}

public struct ValidationPoint: Sendable, Equatable, Codable {
    public var step: Int
    public var epoch: Int
    public var examples: Int
    public var metrics: EvaluationMetrics

    public init(step: Int, epoch: Int, examples: Int, metrics: EvaluationMetrics) {
        self.step = step
        self.epoch = epoch
        self.examples = examples
        self.metrics = metrics
    }
}

public struct WideStatistics: Sendable, Equatable, Codable {
    /// Coordinates whose FTRL weight is not exactly zero.
    public var nonzero: Int
    /// Coordinates that received at least one gradient.
    public var touched: Int
    /// Size of the hashed wide space.
    public var total: Int
    public var groups: [WideGroupStatistics]
    /// Sparsity (1 − nonzero/touched) at each statistics refresh, oldest first (bounded).
    public var sparsityHistory: [Double]
    public var bias: Double

    public init(nonzero: Int, touched: Int, total: Int, groups: [WideGroupStatistics],
                sparsityHistory: [Double], bias: Double) {
        self.nonzero = nonzero
        self.touched = touched
        self.total = total
        self.groups = groups
        self.sparsityHistory = sparsityHistory
        self.bias = bias
    }

    /// Share of touched coordinates that L1 holds at exactly zero.
    public var sparsity: Double { touched == 0 ? 0 : 1 - Double(nonzero) / Double(touched) }
}

/// One feature group of the wide part: a raw field, a bucketized numeric or a cross.
public struct WideGroupStatistics: Sendable, Equatable, Codable {
    public var name: String
    public var nonzero: Int
    public var touched: Int

    public init(name: String, nonzero: Int, touched: Int) {
        self.name = name
        self.nonzero = nonzero
        self.touched = touched
    }
}

public struct EmbeddingFieldStatistics: Sendable, Equatable, Codable {
    public var field: String
    public var rows: Int
    public var rowsTouched: Int
    /// L2 norms of the touched rows' embeddings.
    public var meanNorm: Double
    public var maxNorm: Double
    /// 5th, 25th, 50th, 75th and 95th percentiles of the touched rows' norms.
    public var normPercentiles: [Double]

    public init(field: String, rows: Int, rowsTouched: Int, meanNorm: Double, maxNorm: Double,
                normPercentiles: [Double]) {
        self.field = field
        self.rows = rows
        self.rowsTouched = rowsTouched
        self.meanNorm = meanNorm
        self.maxNorm = maxNorm
        self.normPercentiles = normPercentiles
    }
}

public struct DenseLayerStatistics: Sendable, Equatable, Codable {
    public var name: String
    public var inputs: Int
    public var outputs: Int
    /// Frobenius norm of the weight matrix.
    public var weightNorm: Double
    /// Frobenius norm of the weight gradient of the last minibatch.
    public var gradientNorm: Double
    /// Share of this layer's ReLU units that were zero for every example of the last minibatch
    /// (nil for the output layer, which has no ReLU).
    public var deadFraction: Double?

    public init(name: String, inputs: Int, outputs: Int, weightNorm: Double, gradientNorm: Double,
                deadFraction: Double?) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.weightNorm = weightNorm
        self.gradientNorm = gradientNorm
        self.deadFraction = deadFraction
    }
}

public struct HyperparameterValue: Sendable, Equatable, Codable {
    public var parameter: Hyperparameter
    public var value: Double

    public init(parameter: Hyperparameter, value: Double) {
        self.parameter = parameter
        self.value = value
    }
}

public struct RunMarker: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case hyperparameter, checkpoint, rollback }
    public var examples: Int
    public var step: Int
    public var kind: Kind

    public init(examples: Int, step: Int, kind: Kind) {
        self.examples = examples
        self.step = step
        self.kind = kind
    }
}

public struct RunEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case info, hyperparameter, checkpoint, evaluation, skippedRows, divergence, rollback, error, state
    }
    public var step: Int
    /// Seconds since the session started.
    public var seconds: Double
    public var kind: Kind
    public var message: String

    public init(step: Int, seconds: Double, kind: Kind, message: String) {
        self.step = step
        self.seconds = seconds
        self.kind = kind
        self.message = message
    }
}

extension TrainingSnapshot {
    /// How many skipped rows' reasons a snapshot carries.
    static let keptSkippedReasons = 3

    /// Adds the first of `errors` to `skippedRowsReasons`, up to `keptSkippedReasons`.
    mutating func keepSkippedReasons(_ errors: [DataError]) {
        for error in errors where skippedRowsReasons.count < Self.keptSkippedReasons {
            let reason = error.description
            if !skippedRowsReasons.contains(reason) { skippedRowsReasons.append(reason) }
        }
    }
}
