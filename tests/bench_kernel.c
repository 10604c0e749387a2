/* bench_kernel.c: how fast the Gram matrix's byte products run, tiled
 * (catlr_kernel_cross_u8) against four rows at a time over all columns
 * (catlr_kernel_dots4_u8). Not a test (ctest never runs it): timings belong
 * in a quiet benchmark run.
 *
 *   bench_kernel [M [REPEATS]]
 *
 * X is M random images of n = 12288 bytes (M = 10450 by default: the
 * course's training set 50 times). Each row computes the upper triangle of
 * K = X^T X (j >= k, M (M + 1) / 2 entries) into an M x M int32 matrix, on
 * 1 and 2 threads: the tiled kernel on T x T tiles (T = 64, 128, 256) that
 * OpenMP hands out one by one (a tile on the diagonal computed whole), and
 * the four-row path as src/train/gram.c calls it. G/s counts the triangle's
 * byte products, M (M + 1) / 2 n, over the seconds. Every time is the best
 * of REPEATS runs (3 by default): other programs on the machine only ever
 * add time; its CPU seconds (all threads) are printed beside it. After each run a few hundred entries are checked against
 * catlr_kernel_dot_u8. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/internal.h" /* CATLR_OMP, <omp.h> */
#include "train/kernel.h"

enum { N = 12288, CHECKS = 300 };

