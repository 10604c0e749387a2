/* test_image_resample.c: catlr_image_from_rgb, interleaved RGB of any size
 * -> the 64x64 channel-planar feature vector. A pure function, so every
 * case is an array built here and checked against values worked by hand:
 * area average where an axis shrinks (or keeps its length), bilinear with
 * centred samples where it grows, one rounding half up at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "catlr/image.h"
#include "test_util.h"

#define PLANE 4096 /* 64 * 64: offset of one channel's plane in px */

/* px[c*4096 + row*64 + col] */
static uint8_t at(const uint8_t *px, size_t c, size_t row, size_t col) {
    return px[c * PLANE + row * 64 + col];
}

/* The distinct-looking pattern of tests/fixtures.c, written out here so this
 * test needs no other source: rgb[(row*w + col)*3 + c] = (row*7 + col*3 +
 * c*85) mod 256. */
static void local_pattern(uint8_t *rgb, size_t width, size_t height) {
    for (size_t r = 0; r < height; r++)
        for (size_t c = 0; c < width; c++)
            for (size_t ch = 0; ch < 3; ch++)
                rgb[(r * width + c) * 3 + ch] = (uint8_t)((r * 7 + c * 3 + ch * 85) % 256);
}

/* Fill width x height interleaved RGB with one colour. */
static void fill_solid(uint8_t *rgb, size_t width, size_t height, uint8_t r, uint8_t g,
                       uint8_t b) {
    for (size_t k = 0; k < width * height; k++) {
        rgb[3 * k] = r;
        rgb[3 * k + 1] = g;
        rgb[3 * k + 2] = b;
    }
}

/* Every output pixel is (r, g, b). */
static void assert_all(const uint8_t *px, uint8_t r, uint8_t g, uint8_t b) {
    for (size_t k = 0; k < PLANE; k++) {
        assert_int_equal(px[k], r);
        assert_int_equal(px[PLANE + k], g);
        assert_int_equal(px[2 * PLANE + k], b);
    }
}

// ----------------------------------------------------------------------------
// 64x64: no resizing, only the planar layout.

/* Ensure a 64x64 input comes back exactly, channel-planar:
 * px[c*4096 + row*64 + col] == rgb[(row*64 + col)*3 + c]. E.g. row 1, col 2,
 * green: (7 + 6 + 85) = 98 at px[4096 + 66]. */
static void test_identity_64(void **state) {
    (void)state;
    uint8_t rgb[64 * 64 * 3], px[CATLR_N_X];
    local_pattern(rgb, 64, 64);
    memset(px, 0xAA, sizeof px);
    catlr_image_from_rgb(rgb, 64, 64, px);
    assert_int_equal(px[4096 + 66], 98);
    assert_int_equal(px[0], 0);                  /* row 0 col 0 red */
    assert_int_equal(px[2 * 4096 + 4095], (63 * 7 + 63 * 3 + 170) % 256); /* 130 */
    for (size_t row = 0; row < 64; row++)
        for (size_t col = 0; col < 64; col++)
            for (size_t c = 0; c < 3; c++)
                assert_int_equal(at(px, c, row, col), rgb[(row * 64 + col) * 3 + c]);
}

// ----------------------------------------------------------------------------
// Shrinking: area average.

/* Ensure 128x128 -> 64x64 gives each output the mean of its 2x2 block,
 * rounded half up. Red, blocks worked by hand (top-left, top-right,
 * bottom-left, bottom-right of the block):
 *   out (0,0): 0,0,1,1       -> 2/4 = 0.5    -> 1 (half up, not to even)
 *   out (0,1): 1,2,2,2       -> 7/4 = 1.75   -> 2
 *   out (1,0): 10,20,30,40   -> 100/4 = 25   -> 25
 *   out (1,1): 0,0,0,1       -> 1/4 = 0.25   -> 0
 *   out (2,2): 254,255,255,255 -> 254.75     -> 255
 *   out (3,5): 1,1,2,2       -> 1.5          -> 2
 *   out (5,3): 100,101,100,100 -> 100.25     -> 100
 * Everywhere else every channel holds a formula per source pixel, and the
 * expected value is round_half_up(sum/4) = (sum + 2) / 4 in integers. Green
 * is 255 - red, so its hand values are 255 - (block mean) rounded: (0,0):
 * 255,255,254,254 -> 254.5 -> 255. */
