/* test_image_png.c: catlr_image_load and catlr_image_load_memory on PNGs of
 * every colour type, bit depth and interlace method, on odd sizes, and on
 * files that are not PNGs or are broken. The group setup writes every
 * fixture into a mkdtemp folder (tests/fixtures.c); teardown removes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <png.h>
#include <unistd.h>
#include <zlib.h>

#include "catlr/image.h"
#include "fixtures.h"
#include "test_util.h"

#define PLANE 4096 /* 64 * 64: offset of one channel's plane in px */

/* Every fixture file, by name in the group's folder. */
enum {
    FX_RGB64,        /* fixture pattern 64x64, 8-bit RGB */
    FX_RGB64_ADAM7,  /* the same, Adam7-interlaced */
    FX_GRAY8,        /* gray 8-bit, v = (row*4 + col) mod 256 */
    FX_GRAY1,        /* gray 1-bit checkerboard, (row + col) mod 2 */
    FX_GRAY2,        /* gray 2-bit, v = col mod 4 */
    FX_GRAY4,        /* gray 4-bit, v = col mod 16 */
    FX_GRAY_ALPHA8,  /* gray+alpha 8-bit: opaque left half, transparent right */
    FX_RGBA8,        /* RGBA 8-bit, four column bands (see test) */
    FX_PALETTE8,     /* 8-bit palette of 5 colours */
    FX_PALETTE4,     /* 4-bit palette of 16 colours */
    FX_PALETTE_TRNS, /* 8-bit palette of 3 colours, entry 1 fully transparent */
    FX_RGB16,        /* 16-bit RGB, no gAMA */
    FX_GRAY16,       /* 16-bit gray, no gAMA */
    FX_GRAY_ALPHA16, /* 16-bit gray+alpha, opaque left half */
    FX_RGBA16,       /* 16-bit RGBA, opaque left half */
    FX_ODD_63X65,    /* 63x65 solid (12, 34, 56) */
    FX_ONE_1X1,      /* 1x1 (200, 100, 50) */
    FX_BLOCKS128,    /* 128x128, 2x2 blocks of the 64x64 pattern */
    FX_GAMMA_LINEAR, /* 8-bit RGB all 128 with gAMA 1.0 */
    FX_MISSING,      /* never created */
    FX_FOLDER,       /* a directory named like a PNG */
    FX_EMPTY,        /* zero bytes */
    FX_TEXT,         /* a text file named x.png */
    FX_TRUNC_HALF,   /* FX_RGB64 cut to half its length */
    FX_TRUNC_HEADER, /* FX_RGB64 cut to its first 20 bytes */
    FX_HUGE,         /* FX_RGB64 with IHDR patched to 20000x20000 */
    FX_BAD_CRC,      /* FX_RGB64 with one IDAT byte flipped, CRC left */
    FX_BAD_ZLIB,     /* FX_RGB64 with a broken zlib header, CRC fixed */
    FX_FIFO,         /* a named pipe named like a PNG, no writer */
    FX_COUNT
};

static const char *const FX_NAMES[FX_COUNT] = {
    "rgb64.png",     "rgb64_adam7.png", "gray8.png",    "gray1.png",       "gray2.png",
    "gray4.png",     "gray_alpha8.png", "rgba8.png",    "palette8.png",    "palette4.png",
    "palette_trns.png", "rgb16.png", "gray16.png", "gray_alpha16.png", "rgba16.png",    "odd63x65.png", "one1x1.png",      "blocks128.png",
    "gamma_linear.png", "missing.png",  "folder.png",   "empty.png",       "x.png",
    "trunc_half.png",   "trunc_header.png", "huge.png", "bad_crc.png",     "bad_zlib.png",
    "fifo.png",
};

struct fixtures {
    char *dir;
    char path[FX_COUNT][512];
    uint8_t pattern[64 * 64 * 3]; /* fixture_pattern(64, 64), interleaved */
    unsigned char *rgb64;         /* bytes of FX_RGB64 */
    size_t rgb64_size;
};

/* Every RGBA8 band is 16 columns wide: opaque colour, transparent black,
 * half-transparent black, transparent colour. */
static const uint8_t RGBA_BANDS[4][4] = {
    {10, 200, 30, 255}, {0, 0, 0, 0}, {0, 0, 0, 128}, {200, 100, 50, 0}};

static const uint8_t PALETTE8[5 * 3] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 17, 34, 51, 250, 128, 1};
static const uint8_t PALETTE_TRNS[3 * 3] = {1, 2, 3, 40, 50, 60, 7, 8, 9};
static const uint8_t TRNS[2] = {255, 0}; /* entry 2 has none: opaque */

/* The 4-bit palette: entry k is (16k, 255 - 16k, 3k). */
static void palette4(uint8_t pal[16 * 3]) {
    for (int k = 0; k < 16; k++) {
        pal[3 * k] = (uint8_t)(16 * k);
        pal[3 * k + 1] = (uint8_t)(255 - 16 * k);
        pal[3 * k + 2] = (uint8_t)(3 * k);
    }
}

// ----------------------------------------------------------------------------
// Building the fixtures.

/* Samples for a 64x64 image of `channels` samples per pixel, from f. */
typedef uint16_t (*sample_fn)(uint32_t row, uint32_t col, int c);

static void write_spec(const char *path, int color_type, int bit_depth, int channels,
                       sample_fn f, const uint8_t *palette, int n_palette,
                       const uint8_t *trns, int n_trns) {
    uint16_t *samples = malloc(64 * 64 * (size_t)channels * sizeof *samples);
    assert_non_null(samples);
    for (uint32_t r = 0; r < 64; r++)
        for (uint32_t c = 0; c < 64; c++)
            for (int ch = 0; ch < channels; ch++)
                samples[(r * 64 + c) * (uint32_t)channels + (uint32_t)ch] = f(r, c, ch);
    fixture_png spec = {64,      64,        color_type, bit_depth, 0, samples,
                        palette, n_palette, trns,       n_trns,    0};
    int rc = fixture_write_png(path, &spec);
    free(samples);
    assert_int_equal(rc, 0);
}

