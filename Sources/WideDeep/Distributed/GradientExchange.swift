import Dispatch

/// The seam of a data-parallel training step, between "gradients ready" and "apply": every rank
/// hands in its minibatch's gradients and gets back the job's, so each applies the same update
/// and the replicas never drift. Dense gradients are summed (allreduce); the sparse ones (the
/// wide coordinates and embedding rows a minibatch touched) travel as (id, gradient) pairs
/// gathered in rank order and summed per id by every rank alike. A single process has no
/// exchange and keeps its fused step.
final class GradientExchange {
    let communicator: Communicator
    /// Bytes this rank has contributed, by kind, and the steps they were counted over.
    private(set) var traffic = ExchangeTraffic()
    /// The dense gradients of a step, packed for one allreduce (reused).
    private var denseGradients: [Float] = []

    /// Steps each rank trains alone between averages of the replicas (`--sync-every`); 1 is the
    /// exact exchange of every step's gradients.
    let syncEvery: Int
    /// Steps trained alone since the replicas were last averaged.
    var stepsSinceAverage = 0

    init(communicator: Communicator, syncEvery: Int = 1) {
        self.communicator = communicator
        self.syncEvery = max(1, syncEvery)
    }

    /// Runs a collective, counting its wall time (waiting for the slowest rank included).
    private func timed<T>(_ body: () -> T) -> T {
        let began = DispatchTime.now().uptimeNanoseconds
        defer { traffic.seconds += Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9 }
        return body()
    }

    /// Counts a training step.
    func countStep() { traffic.steps += 1 }

    /// With periodic averaging: averages the replicas once `syncEvery` steps have passed since the
    /// last average, or `now` (before an evaluation, a checkpoint, the end) if any step has.
    func averageReplicas(of model: WideDeepModel, now: Bool = false) {
        guard syncEvery > 1, stepsSinceAverage > 0, now || stepsSinceAverage >= syncEvery else { return }
        ReplicaAveraging(model: model, exchange: self).run()
        stepsSinceAverage = 0
    }

    /// Sums the dense tensors' gradients (the layers' weights and biases, as the parameter table
    /// lists them) over the ranks, in place: packed into one buffer for one allreduce. (MPI's
    /// nonblocking allreduce, overlapped with the step's sparse work, was measured slower: its
    /// progress calls cost 0.8 ms a step against 0.27 ms for the whole blocking exchange, on 2
    /// ranks over shared memory.)
    func sumDense(of parameters: ParameterTable) {
        let gradients = parameters.entries.compactMap { entry -> UnsafeMutableBufferPointer<Float>? in
            guard case .dense = entry.part else { return nil }
            return entry.gradientBuffer?()
        }
        let total = gradients.reduce(0) { $0 + $1.count }
        if denseGradients.count != total { denseGradients = [Float](repeating: 0, count: total) }
        denseGradients.withUnsafeMutableBufferPointer { packed in
            var at = 0
            for gradient in gradients {
                _ = UnsafeMutableBufferPointer(rebasing: packed[at..<(at + gradient.count)]).update(fromContentsOf: gradient)
                at += gradient.count
            }
            traffic.denseBytes += total * MemoryLayout<Float>.size
            timed { communicator.sum(packed) }
            at = 0
            for gradient in gradients {
                _ = gradient.update(fromContentsOf: packed[at..<(at + gradient.count)])
                at += gradient.count
            }
        }
    }

    /// The element-wise mean over the ranks, in place (every rank divides the same sums).
    func average(_ values: inout [Float], kind: WritableKeyPath<ExchangeTraffic, Int>) {
        traffic[keyPath: kind] += values.count * MemoryLayout<Float>.size
        timed { values.withUnsafeMutableBufferPointer { communicator.sum($0) } }
        let ranks = Float(communicator.size)
        for i in values.indices { values[i] /= ranks }
    }

    /// Every rank's wide pairs, in rank order.
    func gatherWide(_ pairs: [WideLinear.BatchGradient]) -> [WideLinear.BatchGradient] {
        traffic.wideBytes += pairs.count * MemoryLayout<WideLinear.BatchGradient>.stride
        return timed { communicator.gather(pairs).values }
    }

    /// Every rank's embedding rows, in rank order, with each rank's count.
    func gatherRows(_ rows: [Int32]) -> (rows: [Int32], counts: [Int]) {
        traffic.embeddingBytes += rows.count * MemoryLayout<Int32>.size
        let (all, counts) = timed { communicator.gather(rows) }
        return (all, counts)
    }

    /// This rank's sparse message of the step (`SparseMessage.encode`; its capacity is reused).
    var sparseMessage: [UInt8] = []

    /// One step's sparse exchange, every rank's `sparseMessage` in one collective: all the
    /// messages in rank order, with each one's byte count (read them with `SparseMessage.messages`).
    func exchangeSparse() -> (bytes: [UInt8], counts: [Int]) {
        let wideBytes = sparseMessage.withUnsafeBytes(SparseMessage.wideByteCount)
        traffic.wideBytes += wideBytes
        traffic.embeddingBytes += sparseMessage.count - wideBytes
        return timed { sparseMessage.withUnsafeBytes { communicator.gather($0) } }
    }

    /// The job's summed loss of the step (NaN when any rank's is): one reduction that also
    /// carries divergence from any rank to all.
    func sumLoss(_ loss: Double) -> Double {
        return timed { communicator.sum(loss) }
    }
}