static void test_area_half(void **state) {
    (void)state;
    static const struct {
        size_t r, c;
        uint8_t v[4]; /* (2r,2c), (2r,2c+1), (2r+1,2c), (2r+1,2c+1) */
        uint8_t want;
    } blocks[] = {
        {0, 0, {0, 0, 1, 1}, 1},          {0, 1, {1, 2, 2, 2}, 2},
        {1, 0, {10, 20, 30, 40}, 25},     {1, 1, {0, 0, 0, 1}, 0},
        {2, 2, {254, 255, 255, 255}, 255}, {3, 5, {1, 1, 2, 2}, 2},
        {5, 3, {100, 101, 100, 100}, 100},
    };
    const size_t n_blocks = sizeof blocks / sizeof blocks[0];
    uint8_t rgb[128 * 128 * 3], px[CATLR_N_X];
    for (size_t y = 0; y < 128; y++)
        for (size_t x = 0; x < 128; x++) {
            uint8_t *p = rgb + (y * 128 + x) * 3;
            p[0] = (uint8_t)((y * 13 + x * 29 + (x * y) % 7) % 256);
            p[2] = (uint8_t)((x * 5 + y * 11 + (x ^ y)) % 256);
        }
    for (size_t k = 0; k < n_blocks; k++)
        for (size_t q = 0; q < 4; q++) {
            size_t y = 2 * blocks[k].r + q / 2, x = 2 * blocks[k].c + q % 2;
            rgb[(y * 128 + x) * 3] = blocks[k].v[q];
        }
    for (size_t k = 0; k < 128 * 128; k++)
        rgb[3 * k + 1] = (uint8_t)(255 - rgb[3 * k]);
    catlr_image_from_rgb(rgb, 128, 128, px);

    for (size_t k = 0; k < n_blocks; k++)
        assert_int_equal(at(px, 0, blocks[k].r, blocks[k].c), blocks[k].want);
    assert_int_equal(at(px, 1, 0, 0), 255); /* 254.5 -> 255 */
    assert_int_equal(at(px, 1, 0, 1), 253); /* 254,253,253,253 -> 253.25 */
    for (size_t r = 0; r < 64; r++)
        for (size_t c = 0; c < 64; c++)
            for (size_t ch = 0; ch < 3; ch++) {
                unsigned sum = 0;
                for (size_t q = 0; q < 4; q++)
                    sum += rgb[((2 * r + q / 2) * 128 + 2 * c + q % 2) * 3 + ch];
                assert_int_equal(at(px, ch, r, c), (sum + 2) / 4);
            }
}

/* One group of three source samples and the two outputs it becomes. */
typedef struct triple {
    uint8_t p[3];
    uint8_t want[2];
} triple;

/* Red takes v, green 255 - v, blue 0. 96 -> 64 has ratio 1.5: output o
 * covers source [1.5o, 1.5o + 1.5), so per group of three
 *   o0 = (2*p0 + p1)/3 (overlaps 64 and 32 of 96),  o1 = (p1 + 2*p2)/3.
 * (10,20,30):   o0 = 40/3 = 13.33 -> 13,    o1 = 80/3 = 26.67 -> 27
 * (245,235,225): o0 = 725/3 = 241.67 -> 242, o1 = 685/3 = 228.33 -> 228
 * (255,0,128):  o0 = 510/3 = 170,           o1 = 256/3 = 85.33 -> 85
 * (0,255,127):  o0 = 255/3 = 85,            o1 = 509/3 = 169.67 -> 170 */
static const triple TRIPLES[2][2] = {
    {{{10, 20, 30}, {13, 27}}, {{245, 235, 225}, {242, 228}}},
    {{{255, 0, 128}, {170, 85}}, {{0, 255, 127}, {85, 170}}},
};

/* Ensure 96 -> 64 along x (area with the non-integer ratio 1.5) mixes
 * neighbours by their overlaps (see TRIPLES), rounded half up; y is 64 and
 * untouched. Group k (columns 3k..3k+2) uses TRIPLES[k % 2], so outputs 2k
 * and 2k+1 are known. */
static void test_area_96_wide(void **state) {
    (void)state;
    uint8_t rgb[64 * 96 * 3], px[CATLR_N_X];
    for (size_t y = 0; y < 64; y++)
        for (size_t x = 0; x < 96; x++) {
            uint8_t v = TRIPLES[(x / 3) % 2][0].p[x % 3];
            uint8_t *p = rgb + (y * 96 + x) * 3;
            p[0] = v, p[1] = (uint8_t)(255 - v), p[2] = 0;
        }
    catlr_image_from_rgb(rgb, 96, 64, px);
    for (size_t y = 0; y < 64; y++)
        for (size_t o = 0; o < 64; o++) {
            size_t k = o / 2;
            assert_int_equal(at(px, 0, y, o), TRIPLES[k % 2][0].want[o % 2]);
            assert_int_equal(at(px, 1, y, o), TRIPLES[k % 2][1].want[o % 2]);
            assert_int_equal(at(px, 2, y, o), 0);
        }
}