static uint16_t gray8_sample(uint32_t r, uint32_t c, int ch) {
    (void)ch;
    return (uint16_t)((r * 4 + c) % 256);
}
static uint16_t gray1_sample(uint32_t r, uint32_t c, int ch) {
    (void)ch;
    return (uint16_t)((r + c) % 2);
}
static uint16_t gray2_sample(uint32_t r, uint32_t c, int ch) {
    (void)r, (void)ch;
    return (uint16_t)(c % 4);
}
static uint16_t gray4_sample(uint32_t r, uint32_t c, int ch) {
    (void)r, (void)ch;
    return (uint16_t)(c % 16);
}
/* gray (row*3 + col) mod 256, alpha 255 for col < 32, else 0 */
static uint16_t gray_alpha_sample(uint32_t r, uint32_t c, int ch) {
    return ch == 0 ? (uint16_t)((r * 3 + c) % 256) : (c < 32 ? 255 : 0);
}
static uint16_t rgba_sample(uint32_t r, uint32_t c, int ch) {
    (void)r;
    return RGBA_BANDS[c / 16][ch];
}
static uint16_t palette8_sample(uint32_t r, uint32_t c, int ch) {
    (void)ch;
    return (uint16_t)((r + c) % 5);
}
static uint16_t palette4_sample(uint32_t r, uint32_t c, int ch) {
    (void)ch;
    return (uint16_t)((r * 3 + c) % 16);
}
static uint16_t palette_trns_sample(uint32_t r, uint32_t c, int ch) {
    (void)ch;
    return (uint16_t)((r + c) % 3);
}
/* pixel (0,0) is (0x8080, 0xFFFF, 0x0000); elsewhere the fixture pattern
 * times 257 (0x0101), which is exactly that 8-bit value in 16 bits */
static uint16_t rgb16_sample(uint32_t r, uint32_t c, int ch) {
    if (r == 0 && c == 0)
        return ch == 0 ? 0x8080 : ch == 1 ? 0xFFFF : 0x0000;
    return (uint16_t)(257 * ((r * 7 + c * 3 + (uint32_t)ch * 85) % 256));
}
/* 0x8080 in even columns, 0xFFFF in odd ones */
static uint16_t gray16_sample(uint32_t r, uint32_t c, int ch) {
    (void)r, (void)ch;
    return c % 2 ? 0xFFFF : 0x8080;
}
/* gray 0x4040, alpha 0xFFFF for col < 32, else 0 */
static uint16_t gray_alpha16_sample(uint32_t r, uint32_t c, int ch) {
    (void)r;
    return ch == 0 ? 0x4040 : (c < 32 ? 0xFFFF : 0);
}
/* (0x8080, 0x4040, 0xFFFF) opaque for col < 32, (0x1234, 0x5678, 0x9ABC)
 * transparent elsewhere */
static uint16_t rgba16_sample(uint32_t r, uint32_t c, int ch) {
    static const uint16_t opaque[4] = {0x8080, 0x4040, 0xFFFF, 0xFFFF};
    static const uint16_t clear[4] = {0x1234, 0x5678, 0x9ABC, 0};
    (void)r;
    return c < 32 ? opaque[ch] : clear[ch];
}
static uint16_t gamma_linear_sample(uint32_t r, uint32_t c, int ch) {
    (void)r, (void)c, (void)ch;
    return 128;
}

/* Big-endian 32-bit field in a PNG. */
static uint32_t get_be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void put_be32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* Offset of the first chunk of this type (its length field), or 0. */
static size_t find_chunk(const unsigned char *png, size_t size, const char type[4]) {
    size_t at = 8;
    while (at + 12 <= size) {
        uint32_t len = get_be32(png + at);
        if (memcmp(png + at + 4, type, 4) == 0)
            return at;
        at += 12 + (size_t)len;
    }
    return 0;
}

/* Recompute the CRC of the chunk at offset at (over type and data). */
static void fix_crc(unsigned char *png, size_t at) {
    uint32_t len = get_be32(png + at);
    uLong crc = crc32(0L, png + at + 4, (uInt)(4 + len));
    put_be32(png + at + 8 + len, (uint32_t)crc);
}

/* A copy of the good 64x64 PNG bytes, for patching; the caller frees it. */
static unsigned char *copy_png(const struct fixtures *fx) {
    unsigned char *copy = malloc(fx->rgb64_size);
    assert_non_null(copy);
    memcpy(copy, fx->rgb64, fx->rgb64_size);
    return copy;
}

/* The good PNG with IHDR claiming width x height, its CRC fixed; the IDAT
 * still holds 64x64 pixels. The caller frees it. */
static unsigned char *png_with_size(const struct fixtures *fx, uint32_t width,
                                    uint32_t height) {
    unsigned char *png = copy_png(fx);
    /* signature (8), then IHDR: length 13 at 8, "IHDR" at 12, width at 16,
     * height at 20, ..., CRC over bytes 12..28 at 29 */
    assert_memory_equal(png + 12, "IHDR", 4);
    put_be32(png + 16, width);
    put_be32(png + 20, height);
    fix_crc(png, 8);
    return png;
}

