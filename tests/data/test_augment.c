/* test_augment.c: horizontal mirrors of images and of a training set, on
 * images made by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "catlr/augment.h"
#include "test_util.h"

/* Ensure a 2-row, 3-column, 2-channel image made by hand comes out with
 * each row of each plane reversed and the planes and rows in place:
 *   plane 0: 1 2 3 / 4 5 6     ->  3 2 1 / 6 5 4
 *   plane 1: 7 8 9 / 10 11 12  ->  9 8 7 / 12 11 10 */
static void test_flip_by_hand(void **state) {
    (void)state;
    const uint8_t px[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    const uint8_t want[12] = {3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10};
    uint8_t out[12];
    catlr_augment_flip(px, 2, 3, 2, out);
    assert_memory_equal(out, want, sizeof want);
}

/* Ensure a one-column image is its own mirror, and that a 64x64x3 image
 * of distinct-looking values mirrored twice is itself again while once is
 * not: out[c*4096 + row*64 + col] = px[c*4096 + row*64 + 63 - col]. */
static void test_flip_twice_is_identity(void **state) {
    (void)state;
    const uint8_t column[3] = {7, 8, 9};
    uint8_t column_out[3];
    catlr_augment_flip(column, 3, 1, 1, column_out);
    assert_memory_equal(column_out, column, 3);
    uint8_t *px = malloc(CATLR_N_X), *once = malloc(CATLR_N_X), *twice = malloc(CATLR_N_X);
    assert_true(px && once && twice);
    for (size_t i = 0; i < CATLR_N_X; i++)
        px[i] = (uint8_t)(i * 7 + i / 64 * 3);
    catlr_augment_flip(px, 64, 64, 3, once);
    catlr_augment_flip(once, 64, 64, 3, twice);
    assert_memory_equal(twice, px, CATLR_N_X);
    assert_memory_not_equal(once, px, CATLR_N_X);
    for (size_t c = 0; c < 3; c++)
        for (size_t row = 0; row < 64; row += 21)
            for (size_t col = 0; col < 64; col += 9)
                assert_int_equal(once[c * 4096 + row * 64 + col],
                                 px[c * 4096 + row * 64 + 63 - col]);
    free(px);
    free(once);
    free(twice);
}

/* Ensure the flipped set of three 1x2x1 images holds the originals in
 * order, then their mirrors in the same order, and the labels twice. */
static void test_flip_set_doubles(void **state) {
    (void)state;
    const uint8_t X[6] = {1, 2, 3, 4, 5, 6};
    const uint8_t y[3] = {1, 0, 1};
    const uint8_t want_X[12] = {1, 2, 3, 4, 5, 6, 2, 1, 4, 3, 6, 5};
    const uint8_t want_y[6] = {1, 0, 1, 1, 0, 1};
    uint8_t X_out[12], y_out[6];
    const size_t shape[3] = {1, 2, 1};
    catlr_augment_flip_set(X, y, 3, shape, X_out, y_out);
    assert_memory_equal(X_out, want_X, sizeof want_X);
    assert_memory_equal(y_out, want_y, sizeof want_y);
    catlr_augment_flip_set(NULL, NULL, 0, shape, NULL, NULL); /* nothing to do */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flip_by_hand),
        cmocka_unit_test(test_flip_twice_is_identity),
        cmocka_unit_test(test_flip_set_doubles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
