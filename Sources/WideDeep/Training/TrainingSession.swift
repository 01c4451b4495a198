import Dispatch
import Foundation

/// Runs a training run on its own serial Dispatch queue and coordinates its parts: `RunSetup`
/// loads the data and builds the model, `TrainingLoop` trains the minibatches of each epoch,
/// `CommandInbox` brings the clients' commands (applied between minibatches), `EventLog` records
/// events and evaluations (and writes the metrics log), `CheckpointWriter` saves on its own queue,
/// `RollbackPoint` keeps the last good state, `SnapshotPublisher` hands clients (the headless
/// runner, the dashboard) an immutable snapshot a few times a second. Clients never touch the model.
///
/// Everything below marked "training queue" is touched on that queue only (asserted where commands
/// are applied and snapshots published).
public final class TrainingSession: TrainingControl, @unchecked Sendable {
    public let config: RunConfig
    public let options: SessionOptions
    /// Called on the training queue for each evaluation record and each event (headless output).
    /// Set before `start`.
    public var onRecord: (@Sendable (RunRecord) -> Void)?
    /// Saves a checkpoint and returns the path written (replaceable in tests). Set before `start`.
    public var checkpointer: @Sendable (CheckpointRequest) throws -> String {
        get { checkpoints.write }
        set { checkpoints.write = newValue }
    }

    let queue = DispatchQueue(label: "wdl.training", qos: .userInitiated)
    let inbox: CommandInbox
    let publisher: SnapshotPublisher
    let checkpoints: CheckpointWriter
    /// The exchange of gradients between the ranks of a data-parallel job; nil alone.
    let exchange: GradientExchange?
    private let finished = DispatchGroup()
    private let startDate = Date()

    // Training queue.
    var data: RunData?
    var model: WideDeepModel?
    var stream: StreamedTraining?
    var progress: RunProgress
    var events = EventLog()
    var rollback: RollbackPoint
    var statistics: ModelStatisticsRefresher
    var curves: TrainingCurves
    var divergence: DivergenceWatch
    var best: BestModelKeeper
    var lastCheckpointExamples = 0
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
    /// The final evaluation's record, written after the final checkpoint's event.
    var pendingFinalRecord: RunRecord.Evaluation?
    /// A best model waiting for the checkpoint writer (`best.safetensors`).
    var pendingBest: (state: ModelState, progress: RunProgress)?

    public init(config: RunConfig, options: SessionOptions = SessionOptions()) {
        self.config = config
        self.options = options
        var initial = TrainingSnapshot()
        initial.runName = options.runName
        initial.mode = config.model.mode
        initial.totalEpochs = config.train.epochs
        initial.batchSize = config.train.batchSize
        initial.checkpointDirectory = options.checkpointDirectory
        publisher = SnapshotPublisher(initial, interval: options.publishInterval)
        let inbox = CommandInbox(scheduled: options.scheduledCommands)
        self.inbox = inbox
        checkpoints = CheckpointWriter(keep: options.keep) { inbox.wake() }
        progress = RunProgress(seed: config.train.seed)
        rollback = RollbackPoint(interval: options.goodStateInterval)
        statistics = ModelStatisticsRefresher(interval: options.statisticsInterval)
        curves = TrainingCurves(evaluateEvery: config.train.evalEvery)
        divergence = DivergenceWatch(factor: config.train.divergenceFactor)
        best = BestModelKeeper(metric: config.train.earlyStopMetric)
        initial.bestMetric = config.train.earlyStopMetric
        paused = options.startPaused
        exchange = options.communicator.flatMap {
            $0.size > 1 ? GradientExchange(communicator: $0, syncEvery: options.syncEvery) : nil
        }
    }

    // MARK: - TrainingControl

    public func send(_ command: TrainingCommand) { inbox.send(command) }

    public var snapshot: TrainingSnapshot { publisher.latest }

    /// Starts the run on the training queue.
    public func start() {
        finished.enter()
        queue.async { [self] in
            defer { finished.leave() }
            run()
        }
    }

    /// Blocks until the run has ended (finished, stopped or failed).
    public func waitUntilFinished() { finished.wait() }

    /// Waits up to `timeout` seconds; true when the run has ended.
    public func waitUntilFinished(timeout: Double) -> Bool {
        finished.wait(timeout: .now() + timeout) == .success
    }