static void write_fixtures(struct fixtures *fx) {
    fixture_pattern(fx->pattern, 64, 64);
    assert_int_equal(fixture_write_rgb(fx->path[FX_RGB64], 64, 64, fx->pattern), 0);
    {
        uint16_t samples[64 * 64 * 3];
        for (size_t k = 0; k < sizeof samples / sizeof samples[0]; k++)
            samples[k] = fx->pattern[k];
        fixture_png spec = {64, 64, PNG_COLOR_TYPE_RGB, 8, 1, samples, NULL, 0, NULL, 0, 0};
        assert_int_equal(fixture_write_png(fx->path[FX_RGB64_ADAM7], &spec), 0);
    }
    write_spec(fx->path[FX_GRAY8], PNG_COLOR_TYPE_GRAY, 8, 1, gray8_sample, NULL, 0, NULL, 0);
    write_spec(fx->path[FX_GRAY1], PNG_COLOR_TYPE_GRAY, 1, 1, gray1_sample, NULL, 0, NULL, 0);
    write_spec(fx->path[FX_GRAY2], PNG_COLOR_TYPE_GRAY, 2, 1, gray2_sample, NULL, 0, NULL, 0);
    write_spec(fx->path[FX_GRAY4], PNG_COLOR_TYPE_GRAY, 4, 1, gray4_sample, NULL, 0, NULL, 0);
    write_spec(fx->path[FX_GRAY_ALPHA8], PNG_COLOR_TYPE_GRAY_ALPHA, 8, 2, gray_alpha_sample,
               NULL, 0, NULL, 0);
    write_spec(fx->path[FX_RGBA8], PNG_COLOR_TYPE_RGB_ALPHA, 8, 4, rgba_sample, NULL, 0, NULL,
               0);
    write_spec(fx->path[FX_PALETTE8], PNG_COLOR_TYPE_PALETTE, 8, 1, palette8_sample, PALETTE8,
               5, NULL, 0);
    uint8_t pal4[16 * 3];
    palette4(pal4);
    write_spec(fx->path[FX_PALETTE4], PNG_COLOR_TYPE_PALETTE, 4, 1, palette4_sample, pal4, 16,
               NULL, 0);
    write_spec(fx->path[FX_PALETTE_TRNS], PNG_COLOR_TYPE_PALETTE, 8, 1, palette_trns_sample,
               PALETTE_TRNS, 3, TRNS, 2);
    write_spec(fx->path[FX_RGB16], PNG_COLOR_TYPE_RGB, 16, 3, rgb16_sample, NULL, 0, NULL, 0);
    write_spec(fx->path[FX_GRAY16], PNG_COLOR_TYPE_GRAY, 16, 1, gray16_sample, NULL, 0, NULL, 0);
    write_spec(fx->path[FX_GRAY_ALPHA16], PNG_COLOR_TYPE_GRAY_ALPHA, 16, 2, gray_alpha16_sample,
               NULL, 0, NULL, 0);
    write_spec(fx->path[FX_RGBA16], PNG_COLOR_TYPE_RGB_ALPHA, 16, 4, rgba16_sample, NULL, 0,
               NULL, 0);
    {
        uint16_t samples[64 * 64 * 3];
        for (size_t k = 0; k < sizeof samples / sizeof samples[0]; k++)
            samples[k] = gamma_linear_sample(0, 0, 0);
        fixture_png spec = {64, 64, PNG_COLOR_TYPE_RGB, 8, 0, samples, NULL, 0, NULL, 0, 1.0};
        assert_int_equal(fixture_write_png(fx->path[FX_GAMMA_LINEAR], &spec), 0);
    }
    assert_int_equal(fixture_write_solid(fx->path[FX_ODD_63X65], 63, 65, 12, 34, 56), 0);
    assert_int_equal(fixture_write_solid(fx->path[FX_ONE_1X1], 1, 1, 200, 100, 50), 0);
    {
        uint8_t *big = malloc(128 * 128 * 3);
        assert_non_null(big);
        for (size_t y = 0; y < 128; y++)
            for (size_t x = 0; x < 128; x++)
                memcpy(big + (y * 128 + x) * 3, fx->pattern + ((y / 2) * 64 + x / 2) * 3, 3);
        int rc = fixture_write_rgb(fx->path[FX_BLOCKS128], 128, 128, big);
        free(big);
        assert_int_equal(rc, 0);
    }

    /* the broken ones */
    test_mkdir(fx->path[FX_FOLDER]);
    test_write_file(fx->path[FX_EMPTY], "", 0);
    static const char text[] = "this is not a picture\nbut it says .png\n";
    test_write_file(fx->path[FX_TEXT], text, sizeof text - 1);
    fx->rgb64 = test_read_file(fx->path[FX_RGB64], &fx->rgb64_size);
    assert_true(fx->rgb64_size > 100);
    assert_int_equal(fixture_truncate_copy(fx->path[FX_RGB64], fx->path[FX_TRUNC_HALF],
                                           fx->rgb64_size / 2),
                     0);
    assert_int_equal(fixture_truncate_copy(fx->path[FX_RGB64], fx->path[FX_TRUNC_HEADER], 20),
                     0);
    unsigned char *huge = png_with_size(fx, 20000, 20000);
    test_write_file(fx->path[FX_HUGE], huge, fx->rgb64_size);
    free(huge);
    /* flip a byte in the middle of the IDAT data and leave its CRC alone */
    unsigned char *bad = copy_png(fx);
    size_t idat = find_chunk(bad, fx->rgb64_size, "IDAT");
    assert_true(idat > 0);
    bad[idat + 8 + get_be32(bad + idat) / 2] ^= 0x5A;
    test_write_file(fx->path[FX_BAD_CRC], bad, fx->rgb64_size);
    /* zlib header byte CMF = 0xFF (compression method 15, which does not
     * exist), CRC recomputed so only zlib can object */
    memcpy(bad, fx->rgb64, fx->rgb64_size);
    bad[idat + 8] = 0xFF;
    fix_crc(bad, idat);
    test_write_file(fx->path[FX_BAD_ZLIB], bad, fx->rgb64_size);
    free(bad);
    assert_int_equal(mkfifo(fx->path[FX_FIFO], 0600), 0);
}

static int group_setup(void **state) {
    struct fixtures *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->dir = test_make_tempdir();
    for (int k = 0; k < FX_COUNT; k++)
        snprintf(fx->path[k], sizeof fx->path[k], "%s/%s", fx->dir, FX_NAMES[k]);
    *state = fx;
    write_fixtures(fx);
    return 0;
}

static int group_teardown(void **state) {
    struct fixtures *fx = *state;
    test_remove_tree(fx->dir);
    free(fx->dir);
    free(fx->rgb64);
    free(fx);
    return 0;
}

// ----------------------------------------------------------------------------
// Checking results.

static uint8_t at(const uint8_t *px, size_t c, size_t row, size_t col) {
    return px[c * PLANE + row * 64 + col];
}

/* Load path, which must succeed. */
static void load_ok(const char *path, uint8_t px[CATLR_N_X]) {
    catlr_error err = {{0}, {0}};
    memset(px, 0x5C, CATLR_N_X);
    catlr_status st = catlr_image_load(path, px, &err);
    if (st != CATLR_OK)
        print_error("%s: %s\n", err.path, err.reason);
    assert_int_equal(st, CATLR_OK);
}

/* px holds the 64x64 fixture pattern, planar. */
static void assert_pattern(const struct fixtures *fx, const uint8_t *px) {
    for (size_t row = 0; row < 64; row++)
        for (size_t col = 0; col < 64; col++)
            for (size_t c = 0; c < 3; c++)
                assert_int_equal(at(px, c, row, col), fx->pattern[(row * 64 + col) * 3 + c]);
}

/* Every pixel of px is (r, g, b). */
static void assert_all(const uint8_t *px, uint8_t r, uint8_t g, uint8_t b) {
    for (size_t k = 0; k < PLANE; k++) {
        assert_int_equal(px[k], r);
        assert_int_equal(px[PLANE + k], g);
        assert_int_equal(px[2 * PLANE + k], b);
    }
}

/* Pixel (row, col) is the colour rgb. */
static void assert_pixel(const uint8_t *px, size_t row, size_t col, const uint8_t rgb[3]) {
    for (size_t c = 0; c < 3; c++)
        assert_int_equal(at(px, c, row, col), rgb[c]);
}

/* Loading path fails with status, err.path is path and the reason is
 * non-empty and, when reason is not NULL, exactly that. */
static void assert_load_fails(const char *path, catlr_status status, const char *reason) {
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    assert_int_equal(catlr_image_load(path, px, &err), status);
    assert_string_equal(err.path, path);
    assert_true(err.reason[0] != '\0');
    if (reason != NULL)
        assert_string_equal(err.reason, reason);
}

// ----------------------------------------------------------------------------
// 8-bit RGB and interlace.

