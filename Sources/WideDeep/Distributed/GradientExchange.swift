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

    /// Sums the packed dense gradients over the ranks, in place.
    func sumDense() {
        traffic.denseBytes += denseBuffer.count * MemoryLayout<Float>.size
        timed { denseBuffer.withUnsafeMutableBufferPointer { communicator.sum($0) } }
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

    /// One step's sparse exchange in one message per rank (one collective for them all): its
    /// loss, wide pairs, embedding rows and gradient rows. Returns the job's: the losses summed
    /// and the rest concatenated in rank order, with each rank's row count.
    func exchangeSparse(loss: Double, wide: [WideLinear.BatchGradient], rows: [Int32], gradients: [Float]) -> SparseStep {
        traffic.wideBytes += wide.count * MemoryLayout<WideLinear.BatchGradient>.stride
        traffic.embeddingBytes += rows.count * MemoryLayout<Int32>.size + gradients.count * MemoryLayout<Float>.size
        var message: [UInt8] = []
        message.reserveCapacity(32 + wide.count * MemoryLayout<WideLinear.BatchGradient>.stride + rows.count * 4 + gradients.count * 4)
        Self.append([loss.bitPattern, UInt64(wide.count), UInt64(rows.count), UInt64(gradients.count)], to: &message)
        Self.append(wide, to: &message)
        Self.append(rows, to: &message)
        Self.append(gradients, to: &message)
        let (bytes, counts) = timed { message.withUnsafeBytes { communicator.gather($0) } }
        var step = SparseStep()
        bytes.withUnsafeBytes { all in
            var at = 0
            for _ in counts {
                let header = Self.read(UInt64.self, 4, from: all, at: &at)
                step.loss += Double(bitPattern: header[0])
                step.wide += Self.read(WideLinear.BatchGradient.self, Int(header[1]), from: all, at: &at)
                step.rows += Self.read(Int32.self, Int(header[2]), from: all, at: &at)
                step.rowCounts.append(Int(header[2]))
                step.gradients += Self.read(Float.self, Int(header[3]), from: all, at: &at)
            }
        }
        return step
    }

    /// The job's sparse gradients of a step (`exchangeSparse`).
    struct SparseStep {
        var loss = 0.0
        var wide: [WideLinear.BatchGradient] = []
        var rows: [Int32] = []
        var rowCounts: [Int] = []
        var gradients: [Float] = []
    }

    private static func append<T: BitwiseCopyable>(_ values: [T], to message: inout [UInt8]) {
        values.withUnsafeBytes { message.append(contentsOf: $0) }
    }

    /// `count` values of type T from `bytes` at `at` (not necessarily aligned); advances `at`.
    private static func read<T: BitwiseCopyable>(_ type: T.Type, _ count: Int, from bytes: UnsafeRawBufferPointer,
                                                 at: inout Int) -> [T] {
        let size = count * MemoryLayout<T>.stride
        defer { at += size }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + size)]))
            initialized = count
        }
    }

    /// The job's summed loss of the step (NaN when any rank's is): one reduction that also
    /// carries divergence from any rank to all.
    func sumLoss(_ loss: Double) -> Double {
        return timed { communicator.sum(loss) }
    }
}
