/* bench_train.c: how fast catlr trains, against the machine's floors and
 * against OpenBLAS, side by side in one run. Not a test (ctest never runs
 * it): timings belong in a quiet benchmark run.
 *
 *   bench_train TRAIN_DIR [THREADS]
 *
 * TRAIN_DIR is a class-folder training set (the course's png/train). Its
 * images are replicated to m = 1x, 10x and 50x their number (209, 2090 and
 * 10450 for the course) and each solver trains on them through the public
 * API. ms/epoch is the slope between a 1-iteration run and a (1+E)-iteration
 * run, so one-off set-up (the Gram matrix) is reported apart. GFMA/s counts
 * the multiply-adds of the algorithm: 2 n m per primal epoch (forward and
 * gradient), m^2 per Gram epoch. The floors are those of the machine of docs/performance.md:
 * 43 fp32 GFMA/s per core and 49 GB/s of DRAM read on two cores; the floor
 * of an epoch is the larger of its compute time and the time to read its
 * bytes once (n m pixel bytes for primal, about 2 m^2 for Gram's packed int32 K, 2 x 4 n m floats
 * for the two-pass BLAS baseline). The BLAS baseline is the textbook
 * two-pass epoch on a float32 copy of X / 255: cblas_sgemv forward, sigmoid,
 * cblas_sgemv backward, update; OpenBLAS uses its own threads.
 * Finally the loader's images per second (catlr_dataset_load_dir). Every
 * time is the best of 3 runs. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catlr/dataset.h"
#include "catlr/train.h"

#ifdef CATLR_HAVE_OPENBLAS
#include <cblas.h>
#endif

static const double FMA_PER_CORE = 43e9, CORES = 2, DRAM_BYTES = 49e9;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what, const catlr_error *err) {
    fprintf(stderr, "bench_train: %s: %s%s%s\n", what, err->path, err->path[0] ? ": " : "",
            err->reason);
    exit(1);
}

/* Every time below is the best of REPEATS runs: other programs on the
 * machine only ever add time. */
enum { REPEATS = 3 };

/* Seconds for one catlr_train run of `iterations` from zero weights. */
static double time_train_once(const uint8_t *X, const uint8_t *y, size_t m, catlr_solver solver,
                         unsigned threads, size_t iterations) {
    catlr_model model;
    catlr_error err;
    if (catlr_model_init(&model,
                         &(catlr_model_shape){.height = CATLR_HEIGHT,
                                              .width = CATLR_WIDTH,
                                              .channels = CATLR_CHANNELS,
                                              .class_names = {"a", "b"},
                                              .positive = 0},
                         &err) != CATLR_OK)
        die("model", &err);
    catlr_train_params params = catlr_train_defaults();
    params.iterations = iterations;
    params.solver = solver;
    params.threads = threads;
    const catlr_train_problem prob = {.X = X, .y = y, .m = m};
    double t0 = now();
    if (catlr_train(&prob, &params, NULL, &model, &err) != CATLR_OK)
        die("train", &err);
    double t = now() - t0;
    catlr_model_free(&model);
    return t;
}

typedef struct row {
    const char *name;
    double setup_s, epoch_s, fma, bytes;
} row;

static void print_row(size_t m, const row *r) {
    double floor_s = fmax(r->fma / (FMA_PER_CORE * CORES), r->bytes / DRAM_BYTES);
    printf("%6zu  %-14s %9.3f %10.3f %8.2f %8.1fx\n", m, r->name, r->setup_s,
           1e3 * r->epoch_s, r->fma / r->epoch_s / 1e9, r->epoch_s / floor_s);
}

static double time_train(const uint8_t *X, const uint8_t *y, size_t m, catlr_solver solver,
                         unsigned threads, size_t iterations) {
    double best = INFINITY;
    for (int k = 0; k < REPEATS; k++)
        best = fmin(best, time_train_once(X, y, m, solver, threads, iterations));
    return best;
}

static row bench_solver(const uint8_t *X, const uint8_t *y, size_t m, catlr_solver solver,
                        unsigned threads, size_t epochs) {
    double t1 = time_train(X, y, m, solver, threads, 1);
    double tn = time_train(X, y, m, solver, threads, 1 + epochs);
    double n = CATLR_N_X, md = (double)m;
    row r = {catlr_solver_name(solver), t1, (tn - t1) / (double)epochs, 0, 0};
    if (solver == CATLR_SOLVER_GRAM) {
        r.name = "catlr gram";
        r.fma = md * md;
        /* the packed triangle of int32 tiles, read once an epoch */
        r.bytes = 4 * (md * md / 2 + md * 128);
    } else {
        r.name = "catlr primal";
        r.fma = 2 * n * md;
        r.bytes = n * md;
    }
    return r;
}

