/* comm_mpi.c: comm.h with MPI (compiled only when CMake finds it): the
 * ranks of MPI_COMM_WORLD, and one MPI_Allreduce per sum.
 *
 * MPI is initialised only when a launcher started the process. A plain
 * `catlr train` would otherwise become an MPI "singleton", which in Open
 * MPI starts a helper daemon: slower, and noisy where it cannot.
 *
 * Nor is MPI linked: Open MPI brings hwloc, libevent, udev and more, which
 * every command would load at start. cli_comm_join dlopens the library
 * CMake found (CATLR_MPI_LIBRARY, its SONAME) when a launcher's variables
 * say this process is one of a job, and calls it through pointers; <mpi.h>
 * still gives every type and prototype. RTLD_GLOBAL because Open MPI's
 * components, which it dlopens itself, take their symbols from libmpi and
 * libopen-pal without linking them; RTLD_NODELETE because what MPI_Init
 * started (threads, handlers run at exit) must outlive the handle. */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "comm.h"
#include "common.h"

/* Every MPI function this file calls, as a member of its own type. */
#define MPI_FUNCTIONS(X)                                                       \
    X(MPI_Initialized) X(MPI_Init_thread) X(MPI_Finalize) X(MPI_Comm_rank)      \
    X(MPI_Comm_size) X(MPI_Allreduce)

struct cli_mpi {
    void *handle; /* from dlopen */
#define MPI_MEMBER(f) __typeof__(f) *f;
    MPI_FUNCTIONS(MPI_MEMBER)
#undef MPI_MEMBER
    /* MPI_COMM_WORLD, MPI_DOUBLE and MPI_SUM: in Open MPI the addresses of
     * objects in the library (which the macros would link), elsewhere
     * (MPICH) constants */
    MPI_Comm world;
    MPI_Datatype double_type;
    MPI_Op sum;
};

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

/* dlsym for name into *slot, the size of a pointer: a function pointer
 * (which ISO C cannot cast from void *; POSIX makes them the same size and
 * copyable) or an Open MPI handle (the object's address). 1, or 0 after
 * the error line. */
static int look_up(void *handle, const char *name, void *slot, FILE *errf) {
    dlerror();
    void *symbol = dlsym(handle, name);
    if (symbol == NULL) {
        const char *why = dlerror();
        fprintf(errf, "catlr: train: %s has no %s: %s\n", CATLR_MPI_LIBRARY, name,
                why != NULL ? why : "unknown error");
        return 0;
    }
    memcpy(slot, &symbol, sizeof symbol);
    return 1;
}

static void close_mpi(struct cli_mpi *mpi) {
    if (mpi != NULL && mpi->handle != NULL)
        dlclose(mpi->handle);
    free(mpi);
}

/* The MPI library loaded, or NULL after the error line. */
static struct cli_mpi *open_mpi(FILE *errf) {
    struct cli_mpi *mpi = calloc(1, sizeof *mpi);
    if (mpi == NULL) {
        fprintf(errf, "catlr: train: out of memory\n");
        return NULL;
    }
    mpi->handle = dlopen(CATLR_MPI_LIBRARY, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
    if (mpi->handle == NULL) {
        const char *why = dlerror();
        fprintf(errf, "catlr: train: cannot load MPI from %s: %s\n", CATLR_MPI_LIBRARY,
                why != NULL ? why : "unknown error");
        close_mpi(mpi);
        return NULL;
    }
    int ok = 1;
#define MPI_LOOK_UP(f) ok = ok && look_up(mpi->handle, #f, &mpi->f, errf);
    MPI_FUNCTIONS(MPI_LOOK_UP)
#undef MPI_LOOK_UP
#ifdef OPEN_MPI
    _Static_assert(sizeof(MPI_Comm) == sizeof(void *) && sizeof(MPI_Datatype) == sizeof(void *) &&
                       sizeof(MPI_Op) == sizeof(void *),
                   "Open MPI's handles are pointers");
    ok = ok && look_up(mpi->handle, "ompi_mpi_comm_world", &mpi->world, errf);
    ok = ok && look_up(mpi->handle, "ompi_mpi_double", &mpi->double_type, errf);
    ok = ok && look_up(mpi->handle, "ompi_mpi_op_sum", &mpi->sum, errf);
#else
    mpi->world = MPI_COMM_WORLD;
    mpi->double_type = MPI_DOUBLE;
    mpi->sum = MPI_SUM;
#endif
    if (!ok) {
        close_mpi(mpi);
        return NULL;
    }
    return mpi;
}

int cli_comm_join(cli_comm *c, FILE *errf) {
    *c = (cli_comm){0, 1, 0, NULL};
    if (!launched_by_mpi())
        return CLI_EXIT_OK;
    struct cli_mpi *mpi = open_mpi(errf);
    if (mpi == NULL)
        return CLI_EXIT_FAIL;
    /* MPI_Init reports its own failures, and ends the job */
    int already = 0;
    mpi->MPI_Initialized(&already);
    if (already) {
        close_mpi(mpi);
        return CLI_EXIT_OK;
    }
    /* OpenMP threads train, but only the main thread calls MPI */
    int provided;
    mpi->MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    c->joined = 1;
    c->mpi = mpi;
    mpi->MPI_Comm_rank(mpi->world, &c->rank);
    mpi->MPI_Comm_size(mpi->world, &c->size);
    return CLI_EXIT_OK;
}

void cli_comm_leave(cli_comm *c) {
    if (c->joined)
        c->mpi->MPI_Finalize();
    close_mpi(c->mpi);
    c->mpi = NULL;
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
    c->mpi->MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, c->mpi->double_type, c->mpi->sum,
                          c->mpi->world);
    return CATLR_OK;
}

void cli_comm_describe(char *text, size_t size) {
#ifdef OMPI_MAJOR_VERSION
    snprintf(text, size, "Open MPI %d.%d.%d, MPI %d.%d, loaded under a launcher (%s)",
             OMPI_MAJOR_VERSION, OMPI_MINOR_VERSION, OMPI_RELEASE_VERSION, MPI_VERSION,
             MPI_SUBVERSION, CATLR_MPI_LIBRARY);
#else
    snprintf(text, size, "MPI %d.%d, loaded under a launcher (%s)", MPI_VERSION, MPI_SUBVERSION,
             CATLR_MPI_LIBRARY);
#endif
}
