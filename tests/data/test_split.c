/* test_split.c: SplitMix64 against its published outputs, the stratified
 * validation split and folds: proportions, partition, reproducibility. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "catlr/split.h"
#include "test_util.h"

/* The generator's first outputs for seeds 0 and 1, as the reference
 * implementation (Vigna's splitmix64.c) prints them; a change in any
 * constant or shift changes them. */
static void test_rng_known_outputs(void **state) {
    (void)state;
    catlr_rng r0 = catlr_rng_seeded(0);
    assert_true(catlr_rng_next(&r0) == 0xe220a8397b1dcdafull);
    catlr_rng r1 = catlr_rng_seeded(1);
    assert_true(catlr_rng_next(&r1) == 0x910a2dec89025cc1ull);
    assert_true(catlr_rng_next(&r1) == 0xbeeb8da1658eec67ull);
    assert_true(catlr_rng_next(&r1) == 0xf893a2eefb32555eull);
}

/* Every value below n is drawn, none at or above it, and the counts of a
 * non-power-of-two n are near uniform (chi-square far below its 99.9 %
 * point for 6 degrees of freedom, 22.5). */
static void test_rng_below_uniform(void **state) {
    (void)state;
    enum { N = 7, DRAWS = 70000 };
    size_t count[N] = {0};
    catlr_rng rng = catlr_rng_seeded(42);
    for (int i = 0; i < DRAWS; i++) {
        uint64_t v = catlr_rng_below(&rng, N);
        assert_true(v < N);
        count[v]++;
    }
    double chi2 = 0, expect = (double)DRAWS / N;
    for (int v = 0; v < N; v++)
        chi2 += (count[v] - expect) * (count[v] - expect) / expect;
    assert_true(chi2 < 22.5);
    assert_true(catlr_rng_below(&rng, 1) == 0);
}

/* A shuffle is a permutation, depends on the seed, and is the same for the
 * same seed. */
static void test_shuffle_permutation(void **state) {
    (void)state;
    enum { N = 50 };
    size_t a[N], b[N], c[N];
    for (size_t i = 0; i < N; i++)
        a[i] = b[i] = c[i] = i;
    catlr_rng ra = catlr_rng_seeded(5), rb = catlr_rng_seeded(5), rc = catlr_rng_seeded(6);
    catlr_rng_shuffle(&ra, a, N);
    catlr_rng_shuffle(&rb, b, N);
    catlr_rng_shuffle(&rc, c, N);
    assert_memory_equal(a, b, sizeof a);
    assert_memory_not_equal(a, c, sizeof a);
    int seen[N] = {0}, moved = 0;
    for (size_t i = 0; i < N; i++) {
        assert_true(a[i] < N);
        seen[a[i]]++;
        moved += a[i] != i;
    }
    for (size_t i = 0; i < N; i++)
        assert_int_equal(seen[i], 1);
    assert_true(moved > N / 2);
}

/* Labels of m examples, class 1 at every third position. */
static void thirds(uint8_t *y, size_t m) {
    for (size_t j = 0; j < m; j++)
        y[j] = j % 3 == 0;
}

/* 209 examples, 70 of class 1 and 139 of class 0: 20 % holds out
 * round(27.8) = 28 and round(14) = 14, the same for the same seed, other
 * examples for another seed. */
static void test_validation_stratified(void **state) {
    (void)state;
    enum { M = 209 };
    uint8_t y[M], v1[M], v2[M], v3[M];
    thirds(y, M);
    catlr_error err;
    assert_int_equal(catlr_split_validation(y, M, 0.2, 1, v1, &err), CATLR_OK);
    assert_int_equal(catlr_split_validation(y, M, 0.2, 1, v2, &err), CATLR_OK);
    assert_int_equal(catlr_split_validation(y, M, 0.2, 2, v3, &err), CATLR_OK);
    assert_memory_equal(v1, v2, M);
    assert_memory_not_equal(v1, v3, M);
    size_t held[2] = {0, 0}, held3[2] = {0, 0};
    for (size_t j = 0; j < M; j++) {
        assert_true(v1[j] <= 1);
        held[y[j]] += v1[j];
        held3[y[j]] += v3[j];
    }
    assert_int_equal(held[0], 28);
    assert_int_equal(held[1], 14);
    assert_int_equal(held3[0], 28);
    assert_int_equal(held3[1], 14);
}

