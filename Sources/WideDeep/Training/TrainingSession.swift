import Dispatch
import Foundation
import Synchronization

/// Runs a training run on its own serial Dispatch queue: loads the data, trains minibatch by
/// minibatch, evaluates, and between minibatches applies the commands its clients send. Clients
/// (the headless runner, the dashboard) read the immutable snapshot it publishes a few times a
/// second; they never touch the model.
public final class TrainingSession: TrainingControl, @unchecked Sendable {
    public let config: RunConfig
    public let options: SessionOptions
    /// Called on the training queue for each evaluation record and each event (headless output).
    public var onRecord: (@Sendable (RunRecord) -> Void)?

    private let queue = DispatchQueue(label: "wdl.training", qos: .userInitiated)
    private let commands = Mutex<[TrainingCommand]>([])
    let wakeUp = DispatchSemaphore(value: 0)
    private let published = Mutex(TrainingSnapshot())
    private let finished = DispatchGroup()
    private let startDate = Date()

    // State below is touched only on the training queue.
    var snapshot_: TrainingSnapshot
    var data: RunData?
    var model: WideDeepModel?
    var generator: SeededGenerator
    var metricsLog: MetricsLog?
    var lossSinceRecord = (sum: 0.0, count: 0)
    var lossHistory = LossHistory(capacity: 4096)
    var throughput = ThroughputMeter(window: 5)
    var lastGoodState: (state: ModelState, step: Int, examples: Int)?
    var lastGoodStateTime = 0.0
    var lastPublish = 0.0
    var lastStatistics = -Double.infinity
    var nextEvaluationAt = 0
    var paused = false
    var stopRequested = false
    var sparsityHistory: [Double] = []
    /// The generator as it was before this epoch's shuffle, and examples done in the epoch.
    var epochStartGenerator: SeededGenerator
    var epochOffset = 0
    /// Where a resumed run picks up inside its first epoch.
    var resumeOffset = 0
    var lastCheckpointExamples = 0
    var savedStepFiles: [String] = []
    /// Checkpoints are written on their own serial queue from a copy of the state; finished saves
    /// wait in `completedSaves` until the training queue drains them (`drainSaves`).
    let saveQueue = DispatchQueue(label: "wdl.checkpoint", qos: .utility)
    let completedSaves = Mutex<[CompletedSave]>([])
    let savesPending = DispatchGroup()
    var savesInFlight = 0
    var pendingFinalRecord: [String: Any]?
    var scheduledQueuedForStep = -1
    /// The model holds non-finite values (until a rollback).
    var diverged = false
    /// A streamed run's training file (`options.stream`), and what its first pass has found.
    var streamPlan: TrainingStreamPlan?
    var streamPass = StreamPassReport()
    /// Saves a checkpoint and returns the path written (replaceable in tests).
    public var checkpointer: @Sendable (CheckpointRequest) throws -> String = Checkpoint.save

    public init(config: RunConfig, options: SessionOptions = SessionOptions()) {
        self.config = config
        self.options = options
        generator = SeededGenerator(seed: config.train.seed)
        epochStartGenerator = generator
        var s = TrainingSnapshot()
        s.runName = options.runName
        s.mode = config.model.mode
        s.totalEpochs = config.train.epochs
        s.batchSize = config.train.batchSize
        s.checkpointDirectory = options.checkpointDirectory
        snapshot_ = s
        published.withLock { $0 = s }
        paused = options.startPaused
    }

    // MARK: - TrainingControl

    public func send(_ command: TrainingCommand) {
        commands.withLock { $0.append(command) }
        wakeUp.signal()
    }

    public var snapshot: TrainingSnapshot { published.withLock { $0 } }

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

    var seconds: Double { Date().timeIntervalSince(startDate) }

    // MARK: - The run

    private func run() {
        do {
            if let path = options.metricsPath { metricsLog = try MetricsLog(path: path) }
            try load()
            try train()
        } catch {
            finishSaves()
            snapshot_.state = .failed
            snapshot_.stateDetail = "\(error)"
            addEvent(.error, "\(error)")
            publish(force: true)
        }
    }

