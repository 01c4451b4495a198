// Open MPI spells its handles and datatypes as macros over global objects, which Swift cannot
// import: these functions hand them to Swift.
#include <mpi.h>

static inline MPI_Comm wdl_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype wdl_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype wdl_mpi_int(void) { return MPI_INT; }
static inline MPI_Datatype wdl_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype wdl_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Op wdl_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op wdl_mpi_max(void) { return MPI_MAX; }
static inline void *wdl_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int wdl_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