/* Ensure an 8-bit RGB 64x64 file decodes to exactly the fixture pattern,
 * planar: px[c*4096 + row*64 + col] = (row*7 + col*3 + c*85) mod 256, e.g.
 * row 2, col 1, blue: 14 + 3 + 170 = 187. */
static void test_rgb8_exact(void **state) {
    const struct fixtures *fx = *state;
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_RGB64], px);
    assert_int_equal(at(px, 2, 2, 1), 187);
    assert_pattern(fx, px);
}

/* Ensure the same pattern written Adam7-interlaced decodes identically. */
static void test_rgb8_interlaced(void **state) {
    const struct fixtures *fx = *state;
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_RGB64_ADAM7], px);
    assert_pattern(fx, px);
}

// ----------------------------------------------------------------------------
// Gray.

/* Ensure 8-bit gray v becomes (v, v, v): row 1, col 2 holds 4 + 2 = 6. */
static void test_gray8(void **state) {
    const struct fixtures *fx = *state;
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_GRAY8], px);
    assert_int_equal(at(px, 1, 1, 2), 6);
    for (size_t row = 0; row < 64; row++)
        for (size_t col = 0; col < 64; col++) {
            uint8_t v = (uint8_t)((row * 4 + col) % 256);
            const uint8_t want[3] = {v, v, v};
            assert_pixel(px, row, col, want);
        }
}

/* Ensure 1-bit gray scales 0 -> 0 and 1 -> 255 (checkerboard (row+col)&1). */
static void test_gray1(void **state) {
    const struct fixtures *fx = *state;
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_GRAY1], px);
    for (size_t row = 0; row < 64; row++)
        for (size_t col = 0; col < 64; col++) {
            uint8_t v = (row + col) % 2 ? 255 : 0;
            const uint8_t want[3] = {v, v, v};
            assert_pixel(px, row, col, want);
        }
}

/* Ensure 2-bit gray scales by 255/3 = 85: 0, 1, 2, 3 -> 0, 85, 170, 255. */
static void test_gray2(void **state) {
    const struct fixtures *fx = *state;
    static const uint8_t scaled[4] = {0, 85, 170, 255};
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_GRAY2], px);
    for (size_t row = 0; row < 64; row++)
        for (size_t col = 0; col < 64; col++) {
            uint8_t v = scaled[col % 4];
            const uint8_t want[3] = {v, v, v};
            assert_pixel(px, row, col, want);
        }
}

/* Ensure 4-bit gray scales by 255/15 = 17 (the nibble repeated): 0xF -> 255,
 * 0x8 -> 136 = 0x88, 0x1 -> 17. */
static void test_gray4(void **state) {
    const struct fixtures *fx = *state;
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_GRAY4], px);
    assert_int_equal(at(px, 0, 0, 15), 255);
    assert_int_equal(at(px, 0, 0, 8), 136);
    assert_int_equal(at(px, 2, 5, 1), 17);
    for (size_t row = 0; row < 64; row++)
        for (size_t col = 0; col < 64; col++) {
            uint8_t v = (uint8_t)(17 * (col % 16));
            const uint8_t want[3] = {v, v, v};
            assert_pixel(px, row, col, want);
        }
}

// ----------------------------------------------------------------------------
// Alpha, composited over white.

/* Ensure gray+alpha 8-bit gives the gray value exactly where alpha is 255
 * (left half) and white (255, 255, 255) where alpha is 0 (right half). */
static void test_gray_alpha8(void **state) {
    const struct fixtures *fx = *state;
    static const uint8_t white[3] = {255, 255, 255};
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_GRAY_ALPHA8], px);
    for (size_t row = 0; row < 64; row++)
        for (size_t col = 0; col < 64; col++) {
            uint8_t v = (uint8_t)((row * 3 + col) % 256);
            const uint8_t gray[3] = {v, v, v};
            assert_pixel(px, row, col, col < 32 ? gray : white);
        }
}

/* Ensure RGBA 8-bit composites over white, band by band (16 columns each):
 * (10,200,30,255) -> exactly (10,200,30); (0,0,0,0) -> white;
 * (0,0,0,128) -> a gray strictly between 0 and 255, the same in all three
 * channels (libpng composites in linear light, so it is not 128);
 * (200,100,50,0) -> white (the colour of a transparent pixel is ignored). */
static void test_rgba8(void **state) {
    const struct fixtures *fx = *state;
    static const uint8_t white[3] = {255, 255, 255};
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_RGBA8], px);
    uint8_t half = at(px, 0, 0, 32);
    assert_true(half > 0 && half < 255);
    for (size_t row = 0; row < 64; row++)
        for (size_t col = 0; col < 64; col++) {
            const uint8_t gray[3] = {half, half, half};
            switch (col / 16) {
            case 0: assert_pixel(px, row, col, RGBA_BANDS[0]); break;
            case 1: assert_pixel(px, row, col, white); break;
            case 2: assert_pixel(px, row, col, gray); break;
            default: assert_pixel(px, row, col, white); break;
            }
        }
}

// ----------------------------------------------------------------------------
// Palette.

/* Ensure an 8-bit palette image gives the palette colours: index
 * (row + col) mod 5, e.g. row 1, col 2 -> index 3 -> (17, 34, 51). */
static void test_palette8(void **state) {
    const struct fixtures *fx = *state;
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_PALETTE8], px);
    const uint8_t want13[3] = {17, 34, 51};
    assert_pixel(px, 1, 2, want13);
    for (size_t row = 0; row < 64; row++)
        for (size_t col = 0; col < 64; col++)
            assert_pixel(px, row, col, PALETTE8 + 3 * ((row + col) % 5));
}

/* Ensure a 4-bit palette image gives its colours: index (row*3 + col) mod 16,
 * entry k = (16k, 255 - 16k, 3k); row 2, col 3 -> index 9 -> (144, 111, 27). */
static void test_palette4(void **state) {
    const struct fixtures *fx = *state;
    uint8_t pal[16 * 3], px[CATLR_N_X];
    palette4(pal);
    load_ok(fx->path[FX_PALETTE4], px);
    const uint8_t want23[3] = {144, 111, 27};
    assert_pixel(px, 2, 3, want23);
    for (size_t row = 0; row < 64; row++)
        for (size_t col = 0; col < 64; col++)
            assert_pixel(px, row, col, pal + 3 * ((row * 3 + col) % 16));
}

/* Ensure a palette entry with tRNS alpha 0 becomes white, while entry 0
 * (alpha 255) and entry 2 (beyond the tRNS list: opaque) keep their colour. */