    private func load() throws {
        snapshot_.state = .loading
        publish(force: true)
        if options.resumePath != nil && options.warmStart != nil {
            throw ConfigError("a resumed run continues its own model: warm start cannot be combined with resuming")
        }
        let checkpoint = try options.resumePath.map { try LoadedCheckpoint.load(path: $0) }
        let progress: @Sendable (RunData.Phase, LoadingProgress) -> Void = { [weak self] _, progress in
            guard let self else { return }
            self.published.withLock { $0.loading = progress }
        }
        if let stream = options.stream {
            try loadStreamed(stream, layout: checkpoint?.layout, progress: progress)
        } else {
            let loaded = try RunData.load(config: config, threads: config.train.threads, layout: checkpoint?.layout,
                                          progress: progress)
            data = loaded
            snapshot_.loading = LoadingProgress(file: config.data.train ?? "", rowsRead: loaded.train.count,
                                               rowsSkipped: loaded.trainSkipped, fraction: 1)
            snapshot_.skippedRows = loaded.trainSkipped + loaded.validSkipped
            snapshot_.dataDescription = "\(URL(fileURLWithPath: config.data.train ?? "").lastPathComponent) "
                + "\(loaded.train.count) train / \(loaded.valid.count) valid rows"
            snapshot_.totalExamples = loaded.train.count * config.train.epochs
            if snapshot_.skippedRows > 0 {
                let first = loaded.errors.first.map { "; first: \($0)" } ?? ""
                addEvent(.skippedRows, "skipped \(snapshot_.skippedRows) malformed rows\(first)")
            }
        }
        guard let loaded = data else { return }
        try validate(config)
        if let checkpoint {
            model = checkpoint.model
            checkpoint.model.deepOptimizer.learningRate = config.optim.deep.lr
            if let wide = checkpoint.model.wide {
                wide.ftrl = FTRLProximal(alpha: config.optim.wide.alpha, beta: config.optim.wide.beta,
                                         l1: config.optim.wide.l1, l2: config.optim.wide.l2)
            }
            snapshot_.step = checkpoint.step
            snapshot_.epoch = checkpoint.epoch
            snapshot_.examplesSeen = checkpoint.examples
            snapshot_.examplesAtStart = checkpoint.examples
            generator = checkpoint.position.epochStartGenerator
            resumeOffset = checkpoint.position.epochOffset
            lastCheckpointExamples = checkpoint.examples
            addEvent(.info, "resumed from \(checkpoint.path) at step \(checkpoint.step), epoch \(checkpoint.epoch)")
        } else {
            let fresh = WideDeepModel(layout: loaded.layout, config: config)
            if let warmStart = options.warmStart {
                for message in try warmStart.apply(to: fresh, config: config) { addEvent(.info, message) }
            }
            model = fresh
        }
        if let plan = streamPlan {
            streamLoaded(plan, resumedOffset: checkpoint?.position.epochOffset ?? 0)
        } else {
            addEvent(.info, "loaded \(loaded.train.count) training rows, \(loaded.valid.count) validation rows (\(loaded.validDescription))")
        }
    }

    private func validate(_ config: RunConfig) throws {
        let t = config.train
        guard t.epochs >= 1 else { throw ConfigError("train.epochs must be at least 1, got \(t.epochs)") }
        guard t.batchSize >= 1 && t.batchSize <= 65_536 else { throw ConfigError("train.batch_size must be 1…65536, got \(t.batchSize)") }
        guard t.threads >= 1 && t.threads <= 256 else { throw ConfigError("train.threads must be 1…256, got \(t.threads)") }
        guard t.evalEvery >= 0 else { throw ConfigError("train.eval_every must be 0 or more, got \(t.evalEvery)") }
        guard config.model.embeddingDim >= 1 && config.model.embeddingDim <= 1024 else {
            throw ConfigError("model.embedding_dim must be 1…1024, got \(config.model.embeddingDim)")
        }
        guard config.model.hidden.allSatisfy({ $0 >= 1 && $0 <= 65_536 }) else {
            throw ConfigError("model.hidden: every layer needs 1…65536 units, got \(config.model.hidden)")
        }
        for p in Hyperparameter.allCases {
            if let message = p.validate(config) { throw ConfigError(message) }
        }
    }

