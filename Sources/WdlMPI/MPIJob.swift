import Foundation
import WideDeep
#if MPI
import CMPI
#endif

/// Joining the job `mpirun` started this process in. A build without the MPI trait has no MPI:
/// started as one of several ranks, it refuses rather than train N unrelated copies.
public enum MPIJob {
    /// Ranks `mpirun` says the job has (1 outside `mpirun`).
    static var launchedRanks: Int {
        Int(ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] ?? "") ?? 1
    }

    /// Whether this build can train over MPI (`swift build --traits MPI`).
    public static var isAvailable: Bool {
        #if MPI
        true
        #else
        false
        #endif
    }

    /// The job's communicator when started by `mpirun` with more than one rank; nil otherwise.
    public static func join() throws -> Communicator? {
        guard launchedRanks > 1 else { return nil }
        #if MPI
        return MPICommunicator()
        #else
        throw JobError("""
            this wdl was built without MPI, but mpirun started it as one of \(launchedRanks) processes; \
            build it with `swift build -c release --traits MPI` (needs libopenmpi-dev), or run it without mpirun
            """)
        #endif
    }

    /// Leaves the job at the end of a run (every rank must, or mpirun reports it as failed).
    public static func leave(_ communicator: Communicator?) {
        #if MPI
        if communicator != nil { MPI_Finalize() }
        #endif
    }
}