static void test_palette_trns(void **state) {
    const struct fixtures *fx = *state;
    static const uint8_t white[3] = {255, 255, 255};
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_PALETTE_TRNS], px);
    for (size_t row = 0; row < 64; row++)
        for (size_t col = 0; col < 64; col++) {
            size_t k = (row + col) % 3;
            assert_pixel(px, row, col, k == 1 ? white : PALETTE_TRNS + 3 * k);
        }
}

// ----------------------------------------------------------------------------
// 16 bits.

/* Ensure 16-bit RGB without gAMA is taken as sRGB-encoded and reduced to 8
 * bits by value (catlr sets PNG_IMAGE_FLAG_16BIT_sRGB): 0x8080 -> 0x80,
 * 0xFFFF -> 255, 0 -> 0 at pixel (0,0), and 257*v -> v elsewhere, so the
 * fixture pattern comes back. Taken as linear, 0x8080 would become ~188. */
static void test_rgb16_srgb(void **state) {
    const struct fixtures *fx = *state;
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_RGB16], px);
    const uint8_t want00[3] = {0x80, 255, 0};
    assert_pixel(px, 0, 0, want00);
    for (size_t row = 0; row < 64; row++)
        for (size_t col = 0; col < 64; col++)
            if (row != 0 || col != 0)
                assert_pixel(px, row, col, fx->pattern + (row * 64 + col) * 3);
}

/* Ensure the sRGB reading of 16 bits holds for the other 16-bit colour
 * types: gray 0x8080 -> (128,128,128) and 0xFFFF -> 255; gray+alpha 0x4040
 * opaque -> (64,64,64), transparent -> white; RGBA (0x8080, 0x4040, 0xFFFF)
 * opaque -> (128, 64, 255), transparent -> white whatever its colour. */
static void test_16bit_other_types(void **state) {
    const struct fixtures *fx = *state;
    static const uint8_t white[3] = {255, 255, 255}, mid[3] = {128, 128, 128},
                         top[3] = {255, 255, 255}, quarter[3] = {64, 64, 64},
                         colour[3] = {128, 64, 255};
    uint8_t gray[CATLR_N_X], gray_alpha[CATLR_N_X], rgba[CATLR_N_X];
    load_ok(fx->path[FX_GRAY16], gray);
    load_ok(fx->path[FX_GRAY_ALPHA16], gray_alpha);
    load_ok(fx->path[FX_RGBA16], rgba);
    for (size_t row = 0; row < 64; row++)
        for (size_t col = 0; col < 64; col++) {
            assert_pixel(gray, row, col, col % 2 ? top : mid);
            assert_pixel(gray_alpha, row, col, col < 32 ? quarter : white);
            assert_pixel(rgba, row, col, col < 32 ? colour : white);
        }
}

// ----------------------------------------------------------------------------
// Other sizes, resized and planar.

/* Ensure a 63x65 solid colour comes back as that colour everywhere (resized:
 * x grows, y shrinks; both keep a constant constant). */
static void test_odd_size(void **state) {
    const struct fixtures *fx = *state;
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_ODD_63X65], px);
    assert_all(px, 12, 34, 56);
}

/* Ensure a 1x1 image fills the whole 64x64 with its colour. */
static void test_one_pixel(void **state) {
    const struct fixtures *fx = *state;
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_ONE_1X1], px);
    assert_all(px, 200, 100, 50);
}

/* Ensure a 128x128 image made of constant 2x2 blocks shrinks to exactly the
 * block values (each output is the mean of one block): the 64x64 pattern. */
static void test_blocks_128(void **state) {
    const struct fixtures *fx = *state;
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_BLOCKS128], px);
    assert_pattern(fx, px);
}

/* Ensure a file whose gAMA says linear light (gamma 1.0) is colour-converted
 * to sRGB by libpng's simplified API: linear 128/255 = 0.502 encodes to
 * sRGB 1.055 * 0.502^(1/2.4) - 0.055 = 0.735, i.e. ~188, so the value must
 * go up from 128 (to somewhere near 188), the same in every channel. */
static void test_gamma_linear(void **state) {
    const struct fixtures *fx = *state;
    uint8_t px[CATLR_N_X];
    load_ok(fx->path[FX_GAMMA_LINEAR], px);
    uint8_t v = px[0];
    assert_true(v > 128);
    assert_in_range(v, 180, 196);
    assert_all(px, v, v, v);
}

// ----------------------------------------------------------------------------
// Errors from the file system and the signature check.

/* Ensure a missing file gives CATLR_ERR_IO, its path and strerror's text. */
static void test_error_missing(void **state) {
    const struct fixtures *fx = *state;
    assert_load_fails(fx->path[FX_MISSING], CATLR_ERR_IO, "No such file or directory");
}

/* Ensure a folder (even one named x.png) gives CATLR_ERR_IO with its path
 * and says it is a folder (rather than read()'s "Is a directory"). */
static void test_error_folder(void **state) {
    const struct fixtures *fx = *state;
    assert_load_fails(fx->path[FX_FOLDER], CATLR_ERR_IO, "is a folder, not a file");
}

/* Ensure a character device (/dev/null, which opens and reads as empty)
 * gives CATLR_ERR_IO "not a regular file". */
static void test_error_device(void **state) {
    (void)state;
    assert_load_fails("/dev/null", CATLR_ERR_IO, "not a regular file");
}

static int fifo_refused(const void *arg) {
    const char *path = arg;
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    catlr_status st = catlr_image_load(path, px, &err);
    return st == CATLR_ERR_IO && strcmp(err.path, path) == 0 &&
           strcmp(err.reason, "not a regular file") == 0;
}

/* Ensure a named pipe called fifo.png with no writer is refused with
 * CATLR_ERR_IO "not a regular file" instead of blocking: the load runs in a
 * child that SIGALRM kills after 2 seconds, and a child killed that way
 * means catlr_image_load never returned (fopen on a FIFO waits for a
 * writer). */
static void test_error_fifo_does_not_block(void **state) {
    const struct fixtures *fx = *state;
    test_returns_in_time(fifo_refused, fx->path[FX_FIFO], 2, "catlr_image_load");
}

/* Ensure a zero-byte file gives CATLR_ERR_FORMAT "not a PNG or JPEG file". */
static void test_error_empty(void **state) {
    const struct fixtures *fx = *state;
    assert_load_fails(fx->path[FX_EMPTY], CATLR_ERR_FORMAT, "not a PNG or JPEG file");
}

/* Ensure a text file named x.png gives CATLR_ERR_FORMAT "not a PNG or JPEG file". */
static void test_error_text(void **state) {
    const struct fixtures *fx = *state;
    assert_load_fails(fx->path[FX_TEXT], CATLR_ERR_FORMAT, "not a PNG or JPEG file");
}

