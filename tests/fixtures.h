/* fixtures.h: PNG files written at test time with libpng, in every colour
 * type, bit depth and interlace method, so that no binary fixture is ever
 * committed. */
#ifndef CATLR_TEST_FIXTURES_H
#define CATLR_TEST_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

/* A PNG of any kind. samples: rows of width * channels samples (channels
 * from color_type: gray 1, gray+alpha 2, RGB 3, RGBA 4, palette 1), each
 * sample a value in [0, 2^bit_depth); for palette images the samples are
 * indices into palette (n_palette RGB triples), with optional per-entry alpha
 * trns (n_trns entries). gamma > 0 writes a gAMA chunk with that file gamma
 * (0.45455 for sRGB-like); 0 writes none. interlace: 0 none, 1 Adam7.
 * Returns 0 on success. */
typedef struct fixture_png {
    uint32_t width, height;
    int color_type; /* PNG_COLOR_TYPE_* */
    int bit_depth;
    int interlace;
    const uint16_t *samples;
    const uint8_t *palette;
    int n_palette;
    const uint8_t *trns;
    int n_trns;
    double gamma;
} fixture_png;

int fixture_write_png(const char *path, const fixture_png *spec);

/* An 8-bit RGB PNG, interleaved rgb[(row*width + col)*3 + c]. */
int fixture_write_rgb(const char *path, uint32_t width, uint32_t height,
                      const uint8_t *rgb);

/* An 8-bit RGB PNG of one colour. */
int fixture_write_solid(const char *path, uint32_t width, uint32_t height,
                        uint8_t r, uint8_t g, uint8_t b);

/* The test pattern used throughout: a distinct-looking value for every
 * pixel and channel, rgb[(row*width + col)*3 + c] = (row*7 + col*3 + c*85)
 * mod 256. */
void fixture_pattern(uint8_t *rgb, uint32_t width, uint32_t height);

/* Write the first `keep` bytes of the file at src to dst. */
int fixture_truncate_copy(const char *src, const char *dst, size_t keep);

/* Read back: the PNG at path decoded to 8-bit interleaved RGB with libpng,
 * and its size; NULL if it does not decode. The caller frees it. */
uint8_t *fixture_read_rgb(const char *path, uint32_t *width, uint32_t *height);

/* How many of the n_pixels RGB pixels are within tol of want in every
 * channel. */
size_t fixture_count_colour(const uint8_t *rgb, size_t n_pixels, const uint8_t want[3],
                            int tol);

#endif /* CATLR_TEST_FIXTURES_H */