/* Ensure the same 96 -> 64 area rule holds along y (64 wide, 96 high), with
 * rows in the role of columns. */
static void test_area_96_high(void **state) {
    (void)state;
    uint8_t rgb[96 * 64 * 3], px[CATLR_N_X];
    for (size_t y = 0; y < 96; y++)
        for (size_t x = 0; x < 64; x++) {
            uint8_t v = TRIPLES[(y / 3) % 2][0].p[y % 3];
            uint8_t *p = rgb + (y * 64 + x) * 3;
            p[0] = v, p[1] = (uint8_t)(255 - v), p[2] = 0;
        }
    catlr_image_from_rgb(rgb, 64, 96, px);
    for (size_t o = 0; o < 64; o++)
        for (size_t x = 0; x < 64; x++) {
            size_t k = o / 2;
            assert_int_equal(at(px, 0, o, x), TRIPLES[k % 2][0].want[o % 2]);
            assert_int_equal(at(px, 1, o, x), TRIPLES[k % 2][1].want[o % 2]);
            assert_int_equal(at(px, 2, o, x), 0);
        }
}

/* Ensure a 0/255 checkerboard of 128x128 averages to 128 everywhere: every
 * 2x2 block holds two 0s and two 255s, 510/4 = 127.5, rounded half up. */
static void test_area_checkerboard(void **state) {
    (void)state;
    uint8_t rgb[128 * 128 * 3], px[CATLR_N_X];
    for (size_t y = 0; y < 128; y++)
        for (size_t x = 0; x < 128; x++)
            for (size_t c = 0; c < 3; c++)
                rgb[(y * 128 + x) * 3 + c] = (x + y) % 2 ? 255 : 0;
    catlr_image_from_rgb(rgb, 128, 128, px);
    assert_all(px, 128, 128, 128);
}

// ----------------------------------------------------------------------------
// Growing: bilinear with centred samples.

/* 32 -> 64: output o samples the source at t = (o + 0.5)*32/64 - 0.5 =
 * o/2 - 0.25, clamped to [0, 31]. Source values P (P[0] = 0, P[1] = 2,
 * P[2] = 200, P[x] = 100 + x for 3 <= x <= 30, P[31] = 255):
 *   o=0:  t=-0.25 -> 0                              -> P0 = 0
 *   o=1:  t=0.25  -> 0.75*0 + 0.25*2   = 0.5        -> 1 (half up)
 *   o=2:  t=0.75  -> 0.25*0 + 0.75*2   = 1.5        -> 2
 *   o=3:  t=1.25  -> 0.75*2 + 0.25*200 = 51.5       -> 52
 *   o=4:  t=1.75  -> 0.25*2 + 0.75*200 = 150.5      -> 151
 *   o=61: t=30.25 -> 0.75*130 + 0.25*255 = 161.25   -> 161
 *   o=62: t=30.75 -> 0.25*130 + 0.75*255 = 223.75   -> 224
 *   o=63: t=31.25, clamped to 31                    -> P31 = 255 */
static const size_t GROW_O[] = {0, 1, 2, 3, 4, 61, 62, 63};
static const uint8_t GROW_WANT[] = {0, 1, 2, 52, 151, 161, 224, 255};

static uint8_t grow_source(size_t x) {
    return x == 0 ? 0 : x == 1 ? 2 : x == 2 ? 200 : x == 31 ? 255 : (uint8_t)(100 + x);
}

/* Ensure 32x32 -> 64x64 bilinear samples at o/2 - 0.25 with clamped ends,
 * along both axes: red varies along x only (P[col]), green along y only
 * (P[row]), blue is a constant 77. See GROW_WANT for the hand values. */
static void test_bilinear_32(void **state) {
    (void)state;
    uint8_t rgb[32 * 32 * 3], px[CATLR_N_X];
    for (size_t y = 0; y < 32; y++)
        for (size_t x = 0; x < 32; x++) {
            uint8_t *p = rgb + (y * 32 + x) * 3;
            p[0] = grow_source(x), p[1] = grow_source(y), p[2] = 77;
        }
    catlr_image_from_rgb(rgb, 32, 32, px);
    for (size_t k = 0; k < sizeof GROW_O / sizeof GROW_O[0]; k++)
        for (size_t other = 0; other < 64; other++) {
            assert_int_equal(at(px, 0, other, GROW_O[k]), GROW_WANT[k]);
            assert_int_equal(at(px, 1, GROW_O[k], other), GROW_WANT[k]);
        }
    for (size_t k = 0; k < PLANE; k++)
        assert_int_equal(px[2 * PLANE + k], 77);
}

