import Foundation

extension TrainingSession {
    /// A checkpoint write that has ended, waiting to be reported on the training queue.
    struct CompletedSave: Sendable {
        /// nil for a step checkpoint (subject to `--keep`).
        var name: String?
        var step: Int
        var examples: Int
        /// The file written, or nil when the save failed.
        var path: String?
        var error: String?
    }

    /// Copies the state (on the training queue, between minibatches) and writes it on the save
    /// queue, so training goes on while the file is written. At most one write is in flight: a
    /// save asked for while one is still writing first waits for it, which bounds memory to one
    /// extra copy of the state and keeps the steps that get checkpoints the same in every run.
    func saveCheckpoint(name: String? = nil) {
        guard let model, let data else { return }
        guard let directory = options.checkpointDirectory else {
            addEvent(.error, "cannot save: no checkpoint folder (start with --checkpoint-dir DIR)")
            return
        }
        if savesInFlight > 0 { finishSaves() }
        let state = model.captureState()
        if let bad = state.firstNonFiniteTensor {
            addEvent(.error, "checkpoint refused: \(bad) holds NaN or infinite values")
            return
        }
        let request = CheckpointRequest(directory: directory, name: name ?? "step-\(snapshot_.step)", state: state,
                                        layout: data.layout, config: config, step: snapshot_.step,
                                        epoch: snapshot_.epoch, examples: snapshot_.examplesSeen,
                                        generator: generator,
                                        position: DataPosition(epochOffset: epochOffset, epochStartGenerator: epochStartGenerator),
                                        hyperparameters: currentHyperparameters(),
                                        events: snapshot_.events, wideNames: data.train.wideNames)
        lastCheckpointExamples = snapshot_.examplesSeen
        savesInFlight += 1
        savesPending.enter()
        let write = checkpointer
        let pending = CompletedSave(name: name, step: snapshot_.step, examples: snapshot_.examplesSeen)
        saveQueue.async { [self] in
            var done = pending
            do {
                done.path = try write(request)
            } catch {
                done.error = "\(error)"
            }
            completedSaves.withLock { $0.append(done) }
            wakeUp.signal()
            savesPending.leave()
        }
        publish(force: true)
    }

    /// Reports finished saves: events, markers, the saved count, `--keep` pruning.
    func drainSaves() {
        let done = completedSaves.withLock { list -> [CompletedSave] in
            defer { list.removeAll() }
            return list
        }
        guard !done.isEmpty else { return }
        for save in done {
            savesInFlight -= 1
            guard let path = save.path else {
                addEvent(.error, "checkpoint failed: \(save.error ?? "unknown error")")
                continue
            }
            if save.name == nil { pruneStepCheckpoints(adding: path) }
            snapshot_.checkpointsSaved += 1
            snapshot_.hasUnsavedProgress = snapshot_.examplesSeen > save.examples
            snapshot_.markers.append(RunMarker(examples: save.examples, step: save.step, kind: .checkpoint))
            addEvent(.checkpoint, "checkpoint saved to \(path)", extra: ["path": path, "saved_step": save.step])
        }
        publish(force: true)
    }

    /// Waits until every save has ended, then reports them.
    func finishSaves() {
        savesPending.wait()
        drainSaves()
    }

    /// Keeps the newest `options.keep` step checkpoints of this run, deleting older ones.
    func pruneStepCheckpoints(adding path: String) {
        savedStepFiles.append(path)
        guard let keep = options.keep, savedStepFiles.count > keep else { return }
        for old in savedStepFiles.prefix(savedStepFiles.count - keep) {
            try? FileManager.default.removeItem(atPath: old)
        }
        savedStepFiles.removeFirst(savedStepFiles.count - keep)
    }
}
