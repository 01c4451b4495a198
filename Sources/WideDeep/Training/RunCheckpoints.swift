import Foundation

/// The run's checkpoints: step checkpoints every `--checkpoint-every` examples, the ones asked
/// for, `best.safetensors` and `final`; hands each to the `CheckpointWriter` (its own queue) and
/// reports the writes that ended — events, markers, the saved count. On the training queue.
final class RunCheckpoints {
    static let bestName = "best"

    private let run: TrainingRun
    private let job: DataParallelJob?
    private let directory: String?
    private let every: Int?
    private var lastStepCheckpointExamples = 0
    /// A best model waiting for the writer (`best.safetensors`), with its record.
    private var pendingBest: (state: ModelState, progress: RunProgress, record: CheckpointMetadata.Best?)?

    init(run: TrainingRun, job: DataParallelJob?, options: SessionOptions) {
        self.run = run
        self.job = job
        directory = options.checkpointDirectory
        every = options.checkpointEvery
    }

    /// The run has a folder to save to.
    var enabled: Bool { directory != nil }

    /// Where the best model is saved (`best.safetensors`), when the run saves.
    var bestPath: String? {
        directory.map { URL(fileURLWithPath: $0).appendingPathComponent("\(Self.bestName).safetensors").path }
    }

    /// Counts step checkpoints from where the run starts (a resumed run's examples).
    func start(at examples: Int) { lastStepCheckpointExamples = examples }

    /// Whether a step checkpoint is due, `--checkpoint-every` examples after the last one.
    var isDue: Bool {
        guard let every else { return false }
        return run.progress.examples - lastStepCheckpointExamples >= every
    }

    /// Copies the state and hands it to the writer; `name` nil makes a step checkpoint. `state`
    /// and `at` save a state copied earlier (the best one) with the progress it belongs to and
    /// `record`, the best as of that state, instead of the model as it is now. Returns why a checkpoint named `name` was not saved,
    /// when that is known at once. In a job, rank 0 saves (the replicas are averaged first when
    /// they train apart).
    @discardableResult
    func save(name: String? = nil, state given: ModelState? = nil, at position: RunProgress? = nil,
              record: CheckpointMetadata.Best? = nil) -> String? {
        guard let model = run.model, let data = run.data else { return "the run has no model" }
        job?.exchange.averageReplicas(of: model, now: true)
        guard job?.isPrimary ?? true else {
            if name == nil { lastStepCheckpointExamples = run.progress.examples }
            return nil
        }
        guard let directory else {
            run.note(.error, "cannot save: the run has no checkpoint folder")
            return "the run has no checkpoint folder"
        }
        let state = given ?? model.captureState()
        if let bad = state.firstNonFiniteTensor {
            run.note(.error, "checkpoint refused: \(bad) holds NaN or infinite values")
            return "\(bad) holds NaN or infinite values"
        }
        let at = position ?? run.progress
        let request = CheckpointRequest(directory: directory, name: name ?? "step-\(at.step)", state: state,
                                        layout: data.layout, config: run.config, step: at.step,
                                        epoch: at.epoch, examples: at.examples,
                                        generator: at.generator, position: at.position,
                                        hyperparameters: run.currentHyperparameters(),
                                        events: run.events.events, wideNames: data.train.wideNames,
                                        best: given == nil ? run.bestRecord : record, runID: run.runID)
        if name == nil { lastStepCheckpointExamples = run.progress.examples }
        let failure = report(run.writer.submit(request, named: name))
        run.publish(force: true)
        return failure
    }

    /// Reports the writes that ended since the last call; writes a best model waiting for its
    /// turn once no write is in flight.
    func collect() {
        report(run.writer.takeCompleted())
        if run.writer.inFlight == 0 { savePendingBest() }
    }

    /// Waits for every write in flight and reports them; returns the error of a failed final
    /// checkpoint, if one is among them.
    @discardableResult
    func waitForAll() -> String? { report(run.writer.waitForAll()) }

    /// Reports ended writes: events, markers, the saved count. Returns the error of a failed final
    /// checkpoint, if one is among them.
    @discardableResult
    private func report(_ saves: [CheckpointWriter.Completed]) -> String? {
        guard !saves.isEmpty else { return nil }
        var finalFailure: String?
        for save in saves {
            guard let path = save.path else {
                run.note(.error, "checkpoint \(save.name ?? "step-\(save.step)") failed: \(save.error ?? "unknown error")")
                if save.name == "final" { finalFailure = save.error ?? "unknown error" }
                continue
            }
            if save.name == Self.bestName {
                // The best model: not the run's progress, so neither counted nor marked.
                run.draft.bestCheckpoint = path
                run.draft.bestCheckpointStep = save.step
                run.note(.checkpoint, "best model (step \(save.step)) saved to \(path)", detail: .checkpoint(path: path, step: save.step))
                continue
            }
            run.draft.checkpointsSaved += 1
            run.draft.hasUnsavedProgress = run.progress.examples > save.examples
            run.draft.markers.append(RunMarker(examples: save.examples, step: save.step, kind: .checkpoint))
            run.note(.checkpoint, "checkpoint saved to \(path)", detail: .checkpoint(path: path, step: save.step))
        }
        run.publish(force: true)
        return finalFailure
    }

    /// Saves a new best model as `best.safetensors`. One found while another checkpoint is being
    /// written waits in memory (a newer best replaces it), so training never waits for the writer
    /// on its account.
    func saveBest(_ state: ModelState, progress: RunProgress, record: CheckpointMetadata.Best?) {
        guard enabled else { return }
        pendingBest = (state, progress, record)
        if run.writer.inFlight == 0 { savePendingBest() }
    }

    /// Writes the best model waiting in memory, if any.
    func savePendingBest() {
        guard let (state, at, record) = pendingBest else { return }
        pendingBest = nil
        save(name: Self.bestName, state: state, at: at, record: record)
    }
}
