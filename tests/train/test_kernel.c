/* test_kernel.c: the solvers' inner loops against their definition.
 *
 * kernel.h defines each double sum by its 32 lanes and their combining
 * tree; the portable code is that definition and the AVX-512 code must
 * give the same bits. These tests write the definition out once more,
 * plainly, and compare bit for bit with what the kernels return on this
 * CPU (the AVX-512 versions where it has them), on lengths around the lane
 * and block boundaries; the byte dot products must be exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "train/kernel.h"
#include "test_util.h"

static uint32_t next(uint32_t *seed) {
    *seed = *seed * 1664525u + 1013904223u;
    return *seed;
}

/* A double of any sign and a magnitude from 2^-20 to 2^20, so that the
 * order of additions shows in the last bits. */
static double spread(uint32_t *seed) {
    double v = ldexp((double)(next(seed) >> 8) / 16777216.0, (int)(next(seed) % 41) - 20);
    return next(seed) & 1 ? -v : v;
}

/* The definition: lane i % 32 takes term i, then lane k += lane k + h for
 * h = 16, 8, 4, 2, 1. */
static double by_lanes(const double *terms, size_t n) {
    double s[CATLR_KERNEL_LANES] = {0};
    for (size_t i = 0; i < n; i++)
        s[i % CATLR_KERNEL_LANES] += terms[i];
    for (size_t h = CATLR_KERNEL_LANES / 2; h >= 1; h /= 2)
        for (size_t k = 0; k < h; k++)
            s[k] += s[k + h];
    return s[0];
}

static const size_t LENGTHS[] = {0, 1, 7, 8, 31, 32, 33, 63, 64, 65, 75, 209, 12288, 12293};
enum { N_LENGTHS = sizeof LENGTHS / sizeof LENGTHS[0], MAX_N = 12293 };

/* Ensure the float-times-byte dot product is the 32-lane sum of the exact
 * products, bit for bit, for every length around the lane boundaries, and
 * so is the one from the weights widened to double. */
static void test_dot_f32_u8_is_the_definition(void **state) {
    (void)state;
    float *w = malloc(MAX_N * sizeof *w);
    uint8_t *x = malloc(MAX_N);
    double *terms = malloc(MAX_N * sizeof *terms);
    assert_true(w && x && terms);
    uint32_t seed = 7;
    for (size_t i = 0; i < MAX_N; i++) {
        w[i] = (float)spread(&seed);
        x[i] = (uint8_t)(next(&seed) >> 24);
        terms[i] = (double)w[i] * x[i];
    }
    double *wide = malloc(MAX_N * sizeof *wide);
    assert_non_null(wide);
    for (size_t i = 0; i < MAX_N; i++)
        wide[i] = w[i];
    for (size_t k = 0; k < N_LENGTHS; k++) {
        double got = catlr_kernel_dot_f32_u8(w, x, LENGTHS[k]);
        double want = by_lanes(terms, LENGTHS[k]);
        double from_wide = catlr_kernel_dot_wide_u8(wide, x, LENGTHS[k]);
        assert_memory_equal(&got, &want, sizeof got);
        assert_memory_equal(&from_wide, &want, sizeof got);
    }
    free(wide);
    free(w);
    free(x);
    free(terms);
}

/* Ensure the double dot product is the 32-lane sum of the rounded
 * products, bit for bit (no fused multiply-add), for every length; and the
 * int32-by-double one too (the Gram matrix's rows). */
