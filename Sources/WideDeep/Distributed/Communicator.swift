/// The processes of one data-parallel training job, as the core sees them: a rank in 0..<size
/// and the few collective operations the job needs. Every rank must make the same calls in the
/// same order. Open MPI's implementation lives in the `WdlMPI` module (built with the MPI trait);
/// a single process has none (the session's communicator is nil).
public protocol Communicator: AnyObject, Sendable {
    var rank: Int { get }
    var size: Int { get }
    /// Element-wise sum over every rank, in place; every rank receives the same bits.
    func sum(_ values: UnsafeMutableBufferPointer<Float>)
    func sum(_ values: UnsafeMutableBufferPointer<Double>)
    /// Every rank's bytes concatenated in rank order, with each rank's byte count.
    func gather(_ bytes: UnsafeRawBufferPointer) -> (bytes: [UInt8], counts: [Int])
    /// Rank 0's bytes, on every rank (the others' argument is ignored).
    func broadcast(_ bytes: [UInt8]) -> [UInt8]
    /// Ends every process of the job: a rank that cannot go on must not leave the others
    /// waiting in a collective.
    func abort(code: Int32) -> Never
}

extension Communicator {
    /// Every rank's values concatenated in rank order, with each rank's count.
    func gather<T: BitwiseCopyable>(_ values: [T]) -> (values: [T], counts: [Int]) {
        let (bytes, byteCounts) = values.withUnsafeBytes { gather($0) }
        let stride = MemoryLayout<T>.stride
        let gathered = [T](unsafeUninitializedCapacity: bytes.count / stride) { buffer, count in
            bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
            count = bytes.count / stride
        }
        return (gathered, byteCounts.map { $0 / stride })
    }

    /// The sum of one value over every rank.
    func sum(_ value: Double) -> Double {
        var values = [value]
        values.withUnsafeMutableBufferPointer { sum($0) }
        return values[0]
    }

    /// This rank's part of `count` items split as evenly as possible in rank order (the first
    /// `count % size` ranks get one more).
    func share(of count: Int) -> Range<Int> {
        let r = rank
        let base = count / size, extra = count % size
        let start = r * base + min(r, extra)
        return start..<(start + base + (r < extra ? 1 : 0))
    }
}
