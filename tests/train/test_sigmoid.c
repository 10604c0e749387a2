/* test_sigmoid.c: sigmoid.c's exponential against long double's, in its
 * limits and special values, and the vector dz against the one-example
 * sigmoid bit for bit. Built twice: against the library (the AVX-512 dz
 * where the CPU has it) and, as test_sigmoid_portable, with sigmoid.c
 * compiled again without its AVX-512 code. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "train/sigmoid.h"

static uint64_t next(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A double in [0, 1) from the generator. */
static double unit(uint64_t *s) {
    return (double)(next(s) >> 11) * 0x1p-53;
}

/* Error of e against the exact e^-|z| (expl's, 11 more bits), in units in
 * the last place of the double result. */
static double ulps(double e, double z) {
    const long double ref = expl(-fabsl((long double)z));
    const long double ulp = ldexpl(1.0L, ilogbl(ref) - 52);
    return (double)fabsl(((long double)e - ref) / ulp);
}

/* Ensure the exponential is within 0.55 units in the last place of the
 * exact one over 10^6 arguments spread over every scale it meets (|z|
 * up to 1, 30, 708: results down to 2^-1022), and within one subnormal
 * unit where the result is subnormal (|z| from 708.4 to 745). */
static void test_exp_accuracy(void **state) {
    (void)state;
    const double scales[] = {1.0, 30.0, 708.0};
    uint64_t s = 88172645463325252ull;
    double worst = 0;
    for (int i = 0; i < 1000000; i++) {
        const double z = unit(&s) * scales[i % 3] * (i & 1 ? -1 : 1);
        worst = fmax(worst, ulps(catlr_exp_negabs(z), z));
    }
    assert_true(worst < 0.55);
    for (int i = 0; i < 100000; i++) {
        const double z = 708.4 + unit(&s) * 36.7;
        const long double ref = expl(-(long double)z);
        assert_true(fabsl((long double)catlr_exp_negabs(z) - ref) <= 0x1p-1074L);
    }
}

/* Ensure the exact points and the limits: e^0 = 1 for both zeros, e^-1 as
 * correctly rounded, 0 from where the result rounds to 0 on (745.2, inf),
 * the smallest subnormal just before, NaN for NaN. */
static void test_exp_special(void **state) {
    (void)state;
    assert_true(catlr_exp_negabs(0.0) == 1.0);
    assert_true(catlr_exp_negabs(-0.0) == 1.0);
    assert_true(catlr_exp_negabs(1.0) == 0x1.78b56362cef38p-2);
    assert_true(catlr_exp_negabs(-1.0) == 0x1.78b56362cef38p-2);
    assert_true(catlr_exp_negabs(0x1p-60) == 1.0);
    assert_true(catlr_exp_negabs(745.1) == 0x1p-1074);
    assert_true(catlr_exp_negabs(745.2) == 0.0);
    assert_true(catlr_exp_negabs(800.0) == 0.0);
    assert_true(catlr_exp_negabs(-INFINITY) == 0.0);
    assert_true(catlr_exp_negabs(INFINITY) == 0.0);
    assert_true(isnan(catlr_exp_negabs(NAN)));
}

/* Ensure the sigmoid's exact and limit values: 1/2 at both zeros, 1 and 0
 * far out and at the infinities, NaN for NaN, a + (1 - a) symmetry. */
static void test_sigmoid_values(void **state) {
    (void)state;
    assert_true(catlr_sigmoid(0.0) == 0.5);
    assert_true(catlr_sigmoid(-0.0) == 0.5);
    assert_true(catlr_sigmoid(800.0) == 1.0);
    assert_true(catlr_sigmoid(-800.0) == 0.0);
    assert_true(catlr_sigmoid(INFINITY) == 1.0);
    assert_true(catlr_sigmoid(-INFINITY) == 0.0);
    assert_true(isnan(catlr_sigmoid(NAN)));
    for (double z = -30; z <= 30; z += 0.37)
        assert_true(fabs(catlr_sigmoid(z) + catlr_sigmoid(-z) - 1.0) <= 0x1p-52);
}

/* z values that test every path: both zeros, the infinities, NaN, the
 * subnormal and zero results, and random ones of every scale. */
static void fill(double *z, uint8_t *y, size_t m, uint64_t *s) {
    const double special[] = {0.0,   -0.0,     INFINITY, -INFINITY, NAN,     745.1,
                              -745.1, 745.2,   -800.0,   708.5,     -1e-300, 37.0};
    for (size_t j = 0; j < m; j++) {
        const uint64_t r = next(s);
        z[j] = r % 5 == 0 ? special[r / 5 % 12]
                          : (unit(s) - 0.5) * ldexp(1.0, (int)(r / 5 % 12)) * 3.0;
        y[j] = (uint8_t)(next(s) & 1);
    }
}

/* The version of dz a test checks: the one this CPU runs, or the AVX2
 * one (which writes nothing and returns 0 where the CPU lacks AVX2). */
typedef int (*dz_version)(const double *z, const uint8_t *y, size_t m, const double *cw,
                          double *dz);

static int dz_checked(const double *z, const uint8_t *y, size_t m, const double *cw, double *dz) {
    catlr_sigmoid_dz(z, y, m, cw, dz);
    return 1;
}

/* For every length 0 .. 40 (every tail of 4 and 8) and 1000, with and
 * without class weights: each example's (catlr_sigmoid(z) - y) c bit for
 * bit, or dz untouched where the version does not run. */
static void check_dz_is_one_at_a_time(dz_version dz_of) {
    const double weight[2] = {0.75, 1.6};
    uint64_t s = 7;
    for (size_t m = 0; m <= 1000; m = m < 40 ? m + 1 : 1000) {
        double *z = malloc((m + 1) * sizeof *z), *dz = malloc((m + 1) * sizeof *dz);
        uint8_t *y = malloc(m + 1);
        assert_non_null(z);
        assert_non_null(dz);
        assert_non_null(y);
        fill(z, y, m, &s);
        for (int weighted = 0; weighted < 2; weighted++) {
            const double *cw = weighted ? weight : NULL;
            for (size_t j = 0; j < m; j++)
                dz[j] = -7.0;
            const int ran = dz_of(z, y, m, cw, dz);
            for (size_t j = 0; j < m; j++) {
                double want = catlr_sigmoid(z[j]) - y[j];
                if (cw != NULL)
                    want *= cw[y[j] != 0];
                if (!ran)
                    assert_true(dz[j] == -7.0);
                else if (isnan(want))
                    assert_true(isnan(dz[j]));
                else
                    assert_memory_equal(&dz[j], &want, sizeof want);
            }
        }
        free(z);
        free(dz);
        free(y);
        if (m == 1000)
            break;
    }
}

/* Ensure catlr_sigmoid_dz gives each example's (catlr_sigmoid(z) - y) c
 * bit for bit: on a CPU with AVX-512 its code against the portable
 * definition, with AVX2 alone the AVX2 code. */
static void test_dz_is_one_at_a_time(void **state) {
    (void)state;
    check_dz_is_one_at_a_time(dz_checked);
}

/* Ensure the AVX2 version (what a CPU without AVX-512 runs) does the same,
 * on any CPU with AVX2, AVX-512 ones included. */
static void test_dz_avx2_is_one_at_a_time(void **state) {
    (void)state;
    check_dz_is_one_at_a_time(catlr_sigmoid_dz_avx2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp_accuracy),
        cmocka_unit_test(test_exp_special),
        cmocka_unit_test(test_sigmoid_values),
        cmocka_unit_test(test_dz_is_one_at_a_time),
        cmocka_unit_test(test_dz_avx2_is_one_at_a_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
