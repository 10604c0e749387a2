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

/* Ensure the sum of bytes is exact for every length around the 16-byte
 * step, from every misalignment, and for 40000 random bytes and 40000
 * bytes of 255. */
static void test_sum_u8_exact(void **state) {
    (void)state;
    enum { LEN = 40000 };
    static uint8_t x[LEN + 16];
    uint32_t seed = 5;
    for (size_t i = 0; i < sizeof x; i++)
        x[i] = (uint8_t)(next(&seed) >> 24);
    for (size_t off = 0; off < 16; off++)
        for (size_t n = 0; n < 70; n++) {
            int64_t want = 0;
            for (size_t i = 0; i < n; i++)
                want += x[off + i];
            assert_int_equal(catlr_kernel_sum_u8(x + off, n), want);
        }
    int64_t want = 0;
    for (size_t i = 0; i < LEN; i++)
        want += x[3 + i];
    assert_int_equal(catlr_kernel_sum_u8(x + 3, LEN), want);
    memset(x, 255, sizeof x);
    assert_int_equal(catlr_kernel_sum_u8(x + 1, LEN), (int64_t)LEN * 255);
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

/* out[r*ld + c] = sum_i A_r[i] B_c[i] in int64, the plain way. */
static void cross_naive(const uint8_t *A, size_t rows, const uint8_t *B, size_t cols, size_t n,
                        int64_t *out, size_t ld) {
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            int64_t s = 0;
            for (size_t i = 0; i < n; i++)
                s += (int64_t)A[r * n + i] * B[c * n + i];
            out[r * ld + c] = s;
        }
}

/* Which version of the block product check_cross runs: the one this CPU
 * runs, the plain twin, or the AVX2 one (where the CPU has AVX2). */
typedef enum { CROSS_CHECKED, CROSS_PORTABLE, CROSS_AVX2 } cross_version;

/* Runs a version of catlr_kernel_cross_u8 on rows x cols with row stride
 * cols + 3, out filled with a sentinel first, and checks every entry
 * against want (row stride cols + 3) and every gap entry untouched. The
 * AVX2 version on a CPU without AVX2 must write nothing. */
static void check_cross(const uint8_t *A, size_t rows, const uint8_t *B, const int64_t *sum_b,
                        size_t cols, size_t n, const int64_t *want, cross_version version) {
    const size_t ld = cols + 3;
    int32_t *out = malloc(rows * ld * sizeof *out);
    assert_non_null(out);
    for (size_t i = 0; i < rows * ld; i++)
        out[i] = -7;
    int ran = 1;
    if (version == CROSS_PORTABLE)
        catlr_kernel_cross_u8_portable(A, rows, B, cols, n, out, ld);
    else if (version == CROSS_AVX2)
        ran = catlr_kernel_cross_u8_avx2(A, rows, B, cols, n, out, ld);
    else
        catlr_kernel_cross_u8(A, rows, B, sum_b, cols, n, out, ld);
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < ld; c++)
            assert_int_equal(out[r * ld + c], ran && c < cols ? want[r * ld + c] : -7);
    free(out);
}

/* check_cross on every version. */
static void check_cross_all(const uint8_t *A, size_t rows, const uint8_t *B,
                            const int64_t *sum_b, size_t cols, size_t n, const int64_t *want) {
    check_cross(A, rows, B, sum_b, cols, n, want, CROSS_CHECKED);
    check_cross(A, rows, B, sum_b, cols, n, want, CROSS_PORTABLE);
    check_cross(A, rows, B, sum_b, cols, n, want, CROSS_AVX2);
}

static const size_t CROSS_SIDES[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 17, 33};
static const size_t CROSS_DEPTHS[] = {0, 1, 63, 64, 65, 2047, 2048, 2049, 12288};
enum { N_SIDES = sizeof CROSS_SIDES / sizeof CROSS_SIDES[0], MAX_SIDE = 33,
       N_DEPTHS = sizeof CROSS_DEPTHS / sizeof CROSS_DEPTHS[0] };

/* Ensure a block of images against another is exact, on this CPU's
 * version (the AVX-512 VNNI one where it has it), the AVX2 one (where the
 * CPU has AVX2) and the portable one alike: random bytes, every count of
 * rows and columns from 1 to 9 (the 4 x 4 and 3 x 3 tiles and every
 * remainder) and 17, 33, depths around the 16- and 64-byte steps and the
 * 2048-byte block, output rows wider than the block. */