static void test_dot_f64_is_the_definition(void **state) {
    (void)state;
    double *a = malloc(MAX_N * sizeof *a), *b = malloc(MAX_N * sizeof *b);
    double *terms = malloc(MAX_N * sizeof *terms);
    assert_true(a && b && terms);
    uint32_t seed = 11;
    for (size_t i = 0; i < MAX_N; i++) {
        a[i] = spread(&seed);
        b[i] = spread(&seed);
        terms[i] = a[i] * b[i];
    }
    for (size_t k = 0; k < N_LENGTHS; k++) {
        double got = catlr_kernel_dot_f64(a, b, LENGTHS[k]);
        double want = by_lanes(terms, LENGTHS[k]);
        assert_memory_equal(&got, &want, sizeof got);
    }
    /* int32 against double: the same, once the int32 are widened */
    int32_t *ki = malloc(MAX_N * sizeof *ki);
    assert_non_null(ki);
    for (size_t i = 0; i < MAX_N; i++) {
        ki[i] = (int32_t)next(&seed);
        a[i] = ki[i];
        terms[i] = a[i] * b[i];
    }
    for (size_t k = 0; k < N_LENGTHS; k++) {
        double got = catlr_kernel_dot_i32_f64(ki, b, LENGTHS[k]);
        double want = by_lanes(terms, LENGTHS[k]);
        assert_memory_equal(&got, &want, sizeof got);
    }
    /* four rows at once: each row the same bits as alone (rows 3 apart,
     * overlapping, are as good as any) */
    for (size_t k = 0; k < N_LENGTHS; k++) {
        size_t n = LENGTHS[k] < MAX_N - 9 ? LENGTHS[k] : MAX_N - 9;
        double four[4];
        catlr_kernel_dot4_i32_f64(ki, 3, b, n, four);
        for (size_t r = 0; r < 4; r++) {
            double alone = catlr_kernel_dot_i32_f64(ki + 3 * r, b, n);
            assert_memory_equal(&four[r], &alone, sizeof alone);
        }
    }
    free(ki);
    free(a);
    free(b);
    free(terms);
}

/* Ensure the dot product with w in any double (as while training) fuses
 * each term into its lane: the 32-lane sum of fma() steps, bit for bit, in
 * the SIMD and the portable build alike. */
static void test_dot_wide_u8_fuses(void **state) {
    (void)state;
    double *w = malloc(MAX_N * sizeof *w);
    uint8_t *x = malloc(MAX_N);
    assert_true(w && x);
    uint32_t seed = 13;
    for (size_t i = 0; i < MAX_N; i++) {
        /* 53 random significant bits, so w x rounds; magnitudes alike and
         * random signs, so the sums stay small and those roundings show */
        w[i] = ldexp((double)next(&seed), -32) + ldexp((double)next(&seed), -64);
        w[i] = next(&seed) & 1 ? -w[i] : w[i];
        x[i] = (uint8_t)(next(&seed) >> 24);
    }
    int rounded_differs = 0;
    for (size_t k = 0; k < N_LENGTHS; k++) {
        double s[CATLR_KERNEL_LANES] = {0}, r[CATLR_KERNEL_LANES] = {0};
        for (size_t i = 0; i < LENGTHS[k]; i++) {
            s[i % CATLR_KERNEL_LANES] = fma(w[i], x[i], s[i % CATLR_KERNEL_LANES]);
            double p = w[i] * x[i];
            r[i % CATLR_KERNEL_LANES] += p;
        }
        double want = by_lanes(s, CATLR_KERNEL_LANES), rounded = by_lanes(r, CATLR_KERNEL_LANES);
        double got = catlr_kernel_dot_wide_u8(w, x, LENGTHS[k]);
        assert_memory_equal(&got, &want, sizeof got);
        rounded_differs |= memcmp(&want, &rounded, sizeof want) != 0;
    }
    assert_true(rounded_differs); /* else the data could not tell them apart */
    free(w);
    free(x);
}

/* Ensure four images at once give each image's dot product bit for bit,
 * for every length around the lane boundaries, with rows far apart (the
 * stride) and tails of every size. */
static void test_dot4_wide_u8_is_four_dots(void **state) {
    (void)state;
    double *wide = malloc(MAX_N * sizeof *wide);
    uint8_t *X = malloc(4 * MAX_N);
    assert_true(wide && X);
    uint32_t seed = 11;
    for (size_t i = 0; i < MAX_N; i++)
        wide[i] = spread(&seed) * (1.0 + 0x1p-40);
    for (size_t i = 0; i < 4 * MAX_N; i++)
        X[i] = (uint8_t)(next(&seed) >> 24);
    for (size_t k = 0; k < N_LENGTHS; k++) {
        double got[4];
        catlr_kernel_dot4_wide_u8(wide, X, MAX_N, LENGTHS[k], got);
        for (size_t r = 0; r < 4; r++) {
            double want = catlr_kernel_dot_wide_u8(wide, X + r * MAX_N, LENGTHS[k]);
            assert_memory_equal(&got[r], &want, sizeof want);
        }
    }
    free(wide);
    free(X);
}

/* Ensure k images added at once are k axpy calls in image order, bit for
 * bit, for 1 to 5 images and lengths across the 32-feature blocks and
 * their tails, touching nothing past n. */