#ifdef CATLR_HAVE_OPENBLAS
/* The two-pass float32 epoch, E times, on A = X^T / 255 (m x n, row-major). */
static row bench_blas(const uint8_t *X, const uint8_t *y, size_t m, size_t epochs) {
    const size_t n = CATLR_N_X;
    float *A = malloc(m * n * sizeof *A), *w = calloc(n, sizeof *w);
    float *z = malloc(m * sizeof *z), *dw = malloc(n * sizeof *dw);
    if (!A || !w || !z || !dw) {
        fprintf(stderr, "bench_train: out of memory\n");
        exit(1);
    }
    double t0 = now();
    for (size_t i = 0; i < m * n; i++)
        A[i] = (float)X[i] / 255.0f;
    double setup = now() - t0;
    float b = 0;
    double best = INFINITY;
    for (int k = 0; k < REPEATS; k++) {
        t0 = now();
        for (size_t e = 0; e < epochs; e++) {
            cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)n, 1.0f, A, (int)n, w, 1, 0.0f,
                        z, 1);
            float db = 0;
            for (size_t j = 0; j < m; j++) {
                z[j] = 1.0f / (1.0f + expf(-(z[j] + b))) - y[j];
                db += z[j];
            }
            cblas_sgemv(CblasRowMajor, CblasTrans, (int)m, (int)n, 1.0f / (float)m, A, (int)n, z,
                        1, 0.0f, dw, 1);
            for (size_t i = 0; i < n; i++)
                w[i] -= 0.005f * dw[i];
            b -= 0.005f * db / (float)m;
        }
        best = fmin(best, now() - t0);
    }
    row r = {"OpenBLAS sgemv", setup, best / (double)epochs, 2.0 * n * (double)m,
             2.0 * 4 * n * (double)m};
    free(A);
    free(w);
    free(z);
    free(dw);
    return r;
}
#endif

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_train TRAIN_DIR [THREADS]\n");
        return 2;
    }
    unsigned threads = argc == 3 ? (unsigned)strtoul(argv[2], NULL, 10) : 0;
    catlr_dataset *ds = NULL;
    catlr_error err;
    double load_best = INFINITY;
    for (int k = 0; k < REPEATS; k++) {
        catlr_dataset_free(ds);
        ds = NULL;
        double t0 = now();
        if (catlr_dataset_load_dir(argv[1], "cat", &ds, &err) != CATLR_OK)
            die("load", &err);
        load_best = fmin(load_best, now() - t0);
    }
    const size_t m0 = catlr_dataset_count(ds), n = CATLR_N_X;
    const size_t factors[] = {1, 10, 50};
    printf("threads: %s; floors: %.0f fp32 GFMA/s (%g cores), %.0f GB/s read\n",
           threads ? argv[2] : "all", FMA_PER_CORE * CORES / 1e9, CORES, DRAM_BYTES / 1e9);
    printf("%6s  %-14s %9s %10s %8s %9s\n", "m", "solver", "setup s", "ms/epoch", "GFMA/s",
           "/floor");
    for (size_t f = 0; f < 3; f++) {
        size_t m = m0 * factors[f];
        uint8_t *X = malloc(m * n), *y = malloc(m);
        if (X == NULL || y == NULL) {
            fprintf(stderr, "bench_train: out of memory\n");
            return 1;
        }
        for (size_t r = 0; r < factors[f]; r++) {
            memcpy(X + r * m0 * n, catlr_dataset_pixels(ds), m0 * n);
            memcpy(y + r * m0, catlr_dataset_labels(ds), m0);
        }
        size_t epochs = factors[f] == 1 ? 100 : factors[f] == 10 ? 20 : 6;
        row p = bench_solver(X, y, m, CATLR_SOLVER_PRIMAL, threads, epochs);
        print_row(m, &p);
        /* at 50x, K alone is n m^2 / 2 = 671G byte products, seconds of set-up */
        row g = bench_solver(X, y, m, CATLR_SOLVER_GRAM, threads, epochs * 20);
        print_row(m, &g);
#ifdef CATLR_HAVE_OPENBLAS
        row b = bench_blas(X, y, m, epochs);
        print_row(m, &b);
#else
        printf("%6zu  %-14s (built without OpenBLAS)\n", m, "OpenBLAS sgemv");
#endif
        free(X);
        free(y);
    }
    printf("loader: %zu images in %.3f s: %.0f images/s (best of 3)\n", m0, load_best,
           (double)m0 / load_best);
    catlr_dataset_free(ds);
    return 0;
}
