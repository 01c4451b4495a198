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
    var denseBuffer: [Float] = []

    /// Steps each rank trains alone between averages of the replicas (`--sync-every`); 1 is the
    /// exact exchange of every step's gradients.
    let syncEvery: Int
    /// Steps trained alone since the replicas were last averaged.
    var stepsSinceAverage = 0

    init(communicator: Communicator, syncEvery: Int = 1) {
        self.communicator = communicator
        self.syncEvery = max(1, syncEvery)
    }

    /// Counts a training step.
    func countStep() { traffic.steps += 1 }

    /// With periodic averaging: averages the replicas once `syncEvery` steps have passed since the
    /// last average, or `now` (before an evaluation, a checkpoint, the end) if any step has.
    func averageReplicas(of model: WideDeepModel, now: Bool = false) {
        guard syncEvery > 1, stepsSinceAverage > 0, now || stepsSinceAverage >= syncEvery else { return }
        model.averageReplicas(self)
        stepsSinceAverage = 0
    }

    /// Sums the packed dense gradients over the ranks, in place.
    func sumDense() {
        traffic.denseBytes += denseBuffer.count * MemoryLayout<Float>.size
        denseBuffer.withUnsafeMutableBufferPointer { communicator.sum($0) }
    }

    /// The element-wise mean over the ranks, in place (every rank divides the same sums).
    func average(_ values: inout [Float], kind: WritableKeyPath<ExchangeTraffic, Int>) {
        traffic[keyPath: kind] += values.count * MemoryLayout<Float>.size
        values.withUnsafeMutableBufferPointer { communicator.sum($0) }
        let ranks = Float(communicator.size)
        for i in values.indices { values[i] /= ranks }
    }

    /// Every rank's wide pairs, in rank order.
    func gatherWide(_ pairs: [WideLinear.BatchGradient]) -> [WideLinear.BatchGradient] {
        traffic.wideBytes += pairs.count * MemoryLayout<WideLinear.BatchGradient>.stride
        return communicator.gather(pairs).values
    }

    /// Every rank's embedding rows and gradient rows, in rank order, with each rank's counts.
    func gatherEmbeddings(rows: [Int32], gradients: [Float]) -> (rows: [Int32], rowCounts: [Int], gradients: [Float]) {
        traffic.embeddingBytes += rows.count * MemoryLayout<Int32>.size + gradients.count * MemoryLayout<Float>.size
        let (allRows, rowCounts) = communicator.gather(rows)
        return (allRows, rowCounts, communicator.gather(gradients).values)
    }

    /// The job's summed loss of the step (NaN when any rank's is): one reduction that also
    /// carries divergence from any rank to all.
    func sumLoss(_ loss: Double) -> Double {
        return communicator.sum(loss)
    }
}

/// Bytes one rank contributed to its training steps' exchanges (and averages).
public struct ExchangeTraffic: Sendable, Equatable {
    public var steps = 0
    public var denseBytes = 0
    public var wideBytes = 0
    public var embeddingBytes = 0

    public init() {}

    /// Mean bytes per step of each kind (dense, wide, embeddings).
    public var perStep: (dense: Double, wide: Double, embeddings: Double) {
        let n = Double(max(1, steps))
        return (Double(denseBytes) / n, Double(wideBytes) / n, Double(embeddingBytes) / n)
    }
}