static void test_axpyk_u8_is_k_axpys(void **state) {
    (void)state;
    enum { STRIDE = 80, K = 5 };
    double y[STRIDE], want[STRIDE], s[K];
    uint8_t x[K * STRIDE];
    uint32_t seed = 5;
    for (size_t k = 1; k <= K; k++)
        for (size_t n = 0; n < STRIDE; n += 13) {
            for (size_t i = 0; i < STRIDE; i++)
                y[i] = want[i] = spread(&seed);
            for (size_t i = 0; i < K * STRIDE; i++)
                x[i] = (uint8_t)(next(&seed) >> 24);
            for (size_t r = 0; r < K; r++)
                s[r] = spread(&seed);
            for (size_t r = 0; r < k; r++)
                catlr_kernel_axpy_u8(want, s[r], x + r * STRIDE, n);
            catlr_kernel_axpyk_u8(y, s, x, STRIDE, k, n);
            assert_memory_equal(y, want, sizeof y);
        }
}

/* Ensure y += s x rounds the product, then the sum, element by element, and
 * touches nothing past n. */
static void test_axpy_u8(void **state) {
    (void)state;
    double y[80], want[80];
    uint8_t x[80];
    uint32_t seed = 3;
    const double s = spread(&seed);
    for (size_t n = 0; n < 79; n += 13) {
        for (size_t i = 0; i < 80; i++) {
            y[i] = want[i] = spread(&seed);
            x[i] = (uint8_t)(next(&seed) >> 24);
        }
        for (size_t i = 0; i < n; i++) {
            double p = s * x[i];
            want[i] = want[i] + p;
        }
        catlr_kernel_axpy_u8(y, s, x, n);
        assert_memory_equal(y, want, sizeof y);
    }
}

/* Ensure the byte dot products are exact: against a plain int64 sum for
 * lengths around 64 (the VNNI step, with a masked tail) and past 32768
 * (the int32 block), for columns taken four at a time and the rest, from
 * every starting column; all-255 bytes over 40000 terms (2.6e9, more than
 * an int32 holds) included; and four rows at once agree with one by one. */
static void test_dots_u8_exact(void **state) {
    (void)state;
    const size_t lengths[] = {1, 63, 64, 65, 130, 12288, 40000};
    const size_t m = 7;
    uint32_t seed = 5;
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        size_t n = lengths[k];
        uint8_t *a = malloc(n), *X = malloc(n * m);
        assert_true(a && X);
        for (size_t i = 0; i < n; i++)
            a[i] = k == 6 ? 255 : (uint8_t)(next(&seed) >> 24);
        for (size_t i = 0; i < n * m; i++)
            X[i] = k == 6 ? 255 : (uint8_t)(next(&seed) >> 24);
        int64_t sums[7], out[7];
        for (size_t j = 0; j < m; j++)
            sums[j] = catlr_kernel_sum_u8(X + j * n, n);
        const catlr_kernel_columns cols = {.X = X, .n = n, .m = m, .sum_x = sums};
        /* four rows at once: rows 0..3 of X against all of X, from each j0 */
        for (size_t j0 = 0; j0 < 3; j0++) {
            int64_t four[4 * 7];
            catlr_kernel_dots4_u8(X, &cols, j0, four);
            for (size_t r = 0; r < 4; r++) {
                catlr_kernel_dots_u8(X + r * n, &cols, j0, out);
                assert_memory_equal(four + r * (m - j0), out, (m - j0) * sizeof *out);
            }
        }
        for (size_t j0 = 0; j0 < 3; j0++) {
            catlr_kernel_dots_u8(a, &cols, j0, out);
            for (size_t j = j0; j < m; j++) {
                int64_t want = 0, sum = 0;
                for (size_t i = 0; i < n; i++) {
                    want += (int64_t)a[i] * X[j * n + i];
                    sum += X[j * n + i];
                }
                assert_int_equal(sums[j], sum);
                assert_int_equal(out[j - j0], want);
                assert_int_equal(catlr_kernel_dot_u8(a, X + j * n, n), want);
            }
        }
        if (k == 6)
            assert_int_equal(out[0], (int64_t)40000 * 255 * 255);
        free(a);
        free(X);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dot_f32_u8_is_the_definition),
        cmocka_unit_test(test_dot_f64_is_the_definition),
        cmocka_unit_test(test_dot_wide_u8_fuses),
        cmocka_unit_test(test_dot4_wide_u8_is_four_dots),
        cmocka_unit_test(test_axpyk_u8_is_k_axpys),
        cmocka_unit_test(test_axpy_u8),
        cmocka_unit_test(test_dots_u8_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
