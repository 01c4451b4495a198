import Foundation

/// What the passes of a streamed run over its training file have found in this session.
struct StreamPassReport: Sendable {
    /// A whole pass has been made: the row count and the malformed rows are known exactly.
    var firstPassDone = false
    /// Rows trained in the current pass.
    var rows = 0
    /// Malformed training rows found in the first pass, and the first of their errors.
    var skippedRows = 0
    var firstError: DataError?
}

/// The streamed run (`SessionOptions.stream`): each epoch is one pass over the training file,
/// read on its own thread while the model trains (see `TrainingStream`).
extension TrainingSession {
    func loadStreamed(_ stream: StreamOptions, layout: FeatureLayout?,
                      progress: @escaping @Sendable (RunData.Phase, LoadingProgress) -> Void) throws {
        let (loaded, plan) = try RunData.loadStreaming(config: config, options: stream, threads: config.train.threads,
                                                       layout: layout, progress: progress)
        data = loaded
        streamPlan = plan
        snapshot_.loading = LoadingProgress(file: plan.path, rowsRead: plan.fittedRows, rowsSkipped: 0, fraction: 1)
        snapshot_.skippedRows = loaded.validSkipped
        let rows = plan.rowsAreEstimate ? "~\(plan.rows)" : "\(plan.rows)"
        snapshot_.dataDescription = "\(URL(fileURLWithPath: plan.path).lastPathComponent) "
            + "\(rows) train (streamed) / \(loaded.valid.count) valid rows"
        if loaded.validSkipped > 0 {
            let first = loaded.errors.first.map { "; first: \($0)" } ?? ""
            addEvent(.skippedRows, "skipped \(loaded.validSkipped) malformed validation rows\(first)")
        }
    }

    /// Once the model is ready (and a checkpoint applied): the totals, and events saying what was
    /// fitted on what and where a resumed epoch starts.
    func streamLoaded(_ plan: TrainingStreamPlan, resumedOffset: Int) {
        setStreamTotals(rows: plan.rows, estimate: plan.rowsAreEstimate)
        let validRows = data?.valid.count ?? 0
        addEvent(.info, "\(plan.description); \(validRows) validation rows in memory (\(data?.validDescription ?? ""))")
        if resumedOffset > 0 {
            // A position inside a streamed pass is not kept: the epoch is trained from its start.
            addEvent(.info, "resuming a streamed run restarts epoch \(snapshot_.epoch + 1) from the beginning of the file: "
                + "its first \(resumedOffset) examples are trained again")
        }
        resumeOffset = 0
    }

    /// Examples the run will have seen at its end: these plus `rows` per epoch left (the current
    /// one counted whole).
    private func setStreamTotals(rows: Int, estimate: Bool) {
        snapshot_.totalExamples = snapshot_.examplesSeen + rows * max(0, config.train.epochs - snapshot_.epoch)
        snapshot_.totalExamplesIsEstimate = estimate
    }

    /// One pass over the training file; false when the run was stopped before its end. Minibatch
    /// boundaries do not depend on how the file is cut into chunks (`MinibatchCursor`). Training
    /// time includes waiting for the reader, so examples/s is the pipeline's rate.
    func trainStreamedEpoch(model: WideDeepModel, layout: FeatureLayout) throws -> Bool {
        guard let plan = streamPlan else { return false }
        let threads = config.train.threads
        let seed = plan.options.shuffleBuffer > 0 ? generator.next() : nil
        let stream = TrainingStream(plan: plan, encoder: FeatureEncoder(layout: layout), threads: threads, shuffleSeed: seed)
        stream.start()
        defer { stream.stop() }
        var cursor = MinibatchCursor(batchSize: config.train.batchSize) { try stream.next() }
        var identity: [Int32] = []
        var began = Date()
        try cursor.prime()
        var waited = Date().timeIntervalSince(began)
        resumeOffset = 0
        epochOffset = 0
        streamPass.rows = 0
        while cursor.hasMore {
            guard waitForNextStep() else {
                collectSkipped(&cursor)
                reportSkippedRows(partial: true)
                return false
            }
            began = Date()
            guard let batch = try cursor.next() else { break }
            collectSkipped(&cursor)
            if identity.count < batch.rows.upperBound {
                identity = (0..<Int32(max(batch.rows.upperBound, identity.count * 2))).map { $0 }
            }
            let loss = identity.withUnsafeBufferPointer { all in
                model.trainStep(batch.data, rows: UnsafeBufferPointer(rebasing: all[batch.rows]), threads: threads)
            }
            let took = Date().timeIntervalSince(began) + waited
            waited = 0
            streamPass.rows += batch.rows.count
            epochOffset = streamPass.rows
            finishStep(count: batch.rows.count, took: took, loss: loss, moreInEpoch: cursor.hasMore)
        }
        collectSkipped(&cursor)
        return true
    }

    /// At the end of a pass (the epoch counter already advanced): the first one fixes the row
    /// count and reports the malformed rows.
    func streamEpochEnded() {
        guard !streamPass.firstPassDone, let plan = streamPlan else { return }
        streamPass.firstPassDone = true
        if plan.rowsAreEstimate {
            addEvent(.info, "first pass over \(plan.path): \(streamPass.rows) training rows (estimated ~\(plan.rows))")
        }
        setStreamTotals(rows: streamPass.rows, estimate: false)
        reportSkippedRows(partial: false)
    }

    private func collectSkipped(_ cursor: inout MinibatchCursor) {
        let (rows, errors) = cursor.takeSkipped()
        guard !streamPass.firstPassDone, rows > 0 else { return }
        streamPass.skippedRows += rows
        snapshot_.skippedRows += rows
        if streamPass.firstError == nil { streamPass.firstError = errors.first }
    }

    private func reportSkippedRows(partial: Bool) {
        guard !streamPass.firstPassDone || !partial, streamPass.skippedRows > 0 else { return }
        let first = streamPass.firstError.map { "; first: \($0)" } ?? ""
        let when = partial ? " so far (the pass was stopped)" : ""
        addEvent(.skippedRows, "skipped \(streamPass.skippedRows) malformed rows\(when)\(first)")
    }
}