    /// Seconds since the session started.
    var seconds: Double { Date().timeIntervalSince(startDate) }

    /// Where the run is, for records.
    var context: RunRecord.Context {
        RunRecord.Context(step: progress.step, epoch: progress.epoch, examples: progress.examples, seconds: seconds,
                          ranks: ranks, batch: config.train.batchSize * ranks)
    }

    // MARK: - The run

    private func run() {
        events.listener = onRecord
        do {
            try config.validate()
            if ranks > 1 && options.stream != nil {
                throw JobError("--stream is not supported in a multi-process job yet: train from memory")
            }
            try MemoryEstimate(config: config, checkpointing: options.checkpointDirectory != nil)
                .check(machineBytes: MemoryEstimate.machineBytes())
            if isPrimary, let directory = options.checkpointDirectory { try Checkpoint.prepareFolder(directory) }
            if isPrimary, let path = options.metricsPath {
                let log = try MetricsLog(path: path)
                events.metricsLog = log
                // A failing write (a full disk) is one error event and the log stops; training goes on.
                events.write(RunRecord.Start(runName: options.runName, config: config, context: context), at: context)
                if log.replacedExisting { note(.info, "metrics log \(path) existed; it is overwritten") }
            }
            publisher.draft.state = .loading
            publish(force: true)
            let setup = try RunSetup.load(config: config, options: options) { [publisher] in publisher.publishLoading($0) }
            adopt(setup)
            try train()
        } catch {
            report(checkpoints.waitForAll())
            publisher.draft.state = .failed
            publisher.draft.stateDetail = "\(error)"
            note(.error, "\(error)")
            publish(force: true)
        }
    }

    private func adopt(_ setup: RunSetup) {
        data = setup.data
        model = setup.model
        stream = setup.stream
        progress = setup.progress
        lastCheckpointExamples = progress.examples
        publisher.draft.loading = setup.loading
        publisher.draft.skippedRows = setup.skippedRows
        publisher.draft.dataDescription = setup.dataDescription
        for event in setup.events { note(event.kind, event.message) }
        updateTotals()
    }

    /// Examples the run will have seen at its end. A streamed run counts the rows of a pass (an
    /// estimate until the first pass ends) for each epoch left, the current one whole.
    private func updateTotals() {
        let epochsLeft = max(0, config.train.epochs - progress.epoch)
        if let stream {
            let pass = stream.rowsPerPass
            publisher.draft.totalExamples = progress.examples + pass.rows * epochsLeft
            publisher.draft.totalExamplesIsEstimate = pass.estimate
        } else {
            publisher.draft.totalExamples = (data?.train.count ?? 0) * config.train.epochs
        }
    }

    private func train() throws {
        guard let data, let model else { return }
        let loop = TrainingLoop(model: model, threads: config.train.threads, exchange: exchange)
        noteJob()
        publisher.draft.state = paused ? .paused : .running
        publisher.draft.loading = nil
        refreshStatistics()
        if job == nil { keepRollbackPoint() }
        publish(force: true)
        epochs: while progress.epoch < config.train.epochs && !stopRequested {
            progress.beginEpoch(progress.epoch)
            switch try trainEpoch(loop, data: data) {
            case .completed:
                progress.endEpoch()
                if stream != nil { endStreamedPass() }
                evaluate(final: progress.epoch == config.train.epochs)
            case .rewound:
                continue
            case .stopped:
                break epochs
            }
        }
        exchange?.averageReplicas(of: model, now: true)
        checkReplicas()
        if diverged {
            // A diverged model is neither evaluated nor saved; the run ends in DIVERGED.
            report(checkpoints.waitForAll())
            publisher.draft.state = .diverged
            publish(force: true)
            return
        }
        if stopRequested && !earlyStopped {
            note(.state, "stopped at step \(progress.step)")
            evaluate(final: true)
        }
        let ending = endOnBestState()
        // "Quit without saving" writes nothing more: neither a best state waiting for its turn nor final.
        if !skipFinalCheckpoint { savePendingBest() }
        var finalFailure = options.checkpointDirectory != nil && !skipFinalCheckpoint
            ? saveCheckpoint(name: "final", state: ending?.state, at: ending?.progress) : nil
        // The run is finished only when every checkpoint is on disk; a lost final one fails it.
        finalFailure = report(checkpoints.waitForAll()) ?? finalFailure
        if var record = pendingFinalRecord {
            // Written after the final checkpoint's event: its time is now, so `seconds` never goes back.
            record.context.seconds = max(record.context.seconds, seconds)
            events.write(record, at: record.context)
        }
        if let finalFailure {
            publisher.draft.state = .failed
            publisher.draft.stateDetail = "the final checkpoint was not saved: \(finalFailure)"
            publish(force: true)
            return
        }
        publisher.draft.state = .finished
        refreshStatistics()
        publish(force: true)
    }

