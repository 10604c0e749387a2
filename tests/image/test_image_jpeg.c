/* test_image_jpeg.c: catlr_image_load and catlr_image_load_memory on JPEGs
 * (colour, gray, CMYK with and without Adobe's inversion, every EXIF
 * orientation), on broken and oversized JPEGs, and the EXIF parser on its
 * own. The JPEGs are written here with libjpeg at quality 100 without
 * chroma subsampling, and each is compared with the PNG path of the same
 * pixels, within what JPEG's rounding moves a smooth picture (measured
 * with libjpeg-turbo 2.1.5: at most 3 levels, mean 0.31 for colour).
 *
 * Built without libjpeg, only the parser tests and the check that a JPEG is
 * refused with CATLR_ERR_UNSUPPORTED run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "catlr/image.h"
#include "fixtures.h"
#include "image/image_decode.h"
#include "test_util.h"

#if CATLR_HAVE_JPEG
#include <jpeglib.h>
#endif

#define PLANE 4096 /* 64 * 64: offset of one channel's plane in px */


/* An EXIF APP1 payload with one IFD0 entry: orientation (a SHORT), in
 * big-endian ("MM") or little-endian ("II") byte order; 26 bytes. */
static size_t exif_block(uint8_t *b, unsigned orientation, int big) {
    static const uint8_t head[6] = {'E', 'x', 'i', 'f', 0, 0};
    memcpy(b, head, 6);
    uint8_t *t = b + 6;
    memset(t, 0, 26);
    /* u16 and u32 in the block's byte order */
#define PUT16(p, v) ((p)[big ? 0 : 1] = (uint8_t)((v) >> 8), (p)[big ? 1 : 0] = (uint8_t)(v))
    memcpy(t, big ? "MM" : "II", 2);
    PUT16(t + 2, 42);
    PUT16(t + (big ? 6 : 4), 8); /* IFD0 at offset 8 (u32: low half) */
    PUT16(t + 8, 1);             /* one entry */
    PUT16(t + 10, 0x0112);       /* orientation */
    PUT16(t + 12, 3);            /* SHORT */
    PUT16(t + (big ? 16 : 14), 1); /* count 1 (u32) */
    PUT16(t + 18, orientation);  /* value, left-justified */
#undef PUT16
    return 6 + 26;
}

// ----------------------------------------------------------------------------
// The EXIF parser alone (no libjpeg needed).

/* Ensure the orientation is read in both byte orders, for every value 1-8. */
static void test_exif_orientation_values(void **state) {
    (void)state;
    uint8_t b[64];
    for (unsigned o = 1; o <= 8; o++) {
        assert_int_equal(catlr_exif_orientation(b, exif_block(b, o, 0)), (int)o);
        assert_int_equal(catlr_exif_orientation(b, exif_block(b, o, 1)), (int)o);
    }
}

/* Ensure a malformed block gives 1 (as stored) and never reads past its
 * end: every truncation that cuts into the entry (the last 4 bytes, the
 * next IFD's offset, are not needed), a bad byte order, a wrong magic 42, an IFD offset
 * past the end, an entry count past the end, a value of 0 or 9, a LONG
 * instead of a SHORT, no "Exif" header. */
static void test_exif_orientation_malformed(void **state) {
    (void)state;
    uint8_t b[64];
    size_t n = exif_block(b, 6, 0);
    assert_int_equal(catlr_exif_orientation(b, n - 4), 6);
    for (size_t keep = 0; keep < n - 4; keep++) {
        uint8_t *copy = malloc(keep ? keep : 1); /* exact size: ASan sees over-reads */
        assert_non_null(copy);
        memcpy(copy, b, keep);
        assert_int_equal(catlr_exif_orientation(copy, keep), 1);
        free(copy);
    }
    exif_block(b, 6, 0), b[6] = 'X';
    assert_int_equal(catlr_exif_orientation(b, n), 1);
    exif_block(b, 6, 0), b[8] = 43;
    assert_int_equal(catlr_exif_orientation(b, n), 1);
    exif_block(b, 6, 0), b[10] = 200;
    assert_int_equal(catlr_exif_orientation(b, n), 1);
    exif_block(b, 6, 0), b[14] = 2;
    assert_int_equal(catlr_exif_orientation(b, n), 1);
    assert_int_equal(catlr_exif_orientation(b, exif_block(b, 0, 0)), 1);
    assert_int_equal(catlr_exif_orientation(b, exif_block(b, 9, 0)), 1);
    exif_block(b, 6, 0), b[18] = 4;
    assert_int_equal(catlr_exif_orientation(b, n), 1);
    exif_block(b, 6, 0), b[0] = 'e';
    assert_int_equal(catlr_exif_orientation(b, n), 1);
    assert_int_equal(catlr_exif_orientation(NULL, 0), 1);
}

