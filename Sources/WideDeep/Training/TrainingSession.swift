import Dispatch
import Foundation

/// Runs a training run on its own serial Dispatch queue and coordinates its parts: `RunSetup`
/// loads the data and builds the model, `TrainingLoop` trains the minibatches of each epoch,
/// `CommandInbox` brings the clients' commands, which `RunSteering` applies between minibatches,
/// `RunEvaluator` evaluates (and keeps the best model), `RunCheckpoints` saves through the
/// `CheckpointWriter`'s own queue, and `TrainingRun` holds the run's state, its events and the
/// snapshot draft that `SnapshotPublisher` hands clients (the headless runner, the dashboard) a
/// few times a second. Clients never touch the model.
public final class TrainingSession: TrainingControl, @unchecked Sendable {
    public let config: RunConfig
    public let options: SessionOptions
    /// Called on the training queue for each evaluation record and each event (headless output).
    /// Set before `start`.
    public var onRecord: (@Sendable (RunRecord) -> Void)?
    /// Saves a checkpoint and returns the path written (replaceable in tests). Set before `start`.
    public var checkpointer: @Sendable (CheckpointRequest) throws -> String {
        get { run.writer.write }
        set { run.writer.write = newValue }
    }

    private let queue = DispatchQueue(label: "wdl.training", qos: .userInitiated)
    private let inbox: CommandInbox
    private let finished = DispatchGroup()
    /// The other ranks of a data-parallel job; nil alone.
    private let job: DataParallelJob?
    // The parts below are used on the training queue only (`execute` checks it; so do the
    // publisher's and the writer's entry points).
    let run: TrainingRun
    private let checkpoints: RunCheckpoints
    private let evaluator: RunEvaluator
    private let steering: RunSteering

    public init(config: RunConfig, options: SessionOptions = SessionOptions()) {
        self.config = config
        self.options = options
        var initial = TrainingSnapshot()
        initial.runName = options.runName
        initial.mode = config.model.mode
        initial.totalEpochs = config.train.epochs
        initial.batchSize = config.train.batchSize
        initial.checkpointDirectory = options.checkpointDirectory
        initial.bestMetric = config.train.earlyStopMetric
        let inbox = CommandInbox(scheduled: options.scheduledCommands)
        self.inbox = inbox
        job = DataParallelJob(communicator: options.communicator, syncEvery: options.syncEvery)
        let owner = QueueConfinement(queue)
        run = TrainingRun(config: config, options: options, queue: queue,
                          publisher: SnapshotPublisher(initial, interval: options.publishInterval, owner: owner),
                          writer: CheckpointWriter(keep: options.keep, owner: owner) { inbox.wake() }, ranks: job?.ranks ?? 1)
        checkpoints = RunCheckpoints(run: run, job: job, options: options)
        evaluator = RunEvaluator(run: run, job: job, checkpoints: checkpoints)
        steering = RunSteering(run: run, evaluator: evaluator, checkpoints: checkpoints)
    }

    // MARK: - TrainingControl

    public func send(_ command: TrainingCommand) { inbox.send(command, from: nil) }

    public func send(_ command: TrainingCommand, from source: CommandSource) { inbox.send(command, from: source) }

    public var snapshot: TrainingSnapshot { run.publisher.latest }

    /// Starts the run on the training queue.
    public func start() {
        finished.enter()
        queue.async { [self] in
            defer { finished.leave() }
            execute()
        }
    }

    /// Blocks until the run has ended (finished, stopped or failed).
    public func waitUntilFinished() { finished.wait() }

    /// Waits up to `timeout` seconds; true when the run has ended.
    public func waitUntilFinished(timeout: Double) -> Bool {
        finished.wait(timeout: .now() + timeout) == .success
    }

    // MARK: - The run

    private var isPrimary: Bool { job?.isPrimary ?? true }

    private func execute() {
        dispatchPrecondition(condition: .onQueue(queue))
        run.events.listener = onRecord
        do {
            try config.validate()
            try MemoryEstimate(config: config, checkpointing: options.checkpointDirectory != nil)
                .check(machineBytes: MemoryEstimate.machineBytes())
            if isPrimary, let directory = options.checkpointDirectory { try Checkpoint.prepareFolder(directory) }
            if isPrimary, let path = options.metricsPath { try openMetricsLog(path) }
            run.publish(force: true)
            let setup = try RunSetup.load(config: config, options: options) { [publisher = run.publisher] in
                publisher.publishLoading($0)
            }
            adopt(setup)
            try train()
        } catch {
            checkpoints.waitForAll()
            run.transition(.fail)
            run.draft.stateDetail = "\(error)"
            run.note(.error, "\(error)")
            run.writeEnd(.failed, "\(error)")
            run.publish(force: true)
        }
    }