/* Ensure a NULL err is allowed: the status still says what happened. */
static void test_error_null_err(void **state) {
    const struct fixtures *fx = *state;
    uint8_t px[CATLR_N_X];
    assert_int_equal(catlr_image_load(fx->path[FX_MISSING], px, NULL), CATLR_ERR_IO);
    assert_int_equal(catlr_image_load(fx->path[FX_TEXT], px, NULL), CATLR_ERR_FORMAT);
    assert_int_equal(catlr_image_load(fx->path[FX_RGB64], px, NULL), CATLR_OK);
}

// ----------------------------------------------------------------------------
// Errors inside the PNG.

/* Ensure a PNG cut to half its length (inside IDAT) gives CATLR_ERR_FORMAT. */
static void test_error_truncated_half(void **state) {
    const struct fixtures *fx = *state;
    assert_load_fails(fx->path[FX_TRUNC_HALF], CATLR_ERR_FORMAT, NULL);
}

/* Ensure a PNG cut inside its header (20 bytes: signature and part of IHDR)
 * gives CATLR_ERR_FORMAT. */
static void test_error_truncated_header(void **state) {
    const struct fixtures *fx = *state;
    assert_load_fails(fx->path[FX_TRUNC_HEADER], CATLR_ERR_FORMAT, NULL);
}

/* Ensure an IHDR declaring 20000x20000 (valid CRC) is refused from the header
 * with CATLR_ERR_SHAPE, which names the size. Had the 1.2 GB image been
 * allocated and decoded, the 64x64 IDAT would have run short and the status
 * would be CATLR_ERR_FORMAT instead. */
static void test_error_huge(void **state) {
    const struct fixtures *fx = *state;
    assert_load_fails(fx->path[FX_HUGE], CATLR_ERR_SHAPE, NULL);
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    catlr_image_load(fx->path[FX_HUGE], px, &err);
    assert_non_null(strstr(err.reason, "20000x20000"));
}

/* Ensure the caps are exact: a side of 16385 (one over CATLR_IMAGE_MAX_SIDE)
 * and 16384 x 4097 (16384 * 4097 = 67,125,248 > 2^26 = 67,108,864 pixels)
 * give CATLR_ERR_SHAPE; 16384 x 4096 = 2^26 exactly passes the caps and is
 * refused as CATLR_ERR_FORMAT for its short image data
 * (test_error_idat_too_short). */
static void test_error_size_caps(void **state) {
    const struct fixtures *fx = *state;
    static const struct {
        uint32_t width, height;
        catlr_status want;
    } cases[] = {
        {16385, 1, CATLR_ERR_SHAPE},        {1, 16385, CATLR_ERR_SHAPE},
        {16384, 4097, CATLR_ERR_SHAPE},     {4097, 16384, CATLR_ERR_SHAPE},
        {16384, 4096, CATLR_ERR_FORMAT},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        unsigned char *png = png_with_size(fx, cases[k].width, cases[k].height);
        uint8_t px[CATLR_N_X];
        catlr_error err = {{0}, {0}};
        catlr_status st = catlr_image_load_memory(png, fx->rgb64_size, "caps", px, &err);
        free(png);
        if (st != cases[k].want)
            print_error("%ux%u: %s\n", (unsigned)cases[k].width, (unsigned)cases[k].height,
                        err.reason);
        assert_int_equal(st, cases[k].want);
        assert_string_equal(err.path, "caps");
        assert_true(err.reason[0] != '\0');
    }
}

/* Ensure a PNG over catlr's cap is CATLR_ERR_SHAPE however far over it is.
 * The PNG format allows sides up to 2^31 - 1, while libpng's simplified API
 * refuses sides over its own limit of 1,000,000 as "Invalid IHDR data";
 * catlr reads the declared size first, so every valid size over its caps is
 * SHAPE: 1,000,000 x 1, 1,000,001 x 1, 1 x 1,000,001 and 2^31 - 1 x 1. A
 * width of 2^31 is not a valid PNG and is FORMAT. */
static void test_error_over_libpng_limit(void **state) {
    const struct fixtures *fx = *state;
    static const struct {
        uint32_t width, height;
        catlr_status want;
    } cases[] = {
        {1000000, 1, CATLR_ERR_SHAPE},     {1000001, 1, CATLR_ERR_SHAPE},
        {1, 1000001, CATLR_ERR_SHAPE},     {0x7FFFFFFF, 1, CATLR_ERR_SHAPE},
        {0x80000000u, 1, CATLR_ERR_FORMAT},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        unsigned char *png = png_with_size(fx, cases[k].width, cases[k].height);
        uint8_t px[CATLR_N_X];
        catlr_error err = {{0}, {0}};
        catlr_status st = catlr_image_load_memory(png, fx->rgb64_size, "wide", px, &err);
        free(png);
        if (st != cases[k].want)
            print_error("%lux%lu: status %d, reason \"%s\"\n", (unsigned long)cases[k].width,
                        (unsigned long)cases[k].height, (int)st, err.reason);
        assert_int_equal(st, cases[k].want);
        assert_string_equal(err.path, "wide");
    }
}

/* Ensure a chunk that declares more bytes than the file holds is refused
 * from the chunk list, before libpng allocates the declared length: this
 * 50-byte file, found by fuzz_image, has a zTXt chunk of 1,617,317,189
 * bytes after its IHDR, and libpng asked malloc for all of it. The reason
 * is catlr's own, which shows that libpng never saw the file. A length of
 * 2^31 (over PNG's limit) and one that leaves no room for the CRC are
 * refused the same way. */
