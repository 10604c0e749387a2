/* test_gram_kernel.c: the packed Gram matrix and the epoch's product
 * u = K b against their definitions (gram_kernel.h): the layout, K's
 * entries against int64 dot products for sizes around the tile, the same
 * K on one and two threads, and u bit for bit against the definition
 * written out plainly here (the AVX-512 code where the CPU has it; the
 * test gram_kernel_portable runs the same on the portable code). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "train/gram_kernel.h"
#include "train/kernel.h"
#include "test_util.h"

#ifndef CATLR_GRAM_KERNEL_PORTABLE
#include "train/solver.h"
#endif

static uint32_t next(uint32_t *seed) {
    *seed = *seed * 1664525u + 1013904223u;
    return *seed;
}

static const size_t SIZES[] = {1, 2, 255, 256, 257, 515};
enum { N_SIZES = sizeof SIZES / sizeof SIZES[0], T = CATLR_GRAM_TILE };

static size_t block(size_t m, size_t I) {
    size_t nt = (m + T - 1) / T;
    return I + 1 < nt ? (size_t)T : m - I * T;
}

/* Ensure the tiles follow one another with no gap or overlap, in the
 * order (0,0), (0,1), ..., and end at catlr_gram_packed_count. */
static void test_layout_is_contiguous(void **state) {
    (void)state;
    for (size_t s = 0; s < N_SIZES; s++) {
        const size_t m = SIZES[s], nt = (m + T - 1) / T;
        size_t off = 0;
        for (size_t I = 0; I < nt; I++)
            for (size_t J = I; J < nt; J++) {
                assert_int_equal(catlr_gram_tile_offset(m, I, J), off);
                off += block(m, I) * block(m, J);
            }
        assert_int_equal(catlr_gram_packed_count(m), off);
    }
    assert_int_equal(catlr_gram_packed_count(0), 0);
    assert_int_equal(catlr_gram_packed_count(209), 209 * 209);
}

/* Ensure the plan covers the packed array in order with whole tile rows,
 * at most CATLR_GRAM_PARTS_MAX parts, and two for the course's m = 209. */
static void test_plan_cuts_rows(void **state) {
    (void)state;
    const size_t ms[] = {1, 209, 515, 2090, 10450};
    for (size_t s = 0; s < sizeof ms / sizeof ms[0]; s++) {
        catlr_gram_plan plan;
        catlr_gram_plan_make(ms[s], &plan);
        assert_true(plan.parts >= 1 && plan.parts <= CATLR_GRAM_PARTS_MAX);
        assert_int_equal(plan.start[0], 0);
        assert_int_equal(plan.start[plan.parts], catlr_gram_packed_count(ms[s]));
        for (size_t p = 0; p < plan.parts; p++)
            assert_true(plan.start[p] <= plan.start[p + 1]);
    }
    catlr_gram_plan plan;
    catlr_gram_plan_make(209, &plan);
    assert_int_equal(plan.parts, 2);
    assert_int_equal(plan.start[1] % 209, 0);
    catlr_gram_plan_make(10450, &plan);
    assert_int_equal(plan.parts, CATLR_GRAM_PARTS_MAX);
}

/* A symmetric packed K for m with random entries of up to 31 bits. */
static int32_t *random_packed(size_t m, uint32_t *seed) {
    int32_t *K = malloc(catlr_gram_packed_count(m) * sizeof *K);
    assert_non_null(K);
    const size_t nt = (m + T - 1) / T;
    for (size_t I = 0; I < nt; I++)
        for (size_t J = I; J < nt; J++) {
            const size_t h = block(m, I), c = block(m, J);
            int32_t *tile = K + catlr_gram_tile_offset(m, I, J);
            for (size_t a = 0; a < h; a++)
                for (size_t b = 0; b < c; b++)
                    tile[a * c + b] = (int32_t)(next(seed) >> 1) - (1 << 30);
            if (I == J) /* held whole: both halves the same */
                for (size_t a = 0; a < h; a++)
                    for (size_t b = 0; b < a; b++)
                        tile[a * c + b] = tile[b * c + a];
        }
    return K;
}

/* The lanes of the row `row` (w entries, lane k % 32 of entry k) against
 * b, combined in kernel.h's tree. */
static double lanes_dot(const int32_t *row, const double *b, size_t w) {
    double s[CATLR_KERNEL_LANES] = {0};
    for (size_t k = 0; k < w; k++)
        s[k % CATLR_KERNEL_LANES] += (double)row[k] * b[k];
    for (size_t half = CATLR_KERNEL_LANES / 2; half >= 1; half /= 2)
        for (size_t k = 0; k < half; k++)
            s[k] += s[k + half];
    return s[0];
}