#if CATLR_HAVE_JPEG

// ----------------------------------------------------------------------------
// Writing JPEGs.

typedef struct jpeg_spec {
    const uint8_t *samples; /* rows of width * components */
    int width, height, components;
    J_COLOR_SPACE in_space; /* JCS_RGB, JCS_GRAYSCALE or JCS_CMYK */
    int adobe;              /* CMYK: write the Adobe marker (inverted samples) */
    unsigned orientation;   /* 0: no EXIF block */
    int big_endian;         /* EXIF byte order */
} jpeg_spec;

static void write_jpeg(const char *path, const jpeg_spec *s) {
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr jerr;
    c.err = jpeg_std_error(&jerr); /* a failure exits: the test fails */
    jpeg_create_compress(&c);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    jpeg_stdio_dest(&c, fp);
    c.image_width = (JDIMENSION)s->width;
    c.image_height = (JDIMENSION)s->height;
    c.input_components = s->components;
    c.in_color_space = s->in_space;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 100, TRUE);
    for (int k = 0; k < c.num_components; k++) /* no chroma subsampling */
        c.comp_info[k].h_samp_factor = c.comp_info[k].v_samp_factor = 1;
    if (s->in_space == JCS_CMYK)
        c.write_Adobe_marker = s->adobe ? TRUE : FALSE;
    jpeg_start_compress(&c, TRUE);
    if (s->orientation != 0) {
        uint8_t b[64];
        jpeg_write_marker(&c, JPEG_APP0 + 1, b, (unsigned)exif_block(b, s->orientation,
                                                                      s->big_endian));
    }
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = (JSAMPROW)(s->samples + (size_t)c.next_scanline * (size_t)s->width *
                                                   (size_t)s->components);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    assert_int_equal(fclose(fp), 0);
}

/* A smooth picture (JPEG keeps it within a few levels), distinct in every
 * channel and along both axes, so that a turn or a mirror shows. */
static uint8_t smooth(int r, int c, int ch) {
    switch (ch) {
    case 0: return (uint8_t)(40 + 2 * r + c);
    case 1: return (uint8_t)(200 - r - c / 2);
    default: return (uint8_t)(30 + 3 * c);
    }
}

/* rgb (w x h, interleaved) = smooth(). */
static void fill_smooth(uint8_t *rgb, int w, int h) {
    for (int r = 0; r < h; r++)
        for (int c = 0; c < w; c++)
            for (int ch = 0; ch < 3; ch++)
                rgb[(r * w + c) * 3 + ch] = smooth(r, c, ch);
}

/* The feature vector catlr makes of rgb (w x h) through the PNG path. */
static void png_path(const char *dir, const uint8_t *rgb, int w, int h, uint8_t px[CATLR_N_X]) {
    char *p = test_path(dir, "reference.png");
    assert_int_equal(fixture_write_rgb(p, (uint32_t)w, (uint32_t)h, rgb), 0);
    catlr_error err;
    assert_int_equal(catlr_image_load(p, px, &err), CATLR_OK);
    free(p);
}

/* Load path as a JPEG and compare with want: every value within max_diff
 * and the mean difference under mean_diff. */