static double clock_seconds(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t next(uint64_t *seed) {
    *seed = *seed * 6364136223846793005u + 1442695040888963407u;
    return *seed >> 33;
}

typedef struct bench {
    const uint8_t *X;     /* (m, N) */
    const int64_t *sum_x; /* (m) */
    size_t m;
    int32_t *K;           /* (m, m), the upper triangle written */
} bench;

/* The upper triangle in T x T tiles (I <= J), one tile per OpenMP task. */
static void triangle_tiled(const bench *b, size_t T, int threads) {
    const size_t m = b->m, tiles = (m + T - 1) / T, pairs = tiles * (tiles + 1) / 2;
    CATLR_OMP(omp parallel for num_threads(threads) schedule(dynamic, 1))
    for (size_t p = 0; p < pairs; p++) {
        /* pair p -> (I, J), I <= J, row by row of the tile triangle */
        size_t I = 0, left = p;
        while (left >= tiles - I) {
            left -= tiles - I;
            I++;
        }
        size_t J = I + left, r0 = I * T, c0 = J * T;
        size_t rows = m - r0 < T ? m - r0 : T, cols = m - c0 < T ? m - c0 : T;
        catlr_kernel_cross_u8(b->X + r0 * N, rows, b->X + c0 * N, b->sum_x + c0, cols, N,
                              b->K + r0 * m + c0, m);
    }
    (void)threads;
}

/* The upper triangle four rows at a time against the columns from the
 * first row on, as gram.c's cross_products (the m % 4 last rows one by
 * one). dots: (threads, 4 m) scratch. */
static void triangle_dots4(const bench *b, int threads, int64_t *dots) {
    const size_t m = b->m, whole = m / 4;
    const catlr_kernel_columns cols = {.X = b->X, .n = N, .m = m, .sum_x = b->sum_x};
    CATLR_OMP(omp parallel for num_threads(threads) schedule(dynamic, 1))
    for (size_t t = 0; t < whole + m % 4; t++) {
#ifdef _OPENMP
        int64_t *d = dots + (size_t)omp_get_thread_num() * 4 * m;
#else
        int64_t *d = dots;
#endif
        const size_t k0 = t < whole ? 4 * t : 4 * whole + (t - whole);
        const size_t count = t < whole ? 4 : 1;
        if (count == 4)
            catlr_kernel_dots4_u8(b->X + k0 * N, &cols, k0, d);
        else
            catlr_kernel_dots_u8(b->X + k0 * N, &cols, k0, d);
        for (size_t r = 0; r < count; r++)
            for (size_t j = k0 + r; j < m; j++)
                b->K[(k0 + r) * m + j] = (int32_t)d[r * (m - k0) + j - k0];
    }
    (void)threads;
}

/* A few entries of the upper triangle against catlr_kernel_dot_u8; 0 when
 * all agree. */
static int check(const bench *b, uint64_t *seed) {
    for (size_t t = 0; t < CHECKS; t++) {
        size_t k = next(seed) % b->m, j = next(seed) % b->m;
        if (j < k) {
            size_t s = j;
            j = k;
            k = s;
        }
        int64_t want = catlr_kernel_dot_u8(b->X + k * N, b->X + j * N, N);
        if (b->K[k * b->m + j] != want) {
            fprintf(stderr, "bench_kernel: K[%zu][%zu] = %d, want %lld\n", k, j,
                    b->K[k * b->m + j], (long long)want);
            return 1;
        }
    }
    return 0;
}

/* T = 0: the four-row path. Best seconds of `repeats` runs, or -1 when a
 * run's entries are wrong; *cpu: the best run's CPU seconds of all
 * threads (on a busy machine wall / (cpu / threads) shows the share of the
 * cores the run had). */
static double best_of(const bench *b, size_t T, int threads, int repeats, int64_t *dots,
                      uint64_t *seed, double *cpu) {
    double best = -1;
    for (int r = 0; r < repeats; r++) {
        double t0 = clock_seconds(CLOCK_MONOTONIC), c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
        if (T)
            triangle_tiled(b, T, threads);
        else
            triangle_dots4(b, threads, dots);
        double s = clock_seconds(CLOCK_MONOTONIC) - t0;
        double c = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (check(b, seed))
            return -1;
        if (best < 0 || s < best) {
            best = s;
            *cpu = c;
        }
    }
    return best;
}

int main(int argc, char **argv) {
    size_t m = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 10450;
    int repeats = argc > 2 ? atoi(argv[2]) : 3;
    if (m == 0 || repeats < 1) {
        fprintf(stderr, "usage: bench_kernel [M [REPEATS]]\n");
        return 2;
    }
    uint8_t *X = malloc(m * N);
    int64_t *sum_x = malloc(m * sizeof *sum_x), *dots = malloc(2 * 4 * m * sizeof *dots);
    int32_t *K = malloc(m * m * sizeof *K);
    if (!X || !sum_x || !dots || !K) {
        fprintf(stderr, "bench_kernel: out of memory\n");
        return 1;
    }
    uint64_t seed = 42;
    for (size_t i = 0; i < m * N; i++)
        X[i] = (uint8_t)next(&seed);
    for (size_t j = 0; j < m; j++)
        sum_x[j] = catlr_kernel_sum_u8(X + j * N, N);
    for (size_t i = 0; i < m * m; i++)
        K[i] = 0; /* touched once before any timing */
    const bench b = {.X = X, .sum_x = sum_x, .m = m, .K = K};
    const double products = (double)m * ((double)m + 1) / 2 * N;
    printf("m = %zu, n = %d: %.3g byte products, best of %d; VNNI %s\n", m, N, products,
           repeats, catlr_kernel_vnni() ? "yes" : "no");
    printf("%-16s %8s %9s\n", "path", "threads", "seconds  G/s  CPU-seconds");
    static const size_t TILES[] = {0, 64, 128, 256};
    int failed = 0;
    for (size_t k = 0; k < sizeof TILES / sizeof TILES[0]; k++)
        for (int threads = 1; threads <= 2; threads++) {
            double cpu = 0, s = best_of(&b, TILES[k], threads, repeats, dots, &seed, &cpu);
            char name[48];
            if (TILES[k])
                snprintf(name, sizeof name, "cross %zux%zu", TILES[k], TILES[k]);
            else
                snprintf(name, sizeof name, "dots4 (old)");
            if (s < 0) {
                printf("%-16s %8d  WRONG\n", name, threads);
                failed = 1;
                continue;
            }
            printf("%-16s %8d %8.3f %6.1f %8.3f\n", name, threads, s, products / s / 1e9, cpu);
            fflush(stdout);
        }
    free(K);
    free(dots);
    free(sum_x);
    free(X);
    return failed;
}
