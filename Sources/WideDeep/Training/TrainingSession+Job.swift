/// What a session does differently as one rank of a data-parallel job (`SessionOptions.communicator`
/// with more than one rank): every rank runs the same session in lockstep, rank 0 speaks for the
/// job (commands, metrics log, checkpoints, output), and every decision that ends or pauses the
/// run is shared so that no rank is left waiting in a collective.
extension TrainingSession {
    /// The job's communicator, when there is more than one rank.
    var job: Communicator? { exchange?.communicator }

    /// Processes training together (1 for a single process).
    var ranks: Int { job?.size ?? 1 }

    /// The rank that writes the metrics log and checkpoints (a single process is its own).
    var isPrimary: Bool { (job?.rank ?? 0) == 0 }

    /// This step's commands: rank 0's, broadcast so every rank applies them at the same step.
    func jobCommands(_ local: [TrainingCommand]) -> [TrainingCommand] {
        guard let job else { return local }
        return TrainingCommand.decode(job.broadcast(TrainingCommand.encode(local)))
    }

    /// Shares a divergence or a stop found on one rank (a non-finite state it checked) with all,
    /// before the next step's exchange.
    func shareStopAndDivergence() {
        guard let job else { return }
        var flags: [Double] = [diverged ? 1 : 0, stopRequested ? 1 : 0]
        flags.withUnsafeMutableBufferPointer { job.sum($0) }
        if flags[0] > 0 && !diverged { diverge(cause: "another rank of the job found non-finite values at step \(progress.step)") }
        if flags[1] > 0 { stopRequested = true }
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

    /// At the end of a job: compares every rank's checksum of its whole state (parameters and
    /// optimizer state); the replicas must be bit-identical.
    func checkReplicas() {
        guard let job, let model else { return }
        let sums = job.gather([model.captureState().checksum]).values
        let text = String(sums[0], radix: 16)
        if sums.allSatisfy({ $0 == sums[0] }) {
            note(.info, "replicas identical on \(job.size) ranks (state checksum \(text))")
        } else {
            note(.error, "replicas differ: state checksums \(sums.map { String($0, radix: 16) }.joined(separator: " "))")
        }
    }
}

extension ModelState {
    /// FNV-1a over every tensor's name and bits, in name order: equal states, equal sums.
    var checksum: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ word: UInt64) { hash = (hash ^ word) &* 0x0000_0100_0000_01b3 }
        func mix(_ name: String) { for byte in name.utf8 { mix(UInt64(byte)) } }
        for name in floats.keys.sorted() {
            mix(name)
            for value in floats[name]! { mix(UInt64(value.bitPattern)) }
        }
        for name in uint16.keys.sorted() {
            mix(name)
            for value in uint16[name]! { mix(UInt64(value)) }
        }
        for name in uint8.keys.sorted() {
            mix(name)
            for value in uint8[name]! { mix(UInt64(value)) }
        }
        mix(UInt64(deepOptimizerSteps))
        return hash
    }
}

/// Why a data-parallel job cannot run as asked.
public struct JobError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
