#if MPI
import CMPI
import WideDeep

/// `Communicator` over Open MPI's world communicator. Collectives are called from the training
/// queue only, one at a time (MPI_THREAD_SERIALIZED).
final class MPICommunicator: Communicator, @unchecked Sendable {
    let rank: Int
    let size: Int
    private let world = wdl_mpi_comm_world()

    init() {
        var provided: Int32 = 0
        MPI_Init_thread(nil, nil, wdl_mpi_thread_serialized(), &provided)
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(world, &rank)
        MPI_Comm_size(world, &size)
        self.rank = Int(rank)
        self.size = Int(size)
    }

    func sum(_ values: UnsafeMutableBufferPointer<Float>) {
        MPI_Allreduce(wdl_mpi_in_place(), values.baseAddress, Int32(values.count), wdl_mpi_float(), wdl_mpi_sum(), world)
    }

    func sum(_ values: UnsafeMutableBufferPointer<Double>) {
        MPI_Allreduce(wdl_mpi_in_place(), values.baseAddress, Int32(values.count), wdl_mpi_double(), wdl_mpi_sum(), world)
    }

    func gather(_ bytes: UnsafeRawBufferPointer) -> (bytes: [UInt8], counts: [Int]) {
        var mine = Int32(bytes.count)
        var counts = [Int32](repeating: 0, count: size)
        MPI_Allgather(&mine, 1, wdl_mpi_int(), &counts, 1, wdl_mpi_int(), world)
        var offsets = [Int32](repeating: 0, count: size)
        for r in 1..<max(1, size) { offsets[r] = offsets[r - 1] + counts[r - 1] }
        let total = Int(offsets[size - 1] + counts[size - 1])
        // Received straight into the result (every byte is written): no zero fill, no copy.
        let all = [UInt8](unsafeUninitializedCapacity: max(1, total)) { buffer, initialized in
            // A rank with nothing to send still passes a valid address.
            var empty: UInt8 = 0
            withUnsafeMutablePointer(to: &empty) { emptyPointer in
                let source = bytes.baseAddress ?? UnsafeRawPointer(emptyPointer)
                _ = MPI_Allgatherv(source, mine, wdl_mpi_byte(), buffer.baseAddress, counts, offsets, wdl_mpi_byte(), world)
            }
            initialized = total
        }
        return (all, counts.map(Int.init))
    }

    /// One broadcast of a fixed-size message when the bytes fit (commands, every step: usually
    /// none), a second for the rest otherwise.
    func broadcast(_ bytes: [UInt8]) -> [UInt8] {
        let fixed = 64, room = fixed - 4
        var first = [UInt8](repeating: 0, count: fixed)
        if rank == 0 {
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { first.replaceSubrange(0..<4, with: $0) }
            first.replaceSubrange(4..<(4 + min(room, bytes.count)), with: bytes.prefix(room))
        }
        MPI_Bcast(&first, Int32(fixed), wdl_mpi_byte(), 0, world)
        let count = first[0..<4].reversed().reduce(0) { $0 << 8 | Int($1) }
        guard count > room else { return Array(first[4..<(4 + count)]) }
        var rest = rank == 0 ? Array(bytes[room...]) : [UInt8](repeating: 0, count: count - room)
        MPI_Bcast(&rest, Int32(rest.count), wdl_mpi_byte(), 0, world)
        return Array(first[4...]) + rest
    }

    func abort(code: Int32) -> Never {
        MPI_Abort(world, code)
        fatalError("MPI_Abort returned")
    }
}
#endif
