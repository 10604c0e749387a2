/* fixtures.c: write test PNGs with libpng's full write API (the simplified
 * API cannot write interlaced images, low bit depths or files without
 * gamma information, all of which the decoder must handle), and read back
 * the pictures catlr draws. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

static int channels_of(int color_type) {
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: return 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_RGB: return 3;
    case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
    default: return 1; /* palette */
    }
}

/* Pack one row of samples into PNG's byte layout for the bit depth. */
static void pack_row(const uint16_t *samples, size_t n, int bit_depth, png_byte *row) {
    if (bit_depth == 16) {
        for (size_t k = 0; k < n; k++) {
            row[2 * k] = (png_byte)(samples[k] >> 8);
            row[2 * k + 1] = (png_byte)samples[k];
        }
    } else if (bit_depth == 8) {
        for (size_t k = 0; k < n; k++)
            row[k] = (png_byte)samples[k];
    } else { /* 1, 2, 4 bits, most significant first */
        size_t per_byte = 8 / (size_t)bit_depth, bytes = (n + per_byte - 1) / per_byte;
        for (size_t k = 0; k < bytes; k++)
            row[k] = 0;
        for (size_t k = 0; k < n; k++) {
            unsigned shift = 8 - (unsigned)bit_depth * (unsigned)(k % per_byte + 1);
            row[k / per_byte] |= (png_byte)(samples[k] << shift);
        }
    }
}

static void set_palette(png_structp png, png_infop info, const fixture_png *s) {
    png_color pal[256];
    for (int k = 0; k < s->n_palette; k++) {
        pal[k].red = s->palette[3 * k];
        pal[k].green = s->palette[3 * k + 1];
        pal[k].blue = s->palette[3 * k + 2];
    }
    png_set_PLTE(png, info, pal, s->n_palette);
    if (s->n_trns > 0)
        png_set_tRNS(png, info, s->trns, s->n_trns, NULL);
}

/* Everything after png_init_io, under the caller's setjmp. */
static void write_body(png_structp png, png_infop info, const fixture_png *s,
                       png_bytep *rows) {
    png_set_IHDR(png, info, s->width, s->height, s->bit_depth, s->color_type,
                 s->interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (s->color_type == PNG_COLOR_TYPE_PALETTE)
        set_palette(png, info, s);
    if (s->gamma > 0)
        png_set_gAMA(png, info, s->gamma);
    png_write_info(png, info);
    png_write_image(png, rows); /* handles the interlace passes itself */
    png_write_end(png, info);
}

int fixture_write_png(const char *path, const fixture_png *s) {
    size_t n = (size_t)s->width * (size_t)channels_of(s->color_type);
    png_bytep *rows = calloc(s->height, sizeof *rows);
    FILE *fp = fopen(path, "wb");
    int ok = rows != NULL && fp != NULL;
    for (uint32_t r = 0; ok && r < s->height; r++) {
        rows[r] = malloc(2 * n + 1);
        ok = rows[r] != NULL;
        if (ok)
            pack_row(s->samples + r * n, n, s->bit_depth, rows[r]);
    }
    png_structp png = ok ? png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL) : NULL;
    png_infop info = png ? png_create_info_struct(png) : NULL;
    ok = info != NULL;
    if (ok && setjmp(png_jmpbuf(png)) == 0) {
        png_init_io(png, fp);
        write_body(png, info, s, rows);
    } else {
        ok = 0;
    }
    png_destroy_write_struct(&png, &info);
    if (fp != NULL && fclose(fp) != 0)
        ok = 0;
    for (uint32_t r = 0; rows != NULL && r < s->height; r++)
        free(rows[r]);
    free(rows);
    return ok ? 0 : -1;
}

int fixture_write_rgb(const char *path, uint32_t width, uint32_t height,
                      const uint8_t *rgb) {
    size_t n = (size_t)width * height * 3;
    uint16_t *samples = malloc(n * sizeof *samples);
    if (samples == NULL)
        return -1;
    for (size_t k = 0; k < n; k++)
        samples[k] = rgb[k];
    fixture_png spec = {width, height, PNG_COLOR_TYPE_RGB, 8, 0, samples, NULL, 0, NULL, 0, 0};
    int rc = fixture_write_png(path, &spec);
    free(samples);
    return rc;
}

int fixture_write_solid(const char *path, uint32_t width, uint32_t height,
                        uint8_t r, uint8_t g, uint8_t b) {
    size_t n = (size_t)width * height;
    uint8_t *rgb = malloc(n * 3);
    if (rgb == NULL)
        return -1;
    for (size_t k = 0; k < n; k++) {
        rgb[3 * k] = r;
        rgb[3 * k + 1] = g;
        rgb[3 * k + 2] = b;
    }
    int rc = fixture_write_rgb(path, width, height, rgb);
    free(rgb);
    return rc;
}

void fixture_pattern(uint8_t *rgb, uint32_t width, uint32_t height) {
    for (uint32_t r = 0; r < height; r++)
        for (uint32_t c = 0; c < width; c++)
            for (uint32_t ch = 0; ch < 3; ch++)
                rgb[((size_t)r * width + c) * 3 + ch] = (uint8_t)((r * 7 + c * 3 + ch * 85) % 256);
}

int fixture_truncate_copy(const char *src, const char *dst, size_t keep) {
    FILE *in = fopen(src, "rb");
    if (in == NULL)
        return -1;
    unsigned char *buf = malloc(keep ? keep : 1);
    size_t got = buf ? fread(buf, 1, keep, in) : 0;
    fclose(in);
    FILE *out = got == keep ? fopen(dst, "wb") : NULL;
    int ok = out != NULL && fwrite(buf, 1, keep, out) == keep;
    if (out != NULL && fclose(out) != 0)
        ok = 0;
    free(buf);
    return ok ? 0 : -1;
}

uint8_t *fixture_read_rgb(const char *path, uint32_t *width, uint32_t *height) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path))
        return NULL;
    image.format = PNG_FORMAT_RGB;
    uint8_t *rgb = malloc(PNG_IMAGE_SIZE(image));
    if (rgb == NULL || !png_image_finish_read(&image, NULL, rgb, 0, NULL)) {
        png_image_free(&image);
        free(rgb);
        return NULL;
    }
    *width = image.width;
    *height = image.height;
    return rgb;
}

size_t fixture_count_colour(const uint8_t *rgb, size_t n_pixels, const uint8_t want[3],
                            int tol) {
    size_t n = 0;
    for (size_t i = 0; i < n_pixels; i++) {
        const uint8_t *p = rgb + 3 * i;
        n += abs(p[0] - want[0]) <= tol && abs(p[1] - want[1]) <= tol &&
             abs(p[2] - want[2]) <= tol;
    }
    return n;
}
