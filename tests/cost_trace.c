/* cost_trace.c: every iteration's training cost at full precision, for
 * checking catlr's numerics against the course's float64 NumPy code
 * (tests/cost_margin.py does the comparison). Not run by ctest.
 *
 *   cost_trace TRAIN_DIR SOLVER THREADS [ITERATIONS]
 *
 * prints "I COST" (COST with 17 significant digits) for I = 0 ..
 * ITERATIONS-1 (default 2000), course settings otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catlr/dataset.h"
#include "catlr/train.h"

static void print_step(void *user, const catlr_train_step *step) {
    (void)user;
    printf("%zu %.17g\n", step->iteration, step->cost);
}

int main(int argc, char **argv) {
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: cost_trace TRAIN_DIR auto|primal|gram THREADS [ITERATIONS]\n");
        return 2;
    }
    catlr_train_params params = catlr_train_defaults();
    params.solver = strcmp(argv[2], "primal") == 0 ? CATLR_SOLVER_PRIMAL
                  : strcmp(argv[2], "gram") == 0 ? CATLR_SOLVER_GRAM
                                                 : CATLR_SOLVER_AUTO;
    params.threads = (unsigned)strtoul(argv[3], NULL, 10);
    if (argc == 5)
        params.iterations = strtoul(argv[4], NULL, 10);
    params.report_every = 1;
    const catlr_train_hooks hooks = {.on_step = print_step};
    catlr_dataset *ds = NULL;
    catlr_model model = {0};
    catlr_error err;
    catlr_status st = catlr_dataset_load_dir(argv[1], "cat", &ds, &err);
    if (st == CATLR_OK) {
        const catlr_model_shape shape = {
            .height = CATLR_HEIGHT, .width = CATLR_WIDTH, .channels = CATLR_CHANNELS,
            .class_names = {catlr_dataset_class_name(ds, 0), catlr_dataset_class_name(ds, 1)},
            .positive = (uint32_t)catlr_dataset_positive(ds)};
        st = catlr_model_init(&model, &shape, &err);
    }
    if (st == CATLR_OK) {
        const catlr_train_problem prob = {
            .X = catlr_dataset_pixels(ds),
            .y = catlr_dataset_labels(ds),
            .m = catlr_dataset_count(ds),
        };
        st = catlr_train(&prob, &params, &hooks, &model, &err);
    }
    if (st != CATLR_OK)
        fprintf(stderr, "cost_trace: %s%s%s\n", err.path, err.path[0] ? ": " : "", err.reason);
    catlr_model_free(&model);
    catlr_dataset_free(ds);
    return st == CATLR_OK ? 0 : 1;
}