    private func train() throws {
        guard let data, let model else { return }
        snapshot_.state = paused ? .paused : .running
        snapshot_.loading = nil
        refreshStatistics()
        nextEvaluationAt = config.train.evalEvery
        publish(force: true)
        for epoch in snapshot_.epoch..<config.train.epochs {
            snapshot_.epoch = epoch
            epochStartGenerator = generator
            let completed = streamPlan != nil ? try trainStreamedEpoch(model: model, layout: data.layout)
                : trainEpoch(data: data, model: model)
            guard completed else { break }
            snapshot_.epoch = epoch + 1
            epochOffset = 0
            epochStartGenerator = generator
            if streamPlan != nil { streamEpochEnded() }
            evaluate(final: epoch + 1 == config.train.epochs)
        }
        if diverged {
            // A diverged model is neither evaluated nor saved; the run ends in DIVERGED.
            finishSaves()
            snapshot_.state = .diverged
            publish(force: true)
            return
        }
        if stopRequested {
            addEvent(.state, "stopped at step \(snapshot_.step)")
            evaluate(final: true)
        }
        if options.checkpointDirectory != nil { saveCheckpoint(name: "final") }
        // The run is finished only when every checkpoint is on disk (or has failed).
        finishSaves()
        if let record = pendingFinalRecord { metricsLog?.write(record) }
        snapshot_.state = .finished
        refreshStatistics()
        publish(force: true)
    }

    /// One epoch over the in-memory training rows, in a seeded permutation (or file order); false
    /// when the run was stopped before its end.
    private func trainEpoch(data: RunData, model: WideDeepModel) -> Bool {
        let batchSize = config.train.batchSize
        let threads = config.train.threads
        let order = config.train.shuffle ? generator.permutation(data.train.count) : (0..<Int32(data.train.count)).map { $0 }
        var start = resumeOffset
        resumeOffset = 0
        while start < order.count {
            guard waitForNextStep() else { return false }
            let end = min(order.count, start + batchSize)
            let began = Date()
            let loss = order.withUnsafeBufferPointer { all in
                model.trainStep(data.train, rows: UnsafeBufferPointer(rebasing: all[start..<end]), threads: threads)
            }
            let took = Date().timeIntervalSince(began)
            let count = end - start
            start = end
            epochOffset = end
            finishStep(count: count, took: took, loss: loss, moreInEpoch: start < order.count)
        }
        return true
    }

    /// Applies pending commands and waits while paused; false when a stop was asked for.
    func waitForNextStep() -> Bool {
        applyCommands()
        while paused && !stopRequested {
            publish(force: true)
            _ = wakeUp.wait(timeout: .now() + 0.1)
            applyCommands()
        }
        return !stopRequested
    }

    /// The bookkeeping after a minibatch of `count` examples that took `took` seconds and summed
    /// `loss`: counters, loss history, evaluations every `eval_every` examples (not on the
    /// epoch's last minibatch, which the epoch end evaluates), good states, checkpoints, publication.
    func finishStep(count: Int, took: Double, loss: Double, moreInEpoch: Bool) {
        snapshot_.trainingSeconds += took
        snapshot_.step += 1
        snapshot_.examplesSeen += count
        snapshot_.hasUnsavedProgress = true
        throughput.add(examples: count, seconds: took)
        snapshot_.examplesPerSecond = throughput.rate
        guard loss.isFinite else {
            diverge(cause: "training loss became \(loss) at step \(snapshot_.step)")
            return
        }
        let meanLoss = loss / Double(count)
        lossSinceRecord.sum += loss
        lossSinceRecord.count += count
        lossHistory.add(LossPoint(step: snapshot_.step, examples: snapshot_.examplesSeen, loss: meanLoss))
        if config.train.evalEvery > 0 && snapshot_.examplesSeen >= nextEvaluationAt && moreInEpoch {
            while nextEvaluationAt <= snapshot_.examplesSeen { nextEvaluationAt += config.train.evalEvery }
            evaluate(final: false)
        }
        let trainingSeconds = snapshot_.trainingSeconds
        if trainingSeconds - lastGoodStateTime >= options.goodStateInterval {
            keepGoodState(trainingSeconds: trainingSeconds)
        }
        if let every = options.checkpointEvery, snapshot_.examplesSeen - lastCheckpointExamples >= every {
            saveCheckpoint()
        }
        let now = seconds
        if now - lastStatistics >= options.statisticsInterval { refreshStatistics() }
        if now - lastPublish >= options.publishInterval { publish() }
    }

    // MARK: - Commands