/* A row a of tile (I, J), w entries from its column j0, into u: its dot
 * product with b's entries of those columns into u[I T + a], then its
 * entries times b[I T + a] into u's entries of those columns. */
static void row_both_ways(const int32_t *row, size_t I, size_t J, size_t a, size_t j0, size_t w,
                          const double *b, double *u) {
    u[I * T + a] += lanes_dot(row + j0, b + J * T + j0, w);
    for (size_t k = 0; k < w; k++)
        u[J * T + j0 + k] += (double)row[j0 + k] * b[I * T + a];
}

/* Rows a0 .. a1-1 of diagonal tile I (c wide, at tile) into u: in runs of
 * four rows (the last a1 - a0 % 4 alone), each run's block on the
 * diagonal row by row in column order, then each row's entries right of
 * the block both ways. */
static void diagonal_rows(const int32_t *tile, size_t c, size_t I, size_t a0, size_t a1,
                          const double *b, double *u) {
    for (size_t a = a0; a < a1;) {
        const size_t nq = a + 4 <= a1 ? 4 : 1;
        for (size_t q = 0; q < nq; q++) {
            double s = 0;
            for (size_t k = a; k < a + nq; k++)
                s += (double)tile[(a + q) * c + k] * b[I * T + k];
            u[I * T + a + q] += s;
        }
        for (size_t q = 0; q < nq; q++)
            row_both_ways(tile + (a + q) * c, I, I, a + q, a + nq, c - (a + nq), b, u);
        a += nq;
    }
}

/* The definition of u = K b (gram_kernel.h), plainly. */
static void product_by_definition(const int32_t *K, size_t m, const double *b, double *u) {
    catlr_gram_plan plan;
    catlr_gram_plan_make(m, &plan);
    double *parts = calloc(plan.parts * m, sizeof *parts);
    assert_non_null(parts);
    const size_t nt = (m + T - 1) / T;
    for (size_t p = 0; p < plan.parts; p++) {
        double *up = parts + p * m;
        size_t off = 0;
        for (size_t I = 0; I < nt; I++)
            for (size_t J = I; J < nt; J++) {
                const size_t h = block(m, I), c = block(m, J);
                const int32_t *tile = K + off;
                /* the part's rows of this tile: a0 .. a1-1 */
                size_t a0 = h, a1 = 0;
                for (size_t a = 0; a < h; a++)
                    if (off + a * c >= plan.start[p] && off + a * c < plan.start[p + 1]) {
                        a0 = a < a0 ? a : a0;
                        a1 = a + 1;
                    }
                if (I == J)
                    diagonal_rows(tile, c, I, a0, a1, b, up);
                else
                    for (size_t a = a0; a < a1; a++)
                        row_both_ways(tile + a * c, I, J, a, 0, c, b, up);
                off += h * c;
            }
    }
    for (size_t i = 0; i < m; i++) {
        u[i] = parts[i];
        for (size_t p = 1; p < plan.parts; p++)
            u[i] += parts[p * m + i];
    }
    free(parts);
}

/* u through the library's parts, in reverse part order (as another thread
 * count might take them). */
static void product_by_parts(const int32_t *K, size_t m, const double *b, double *u) {
    catlr_gram_plan plan;
    catlr_gram_plan_make(m, &plan);
    double *parts = malloc(plan.parts * m * sizeof *parts);
    assert_non_null(parts);
    for (size_t p = plan.parts; p-- > 0;)
        catlr_gram_part_product(K, &plan, p, b, parts + p * m);
    catlr_gram_parts_sum(parts, plan.parts, m, 0, m, u);
    free(parts);
}

/* Ensure u = K b is the definition, bit for bit, for sizes around the
 * tile and the course's (one and two parts), and close to the plain
 * product (the order matters: the values spread over 2^40). */
static void test_product_is_the_definition(void **state) {
    (void)state;
    const size_t ms[] = {1, 2, 3, 5, 209, 255, 256, 257, 515, 700};
    uint32_t seed = 7;
    for (size_t s = 0; s < sizeof ms / sizeof ms[0]; s++) {
        const size_t m = ms[s];
        int32_t *K = random_packed(m, &seed);
        double *b = malloc(m * sizeof *b), *u = malloc(m * sizeof *u), *d = malloc(m * sizeof *d);
        assert_true(b && u && d);
        for (size_t i = 0; i < m; i++)
            b[i] = ldexp((double)(next(&seed) >> 8) / 16777216.0, (int)(next(&seed) % 21) - 10) *
                   (next(&seed) & 1 ? -1 : 1);
        product_by_parts(K, m, b, u);
        product_by_definition(K, m, b, d);
        assert_memory_equal(u, d, m * sizeof *u);
        for (size_t i = 0; i < m; i++) {
            double plain = 0, scale = 0;
            for (size_t j = 0; j < m; j++) {
                plain += (double)catlr_gram_at(K, m, i, j) * b[j];
                scale += fabs((double)catlr_gram_at(K, m, i, j) * b[j]);
            }
            assert_close(u[i], plain, 1e-13 * scale);
        }
        free(K);
        free(b);
        free(u);
        free(d);
    }
}