static void assert_jpeg_near(const char *path, const uint8_t want[CATLR_N_X], int max_diff,
                             double mean_diff) {
    uint8_t got[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    catlr_status st = catlr_image_load(path, got, &err);
    if (st != CATLR_OK)
        print_error("%s: %s\n", err.path, err.reason);
    assert_int_equal(st, CATLR_OK);
    int worst = 0;
    size_t at = 0;
    double sum = 0;
    for (size_t i = 0; i < CATLR_N_X; i++) {
        int d = abs((int)got[i] - (int)want[i]);
        sum += d;
        if (d > worst)
            worst = d, at = i;
    }
    if (worst > max_diff || sum / CATLR_N_X > mean_diff)
        print_error("%s: largest difference %d at %zu (got %d, want %d), mean %.3f\n", path,
                    worst, at, got[at], want[at], sum / CATLR_N_X);
    assert_true(worst <= max_diff);
    assert_true(sum / CATLR_N_X <= mean_diff);
}

// ----------------------------------------------------------------------------
// Colour, gray, CMYK.

/* Ensure a 64x64 YCbCr JPEG decodes to the pixels it was written from,
 * within 3 levels (quality 100, no subsampling), in planar order. */
static void test_colour(void **state) {
    const char *dir = *state;
    uint8_t rgb[64 * 64 * 3], want[CATLR_N_X];
    fill_smooth(rgb, 64, 64);
    png_path(dir, rgb, 64, 64, want);
    assert_int_equal(want[0], 40);         /* red (0, 0) */
    assert_int_equal(want[PLANE + 1], 200); /* green (0, 1) */
    char *p = test_path(dir, "colour.jpg");
    jpeg_spec s = {rgb, 64, 64, 3, JCS_RGB, 0, 0, 0};
    write_jpeg(p, &s);
    assert_jpeg_near(p, want, 3, 0.5);
    free(p);
}

/* Ensure a gray JPEG becomes RGB with three equal planes, close to the
 * gray values it was written from. 100x50 is resized on the way. */
static void test_gray(void **state) {
    const char *dir = *state;
    enum { W = 100, H = 50 };
    uint8_t gray[W * H], rgb[W * H * 3], want[CATLR_N_X];
    for (int r = 0; r < H; r++)
        for (int c = 0; c < W; c++) {
            gray[r * W + c] = (uint8_t)(20 + 2 * c + r);
            memset(rgb + (r * W + c) * 3, gray[r * W + c], 3);
        }
    png_path(dir, rgb, W, H, want);
    char *p = test_path(dir, "gray.jpeg");
    jpeg_spec s = {gray, W, H, 1, JCS_GRAYSCALE, 0, 0, 0};
    write_jpeg(p, &s);
    assert_jpeg_near(p, want, 1, 0.05);
    uint8_t got[CATLR_N_X];
    assert_int_equal(catlr_image_load(p, got, NULL), CATLR_OK);
    assert_memory_equal(got, got + PLANE, PLANE);
    assert_memory_equal(got, got + 2 * PLANE, PLANE);
    free(p);
}

/* CMYK samples for RGB (r, g, b) with K = 255 - max(r, g, b) and
 * C = (max - r) * 255 / max ..., so that 255 (1 - C)(1 - K) is r again;
 * stored inverted (255 - v) when adobe. */
static void cmyk_of(const uint8_t *rgb, int adobe, uint8_t *cmyk) {
    int mx = rgb[0] > rgb[1] ? rgb[0] : rgb[1];
    mx = mx > rgb[2] ? mx : rgb[2];
    for (int ch = 0; ch < 3; ch++)
        cmyk[ch] = (uint8_t)(mx == 0 ? 0 : ((mx - rgb[ch]) * 255 + mx / 2) / mx);
    cmyk[3] = (uint8_t)(255 - mx);
    if (adobe)
        for (int ch = 0; ch < 4; ch++)
            cmyk[ch] = (uint8_t)(255 - cmyk[ch]);
}

static void check_cmyk(const char *dir, const char *name, int adobe) {
    uint8_t rgb[64 * 64 * 3], cmyk[64 * 64 * 4], want[CATLR_N_X];
    for (int r = 0; r < 64; r++)
        for (int c = 0; c < 64; c++) {
            for (int ch = 0; ch < 3; ch++)
                rgb[(r * 64 + c) * 3 + ch] = smooth(r, c, ch);
            cmyk_of(rgb + (r * 64 + c) * 3, adobe, cmyk + (r * 64 + c) * 4);
        }
    png_path(dir, rgb, 64, 64, want);
    char *p = test_path(dir, name);
    jpeg_spec s = {cmyk, 64, 64, 4, JCS_CMYK, adobe, 0, 0};
    write_jpeg(p, &s);
    assert_jpeg_near(p, want, 3, 0.1);
    free(p);
}

/* Ensure a CMYK JPEG with the Adobe marker (samples inverted, as Photoshop
 * and libjpeg write them) comes out as the RGB it was made from. */
static void test_cmyk_adobe(void **state) {
    check_cmyk(*state, "cmyk_adobe.jpg", 1);
}

/* Ensure a CMYK JPEG without the Adobe marker (samples as they are) comes
 * out as the RGB it was made from: reading it as inverted would give a
 * negative. */
static void test_cmyk_plain(void **state) {
    check_cmyk(*state, "cmyk_plain.jpg", 0);
}

// ----------------------------------------------------------------------------
// EXIF orientation.

enum { DW = 48, DH = 64 }; /* the picture as seen: portrait, not square */

/* The stored pixel (r, c) of a picture shown as display (DW x DH) with
 * orientation o, and the stored size: the inverse of each EXIF turn,
 * worked out independently of image_orient.c's table. */
static void stored_of(int o, const uint8_t *display, uint8_t *stored, int *w, int *h) {
    int quarter = o >= 5;
    *w = quarter ? DH : DW;
    *h = quarter ? DW : DH;
    for (int r = 0; r < *h; r++)
        for (int c = 0; c < *w; c++) {
            int dr, dc;
            switch (o) {
            case 2: dr = r, dc = DW - 1 - c; break;          /* mirrored */
            case 3: dr = DH - 1 - r, dc = DW - 1 - c; break; /* upside down */
            case 4: dr = DH - 1 - r, dc = c; break;          /* flipped */
            case 5: dr = c, dc = r; break;                   /* transposed */
            case 6: dr = c, dc = DW - 1 - r; break;          /* turned anticlockwise */
            case 7: dr = DH - 1 - c, dc = DW - 1 - r; break; /* transversed */
            case 8: dr = DH - 1 - c, dc = r; break;          /* turned clockwise */
            default: dr = r, dc = c; break;
            }
            memcpy(stored + (r * *w + c) * 3, display + (dr * DW + dc) * 3, 3);
        }
}

/* Ensure every orientation 1-8 (tagged in both byte orders) shows the
 * picture upright: the JPEG of the stored pixels decodes like the PNG of
 * the picture as seen. Orientation 6 is a phone photo taken upright. */
static void test_orientations(void **state) {
    const char *dir = *state;
    uint8_t display[DW * DH * 3], stored[DW * DH * 3], want[CATLR_N_X];
    fill_smooth(display, DW, DH);
    png_path(dir, display, DW, DH, want);
    for (unsigned o = 1; o <= 8; o++) {
        int w, h;
        stored_of((int)o, display, stored, &w, &h);
        char name[32];
        snprintf(name, sizeof name, "orientation%u.jpg", o);
        char *p = test_path(dir, name);
        jpeg_spec s = {stored, w, h, 3, JCS_RGB, 0, o, o % 2};
        write_jpeg(p, &s);
        assert_jpeg_near(p, want, 3, 0.5);
        free(p);
    }
}

/* Ensure the turn is undone, not ignored: without its EXIF block, the
 * orientation-6 file decodes far from the upright picture. */
static void test_orientation_matters(void **state) {
    const char *dir = *state;
    uint8_t display[DW * DH * 3], stored[DW * DH * 3], want[CATLR_N_X], got[CATLR_N_X];
    fill_smooth(display, DW, DH);
    png_path(dir, display, DW, DH, want);
    int w, h;
    stored_of(6, display, stored, &w, &h);
    char *p = test_path(dir, "sideways.jpg");
    jpeg_spec s = {stored, w, h, 3, JCS_RGB, 0, 0, 0};
    write_jpeg(p, &s);
    assert_int_equal(catlr_image_load(p, got, NULL), CATLR_OK);
    int worst = 0;
    for (size_t i = 0; i < CATLR_N_X; i++)
        worst = abs(got[i] - want[i]) > worst ? abs(got[i] - want[i]) : worst;
    assert_true(worst > 40);
    free(p);
}

// ----------------------------------------------------------------------------
// Content, not name; memory; broken and oversized files.

/* A 64x64 colour JPEG at dir/name; its bytes in *data (to free). */
static char *colour_jpeg(const char *dir, const char *name, unsigned char **data, size_t *size) {
    uint8_t rgb[64 * 64 * 3];
    fill_smooth(rgb, 64, 64);
    char *p = test_path(dir, name);
    jpeg_spec s = {rgb, 64, 64, 3, JCS_RGB, 0, 0, 0};
    write_jpeg(p, &s);
    *data = test_read_file(p, size);
    return p;
}

/* Ensure a JPEG named .png is decoded as a JPEG, and load_memory gives the
 * same pixels as load. */
static void test_content_not_name(void **state) {
    const char *dir = *state;
    unsigned char *data;
    size_t size;
    char *p = colour_jpeg(dir, "photo.png", &data, &size);
    uint8_t a[CATLR_N_X], b[CATLR_N_X];
    assert_int_equal(catlr_image_load(p, a, NULL), CATLR_OK);
    assert_int_equal(catlr_image_load_memory(data, size, "photo", b, NULL), CATLR_OK);
    assert_memory_equal(a, b, CATLR_N_X);
    free(data);
    free(p);
}

/* Ensure a JPEG cut short (half of it, or inside its header) is refused
 * with CATLR_ERR_FORMAT and libjpeg's reason naming the file, from a file
 * and from memory, rather than decoded half grey. */
static void test_truncated(void **state) {
    const char *dir = *state;
    unsigned char *data;
    size_t size;
    char *p = colour_jpeg(dir, "whole.jpg", &data, &size);
    char *half = test_path(dir, "half.jpg");
    test_write_file(half, data, size / 2);
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    assert_int_equal(catlr_image_load(half, px, &err), CATLR_ERR_FORMAT);
    assert_string_equal(err.path, half);
    assert_non_null(strstr(err.reason, "Premature end"));
    assert_int_equal(catlr_image_load_memory(data, size / 2, "half", px, &err),
                     CATLR_ERR_FORMAT);
    assert_string_equal(err.path, "half");
    for (size_t keep = 3; keep < 200; keep += 7) {
        memset(&err, 0, sizeof err);
        assert_int_equal(catlr_image_load_memory(data, keep, "cut", px, &err),
                         CATLR_ERR_FORMAT);
        assert_true(err.reason[0] != '\0');
    }
    free(half);
    free(data);
    free(p);
}

/* Ensure a JPEG whose scan data is overwritten with garbage is refused,
 * and so is a JPEG signature followed by text. */
static void test_corrupt(void **state) {
    const char *dir = *state;
    unsigned char *data;
    size_t size;
    char *p = colour_jpeg(dir, "to_break.jpg", &data, &size);
    for (size_t i = size / 2; i < size / 2 + 64; i++)
        data[i] = 0xff; /* markers where entropy-coded data belongs */
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    assert_int_equal(catlr_image_load_memory(data, size, "broken", px, &err),
                     CATLR_ERR_FORMAT);
    assert_true(err.reason[0] != '\0');
    static const unsigned char fake[] = "\xff\xd8\xff and then just text, no JPEG at all";
    char *q = test_path(dir, "fake.jpg");
    test_write_file(q, fake, sizeof fake - 1);
    memset(&err, 0, sizeof err);
    assert_int_equal(catlr_image_load(q, px, &err), CATLR_ERR_FORMAT);
    assert_string_equal(err.path, q);
    assert_true(err.reason[0] != '\0');
    free(q);
    free(data);
    free(p);
}

/* Ensure a JPEG declaring 20000x20000 pixels is refused with
 * CATLR_ERR_SHAPE from its header, before anything that size is
 * allocated (ASan would report a 1.2 GB allocation). */
static void test_over_cap(void **state) {
    const char *dir = *state;
    unsigned char *data;
    size_t size;
    char *p = colour_jpeg(dir, "huge.jpg", &data, &size);
    size_t sof = 2;
    while (sof + 9 < size && !(data[sof] == 0xff && data[sof + 1] == 0xc0))
        sof++;
    assert_true(sof + 9 < size);
    data[sof + 5] = 20000 >> 8, data[sof + 6] = 20000 & 0xff; /* height */
    data[sof + 7] = 20000 >> 8, data[sof + 8] = 20000 & 0xff; /* width */
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    assert_int_equal(catlr_image_load_memory(data, size, "huge", px, &err), CATLR_ERR_SHAPE);
    assert_non_null(strstr(err.reason, "20000x20000"));
    free(data);
    free(p);
}

/* Ensure a libjpeg that cannot be loaded refuses the JPEG with
 * CATLR_ERR_UNSUPPORTED, named by the picture, the reason naming the
 * library and why; and so does a library without libjpeg's functions. */
static void test_library_missing(void **state) {
    const char *dir = *state;
    unsigned char *data;
    size_t size;
    char *p = colour_jpeg(dir, "fine.jpg", &data, &size);
    const catlr_jpeg_source src = {.data = data, .size = size, .name = "fine.jpg"};
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    assert_int_equal(catlr_jpeg_decode_memory_using("libcatlr-no-such-jpeg.so.0", &src, px, &err),
                     CATLR_ERR_UNSUPPORTED);
    assert_string_equal(err.path, "fine.jpg");
    assert_non_null(strstr(err.reason, "cannot load libjpeg from libcatlr-no-such-jpeg.so.0: "));
    memset(&err, 0, sizeof err);
    /* zlib: loads, but is not libjpeg */
    assert_int_equal(catlr_jpeg_decode_memory_using("libz.so.1", &src, px, &err),
                     CATLR_ERR_UNSUPPORTED);
    assert_string_equal(err.path, "fine.jpg");
    assert_non_null(strstr(err.reason, "libz.so.1 has no jpeg_std_error"));
    /* and the library found at build time decodes it, time after time */
    for (int k = 0; k < 3; k++)
        assert_int_equal(catlr_jpeg_decode_memory(data, size, "fine.jpg", px, &err), CATLR_OK);
    free(data);
    free(p);
}

#else /* no libjpeg */

/* Ensure a JPEG (by its first bytes) is refused with CATLR_ERR_UNSUPPORTED
 * and a reason that says what to install, from a file and from memory. */
static void test_without_libjpeg(void **state) {
    const char *dir = *state;
    static const unsigned char jpeg[] = "\xff\xd8\xff\xe0\0\x10JFIF\0\1\1\0\0\1\0\1\0\0";
    char *p = test_path(dir, "photo.jpg");
    test_write_file(p, jpeg, sizeof jpeg - 1);
    uint8_t px[CATLR_N_X];
    catlr_error err = {{0}, {0}};
    assert_int_equal(catlr_image_load(p, px, &err), CATLR_ERR_UNSUPPORTED);
    assert_string_equal(err.path, p);
    assert_non_null(strstr(err.reason, "built without libjpeg"));
    assert_non_null(strstr(err.reason, "libjpeg-dev"));
    assert_int_equal(catlr_image_load_memory(jpeg, sizeof jpeg - 1, "m", px, &err),
                     CATLR_ERR_UNSUPPORTED);
    assert_string_equal(err.path, "m");
    /* whatever library is named */
    memset(&err, 0, sizeof err);
    const catlr_jpeg_source src = {.data = jpeg, .size = sizeof jpeg - 1, .name = "u"};
    assert_int_equal(catlr_jpeg_decode_memory_using("libjpeg.so.62", &src, px, &err),
                     CATLR_ERR_UNSUPPORTED);
    assert_string_equal(err.path, "u");
    assert_non_null(strstr(err.reason, "built without libjpeg"));
    free(p);
}

#endif

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exif_orientation_values),
        cmocka_unit_test(test_exif_orientation_malformed),
#if CATLR_HAVE_JPEG
        cmocka_unit_test(test_colour),
        cmocka_unit_test(test_gray),
        cmocka_unit_test(test_cmyk_adobe),
        cmocka_unit_test(test_cmyk_plain),
        cmocka_unit_test(test_orientations),
        cmocka_unit_test(test_orientation_matters),
        cmocka_unit_test(test_content_not_name),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_over_cap),
        cmocka_unit_test(test_library_missing),
#else
        cmocka_unit_test(test_without_libjpeg),
#endif
    };
    return cmocka_run_group_tests(tests, test_tempdir_setup, test_tempdir_teardown);
}
