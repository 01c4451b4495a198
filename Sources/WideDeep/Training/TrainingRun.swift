import Dispatch
import Foundation

/// One run's state, shared by the session's parts (`RunSteering`, `RunEvaluator`,
/// `RunCheckpoints`) on the training queue: the data and model, where the run is, its curves and
/// flags, and what it tells its clients — the snapshot draft, the events and the metrics log.
/// Only the training queue touches it (asserted where snapshots are published).
final class TrainingRun {
    let config: RunConfig
    /// The correction of every probability the run reports for its negative sampling.
    var calibration: Calibration { Calibration(negativeSampling: config.negativeSamplingRate) }
    let queue: DispatchQueue
    let publisher: SnapshotPublisher
    let writer: CheckpointWriter
    /// Processes training together (1 alone).
    let ranks: Int
    /// A divergence ends the run instead of pausing it for a rollback.
    let stopOnDivergence: Bool
    var events = EventLog()
    private let startDate = Date()

    var data: RunData?
    var model: WideDeepModel?
    var stream: StreamedTraining?
    var progress: RunProgress
    var curves: TrainingCurves
    var divergence: DivergenceWatch
    var statistics: ModelStatisticsRefresher
    var rollback: RollbackPoint

    var paused: Bool
    var stopRequested = false
    /// Asked to stop without writing `final` (the user chose to quit without saving).
    var skipFinalCheckpoint = false
    /// Early stopping ended the run (its patience ran out).
    var earlyStopped = false
    /// A rollback moved the run back: the current epoch restarts from the kept position.
    var rewound = false
    /// The model diverged (until a rollback).
    var diverged = false
    /// The best evaluation so far as checkpoints record it (kept by `RunEvaluator`).
    var bestRecord: CheckpointMetadata.Best?
    /// Every live hyperparameter change, in order (a rollback names those made since its state).
    var hyperparameterChanges: [Hyperparameter] = []
    /// A random id of this session's run (not derived from the seed: two runs of one config
    /// differ): every metrics-log line and every checkpoint it saves carry it (`run_id`), so a
    /// served model can be traced to its run's log.
    let runID = UUID().uuidString.lowercased()

    init(config: RunConfig, options: SessionOptions, queue: DispatchQueue, publisher: SnapshotPublisher,
         writer: CheckpointWriter, ranks: Int) {
        self.config = config
        self.queue = queue
        self.publisher = publisher
        self.writer = writer
        self.ranks = ranks
        stopOnDivergence = options.stopOnDivergence
        progress = RunProgress(seed: config.train.seed)
        curves = TrainingCurves(evaluateEvery: config.train.evalEvery)
        divergence = DivergenceWatch(factor: config.train.divergenceFactor)
        statistics = ModelStatisticsRefresher(interval: options.statisticsInterval)
        rollback = RollbackPoint(interval: options.goodStateInterval)
        paused = options.startPaused
    }

    /// The next snapshot, edited in place.
    var draft: TrainingSnapshot {
        _read { yield publisher.draft }
        _modify { yield &publisher.draft }
    }

    /// Seconds since the session started.
    var seconds: Double { Date().timeIntervalSince(startDate) }

    /// Where the run is, for records.
    var context: RunRecord.Context {
        RunRecord.Context(step: progress.step, epoch: progress.epochNumber, examples: progress.examples, seconds: seconds,
                          ranks: ranks, batch: config.train.batchSize * ranks)
    }

    /// Records an event where the run is now.
    func note(_ kind: RunEvent.Kind, _ message: String, detail: RunEvent.Detail? = nil, source: CommandSource? = nil,
              logged: Bool = true) {
        events.add(kind, message, at: context, detail: detail, source: source, logged: logged)
    }

    /// The live hyperparameters' current values.
    func currentHyperparameters() -> [HyperparameterValue] {
        guard let model else { return [] }
        return Hyperparameter.allCases.compactMap { p in p.value(in: model).map { HyperparameterValue(parameter: p, value: $0) } }
    }

    func refreshStatistics() {
        guard let model, let data else { return }
        statistics.refresh(model, layout: data.layout, step: progress.step, at: seconds, into: &publisher.draft)
    }

    /// Publishes the snapshot (at most every `publishInterval` seconds unless forced), with the
    /// counters, loss history, events and hyperparameters as they are now.
    func publish(force: Bool = false) {
        dispatchPrecondition(condition: .onQueue(queue))
        let now = seconds
        guard force || publisher.isDue(at: now) else { return }
        draft.show(progress)
        draft.examplesPerSecond = curves.throughput.rate
        draft.elapsedSeconds = now
        draft.trainLoss = curves.lossHistory.points
        draft.events = events.events
        draft.hyperparameters = currentHyperparameters()
        draft.canRollBack = diverged && rollback.kept != nil
        publisher.publish(at: now, saving: writer.inFlight > 0)
    }

    /// Ends the metrics log of a run that stops without its final evaluation (`RunRecord.End`).
    func writeEnd(_ state: RunState, _ message: String) {
        events.write(RunRecord.End(state: state, message: message, context: context), at: context)
    }

    /// Pauses the run as diverged (or stops it, `stopOnDivergence`), saying why.
    func diverge(cause: String) {
        paused = true
        diverged = true
        draft.state = .diverged
        draft.stateDetail = cause
        if stopOnDivergence {
            stopRequested = true
            note(.divergence, "diverged: \(cause); the run stops (nothing non-finite is saved)")
        } else {
            note(.divergence, "diverged: \(cause); paused until it is rolled back")
        }
        publish(force: true)
    }

    /// Examples the run will have seen at its end. A streamed run counts the rows of a pass (an
    /// estimate until the first pass ends) for each epoch left, the current one whole.
    func updateTotals() {
        let epochsLeft = max(0, config.train.epochs - progress.epoch)
        if let stream {
            let pass = stream.rowsPerPass
            draft.totalExamples = progress.examples + pass.rows * epochsLeft
            draft.totalExamplesIsEstimate = pass.estimate
        } else {
            draft.totalExamples = (data?.train.count ?? 0) * config.train.epochs
        }
    }
}