static void test_error_chunk_past_end(void **state) {
    const struct fixtures *fx = *state;
    static const unsigned char found[50] = {
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49,
        0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03, 0x10, 0x00,
        0x00, 0x00, 0x00, 0x60, 0x60, 0x60, 0x66, 0x60, 0x66, 0x4d, 0x45, 0x7a, 0x54,
        0x58, 0x74, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    assert_int_equal(catlr_image_load_memory(found, sizeof found, "found", px, &err),
                     CATLR_ERR_FORMAT);
    assert_string_equal(err.reason, "truncated PNG: chunk 'zTXt' of 1617317189 bytes runs "
                                    "past the end of the file");
    /* IDAT's length patched to 2^31, then to exactly the bytes left (no
     * room for its CRC) */
    size_t idat = find_chunk(fx->rgb64, fx->rgb64_size, "IDAT");
    const uint32_t lengths[2] = {0x80000000u, (uint32_t)(fx->rgb64_size - idat - 8)};
    for (int k = 0; k < 2; k++) {
        unsigned char *png = copy_png(fx);
        put_be32(png + idat, lengths[k]);
        memset(&err, 0, sizeof err);
        catlr_status st = catlr_image_load_memory(png, fx->rgb64_size, "long", px, &err);
        free(png);
        assert_int_equal(st, CATLR_ERR_FORMAT);
        assert_non_null(strstr(err.reason, "chunk 'IDAT'"));
    }
}

/* Ensure a 25-byte file whose first chunk is short (5 bytes, not IHDR) is
 * refused without reading past its end: fuzz_image found that the size
 * check read the colour type at byte 25 of any input of 24 bytes or more.
 * The buffer is exactly 25 bytes, so ASan sees an overread. */
static void test_memory_short_first_chunk(void **state) {
    (void)state;
    static const unsigned char found[25] = {0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a,
                                            0x0a, 0x00, 0x00, 0x00, 0x05, 0x0e, 0x49,
                                            0x48, 0x44, 0x7a, 0x7a, 0x7a, 0x7a, 0x7a,
                                            0x7a, 0x42, 0x60, 0x82};
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    assert_int_equal(catlr_image_load_memory(found, sizeof found, "found", px, &err),
                     CATLR_ERR_FORMAT);
    assert_true(err.reason[0] != '\0');
}

/* Ensure the good 64x64 PNG cut at every length from 0 to its whole size
 * is refused with CATLR_ERR_FORMAT and a reason, reading no byte past the
 * cut (each cut is copied into a buffer of exactly that length, so ASan
 * sees any overread); only a cut inside the final IEND chunk, after all
 * the pixels, may load, and then with the right pixels. */
static void test_memory_every_truncation(void **state) {
    const struct fixtures *fx = *state;
    size_t iend = find_chunk(fx->rgb64, fx->rgb64_size, "IEND");
    assert_true(iend > 0);
    for (size_t n = 0; n < fx->rgb64_size; n++) {
        unsigned char *cut = malloc(n ? n : 1);
        assert_non_null(cut);
        memcpy(cut, fx->rgb64, n);
        uint8_t px[CATLR_N_X];
        catlr_error err = {{0}, {0}};
        catlr_status st = catlr_image_load_memory(cut, n, "cut", px, &err);
        free(cut);
        if (st == CATLR_OK && n >= iend) {
            assert_pattern(fx, px);
            continue;
        }
        if (st != CATLR_ERR_FORMAT)
            print_error("cut at %zu of %zu: status %d\n", n, fx->rgb64_size, (int)st);
        assert_int_equal(st, CATLR_ERR_FORMAT);
        assert_true(err.reason[0] != '\0');
    }
}

/* Ensure image data too short to inflate to the declared size is refused
 * before the pixels are allocated: 16384 x 4096 (exactly the pixel cap)
 * declared over a 64x64 image's IDAT. Deflate expands at most 1032 times,
 * so the 12 KiB of a 64x64 IDAT cannot hold 192 MiB of pixels. */
static void test_error_idat_too_short(void **state) {
    const struct fixtures *fx = *state;
    unsigned char *png = png_with_size(fx, 16384, 4096);
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    catlr_status st = catlr_image_load_memory(png, fx->rgb64_size, "short", px, &err);
    free(png);
    assert_int_equal(st, CATLR_ERR_FORMAT);
    assert_non_null(strstr(err.reason, "cannot hold 16384x4096 pixels"));
}

/* Ensure the bound on image data is not too strict: a 2048x2048 solid
 * image, compressed as far as zlib goes (about 1000 times), loads. */
static void test_highly_compressed(void **state) {
    const struct fixtures *fx = *state;
    char path[600];
    snprintf(path, sizeof path, "%s/solid2048.png", fx->dir);
    assert_int_equal(fixture_write_solid(path, 2048, 2048, 10, 20, 30), 0);
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    catlr_status st = catlr_image_load(path, px, &err);
    if (st != CATLR_OK)
        print_error("%s\n", err.reason);
    assert_int_equal(st, CATLR_OK);
    for (size_t k = 0; k < 4096; k++) {
        assert_int_equal(px[k], 10);
        assert_int_equal(px[4096 + k], 20);
        assert_int_equal(px[8192 + k], 30);
    }
}

/* Ensure an IHDR with width 0 (CRC fixed) gives CATLR_ERR_FORMAT. */
static void test_error_zero_width(void **state) {
    const struct fixtures *fx = *state;
    unsigned char *png = png_with_size(fx, 0, 64);
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    catlr_status st = catlr_image_load_memory(png, fx->rgb64_size, "zero", px, &err);
    free(png);
    assert_int_equal(st, CATLR_ERR_FORMAT);
    assert_string_equal(err.path, "zero");
    assert_true(err.reason[0] != '\0');
}

/* Ensure a flipped IDAT byte under the old CRC gives CATLR_ERR_FORMAT. */
static void test_error_bad_crc(void **state) {
    const struct fixtures *fx = *state;
    assert_load_fails(fx->path[FX_BAD_CRC], CATLR_ERR_FORMAT, NULL);
}

/* Ensure broken zlib data inside a chunk whose CRC is right gives
 * CATLR_ERR_FORMAT. */
static void test_error_bad_zlib(void **state) {
    const struct fixtures *fx = *state;
    assert_load_fails(fx->path[FX_BAD_ZLIB], CATLR_ERR_FORMAT, NULL);
}

// ----------------------------------------------------------------------------
// From memory.

/* Ensure catlr_image_load_memory on the bytes of the good file gives the
 * same pixels as catlr_image_load on the file. */
static void test_memory_same_pixels(void **state) {
    const struct fixtures *fx = *state;
    uint8_t from_file[CATLR_N_X], from_memory[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    load_ok(fx->path[FX_RGB64], from_file);
    memset(from_memory, 0x33, sizeof from_memory);
    assert_int_equal(catlr_image_load_memory(fx->rgb64, fx->rgb64_size, "buffer",
                                             from_memory, &err),
                     CATLR_OK);
    assert_memory_equal(from_memory, from_file, CATLR_N_X);
    assert_pattern(fx, from_memory);
}

/* Ensure a memory buffer with name NULL reports the path "(memory)": a text
 * buffer gives "not a PNG or JPEG file", a PNG cut inside IHDR a libpng message. */
static void test_memory_null_name(void **state) {
    const struct fixtures *fx = *state;
    static const char text[] = "GIF89a and then some more bytes";
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    assert_int_equal(catlr_image_load_memory(text, sizeof text - 1, NULL, px, &err),
                     CATLR_ERR_FORMAT);
    assert_string_equal(err.path, "(memory)");
    assert_string_equal(err.reason, "not a PNG or JPEG file");
    memset(&err, 0, sizeof err);
    assert_int_equal(catlr_image_load_memory(fx->rgb64, 20, NULL, px, &err), CATLR_ERR_FORMAT);
    assert_string_equal(err.path, "(memory)");
    assert_true(err.reason[0] != '\0');
}

/* Ensure a buffer shorter than the 8-byte signature (the first 7 bytes of a
 * real PNG, or nothing at all) gives "not a PNG or JPEG file". */
static void test_memory_short(void **state) {
    const struct fixtures *fx = *state;
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    assert_int_equal(catlr_image_load_memory(fx->rgb64, 7, "short", px, &err),
                     CATLR_ERR_FORMAT);
    assert_string_equal(err.path, "short");
    assert_string_equal(err.reason, "not a PNG or JPEG file");
    memset(&err, 0, sizeof err);
    assert_int_equal(catlr_image_load_memory(NULL, 0, "nothing", px, &err), CATLR_ERR_FORMAT);
    assert_string_equal(err.path, "nothing");
    assert_string_equal(err.reason, "not a PNG or JPEG file");
}

/* Ensure load_memory refuses a half PNG and a bad IDAT CRC as load does. */
static void test_memory_broken(void **state) {
    const struct fixtures *fx = *state;
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    assert_int_equal(catlr_image_load_memory(fx->rgb64, fx->rgb64_size / 2, "half", px, &err),
                     CATLR_ERR_FORMAT);
    assert_string_equal(err.path, "half");
    assert_true(err.reason[0] != '\0');
    size_t size;
    unsigned char *bad = test_read_file(fx->path[FX_BAD_CRC], &size);
    memset(&err, 0, sizeof err);
    catlr_status st = catlr_image_load_memory(bad, size, "crc", px, &err);
    free(bad);
    assert_int_equal(st, CATLR_ERR_FORMAT);
    assert_string_equal(err.path, "crc");
    assert_true(err.reason[0] != '\0');
}

// ----------------------------------------------------------------------------
// Writing.

/* Ensure catlr_image_save_png writes a PNG that reads back to the same
 * pixels, exactly (lossless), at 64x64 and at an odd 3x2 (checked against
 * libpng's own reading of the file). */
static void test_save_round_trip(void **state) {
    const struct fixtures *fx = *state;
    char path[600];
    snprintf(path, sizeof path, "%s/saved.png", fx->dir);
    catlr_error err = {{0}, {0}};
    assert_int_equal(catlr_image_save_png(path, fx->pattern, 64, 64, &err), CATLR_OK);
    uint8_t px[CATLR_N_X];
    assert_int_equal(catlr_image_load(path, px, &err), CATLR_OK);
    assert_pattern(fx, px);
    static const uint8_t small[2 * 3 * 3] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                             13, 14, 15, 16, 17, 255};
    assert_int_equal(catlr_image_save_png(path, small, 3, 2, &err), CATLR_OK);
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    assert_true(png_image_begin_read_from_file(&image, path));
    assert_int_equal(image.width, 3);
    assert_int_equal(image.height, 2);
    image.format = PNG_FORMAT_RGB;
    uint8_t back[sizeof small];
    assert_true(png_image_finish_read(&image, NULL, back, 0, NULL));
    assert_memory_equal(back, small, sizeof small);
    remove(path);
}

/* Ensure a path in a missing folder gives CATLR_ERR_IO naming it, and a
 * side over the cap CATLR_ERR_SHAPE, with no file left behind; a failed
 * write to a device leaves the path that names it. */
static void test_save_errors(void **state) {
    const struct fixtures *fx = *state;
    char path[600];
    snprintf(path, sizeof path, "%s/no/such/folder.png", fx->dir);
    catlr_error err = {{0}, {0}};
    assert_int_equal(catlr_image_save_png(path, fx->pattern, 64, 64, &err), CATLR_ERR_IO);
    assert_string_equal(err.path, path);
    assert_string_equal(err.reason, "No such file or directory");
    snprintf(path, sizeof path, "%s/too_wide.png", fx->dir);
    assert_int_equal(catlr_image_save_png(path, fx->pattern, CATLR_IMAGE_MAX_SIDE + 1, 1, &err),
                     CATLR_ERR_SHAPE);
    assert_int_equal(access(path, F_OK), -1);
    /* a full device behind a symlink: the write fails, and the link is
     * left, not removed as a half-written file would be */
    snprintf(path, sizeof path, "%s/full.png", fx->dir);
    assert_int_equal(symlink("/dev/full", path), 0);
    assert_int_equal(catlr_image_save_png(path, fx->pattern, 64, 64, &err), CATLR_ERR_IO);
    assert_string_equal(err.path, path);
    struct stat sb;
    assert_int_equal(lstat(path, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    remove(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rgb8_exact),
        cmocka_unit_test(test_rgb8_interlaced),
        cmocka_unit_test(test_gray8),
        cmocka_unit_test(test_gray1),
        cmocka_unit_test(test_gray2),
        cmocka_unit_test(test_gray4),
        cmocka_unit_test(test_gray_alpha8),
        cmocka_unit_test(test_rgba8),
        cmocka_unit_test(test_palette8),
        cmocka_unit_test(test_palette4),
        cmocka_unit_test(test_palette_trns),
        cmocka_unit_test(test_rgb16_srgb),
        cmocka_unit_test(test_16bit_other_types),
        cmocka_unit_test(test_odd_size),
        cmocka_unit_test(test_one_pixel),
        cmocka_unit_test(test_blocks_128),
        cmocka_unit_test(test_gamma_linear),
        cmocka_unit_test(test_error_missing),
        cmocka_unit_test(test_error_folder),
        cmocka_unit_test(test_error_device),
        cmocka_unit_test(test_error_fifo_does_not_block),
        cmocka_unit_test(test_error_empty),
        cmocka_unit_test(test_error_text),
        cmocka_unit_test(test_error_null_err),
        cmocka_unit_test(test_error_truncated_half),
        cmocka_unit_test(test_error_truncated_header),
        cmocka_unit_test(test_error_chunk_past_end),
        cmocka_unit_test(test_error_idat_too_short),
        cmocka_unit_test(test_memory_every_truncation),
        cmocka_unit_test(test_memory_short_first_chunk),
        cmocka_unit_test(test_highly_compressed),
        cmocka_unit_test(test_error_huge),
        cmocka_unit_test(test_error_size_caps),
        cmocka_unit_test(test_error_over_libpng_limit),
        cmocka_unit_test(test_error_zero_width),
        cmocka_unit_test(test_error_bad_crc),
        cmocka_unit_test(test_error_bad_zlib),
        cmocka_unit_test(test_memory_same_pixels),
        cmocka_unit_test(test_memory_null_name),
        cmocka_unit_test(test_memory_short),
        cmocka_unit_test(test_memory_broken),
        cmocka_unit_test(test_save_round_trip),
        cmocka_unit_test(test_save_errors),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
