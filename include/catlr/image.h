/* image.h: one picture -> one feature vector of CATLR_N_X bytes.
 *
 * A PNG or a JPEG, told apart by the file's first bytes, not its name.
 * Whatever a PNG holds (palette, gray, gray+alpha, RGB, RGBA, 8 or 16 bits,
 * interlaced, any size) and whatever a JPEG holds (YCbCr, gray, CMYK or
 * YCCK, Adobe-inverted or not, an EXIF orientation), the result is 64x64 8-bit RGB laid out
 * channel-planar: px[c*4096 + row*64 + col], all red, then all green, then
 * all blue, each row by row, as the course's flattening does. Pixels stay
 * bytes here; the 1/255 scaling belongs to the core.
 *
 * - Alpha is composited over white (what a viewer shows on a white page).
 * - 16-bit samples without gAMA/sRGB information are taken as sRGB-encoded
 *   (as image editors write them), then reduced to 8 bits.
 * - A JPEG's EXIF orientation tag is applied first, so the picture is the
 *   right way up (a phone's portrait photo is stored sideways).
 * - A picture that is not 64x64 is resized: area-average along an axis that
 *   shrinks, bilinear along an axis that grows, separately per axis. */
#ifndef CATLR_IMAGE_H
#define CATLR_IMAGE_H

#include <stdint.h>

#include "catlr/catlr.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default) /* exported: see catlr.h */

/* Largest width or height, and largest width * height, a decoder accepts;
 * checked from the header, before the decoded size is allocated. 2^26
 * pixels (a 67-megapixel photo) decode into 192 MiB of RGB. */
#define CATLR_IMAGE_MAX_SIDE 16384
#define CATLR_IMAGE_MAX_PIXELS (1ul << 26)

/* Decode the PNG or JPEG file at path into px. On failure px is
 * unspecified, err names path and the reason ("not a PNG or JPEG file", "No
 * such file or directory", a libpng or libjpeg message), and the status is
 * CATLR_ERR_IO (cannot open or read), CATLR_ERR_FORMAT (not a valid PNG or
 * JPEG: a truncated or corrupt JPEG is refused, not half decoded),
 * CATLR_ERR_SHAPE (over the size cap), CATLR_ERR_NOMEM, or
 * CATLR_ERR_UNSUPPORTED (a JPEG, and catlr was built without libjpeg). */
catlr_status catlr_image_load(const char *path, uint8_t px[CATLR_N_X],
                              catlr_error *err);

/* 1 when a file name (without its folder) is one the folder readers take
 * as an image: it ends in ".png", ".jpg" or ".jpeg" in any case and does not
 * start with '.' (hidden). The name only selects the file; the decoder goes
 * by its first bytes. dataset.h and batch.h both ask this. */
int catlr_image_name_ok(const char *name);

/* The same from a PNG or JPEG held in memory; name is what err reports as the path
 * (may be NULL). */
catlr_status catlr_image_load_memory(const void *data, size_t size,
                                     const char *name, uint8_t px[CATLR_N_X],
                                     catlr_error *err);

/* From 8-bit interleaved RGB pixels (rgb[(row*width + col)*3 + c]) of any
 * size to the feature vector: resized as described above, then planar.
 * width and height are at least 1. Cannot fail. */
void catlr_image_from_rgb(const uint8_t *rgb, size_t width, size_t height,
                          uint8_t px[CATLR_N_X]);

/* Write 8-bit interleaved RGB pixels (rgb[(row*width + col)*3 + c], sides
 * 1 to CATLR_IMAGE_MAX_SIDE) to a PNG file at path, lossless. On failure
 * (CATLR_ERR_IO, or CATLR_ERR_SHAPE for sides over the cap) nothing is left
 * at path. */
catlr_status catlr_image_save_png(const char *path, const uint8_t *rgb, size_t width,
                                  size_t height, catlr_error *err);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_IMAGE_H */
