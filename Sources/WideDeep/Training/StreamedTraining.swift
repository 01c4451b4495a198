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
    private var firstError: DataError?

    init(plan: TrainingStreamPlan) { self.plan = plan }

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
        if firstError == nil { firstError = errors.first }
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

    /// The malformed rows found by the first pass (`partial`: so far, the pass was stopped).
    func skippedRowsMessage(partial: Bool) -> String? {
        guard !firstPassDone || !partial, skippedRows > 0 else { return nil }
        let first = firstError.map { "; first: \($0)" } ?? ""
        let when = partial ? " so far (the pass was stopped)" : ""
        return "skipped \(skippedRows) malformed rows\(when)\(first)"
    }
}