/* A double of random sign and a scale from 2^-10 to 2^10. */
static double random_value(uint32_t *seed) {
    const double v = ldexp((double)(next(seed) >> 8) / 16777216.0, (int)(next(seed) % 21) - 10);
    return next(seed) & 1 ? -v : v;
}

/* Ensure the epoch's entry-by-entry steps are their definitions bit for
 * bit, for every length 0 .. 40 (every tail of 8) and 300, from an offset
 * lo: the forward pass's sum of 1 to 3 parts, divided, and z; and the
 * step of alpha with the flag that it stayed finite, which an infinite
 * or NaN dz, anywhere, clears. */
static void test_entry_steps_are_the_definition(void **state) {
    (void)state;
    uint32_t seed = 11;
    enum { MAX = 300, LO = 3 };
    double parts[3 * MAX], z0[MAX], u[MAX], z[MAX], alpha[MAX], dz[MAX], want[MAX];
    for (size_t n = 0; n <= MAX - LO; n = n < 40 ? n + 1 : MAX - LO) {
        const size_t m = LO + n;
        for (size_t i = 0; i < 3 * MAX; i++)
            parts[i] = random_value(&seed);
        for (size_t i = 0; i < MAX; i++) {
            z0[i] = random_value(&seed);
            alpha[i] = random_value(&seed);
            dz[i] = random_value(&seed);
        }
        for (size_t np = 1; np <= 3; np++) {
            const double c = 0.75, b = -0.3, div = 255.0 * 255.0;
            catlr_gram_forward_z(parts, np, m, LO, m, div, c, z0, b, u, z);
            for (size_t i = LO; i < m; i++) {
                double s = parts[i];
                for (size_t p = 1; p < np; p++)
                    s += parts[p * m + i];
                s /= div;
                const double zi = (c * z0[i] + s) + b;
                assert_memory_equal(&u[i], &s, sizeof s);
                assert_memory_equal(&z[i], &zi, sizeof zi);
            }
        }
        const double r = 0.999, lr = 0.005, md = (double)m;
        for (size_t j = 0; j < n; j++)
            want[j] = r * alpha[j] - lr * dz[j] / md;
        assert_int_equal(catlr_gram_alpha_step(alpha, dz, n, r, lr, md), 1);
        assert_memory_equal(alpha, want, n * sizeof *want);
        if (n > 0) {
            dz[n - 1] = (n & 1) ? INFINITY : NAN;
            assert_int_equal(catlr_gram_alpha_step(alpha, dz, n, r, lr, md), 0);
        }
        if (n == MAX - LO)
            break;
    }
}

#ifndef CATLR_GRAM_KERNEL_PORTABLE
/* Ensure catlr_gram_matrix's packed K holds the exact int64 X^T X for
 * sizes around the tile (m = 1, 2, 255, 256, 257, 515), the same on one
 * and on two threads. n = 1000 bytes of up to 255 each. */
static void test_packed_matrix_is_exact(void **state) {
    (void)state;
    enum { N = 1000 };
    uint32_t seed = 3;
    for (size_t s = 0; s < N_SIZES; s++) {
        const size_t m = SIZES[s], count = catlr_gram_packed_count(m);
        uint8_t *X = malloc(m * N);
        int32_t *K1 = malloc(count * sizeof *K1), *K2 = malloc(count * sizeof *K2);
        assert_true(X && K1 && K2);
        for (size_t i = 0; i < m * N; i++)
            X[i] = (uint8_t)(next(&seed) >> 24);
        assert_int_equal(catlr_gram_matrix(X, N, m, 1, K1, NULL), CATLR_OK);
        assert_int_equal(catlr_gram_matrix(X, N, m, 2, K2, NULL), CATLR_OK);
        assert_memory_equal(K1, K2, count * sizeof *K1);
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < m; j++) {
                int64_t d = 0;
                for (size_t k = 0; k < N; k++)
                    d += (int64_t)X[i * N + k] * X[j * N + k];
                assert_int_equal(catlr_gram_at(K1, m, i, j), d);
            }
        free(X);
        free(K1);
        free(K2);
    }
}
#endif

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_is_contiguous),
        cmocka_unit_test(test_plan_cuts_rows),
        cmocka_unit_test(test_product_is_the_definition),
        cmocka_unit_test(test_entry_steps_are_the_definition),
#ifndef CATLR_GRAM_KERNEL_PORTABLE
        cmocka_unit_test(test_packed_matrix_is_exact),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
