/// What a session does differently as one rank of a data-parallel job (`SessionOptions.communicator`
/// with more than one rank): every rank runs the same session in lockstep, rank 0 speaks for the
/// job (commands, metrics log, checkpoints, output), and every decision that ends or pauses the
/// run is the job's (rank 0's commands; the job's summed loss, non-finite when any rank's is), so
/// that no rank is left waiting in a collective. A job keeps no rollback state (it runs headless,
/// stopping at a divergence), so no rank finds a divergence on its own.
struct DataParallelJob {
    /// The exchange of gradients (or of replicas, with periodic averaging) between the ranks.
    let exchange: GradientExchange

    /// nil for a single process (no communicator, or one of a single rank).
    init?(communicator: Communicator?, syncEvery: Int) {
        guard let communicator, communicator.size > 1 else { return nil }
        exchange = GradientExchange(communicator: communicator, syncEvery: syncEvery)
    }

    var communicator: Communicator { exchange.communicator }
    var ranks: Int { communicator.size }
    var isPrimary: Bool { communicator.rank == 0 }

    /// How the job trains, for the event log.
    func description(batch: Int) -> String {
        let mode = exchange.syncEvery == 1
            ? "gradients exchanged every step: one model trained with minibatches of \(batch * ranks)"
            : "each rank trains alone on minibatches of \(batch), replicas averaged every \(exchange.syncEvery) steps"
        return "data-parallel job of \(ranks) ranks; \(mode)"
    }

    /// This step's commands: rank 0's, broadcast so every rank applies them at the same step
    /// (only rank 0, which logs them, keeps who sent them).
    func commands(_ local: [CommandInbox.Entry]) -> [CommandInbox.Entry] {
        let sent = communicator.broadcast(TrainingCommand.encode(local.map(\.command)))
        return isPrimary ? local : TrainingCommand.decode(sent).map { ($0, nil) }
    }

    /// The logits of every validation row: each rank scores its share, gathered in row order.
    func validationLogits(_ model: WideDeepModel, _ valid: EncodedDataset, threads: Int) -> [Float] {
        let rows = communicator.share(of: valid.count).map { Int32($0) }
        var logits = [Float](repeating: 0, count: rows.count)
        rows.withUnsafeBufferPointer { rows in
            logits.withUnsafeMutableBufferPointer { logits in
                for start in stride(from: 0, to: rows.count, by: 1024) {
                    let end = min(rows.count, start + 1024)
                    model.predict(valid, rows: UnsafeBufferPointer(rebasing: rows[start..<end]),
                                  into: logits.baseAddress! + start, threads: threads)
                }
            }
        }
        return communicator.gather(logits).values
    }

    /// At the end of a job: compares every rank's checksums of its whole state (parameters and
    /// optimizer state, tensor by tensor); the replicas must be bit-identical. Returns the event
    /// that says so.
    func checkReplicas(of model: WideDeepModel) -> (kind: RunEvent.Kind, message: String) {
        let state = model.captureState()
        let names = state.tensorNames
        let sums = communicator.gather(names.map { state.checksum(of: $0) }).values
        let differing = names.indices.filter { t in (1..<ranks).contains { sums[$0 * names.count + t] != sums[t] } }
        guard differing.isEmpty else { return (.error, "replicas differ in \(differing.map { names[$0] }.joined(separator: ", "))") }
        return (.info, "replicas identical on \(ranks) ranks (state checksum \(String(state.checksum, radix: 16)))")
    }
}
