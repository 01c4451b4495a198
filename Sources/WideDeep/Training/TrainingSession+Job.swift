/// What a session does differently as one rank of a data-parallel job (`SessionOptions.communicator`
/// with more than one rank): every rank runs the same session in lockstep, rank 0 speaks for the
/// job (commands, metrics log, checkpoints, output), and every decision that ends or pauses the
/// run is the job's (rank 0's commands; the job's summed loss, non-finite when any rank's is), so
/// that no rank is left waiting in a collective. A job keeps no rollback state (it runs headless,
/// stopping at a divergence), so no rank finds a divergence on its own.
extension TrainingSession {
    /// The job's communicator, when there is more than one rank.
    var job: Communicator? { exchange?.communicator }

    /// Processes training together (1 for a single process).
    var ranks: Int { job?.size ?? 1 }

    /// The rank that writes the metrics log and checkpoints (a single process is its own).
    var isPrimary: Bool { (job?.rank ?? 0) == 0 }

    /// Says how the job trains; with periodic averaging, starts logging each step's updates.
    func noteJob() {
        guard let exchange, let model else { return }
        let batch = config.train.batchSize
        let mode = exchange.syncEvery == 1
            ? "gradients exchanged every step: one model trained with minibatches of \(batch * ranks)"
            : "each rank trains alone on minibatches of \(batch), replicas averaged every \(exchange.syncEvery) steps"
        note(.info, "data-parallel job of \(ranks) ranks; \(mode)")
        if exchange.syncEvery > 1 { model.logUpdates() }
    }

    /// This step's commands: rank 0's, broadcast so every rank applies them at the same step.
    func jobCommands(_ local: [TrainingCommand]) -> [TrainingCommand] {
        guard let job else { return local }
        return TrainingCommand.decode(job.broadcast(TrainingCommand.encode(local)))
    }

    /// The logits of every validation row: each rank scores its share, gathered in row order.
    func validationLogits(_ model: WideDeepModel, _ valid: EncodedDataset) -> [Float] {
        guard let job else { return model.predictAll(valid, threads: config.train.threads) }
        let share = job.share(of: valid.count)
        let rows = share.map { Int32($0) }
        var logits = [Float](repeating: 0, count: rows.count)
        rows.withUnsafeBufferPointer { rows in
            logits.withUnsafeMutableBufferPointer { logits in
                for start in stride(from: 0, to: rows.count, by: 1024) {
                    let end = min(rows.count, start + 1024)
                    model.predict(valid, rows: UnsafeBufferPointer(rebasing: rows[start..<end]),
                                  into: logits.baseAddress! + start, threads: config.train.threads)
                }
            }
        }
        return job.gather(logits).values
    }

    /// At the end of a job: compares every rank's checksums of its whole state (parameters and
    /// optimizer state, tensor by tensor); the replicas must be bit-identical.
    func checkReplicas() {
        guard let job, let model else { return }
        let state = model.captureState()
        let names = state.tensorNames
        let sums = job.gather(names.map { state.checksum(of: $0) }).values
        let differing = names.indices.filter { t in (1..<job.size).contains { sums[$0 * names.count + t] != sums[t] } }
        if differing.isEmpty {
            note(.info, "replicas identical on \(job.size) ranks (state checksum \(String(state.checksum, radix: 16)))")
        } else {
            note(.error, "replicas differ in \(differing.map { names[$0] }.joined(separator: ", "))")
        }
    }
}

extension ModelState {
    /// Every tensor's name, in order, and the optimizer's step count (`steps`).
    var tensorNames: [String] { floats.keys.sorted() + uint16.keys.sorted() + uint8.keys.sorted() + ["steps"] }

    /// FNV-1a over every tensor's name and bits, in name order: equal states, equal sums.
    var checksum: UInt64 {
        var hash = Self.fnvOffset
        for name in tensorNames { Self.mix(&hash, checksum(of: name)) }
        return hash
    }

    /// FNV-1a over one tensor's bits (`steps`: the optimizer's step count).
    func checksum(of name: String) -> UInt64 {
        var hash = Self.fnvOffset
        for byte in name.utf8 { Self.mix(&hash, UInt64(byte)) }
        if let values = floats[name] { for v in values { Self.mix(&hash, UInt64(v.bitPattern)) } }
        if let values = uint16[name] { for v in values { Self.mix(&hash, UInt64(v)) } }
        if let values = uint8[name] { for v in values { Self.mix(&hash, UInt64(v)) } }
        if name == "steps" { Self.mix(&hash, UInt64(deepOptimizerSteps)) }
        return hash
    }

    private static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325

    private static func mix(_ hash: inout UInt64, _ word: UInt64) { hash = (hash ^ word) &* 0x0000_0100_0000_01b3 }
}

/// Why a data-parallel job cannot run as asked.
public struct JobError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
