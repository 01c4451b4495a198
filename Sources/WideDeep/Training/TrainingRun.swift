import Dispatch
import Foundation

/// One run's state, shared by the session's parts (`RunSteering`, `RunEvaluator`,
/// `RunCheckpoints`) on the training queue: the data and model, where the run is (its `phase` and
/// counters), its curves, and what it tells its clients — the snapshot draft, the events and the metrics log.
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

    /// Where the run is in its life; it changes only through `transition`, and the snapshot's
    /// state is derived from it at each publication.
    private(set) var phase: RunPhase = .loading
    /// The session starts paused (the dashboard's tests; a user can resume).
    let startsPaused: Bool
    /// An evaluation is in progress (the snapshot shows EVALUATING meanwhile).
    var evaluating = false
    /// A rollback moved the run back: the current epoch restarts from the kept position. A
    /// one-shot signal to the epoch loop, not a phase: `takeRewind` consumes it.
    private(set) var rewound = false
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
        startsPaused = options.startPaused
    }

    /// Moves the run to the phase after `event` (`RunPhase.after`); false, nothing changed, when
    /// the event is not legal now. A rollback also raises the one-shot `rewound`.
    @discardableResult
    func transition(_ event: RunPhase.Event) -> Bool {
        guard let next = phase.after(event) else { return false }
        phase = next
        if event == .rollBack { rewound = true }
        return true
    }

    /// Whether a rollback moved the run back since last asked (and clears it).
    func takeRewind() -> Bool {
        defer { rewound = false }
        return rewound
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
        draft.state = phase.shown(evaluating: evaluating)
        draft.show(progress)
        draft.examplesPerSecond = curves.throughput.rate
        draft.elapsedSeconds = now
        draft.trainLoss = curves.lossHistory.points
        draft.events = events.events
        draft.hyperparameters = currentHyperparameters()
        draft.canRollBack = phase.isDiverged && rollback.kept != nil
        publisher.publish(at: now, saving: writer.inFlight > 0)
    }

    /// Ends the metrics log of a run that stops without its final evaluation (`RunRecord.End`).
    func writeEnd(_ state: RunState, _ message: String) {
        events.write(RunRecord.End(state: state, message: message, context: context), at: context)
    }

    /// Pauses the run as diverged (or stops it, `stopOnDivergence`), saying why.
    func diverge(cause: String) {
        transition(.diverge(endsRun: stopOnDivergence))
        draft.stateDetail = cause
        if stopOnDivergence {
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