    enum EpochOutcome { case completed, stopped, rewound }

    /// One epoch, in memory (a seeded permutation, or file order) or as a pass over a streamed
    /// file.
    private func trainEpoch(_ loop: TrainingLoop, data: RunData) throws -> EpochOutcome {
        let completed = try trainEpochSteps(loop, data: data)
        if completed { return .completed }
        if rewound {
            rewound = false
            return .rewound
        }
        return .stopped
    }

    /// The epoch's minibatches; false when they were interrupted (a stop, a rollback).
    private func trainEpochSteps(_ loop: TrainingLoop, data: RunData) throws -> Bool {
        guard stream != nil else {
            let order = InMemoryEpoch.order(count: data.train.count, shuffle: config.train.shuffle,
                                            generator: &progress.generator)
            var epoch = InMemoryEpoch(data: data.train, order: order, batchSize: config.train.batchSize,
                                      offset: progress.takeResumeOffset(), communicator: job)
            return try loop.run(&epoch, shouldContinue: waitForNextStep, didStep: finishStep)
        }
        let epoch = stream!.makeEpoch(layout: data.layout, batchSize: config.train.batchSize,
                                      threads: config.train.threads, generator: &progress.generator)
        defer { epoch.stop() }
        var source = epoch  // the same pass: the loop takes it inout, the step handler reads it
        let completed = try loop.run(&source, shouldContinue: waitForNextStep) { step in
            publisher.draft.skippedRows += stream!.collect(from: epoch, trained: step.count)
            finishStep(step)
        }
        publisher.draft.skippedRows += stream!.collect(from: epoch, trained: 0)
        if !completed, let message = stream!.skippedRowsMessage(partial: true) { note(.skippedRows, message) }
        return completed
    }

    /// At the end of a streamed pass (the epoch counter already advanced): the first one fixes
    /// the row count and reports the malformed rows.
    private func endStreamedPass() {
        guard let events = stream?.endPass() else { return }
        for event in events { note(event.kind, event.message) }
        updateTotals()
    }

    /// Applies pending commands and waits while paused; false when a stop was asked for or a
    /// rollback moved the run back.
    func waitForNextStep() -> Bool {
        applyCommands()
        while paused && !stopRequested {
            publish(force: true)
            inbox.wait(timeout: 0.1)
            applyCommands()
        }
        return !stopRequested && !rewound
    }

    /// The bookkeeping after a minibatch: counters, loss history, evaluations every `eval_every`
    /// examples (not on the epoch's last minibatch, which the epoch end evaluates), good states,
    /// checkpoints, publication.
    func finishStep(_ step: TrainingLoop.Step) {
        progress.add(step)
        publisher.draft.hasUnsavedProgress = true
        curves.addTime(of: step)
        guard step.loss.isFinite else {
            diverge(cause: "training loss became \(step.loss) at step \(progress.step)")
            return
        }
        curves.addLoss(of: step, progress: progress)
        if let cause = divergence.addTrainingLoss(step.loss / Double(step.count)) {
            diverge(cause: "\(cause) at step \(progress.step)")
            return
        }
        if curves.evaluationIsDue(examples: progress.examples, moreInEpoch: step.moreInEpoch) { evaluate(final: false) }
        // A job keeps no rollback state: a divergence ends it (docs/distributed.md).
        if job == nil && !diverged && rollback.isDue(trainingSeconds: progress.trainingSeconds) { keepRollbackPoint() }
        if let every = options.checkpointEvery, progress.examples - lastCheckpointExamples >= every {
            saveCheckpoint()
        }
        if statistics.isDue(at: seconds) { refreshStatistics() }
        publish()
    }
}
