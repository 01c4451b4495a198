import Foundation
import WideDeep

/// A metrics log (`wdl train --metrics-out`, JSON Lines) read back as typed records: the run's name
/// and config from the start record, every evaluation with the figures a comparison shows, and the
/// events worth marking on a chart (hyperparameter changes, checkpoints, rollbacks).
///
/// Numbers are kept as the log has them; a null (the log's NaN or infinity) or an absent figure is
/// nil, never a made-up value.
public struct RunLog: Sendable, Equatable {
    /// One evaluation line.
    public struct Evaluation: Sendable, Equatable {
        public var step: Int
        public var epoch: Int?
        public var examples: Int
        /// Seconds since the session started.
        public var seconds: Double?
        /// Mean training logloss since the previous evaluation.
        public var trainLogloss: Double?
        public var validLogloss: Double?
        public var validAUC: Double?
        public var validAccuracy: Double?
        /// The best evaluation so far, as the log states it.
        public var best: Best?
        public var final: Bool
        /// Processes training together and the minibatch of a step over all of them.
        public var ranks: Int?
        public var batch: Int?

        public init(step: Int, epoch: Int? = nil, examples: Int, seconds: Double? = nil,
                    trainLogloss: Double? = nil, validLogloss: Double? = nil, validAUC: Double? = nil,
                    validAccuracy: Double? = nil, best: Best? = nil, final: Bool = false,
                    ranks: Int? = nil, batch: Int? = nil) {
            self.step = step
            self.epoch = epoch
            self.examples = examples
            self.seconds = seconds
            self.trainLogloss = trainLogloss
            self.validLogloss = validLogloss
            self.validAUC = validAUC
            self.validAccuracy = validAccuracy
            self.best = best
            self.final = final
            self.ranks = ranks
            self.batch = batch
        }
    }

    /// The run's best evaluation by its best metric (`best_metric`), with the step it happened.
    public struct Best: Sendable, Equatable {
        /// `auc` or `logloss`, as the log names it.
        public var metric: String
        public var auc: Double?
        public var logloss: Double?
        public var step: Int

        public init(metric: String, auc: Double?, logloss: Double?, step: Int) {
            self.metric = metric
            self.auc = auc
            self.logloss = logloss
            self.step = step
        }

        /// The figure of the metric the run judged by.
        public var value: Double? { metric == "auc" ? auc : logloss }
    }

    /// An event placed on the x axis.
    public struct Marker: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable {
            case hyperparameter, checkpoint, rollback
        }

        public var kind: Kind
        public var step: Int
        public var examples: Int
        public var message: String

        public init(kind: Kind, step: Int, examples: Int, message: String) {
            self.kind = kind
            self.step = step
            self.examples = examples
            self.message = message
        }
    }

    /// The file the log was read from.
    public var path: String
    /// The run's name from the start record (nil without one).
    public var runName: String?
    /// The resolved config of the start record, flattened: `"optim.deep.lr": "0.02"`.
    public var config: [String: String] = [:]
    public var evaluations: [Evaluation] = []
    public var markers: [Marker] = []
    /// The largest gap in run time (`seconds`) between two consecutive lines: how long a quiet
    /// spell this run has already had.
    public var longestGap: Double = 0
    private var lastSeconds: Double?

    public init(path: String) {
        self.path = path
    }

    /// The run's name, else the file's name.
    public var name: String {
        if let runName, !runName.isEmpty { return runName }
        return URL(fileURLWithPath: path).lastPathComponent
    }

    /// The file's name without its folder.
    public var fileName: String { URL(fileURLWithPath: path).lastPathComponent }

    /// How the run ended when it ended without its final evaluation (its `end` line).
    public var ending: Ending?

    /// An `end` line: the run's last state and why it ended.
    public struct Ending: Sendable, Equatable {
        public var state: String
        public var message: String?
    }

    /// The run's last record, written once it has ended normally.
    public var final: Evaluation? { evaluations.last(where: \.final) }

    /// The newest evaluation.
    public var latest: Evaluation? { evaluations.last }

    /// The largest example count reached (0 before any evaluation).
    public var examples: Int { max(evaluations.last?.examples ?? 0, markers.last?.examples ?? 0) }

    /// Adds the line `number` (1-based) of the file. Blank lines are skipped; a line that is not
    /// a JSON object, or a record missing what it must have, throws naming the file and line.
    public mutating func add(line: some Collection<UInt8>, number: Int) throws(DataError) {
        guard let record = try RunLogLine.parse(line, file: path, line: number) else { return }
        switch record {
        case .start(let name, let config, let seconds):
            runName = name
            self.config = config
            note(seconds)
        case .evaluation(let evaluation):
            evaluations.append(evaluation)
            note(evaluation.seconds)
        case .marker(let marker, let seconds):
            markers.append(marker)
            note(seconds)
        case .event(let seconds):
            note(seconds)
        case .end(let state, let message, let seconds):
            ending = Ending(state: state, message: message)
            note(seconds)
        }
    }

    private mutating func note(_ seconds: Double?) {
        guard let seconds else { return }
        if let lastSeconds { longestGap = max(longestGap, seconds - lastSeconds) }
        lastSeconds = seconds
    }
}