    private func applyCommands() {
        drainSaves()
        // Scheduled commands go ahead of sent ones, in their given order, once per step (the
        // pause loop calls this repeatedly at one step).
        if scheduledQueuedForStep != snapshot_.step {
            scheduledQueuedForStep = snapshot_.step
            let due = options.scheduledCommands.filter { $0.step == snapshot_.step }.map(\.command)
            if !due.isEmpty { commands.withLock { $0.insert(contentsOf: due, at: 0) } }
        }
        let pending = commands.withLock { queue -> [TrainingCommand] in
            defer { queue.removeAll() }
            return queue
        }
        for command in pending { apply(command) }
    }

    func apply(_ command: TrainingCommand) {
        switch command {
        case .pause:
            guard snapshot_.state != .diverged, !paused else { return }
            paused = true
            snapshot_.state = .paused
            addEvent(.state, "paused")
        case .resume:
            guard paused else { return }
            guard snapshot_.state != .diverged else {
                addEvent(.info, "the run diverged: roll back (r) before resuming")
                return
            }
            paused = false
            snapshot_.state = .running
            addEvent(.state, "resumed")
        case .set(let parameter, let value):
            setHyperparameter(parameter, value)
        case .evaluateNow:
            evaluate(final: false)
        case .saveCheckpoint:
            saveCheckpoint()
        case .rollBack:
            rollBack()
        case .stop:
            stopRequested = true
        }
        publish(force: true)
    }

    private func setHyperparameter(_ parameter: Hyperparameter, _ value: Double) {
        guard let model else { return }
        if let message = parameter.validate(value) {
            addEvent(.error, "refused: \(message)")
            return
        }
        guard let old = parameter.value(in: model) else {
            addEvent(.error, "refused: \(parameter.label) needs \(parameter.requirement)")
            return
        }
        parameter.set(value, in: model)
        snapshot_.markers.append(RunMarker(examples: snapshot_.examplesSeen, step: snapshot_.step, kind: .hyperparameter))
        addEvent(.hyperparameter, "\(parameter.label) \(Self.format(old)) → \(Self.format(value))",
                 extra: ["parameter": parameter.rawValue, "from": old, "to": value])
    }

    static func format(_ value: Double) -> String {
        let text = String(format: "%.6g", value)
        return text
    }

    // MARK: - Divergence and rollback

    private func diverge(cause: String) {
        paused = true
        diverged = true
        snapshot_.state = .diverged
        snapshot_.stateDetail = cause
        if options.stopOnDivergence {
            stopRequested = true
            addEvent(.divergence, "diverged: \(cause); the run stops (nothing non-finite is saved)")
        } else {
            addEvent(.divergence, "diverged: \(cause); paused — press r to roll back")
        }
        publish(force: true)
    }

    private func keepGoodState(trainingSeconds: Double) {
        guard let model else { return }
        lastGoodStateTime = trainingSeconds
        let state = model.captureState()
        guard let bad = state.firstNonFiniteTensor else {
            lastGoodState = (state, snapshot_.step, snapshot_.examplesSeen)
            return
        }
        diverge(cause: "\(bad) holds NaN or infinite values at step \(snapshot_.step)")
    }

    private func rollBack() {
        guard let model else { return }
        guard let good = lastGoodState else {
            addEvent(.error, "no good state kept yet to roll back to")
            return
        }
        do {
            try model.restoreState(good.state)
        } catch {
            addEvent(.error, "rollback failed: \(error)")
            return
        }
        snapshot_.markers.append(RunMarker(examples: snapshot_.examplesSeen, step: snapshot_.step, kind: .rollback))
        diverged = false
        addEvent(.rollback, "rolled back to the state of step \(good.step); paused (hyperparameters kept as they are)")
        snapshot_.state = .paused
        snapshot_.stateDetail = nil
        paused = true
        refreshStatistics()
    }

    // MARK: - Evaluation, statistics, publication

