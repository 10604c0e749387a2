/* comm.h: the processes one `catlr train` runs as: one, or the ranks of an
 * MPI job (`mpirun -np N catlr train ...`), each holding a shard of the
 * folders. comm_mpi.c implements it with MPI; comm_local.c, in a build
 * without MPI, is the one process. The library knows nothing of MPI: it
 * gets cli_comm_sum as its reducer (catlr/train.h). */
#ifndef CATLR_CLI_COMM_H
#define CATLR_CLI_COMM_H

#include <stddef.h>
#include <stdio.h>

#include "catlr/catlr.h"

typedef struct cli_comm {
    int rank;   /* 0 .. size - 1; rank 0 prints and writes the model */
    int size;   /* 1 unless started by an MPI launcher */
    int joined; /* MPI was initialised here: cli_comm_leave finalises it */
    struct cli_mpi *mpi; /* the MPI library, loaded by cli_comm_join only
                            when a launcher started the process (comm_mpi.c) */
} cli_comm;

/* Join the MPI job when an MPI launcher (mpirun, mpiexec, srun) started
 * this process, which its environment tells; otherwise be the one process
 * and touch no MPI at all, so that a plain `catlr train` runs as it does
 * without MPI. CLI_EXIT_OK, or CLI_EXIT_FAIL after the error line in a
 * build without MPI that a launcher started as one of several processes
 * (each would train on the whole folder and write the same model). */
int cli_comm_join(cli_comm *c, FILE *errf);

/* Finalise MPI if cli_comm_join initialised it, and let go of the MPI
 * library. */
void cli_comm_leave(cli_comm *c);

/* buf (n) replaced in every process by the sum over all of them: a
 * collective call that every process makes in the same order. Nothing to
 * do in one process. ctx is the cli_comm (the signature of the train
 * options' reducer). */
catlr_status cli_comm_sum(void *ctx, double *buf, size_t n, catlr_error *err);

/* What this build holds of MPI, for --version: its version ("Open MPI
 * 4.1.4, MPI 3.1"), or "no". Starts nothing. */
void cli_comm_describe(char *text, size_t size);

#endif /* CATLR_CLI_COMM_H */
