/* comm_local.c: comm.h in a build without MPI: always the one process. */
#include "comm.h"
#include "common.h"

int cli_comm_join(cli_comm *c, FILE *errf) {
    *c = (cli_comm){0, 1, 0, NULL};
    long n = cli_launched_processes();
    if (n > 1) {
        fprintf(errf,
                "catlr: train: catlr was built without MPI, so it cannot train as one of the "
                "%ld processes an MPI launcher started; rebuild with libopenmpi-dev installed\n",
                n);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

void cli_comm_leave(cli_comm *c) {
    (void)c;
}

catlr_status cli_comm_sum(void *ctx, double *buf, size_t n, catlr_error *err) {
    (void)ctx;
    (void)buf;
    (void)n;
    (void)err;
    return CATLR_OK;
}

void cli_comm_describe(char *text, size_t size) {
    snprintf(text, size, "no");
}