    private func evaluate(final: Bool) {
        guard let data, let model else { return }
        let previous = snapshot_.state
        snapshot_.state = .evaluating
        publish(force: true)
        let logits = model.predictAll(data.valid, threads: config.train.threads)
        let metrics = BinaryMetrics.evaluate(logits: logits, labels: data.valid.labels)
        snapshot_.state = previous
        snapshot_.validation.append(ValidationPoint(step: snapshot_.step, epoch: snapshot_.epoch,
                                                    examples: snapshot_.examplesSeen, metrics: metrics))
        refreshStatistics()
        let trainLoss = lossSinceRecord.count > 0 ? lossSinceRecord.sum / Double(lossSinceRecord.count) : Double.nan
        lossSinceRecord = (0, 0)
        var record: [String: Any] = [
            "step": snapshot_.step, "epoch": snapshot_.epoch, "examples": snapshot_.examplesSeen,
            "seconds": seconds,
            "examples_per_sec": snapshot_.averageExamplesPerSecond,
            "train_logloss": trainLoss,
            "valid_logloss": metrics.logloss, "valid_auc": metrics.auc, "valid_accuracy": metrics.accuracy,
            "valid_mean_prediction": metrics.meanPrediction, "valid_positive_rate": metrics.positiveRate,
            "wide_nonzero": snapshot_.wide?.nonzero ?? 0, "wide_touched": snapshot_.wide?.touched ?? 0,
            "wide_total": snapshot_.wide?.total ?? 0, "skipped_rows": snapshot_.skippedRows,
        ]
        for value in snapshot_.hyperparameters { record[value.parameter.rawValue] = value.value }
        if final {
            // Written after the final checkpoint's event, so that it is the log's last object.
            record["final"] = true
            pendingFinalRecord = record
        } else {
            metricsLog?.write(record)
        }
        onRecord?(.evaluation(record: RunRecord.Evaluation(step: snapshot_.step, epoch: snapshot_.epoch,
                                                           examples: snapshot_.examplesSeen, seconds: seconds,
                                                           trainLoss: trainLoss, metrics: metrics, final: final,
                                                           examplesPerSecond: record["examples_per_sec"] as? Double ?? 0)))
        addEvent(.evaluation, String(format: "eval: AUC %.4f, logloss %.4f, accuracy %.4f", metrics.auc, metrics.logloss, metrics.accuracy),
                 log: false)
        publish(force: true)
    }

    private func refreshStatistics() {
        guard let model, let data else { return }
        lastStatistics = seconds
        if let wide = model.wide {
            let stats = wide.statistics(groupNames: data.layout.wideGroupNames)
            let sparsity = stats.touched == 0 ? 0 : 1 - Double(stats.nonzero) / Double(stats.touched)
            sparsityHistory.append(sparsity)
            if sparsityHistory.count > 512 { sparsityHistory.removeFirst(sparsityHistory.count - 512) }
            snapshot_.wide = WideStatistics(nonzero: stats.nonzero, touched: stats.touched, total: wide.size,
                                            groups: stats.groups, sparsityHistory: sparsityHistory, bias: Double(wide.bias))
        }
        snapshot_.embeddings = model.tables.map { $0.statistics() }
        snapshot_.dense = model.denseStatistics()
        snapshot_.statisticsStep = snapshot_.step
        snapshot_.hyperparameters = currentHyperparameters()
    }

    func currentHyperparameters() -> [HyperparameterValue] {
        guard let model else { return [] }
        return Hyperparameter.allCases.compactMap { p in p.value(in: model).map { HyperparameterValue(parameter: p, value: $0) } }
    }

    /// Events the snapshot keeps.
    static let eventCapacity = 200

    func addEvent(_ kind: RunEvent.Kind, _ message: String, extra: [String: Any] = [:], log: Bool = true) {
        let event = RunEvent(step: snapshot_.step, seconds: seconds, kind: kind, message: message)
        snapshot_.events.append(event)
        if snapshot_.events.count > Self.eventCapacity {
            // Evaluations give way first: a fast run makes several a second and their numbers
            // stay in the validation curve, while a change, a save or a rollback should stay listed.
            if let oldest = snapshot_.events.firstIndex(where: { $0.kind == .evaluation }) {
                snapshot_.events.remove(at: oldest)
            } else {
                snapshot_.events.removeFirst()
            }
        }
        if log {
            var record: [String: Any] = ["event": kind.rawValue, "message": message, "step": snapshot_.step,
                                         "epoch": snapshot_.epoch, "examples": snapshot_.examplesSeen, "seconds": seconds]
            record.merge(extra) { a, _ in a }
            metricsLog?.write(record)
        }
        onRecord?(.event(event))
    }

    func publish(force: Bool = false) {
        let now = seconds
        guard force || now - lastPublish >= options.publishInterval else { return }
        lastPublish = now
        snapshot_.elapsedSeconds = now
        snapshot_.trainLoss = lossHistory.points
        snapshot_.hyperparameters = currentHyperparameters()
        var copy = snapshot_
        if savesInFlight > 0 && copy.state == .running { copy.state = .saving }
        published.withLock { $0 = copy }
    }
}
