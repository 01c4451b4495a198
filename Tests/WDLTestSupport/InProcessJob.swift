import Foundation
import WideDeep

/// A data-parallel job whose ranks are threads of the test process: each collective is a barrier
/// at which every rank leaves its bytes and takes everyone's. Sums add in rank order, so every
/// rank gets the same bits, as the MPI job promises.
public final class InProcessJob: @unchecked Sendable {
    public let size: Int
    private let condition = NSCondition()
    private var arrived: [[UInt8]?]
    private var round = 0
    private var result: [[UInt8]] = []

    public init(size: Int) {
        self.size = size
        arrived = Array(repeating: nil, count: size)
    }

    /// One communicator per rank.
    public var ranks: [Communicator] { (0..<size).map { Rank(job: self, rank: $0) } }

    /// Every rank's bytes in rank order, once every rank has handed in its own.
    func meet(rank: Int, _ bytes: [UInt8]) -> [[UInt8]] {
        condition.lock()
        defer { condition.unlock() }
        let myRound = round
        arrived[rank] = bytes
        if arrived.allSatisfy({ $0 != nil }) {
            // The next round cannot end before every rank of this one has returned: it needs them.
            result = arrived.map { $0! }
            arrived = Array(repeating: nil, count: size)
            round += 1
            condition.broadcast()
        } else {
            while round == myRound { condition.wait() }
        }
        return result
    }

    final class Rank: Communicator, @unchecked Sendable {
        let job: InProcessJob
        let rank: Int
        var size: Int { job.size }

        init(job: InProcessJob, rank: Int) {
            self.job = job
            self.rank = rank
        }

        func sum(_ values: UnsafeMutableBufferPointer<Float>) { add(values) }
        func sum(_ values: UnsafeMutableBufferPointer<Double>) { add(values) }

        private func add<T: BinaryFloatingPoint>(_ values: UnsafeMutableBufferPointer<T>) {
            let all = job.meet(rank: rank, Array(UnsafeRawBufferPointer(values)))
            for i in values.indices { values[i] = 0 }
            for bytes in all {
                bytes.withUnsafeBytes { raw in
                    for i in values.indices { values[i] += raw.load(fromByteOffset: i * MemoryLayout<T>.stride, as: T.self) }
                }
            }
        }

        func gather(_ bytes: UnsafeRawBufferPointer) -> (bytes: [UInt8], counts: [Int]) {
            let all = job.meet(rank: rank, Array(bytes))
            return (Array(all.joined()), all.map(\.count))
        }

        func broadcast(_ bytes: [UInt8]) -> [UInt8] { job.meet(rank: rank, bytes)[0] }

        func abort(code: Int32) -> Never { fatalError("rank \(rank) aborted the job (\(code))") }
    }
}