/* Rounding is half up, and a class never gives up its last example. */
static void test_validation_rounding_and_floor(void **state) {
    (void)state;
    uint8_t y[6] = {1, 0, 0, 0, 0, 1}, v[6];
    catlr_error err;
    /* class 0: 4 x 0.5 = 2; class 1: 2 x 0.5 = 1 */
    assert_int_equal(catlr_split_validation(y, 6, 0.5, 9, v, &err), CATLR_OK);
    size_t held[2] = {0, 0};
    for (size_t j = 0; j < 6; j++)
        held[y[j]] += v[j];
    assert_int_equal(held[0], 2);
    assert_int_equal(held[1], 1);
    /* 0.99 of 4 rounds to 4, kept at 3; of 2, kept at 1 */
    assert_int_equal(catlr_split_validation(y, 6, 0.99, 9, v, &err), CATLR_OK);
    held[0] = held[1] = 0;
    for (size_t j = 0; j < 6; j++)
        held[y[j]] += v[j];
    assert_int_equal(held[0], 3);
    assert_int_equal(held[1], 1);
}

/* Errors: fraction outside (0, 1), and a split too small to hold anything
 * out. */
static void test_validation_errors(void **state) {
    (void)state;
    uint8_t y[3] = {0, 1, 0}, v[3];
    catlr_error err;
    const double bad[] = {0, 1, -0.5, 2, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(catlr_split_validation(y, 3, bad[i], 1, v, &err), CATLR_ERR_ARG);
    /* 0.1 of 2 and of 1 both round to 0 */
    assert_int_equal(catlr_split_validation(y, 3, 0.1, 1, v, &err), CATLR_ERR_DATA);
    assert_non_null(strstr(err.reason, "no validation example"));
    /* no examples at all, with the NULL arrays split.h allows for m = 0
     * (nothing is written through them: UBSan checks) */
    assert_int_equal(catlr_split_validation(NULL, 0, 0.5, 1, NULL, &err), CATLR_ERR_DATA);
    assert_non_null(strstr(err.reason, "(0 examples)"));
}

/* The folds partition the examples, differ in size by at most one, keep
 * each class spread within one example per fold, and repeat for a seed. */
static void test_folds_partition(void **state) {
    (void)state;
    enum { M = 209, K = 5 };
    uint8_t y[M];
    thirds(y, M);
    unsigned f1[M], f2[M];
    catlr_error err;
    assert_int_equal(catlr_split_folds(y, M, K, 7, f1, &err), CATLR_OK);
    assert_int_equal(catlr_split_folds(y, M, K, 7, f2, &err), CATLR_OK);
    assert_memory_equal(f1, f2, sizeof f1);
    size_t size[K] = {0}, per_class[2][K] = {{0}};
    for (size_t j = 0; j < M; j++) {
        assert_true(f1[j] < K);
        size[f1[j]]++;
        per_class[y[j]][f1[j]]++;
    }
    size_t total = 0;
    for (int f = 0; f < K; f++) {
        total += size[f];
        assert_true(size[f] == M / K || size[f] == M / K + 1);
        for (int c = 0; c < 2; c++) {
            size_t lo = (c ? 70 : 139) / K;
            assert_true(per_class[c][f] == lo || per_class[c][f] == lo + 1);
        }
    }
    assert_int_equal(total, M);
}

static void test_folds_errors(void **state) {
    (void)state;
    uint8_t y[3] = {0, 1, 0};
    unsigned f[3];
    catlr_error err;
    assert_int_equal(catlr_split_folds(y, 3, 1, 1, f, &err), CATLR_ERR_ARG);
    assert_int_equal(catlr_split_folds(y, 3, CATLR_MAX_FOLDS + 1, 1, f, &err), CATLR_ERR_ARG);
    assert_int_equal(catlr_split_folds(y, 3, 4, 1, f, &err), CATLR_ERR_DATA);
    assert_int_equal(catlr_split_folds(y, 3, 3, 1, f, &err), CATLR_OK);
    assert_true(f[0] != f[1] && f[1] != f[2] && f[0] != f[2]);
}

/* take gathers columns and labels in the order given. */
static void test_take(void **state) {
    (void)state;
    const uint8_t X[4 * 2] = {1, 2, 3, 4, 5, 6, 7, 8}; /* n_x 2, m 4 */
    const uint8_t y[4] = {0, 1, 1, 0};
    const size_t idx[3] = {3, 0, 2};
    uint8_t out[6], yo[3];
    catlr_split_take(X, 2, idx, 3, out);
    catlr_split_take_labels(y, idx, 3, yo);
    const uint8_t want[6] = {7, 8, 1, 2, 5, 6}, want_y[3] = {0, 0, 1};
    assert_memory_equal(out, want, 6);
    assert_memory_equal(yo, want_y, 3);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_known_outputs),
        cmocka_unit_test(test_rng_below_uniform),
        cmocka_unit_test(test_shuffle_permutation),
        cmocka_unit_test(test_validation_stratified),
        cmocka_unit_test(test_validation_rounding_and_floor),
        cmocka_unit_test(test_validation_errors),
        cmocka_unit_test(test_folds_partition),
        cmocka_unit_test(test_folds_errors),
        cmocka_unit_test(test_take),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
