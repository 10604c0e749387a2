/* comm_mpi.c: comm.h with MPI (compiled only when CMake finds it): the
 * ranks of MPI_COMM_WORLD, and one MPI_Allreduce per sum.
 *
 * MPI is initialised only when a launcher started the process. A plain
 * `catlr train` would otherwise become an MPI "singleton", which in Open
 * MPI starts a helper daemon: slower, and noisy where it cannot. */
#include <limits.h>
#include <stdlib.h>

#include <mpi.h>

#include "comm.h"
#include "common.h"

/* Variables that MPI launchers set in the processes they start: Open MPI's
 * mpirun, PMIx launchers (Open MPI 5, Slurm's srun --mpi=pmix), and the
 * PMI of MPICH's hydra and Slurm. */
static int launched_by_mpi(void) {
    static const char *const VARS[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                       "PMI_SIZE"};
    for (size_t k = 0; k < sizeof VARS / sizeof VARS[0]; k++)
        if (getenv(VARS[k]) != NULL)
            return 1;
    return 0;
}

int cli_comm_join(cli_comm *c, FILE *errf) {
    (void)errf; /* MPI_Init reports its own failures, and ends the job */
    *c = (cli_comm){0, 1, 0};
    int already = 0;
    MPI_Initialized(&already);
    if (already || !launched_by_mpi())
        return CLI_EXIT_OK;
    /* OpenMP threads train, but only the main thread calls MPI */
    int provided;
    MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    c->joined = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &c->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &c->size);
    return CLI_EXIT_OK;
}

void cli_comm_leave(cli_comm *c) {
    if (c->joined)
        MPI_Finalize();
    c->joined = 0;
}

/* MPI_ERRORS_ARE_FATAL stays the handler: a failed collective ends the
 * whole job (mpirun reports it), so no rank is left waiting in the next
 * one. */
catlr_status cli_comm_sum(void *ctx, double *buf, size_t n, catlr_error *err) {
    const cli_comm *c = ctx;
    if (c->size <= 1)
        return CATLR_OK;
    if (n > INT_MAX) {
        if (err != NULL) {
            err->path[0] = '\0';
            snprintf(err->reason, sizeof err->reason,
                     "%zu doubles are too many for one MPI_Allreduce", n);
        }
        return CATLR_ERR_ARG;
    }
    MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    return CATLR_OK;
}

void cli_comm_describe(char *text, size_t size) {
#ifdef OMPI_MAJOR_VERSION
    snprintf(text, size, "Open MPI %d.%d.%d, MPI %d.%d", OMPI_MAJOR_VERSION, OMPI_MINOR_VERSION,
             OMPI_RELEASE_VERSION, MPI_VERSION, MPI_SUBVERSION);
#else
    snprintf(text, size, "MPI %d.%d", MPI_VERSION, MPI_SUBVERSION);
#endif
}
