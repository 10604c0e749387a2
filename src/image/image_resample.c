/* image_resample.c: interleaved RGB of any size -> the 64x64 channel-planar
 * feature vector.
 *
 * Resizing is separable, one rule per axis: area-average where the axis
 * shrinks (or keeps its length), bilinear with centred samples where it
 * grows. All weights are small integers over a per-axis denominator, so the
 * whole computation is exact integer arithmetic with one rounding at the
 * end: the result does not depend on the compiler, the FPU or the order of
 * the sums, and a 64x64 input comes back unchanged. No allocation: the
 * weights are computed where they are used. */
#include <stdint.h>

#include "catlr/image.h"

// ----------------------------------------------------------------------------
// One axis: which source samples feed output sample o, with what weight.

/* Source samples [first, first + count) feed output sample o. */
typedef struct span {
    size_t first;
    size_t count;
} span;

/* Shrinking (src >= 64): output o covers the source interval
 * [o*src/64, (o+1)*src/64). Measured in 1/64ths of a source pixel that is
 * [o*src, (o+1)*src), integers; source pixel x covers [64x, 64x+64). The
 * weight of x is the overlap of the two, and the overlaps of one output
 * add up to src, the denominator. */
static span area_span(size_t src, size_t o) {
    size_t lo = o * src, hi = (o + 1) * src;
    span s = {lo / 64, (hi + 63) / 64 - lo / 64};
    return s;
}

static uint64_t area_weight(size_t src, size_t o, size_t x) {
    size_t lo = o * src, hi = (o + 1) * src;
    size_t a = 64 * x > lo ? 64 * x : lo;
    size_t b = 64 * x + 64 < hi ? 64 * x + 64 : hi;
    return b > a ? (uint64_t)(b - a) : 0;
}

/* Growing (src < 64): output o samples the source at the centre-aligned
 * position t = (o + 1/2) * src/64 - 1/2, clamped to [0, src-1], and mixes
 * floor(t) and floor(t)+1 linearly. In 1/128ths of a pixel t is
 * (2o+1)*src - 64, an integer, so the weights are (128 - f, f) over 128. */
static void bilinear_pos(size_t src, size_t o, size_t *x0, uint64_t *frac) {
    size_t twice = (2 * o + 1) * src;
    size_t t = twice > 64 ? twice - 64 : 0; /* clamp at the left edge */
    *x0 = t / 128;
    *frac = t % 128;
    if (*x0 >= src - 1) { /* clamp at the right edge */
        *x0 = src - 1;
        *frac = 0;
    }
}

static span bilinear_span(size_t src, size_t o) {
    size_t x0;
    uint64_t frac;
    bilinear_pos(src, o, &x0, &frac);
    span s = {x0, frac ? 2 : 1};
    return s;
}

static uint64_t bilinear_weight(size_t src, size_t o, size_t x) {
    size_t x0;
    uint64_t frac;
    bilinear_pos(src, o, &x0, &frac);
    return x == x0 ? 128 - frac : frac;
}

static span axis_span(size_t src, size_t o) {
    return src >= 64 ? area_span(src, o) : bilinear_span(src, o);
}

static uint64_t axis_weight(size_t src, size_t o, size_t x) {
    return src >= 64 ? area_weight(src, o, x) : bilinear_weight(src, o, x);
}

/* The weights of one output sample add up to this. */
static uint64_t axis_denominator(size_t src) {
    return src >= 64 ? (uint64_t)src : 128;
}

// ----------------------------------------------------------------------------
// Both axes.

/* Weighted sums of output row r, column c, for the three channels. Each
 * term is at most 16384 * 16384 * 255 < 2^36 (sides capped by the decoder),
 * so uint64 cannot overflow. */
static void output_pixel(const uint8_t *rgb, size_t width, size_t height,
                         size_t r, size_t c, uint64_t sum[3]) {
    span sy = axis_span(height, r), sx = axis_span(width, c);
    sum[0] = sum[1] = sum[2] = 0;
    for (size_t y = sy.first; y < sy.first + sy.count; y++) {
        uint64_t wy = axis_weight(height, r, y);
        const uint8_t *row = rgb + y * width * 3;
        for (size_t x = sx.first; x < sx.first + sx.count; x++) {
            uint64_t w = wy * axis_weight(width, c, x);
            for (int ch = 0; ch < 3; ch++)
                sum[ch] += w * row[x * 3 + ch];
        }
    }
}

/* A 64x64 picture only changes layout. The general path below gives the
 * same bytes (every weight is 64/64) but took a fifth of a data set's whole
 * load time, decoding included. */
static void planar_copy(const uint8_t *rgb, uint8_t px[CATLR_N_X]) {
    const size_t plane = (size_t)CATLR_HEIGHT * CATLR_WIDTH;
    for (size_t k = 0; k < plane; k++)
        for (size_t ch = 0; ch < 3; ch++)
            px[ch * plane + k] = rgb[k * 3 + ch];
}

void catlr_image_from_rgb(const uint8_t *rgb, size_t width, size_t height,
                          uint8_t px[CATLR_N_X]) {
    const size_t plane = (size_t)CATLR_HEIGHT * CATLR_WIDTH;
    if (width == CATLR_WIDTH && height == CATLR_HEIGHT) {
        planar_copy(rgb, px);
        return;
    }
    uint64_t den = axis_denominator(width) * axis_denominator(height);
    for (size_t r = 0; r < CATLR_HEIGHT; r++) {
        for (size_t c = 0; c < CATLR_WIDTH; c++) {
            uint64_t sum[3];
            output_pixel(rgb, width, height, r, c, sum);
            /* round half up; the weights are convex, so the result is a
             * byte again */
            for (size_t ch = 0; ch < 3; ch++)
                px[ch * plane + r * CATLR_WIDTH + c] =
                    (uint8_t)((sum[ch] + den / 2) / den);
        }
    }
}