    private func openMetricsLog(_ path: String) throws {
        let log = try MetricsLog(path: path, runID: run.runID)
        run.events.metricsLog = log
        // A failing write (a full disk) is one error event and the log stops; training goes on.
        run.events.write(RunRecord.Start(runName: options.runName, config: config, context: run.context), at: run.context)
        if log.replacedExisting { run.note(.info, "metrics log \(path) existed; it is overwritten") }
    }

    private func adopt(_ setup: RunSetup) {
        run.data = setup.data
        run.model = setup.model
        run.stream = setup.stream
        run.progress = setup.progress
        checkpoints.start(at: setup.progress.examples)
        if let best = setup.best { evaluator.restore(best.record, file: best.file) }
        run.draft.loading = setup.loading
        run.draft.skippedRows = setup.skippedRows
        run.draft.keepSkippedReasons(setup.data.errors)
        run.draft.dataDescription = setup.dataDescription
        for event in setup.events { run.note(event.kind, event.message) }
        run.updateTotals()
    }

    private func train() throws {
        guard let data = run.data, let model = run.model else { return }
        let loop = TrainingLoop(model: model, threads: config.train.threads, exchange: job?.exchange)
        if let job {
            run.note(.info, job.description(batch: config.train.batchSize))
            if job.exchange.syncEvery > 1 { ReplicaAveraging.logUpdates(of: model) }
        }
        run.transition(.beginTraining(paused: run.startsPaused))
        run.draft.loading = nil
        run.refreshStatistics()
        if job == nil { steering.keepRollbackPoint() }
        run.publish(force: true)
        // Every rank reads and encodes the data itself, some faster than others: without this
        // meeting, the first step's exchange would wait for the slowest one's loading and charge
        // it to the training time (1.1 s of a 15 s job was measured so).
        if let job { _ = job.communicator.sum(0.0) }
        epochs: while run.progress.epoch < config.train.epochs && run.phase.stop == nil {
            run.progress.beginEpoch(run.progress.epoch)
            run.curves.beginEpoch(start: run.progress.examples - run.progress.resumeOffset, examples: run.progress.examples)
            if try trainEpoch(loop, data: data) {
                run.progress.endEpoch()
                if run.stream != nil { try endStreamedPass() }
                evaluator.evaluate(final: run.progress.epoch == config.train.epochs)
            } else if !run.takeRewind() {
                break epochs
            }
        }
        job?.exchange.averageReplicas(of: model, now: true)
        if let job {
            let check = job.checkReplicas(of: model)
            run.note(check.kind, check.message)
        }
        finish()
    }

    /// After the last epoch (or a stop): the final evaluation and checkpoint, and the run's end state.
    private func finish() {
        if run.phase.isDiverged {
            // A diverged model is neither evaluated nor saved; the run ends in DIVERGED.
            checkpoints.waitForAll()
            run.writeEnd(.diverged, run.draft.stateDetail ?? "diverged")
            run.publish(force: true)
            return
        }
        if run.progress.examples == run.progress.examplesAtStart && !evaluator.hasFinalRecord {
            endUntrained()
            return
        }
        if let stop = run.phase.stop, !stop.early {
            run.note(.state, "stopped at step \(run.progress.step)")
            evaluator.evaluate(final: true)
        }
        let ending = evaluator.endOnBestState()
        evaluator.scoreTest()
        // "Quit without saving" writes nothing more: neither a best state waiting for its turn nor final.
        let saveFinal = run.phase.stop?.saveFinal ?? true
        let saving = checkpoints.enabled && saveFinal
        if saveFinal { checkpoints.savePendingBest() }
        var finalFailure = saving ? checkpoints.save(name: "final", state: ending?.state, at: ending?.progress) : nil
        // The run is finished only when every checkpoint is on disk; a lost final one fails it.
        finalFailure = checkpoints.waitForAll() ?? finalFailure
        evaluator.writeFinalRecord()
        if let finalFailure {
            run.transition(.fail)
            run.draft.stateDetail = "the final checkpoint was not saved: \(finalFailure)"
            run.writeEnd(.failed, run.draft.stateDetail!)
            run.publish(force: true)
            return
        }
        run.transition(.finish)
        run.refreshStatistics()
        run.publish(force: true)
    }

    /// A run that trained nothing in this session (stopped before its first step, or resumed
    /// from a checkpoint that had completed its epochs) still holds the model it started from:
    /// it is neither evaluated (an untrained model's figures) nor saved again; the metrics log
    /// ends with an end record that says why.
    private func endUntrained() {
        checkpoints.waitForAll()
        let message = run.progress.epoch >= config.train.epochs
            ? "nothing to train: the run has completed its epochs (\(run.progress.epoch) of \(config.train.epochs)); raise --epochs to train further"
            : "stopped before the first step: nothing was trained; the model it started from is neither evaluated nor saved"
        run.note(.state, message)
        run.writeEnd(.finished, message)
        run.transition(.finish)
        run.publish(force: true)
    }

