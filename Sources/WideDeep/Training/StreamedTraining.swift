/// A streamed run's training file (`SessionOptions.stream`): makes each epoch's pass and keeps
/// what the passes have found — the row count once a whole pass is made, and the malformed rows
/// of the first pass (later passes read the same rows, so they are counted once).
struct StreamedTraining {
    let plan: TrainingStreamPlan
    /// A whole pass has been made: the row count and the malformed rows are known exactly.
    private(set) var firstPassDone = false
    /// Rows trained in the current pass.
    private var rows = 0
    /// Malformed training rows found in the first pass, and the first of their errors.
    private(set) var skippedRows = 0
    /// The first three of their errors.
    private(set) var firstErrors: [DataError] = []
    private var firstError: DataError? { firstErrors.first }
    /// How many malformed rows the first pass may find before the run stops (`data.max_skipped`).
    let skipLimit: SkippedRowsLimit

    init(plan: TrainingStreamPlan, skipLimit: SkippedRowsLimit = .default) {
        self.plan = plan
        self.skipLimit = skipLimit
    }

    /// Training rows per pass, and whether that is still an estimate.
    var rowsPerPass: (rows: Int, estimate: Bool) { firstPassDone ? (rows, false) : (plan.rows, plan.rowsAreEstimate) }

    /// This epoch's pass, its shuffle seed drawn from `generator` when the plan has a shuffle buffer.
    mutating func makeEpoch(layout: FeatureLayout, batchSize: Int, threads: Int,
                            generator: inout SeededGenerator, communicator: Communicator?) -> StreamedEpoch {
        rows = 0
        let seed = plan.options.shuffleBuffer > 0 ? generator.next() : nil
        return StreamedEpoch(plan: plan, layout: layout, batchSize: batchSize, threads: threads, shuffleSeed: seed,
                             communicator: communicator)
    }

    /// Counts a trained minibatch and the rows the reader skipped since the last call; returns the
    /// number of newly found malformed rows (first pass only).
    mutating func collect(from epoch: StreamedEpoch, trained: Int) -> Int {
        rows += trained
        let (skipped, errors) = epoch.takeSkipped()
        guard !firstPassDone, skipped > 0 else { return 0 }
        skippedRows += skipped
        firstErrors += errors.prefix(max(0, 3 - firstErrors.count))
        return skipped
    }

    /// At the end of a pass: the first one fixes the row count. Returns what to report, nil after
    /// a later pass.
    mutating func endPass() -> [(kind: RunEvent.Kind, message: String)]? {
        guard !firstPassDone else { return nil }
        firstPassDone = true
        var events: [(kind: RunEvent.Kind, message: String)] = []
        if plan.rowsAreEstimate {
            events.append((.info, "first pass over \(plan.path): \(rows) training rows (estimated ~\(plan.rows))"))
        }
        if let skipped = skippedRowsMessage(partial: false) { events.append((.skippedRows, skipped)) }
        return events
    }

    /// The error that stops the run when the first pass loses more rows than `skipLimit` allows:
    /// during the pass as soon as the count alone is over a count limit, at its end (`passEnded`,
    /// after `endPass`) once the share is known.
    func skippedRowsError(passEnded: Bool) -> DataError? {
        guard skippedRows > 0 else { return nil }
        // Both counts are the job's (a step's examples, the summed skipped rows): every rank decides alike.
        let over = passEnded ? skipLimit.isExceeded(skipped: skippedRows, rows: rows + skippedRows)
            : !firstPassDone && skipLimit.isExceededAlready(skipped: skippedRows)
        guard over else { return nil }
        return DataError(file: plan.path, SkippedRowsLimit.message(skipped: skippedRows, rows: rows + skippedRows, errors: firstErrors,
                                                                   limit: skipLimit, flag: "--max-skipped", soFar: !passEnded))
    }

    /// The malformed rows found by the first pass (`partial`: so far, the pass was stopped).
    func skippedRowsMessage(partial: Bool) -> String? {
        guard !firstPassDone || !partial, skippedRows > 0 else { return nil }
        let first = firstError.map { "; first: \($0)" } ?? ""
        let when = partial ? " so far (the pass was stopped)" : ""
        return "skipped \(skippedRows) malformed rows\(when)\(first)"
    }
}