/* Ensure a 2D blend multiplies the axis weights: 32x32 with red 255 at
 * source (1,1) only. Output (1,1) samples t = (0.25, 0.25), so pixel (1,1)
 * weighs 0.25*0.25 = 1/16: 255/16 = 15.94 -> 16. Output (2,2) samples
 * (0.75, 0.75): 0.75*0.75*255 = 143.44 -> 143. Output (1,2): 0.25*0.75*255 =
 * 47.81 -> 48. Output (0,0) samples (0,0) only: 0. */
static void test_bilinear_2d(void **state) {
    (void)state;
    uint8_t rgb[32 * 32 * 3], px[CATLR_N_X];
    memset(rgb, 0, sizeof rgb);
    rgb[(1 * 32 + 1) * 3] = 255;
    catlr_image_from_rgb(rgb, 32, 32, px);
    assert_int_equal(at(px, 0, 1, 1), 16);
    assert_int_equal(at(px, 0, 2, 2), 143);
    assert_int_equal(at(px, 0, 1, 2), 48);
    assert_int_equal(at(px, 0, 2, 1), 48);
    assert_int_equal(at(px, 0, 0, 0), 0);
    assert_int_equal(at(px, 0, 5, 5), 0); /* t = 2.25: pixels 2 and 3 only */
    assert_int_equal(at(px, 1, 2, 2), 0);
}

/* Ensure a 1x1 input fills the whole output with its colour: every sample
 * position clamps to the one source pixel. */
static void test_one_pixel(void **state) {
    (void)state;
    const uint8_t rgb[3] = {200, 17, 255};
    uint8_t px[CATLR_N_X];
    catlr_image_from_rgb(rgb, 1, 1, px);
    assert_all(px, 200, 17, 255);
}

// ----------------------------------------------------------------------------
// Any size: convexity and no overflow.

/* Ensure a constant image of any size stays constant, with the extremes 0
 * and 255 among the channels: the weights of each output are non-negative
 * and add up to the denominator, so sum = den * v and (sum + den/2) / den =
 * v exactly (no ringing, no overflow, no drift from rounding). */
static void test_constant_any_size(void **state) {
    (void)state;
    static const size_t sizes[][2] = {
        {63, 65}, {65, 63}, {200, 50}, {50, 200}, {1000, 3}, {3, 1000},
        {64, 1},  {1, 64},  {65, 65},  {127, 129}, {2, 2},   {97, 31},
    };
    uint8_t px[CATLR_N_X];
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t w = sizes[k][0], h = sizes[k][1];
        uint8_t *rgb = malloc(w * h * 3);
        assert_non_null(rgb);
        fill_solid(rgb, w, h, 255, 0, 173);
        memset(px, 0x11, sizeof px);
        catlr_image_from_rgb(rgb, w, h, px);
        free(rgb); /* before asserting, so a failure leaks nothing */
        assert_all(px, 255, 0, 173);
    }
}

/* Ensure mixed axes (200 wide x 50 high: x shrinks by area, y grows by
 * bilinear) keep a horizontal ramp v(x) = floor(255x/199) monotone along x,
 * the same in every row, with ends worked by hand. Output 0 covers source
 * [0, 3.125): pixels 0, 1, 2 whole and 1/8 of pixel 3, values 0, 1, 2, 3:
 * (64*(0+1+2) + 8*3) / 200 = 216/200 = 1.08 -> 1. Output 63 covers
 * [196.875, 200): 1/8 of pixel 196 (251) and pixels 197..199 (252, 253,
 * 255): (8*251 + 64*760) / 200 = 50648/200 = 253.24 -> 253. */
static void test_mixed_axes_ramp(void **state) {
    (void)state;
    uint8_t rgb[200 * 50 * 3], px[CATLR_N_X];
    for (size_t y = 0; y < 50; y++)
        for (size_t x = 0; x < 200; x++) {
            uint8_t v = (uint8_t)(255 * x / 199);
            uint8_t *p = rgb + (y * 200 + x) * 3;
            p[0] = v, p[1] = (uint8_t)(255 - v), p[2] = 9;
        }
    catlr_image_from_rgb(rgb, 200, 50, px);
    for (size_t r = 0; r < 64; r++) {
        assert_int_equal(at(px, 0, r, 0), 1);
        assert_int_equal(at(px, 0, r, 63), 253);
        for (size_t c = 0; c < 64; c++) {
            assert_int_equal(at(px, 0, r, c), at(px, 0, 0, c));
            assert_int_equal(at(px, 2, r, c), 9);
            if (c > 0) {
                assert_true(at(px, 0, r, c) >= at(px, 0, r, c - 1));
                assert_true(at(px, 1, r, c) <= at(px, 1, r, c - 1));
            }
        }
    }
}