static void test_cross_u8_exact(void **state) {
    (void)state;
    const size_t max_n = 12288;
    uint8_t *A = malloc(MAX_SIDE * max_n), *B = malloc(MAX_SIDE * max_n);
    int64_t *want = malloc(MAX_SIDE * (MAX_SIDE + 3) * sizeof *want), sum_b[MAX_SIDE];
    assert_true(A && B && want);
    uint32_t seed = 17;
    for (size_t i = 0; i < MAX_SIDE * max_n; i++) {
        A[i] = (uint8_t)(next(&seed) >> 24);
        B[i] = (uint8_t)(next(&seed) >> 24);
    }
    for (size_t d = 0; d < N_DEPTHS; d++) {
        const size_t n = CROSS_DEPTHS[d];
        for (size_t c = 0; c < MAX_SIDE; c++)
            sum_b[c] = catlr_kernel_sum_u8(B + c * n, n);
        for (size_t i = 0; i < N_SIDES; i++)
            for (size_t j = 0; j < N_SIDES; j++) {
                const size_t rows = CROSS_SIDES[i], cols = CROSS_SIDES[j];
                cross_naive(A, rows, B, cols, n, want, cols + 3);
                check_cross_all(A, rows, B, sum_b, cols, n, want);
            }
    }
    free(A);
    free(B);
    free(want);
}

/* Ensure the largest depth allowed, 33025 bytes (33025 * 255^2 =
 * 2147450625 < 2^31), is exact at both ends: all-255 rows against all-255
 * columns (the largest entry), and against all-0 and mixed ones, where
 * the shifted sums sum b (a - 128) are most negative (a = 0, b = 255) or
 * largest. 5 x 6, so the tails of both sides are in. */
static void test_cross_u8_largest_n(void **state) {
    (void)state;
    enum { ROWS = 5, COLS = 6 };
    const size_t n = 33025;
    uint8_t *A = malloc(ROWS * n), *B = malloc(COLS * n);
    int64_t want[ROWS * (COLS + 3)], sum_b[COLS];
    assert_true(A && B);
    uint32_t seed = 19;
    for (size_t r = 0; r < ROWS; r++) /* 255, 0, 255, alternating, random */
        for (size_t i = 0; i < n; i++)
            A[r * n + i] = r == 1 ? 0 : r == 3 ? (uint8_t)(i % 2 ? 255 : 0)
                         : r == 4 ? (uint8_t)(next(&seed) >> 24) : 255;
    for (size_t c = 0; c < COLS; c++) /* 255, 255, 0, alternating, random, 255 */
        for (size_t i = 0; i < n; i++)
            B[c * n + i] = c == 2 ? 0 : c == 3 ? (uint8_t)(i % 2 ? 0 : 255)
                         : c == 4 ? (uint8_t)(next(&seed) >> 24) : 255;
    for (size_t c = 0; c < COLS; c++)
        sum_b[c] = catlr_kernel_sum_u8(B + c * n, n);
    cross_naive(A, ROWS, B, COLS, n, want, COLS + 3);
    assert_int_equal(want[0], 2147450625); /* the bound itself */
    assert_int_equal(want[1 * (COLS + 3) + 0], 0);
    check_cross_all(A, ROWS, B, sum_b, COLS, n, want);
    free(A);
    free(B);
}

/* Ensure the version that runs is the one the CPU check names: the VNNI
 * version adds 128 sum_b back and so follows a wrong sum_b (one too many
 * gives 128 too many), the portable one never reads it. In the portable
 * build (CATLR_KERNEL_PORTABLE) that is the portable one, on any CPU. */
static void test_cross_u8_runs_the_checked_version(void **state) {
    (void)state;
#if defined(CATLR_KERNEL_PORTABLE) || !defined(__GNUC__) || !defined(__x86_64__)
    const int vnni = 0;
#else
    const int vnni = __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw");
#endif
    assert_int_equal(catlr_kernel_vnni(), vnni);
    enum { N = 100 };
    uint8_t a[N], b[N];
    uint32_t seed = 23;
    for (size_t i = 0; i < N; i++) {
        a[i] = (uint8_t)(next(&seed) >> 24);
        b[i] = (uint8_t)(next(&seed) >> 24);
    }
    const int64_t wrong_sum = catlr_kernel_sum_u8(b, N) + 1;
    int32_t got = 0;
    catlr_kernel_cross_u8(a, 1, b, &wrong_sum, 1, N, &got, 1);
    assert_int_equal(got, catlr_kernel_dot_u8(a, b, N) + (vnni ? 128 : 0));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dot_f32_u8_is_the_definition),
        cmocka_unit_test(test_dot_f64_is_the_definition),
        cmocka_unit_test(test_dot_wide_u8_fuses),
        cmocka_unit_test(test_dot4_wide_u8_is_four_dots),
        cmocka_unit_test(test_axpyk_u8_is_k_axpys),
        cmocka_unit_test(test_axpy_u8),
        cmocka_unit_test(test_sum_u8_exact),
        cmocka_unit_test(test_dots_u8_exact),
        cmocka_unit_test(test_cross_u8_exact),
        cmocka_unit_test(test_cross_u8_largest_n),
        cmocka_unit_test(test_cross_u8_runs_the_checked_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