    /// One epoch's minibatches, in memory (a seeded permutation, or file order) or as a pass over
    /// a streamed file; false when they were interrupted (a stop, a rollback).
    private func trainEpoch(_ loop: TrainingLoop, data: RunData) throws -> Bool {
        guard run.stream != nil else {
            let order = InMemoryEpoch.order(count: data.train.count, shuffle: config.train.shuffle,
                                            generator: &run.progress.generator)
            var epoch = InMemoryEpoch(data: data.train, order: order, batchSize: config.train.batchSize,
                                      offset: run.progress.takeResumeOffset(), communicator: job?.communicator)
            return try loop.run(&epoch, shouldContinue: waitForNextStep, didStep: finishStep)
        }
        let epoch = run.stream!.makeEpoch(layout: data.layout, batchSize: config.train.batchSize,
                                          threads: config.train.threads, generator: &run.progress.generator,
                                          communicator: job?.communicator)
        defer { epoch.stop() }
        var source = epoch  // the same pass: the loop takes it inout, the step handler reads it
        // A count limit on malformed rows can be passed before the pass ends: stop there.
        let completed = try loop.run(&source, shouldContinue: { waitForNextStep() && run.stream!.skippedRowsError(passEnded: false) == nil }) { step in
            run.draft.skippedRows += run.stream!.collect(from: epoch, trained: step.count)
            run.draft.keepSkippedReasons(run.stream!.firstErrors)
            finishStep(step)
        }
        run.draft.skippedRows += run.stream!.collect(from: epoch, trained: 0)
        run.draft.keepSkippedReasons(run.stream!.firstErrors)
        if let error = run.stream!.skippedRowsError(passEnded: false) { throw error }
        if !completed, let message = run.stream!.skippedRowsMessage(partial: true) { run.note(.skippedRows, message) }
        return completed
    }

    /// At the end of a streamed pass (the epoch counter already advanced): the first one fixes
    /// the row count and reports the malformed rows.
    private func endStreamedPass() throws {
        guard let events = run.stream?.endPass() else { return }
        for event in events { run.note(event.kind, event.message) }
        run.updateTotals()
        if let error = run.stream?.skippedRowsError(passEnded: true) { throw error }
    }

    /// Applies pending commands (rank 0's, in a job) and waits while paused; false when a stop was
    /// asked for or a rollback moved the run back.
    private func waitForNextStep() -> Bool {
        applyCommands()
        while run.phase.waitsForCommands {
            run.publish(force: true)
            inbox.wait(timeout: 0.1)
            applyCommands()
        }
        return run.phase.stop == nil && !run.rewound
    }

    private func applyCommands() {
        checkpoints.collect()
        let local = inbox.take(beforeStep: run.progress.step)
        for entry in job?.commands(local) ?? local { steering.apply(entry.command, from: entry.source) }
    }

    /// The bookkeeping after a minibatch: counters, loss history, evaluations every `eval_every`
    /// examples (not on the epoch's last minibatch, which the epoch end evaluates), good states,
    /// checkpoints, publication.
    private func finishStep(_ step: TrainingLoop.Step) {
        run.progress.add(step)
        run.draft.hasUnsavedProgress = true
        run.curves.addTime(of: step)
        guard step.loss.isFinite else {
            run.diverge(cause: "training loss became \(step.loss) at step \(run.progress.step)")
            return
        }
        run.curves.addLoss(of: step, progress: run.progress)
        if let cause = run.divergence.addTrainingLoss(step.loss / Double(step.count)) {
            run.diverge(cause: "\(cause) at step \(run.progress.step)")
            return
        }
        if run.curves.evaluationIsDue(examples: run.progress.examples, moreInEpoch: step.moreInEpoch) {
            evaluator.evaluate(final: false)
        }
        // A job keeps no rollback state: a divergence ends it (docs/distributed.md).
        if job == nil && !run.phase.isDiverged && run.rollback.isDue(trainingSeconds: run.progress.trainingSeconds) {
            steering.keepRollbackPoint()
        }
        if checkpoints.isDue { checkpoints.save() }
        // In a job only rank 0 is watched (it alone prints and logs), so only it pays for the
        // statistics pass over the large tables (tens of ms): on every rank, at each one's own
        // moment, every rank's pass would stall all the others at the next exchange.
        if job?.isPrimary ?? true, run.statistics.isDue(at: run.seconds) { run.refreshStatistics() }
        run.publish()
    }
}