/* Ensure mixed axes the other way (50 wide x 200 high: x grows, y shrinks)
 * place a vertical ramp along the rows: same hand values as above, with row
 * and column swapped. */
static void test_mixed_axes_ramp_vertical(void **state) {
    (void)state;
    uint8_t rgb[50 * 200 * 3], px[CATLR_N_X];
    for (size_t y = 0; y < 200; y++)
        for (size_t x = 0; x < 50; x++) {
            uint8_t v = (uint8_t)(255 * y / 199);
            uint8_t *p = rgb + (y * 50 + x) * 3;
            p[0] = v, p[1] = v, p[2] = v;
        }
    catlr_image_from_rgb(rgb, 50, 200, px);
    for (size_t c = 0; c < 64; c++) {
        assert_int_equal(at(px, 0, 0, c), 1);
        assert_int_equal(at(px, 0, 63, c), 253);
        for (size_t r = 1; r < 64; r++)
            assert_true(at(px, 0, r, c) >= at(px, 0, r - 1, c));
    }
}

/* Ensure the largest width the decoder lets through, 16384 x 1 of 255 (and
 * 1 x 16384), gives 255 everywhere: per output the sums reach 255 * 16384 *
 * 128, which must not overflow or lose the top value. */
static void test_extreme_width(void **state) {
    (void)state;
    const size_t n = 16384;
    uint8_t *rgb = malloc(n * 3);
    assert_non_null(rgb);
    memset(rgb, 255, n * 3);
    uint8_t wide[CATLR_N_X], tall[CATLR_N_X];
    catlr_image_from_rgb(rgb, n, 1, wide);
    catlr_image_from_rgb(rgb, 1, n, tall);
    free(rgb);
    assert_all(wide, 255, 255, 255);
    assert_all(tall, 255, 255, 255);
}

/* Ensure sums that need more than 32 bits come out right: 8192 x 4096 of
 * 255 has the denominator 8192 * 4096 = 2^25 per output, so each sum is
 * 255 * 2^25 = 8,556,380,160 > 2^32 (a 32-bit accumulator would wrap to
 * 4,261,412,864 and give 127 here, not 255). */
static void test_sums_need_64_bits(void **state) {
    (void)state;
    const size_t w = 8192, h = 4096;
    uint8_t *rgb = malloc(w * h * 3);
    assert_non_null(rgb);
    memset(rgb, 255, w * h * 3);
    uint8_t px[CATLR_N_X];
    catlr_image_from_rgb(rgb, w, h, px);
    free(rgb);
    assert_all(px, 255, 255, 255);
}

/* Ensure a shrink by 256 (16384 wide) averages exactly: columns alternate
 * 0 and 255, so each output covers 256 columns, half of each, mean 127.5 ->
 * 128. */
static void test_extreme_width_average(void **state) {
    (void)state;
    const size_t n = 16384;
    uint8_t *rgb = malloc(n * 3);
    assert_non_null(rgb);
    for (size_t x = 0; x < n; x++)
        rgb[3 * x] = rgb[3 * x + 1] = rgb[3 * x + 2] = x % 2 ? 255 : 0;
    uint8_t px[CATLR_N_X];
    catlr_image_from_rgb(rgb, n, 1, px);
    free(rgb);
    assert_all(px, 128, 128, 128);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_64),
        cmocka_unit_test(test_area_half),
        cmocka_unit_test(test_area_96_wide),
        cmocka_unit_test(test_area_96_high),
        cmocka_unit_test(test_area_checkerboard),
        cmocka_unit_test(test_bilinear_32),
        cmocka_unit_test(test_bilinear_2d),
        cmocka_unit_test(test_one_pixel),
        cmocka_unit_test(test_constant_any_size),
        cmocka_unit_test(test_mixed_axes_ramp),
        cmocka_unit_test(test_mixed_axes_ramp_vertical),
        cmocka_unit_test(test_extreme_width),
        cmocka_unit_test(test_extreme_width_average),
        cmocka_unit_test(test_sums_need_64_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
