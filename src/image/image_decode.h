/* image_decode.h: the decoders behind catlr_image_load, one per format, and
 * what they share. image.c picks one by the file's first bytes (never by its
 * name); each decoder turns its format into 8-bit interleaved RGB and hands
 * it to catlr_image_from_rgb. Inside src/ only. */
#ifndef CATLR_IMAGE_DECODE_H
#define CATLR_IMAGE_DECODE_H

#include <stdint.h>

#include "catlr/image.h"

/* Refuse a declared size of 0 (CATLR_ERR_FORMAT) or over the caps of
 * image.h (CATLR_ERR_SHAPE), before anything of that size is allocated. */
catlr_status catlr_image_check_size(uint64_t width, uint64_t height, const char *name,
                                    catlr_error *err);

/* PNG (image_png.c), from the whole file in memory. */
catlr_status catlr_png_decode_memory(const void *data, size_t size, const char *name,
                                     uint8_t px[CATLR_N_X], catlr_error *err);

/* JPEG (image_jpeg.c), from the whole file in memory, with the libjpeg
 * found at build time, loaded (dlopen) for the decode. Built without
 * libjpeg, it fails with CATLR_ERR_UNSUPPORTED. */
catlr_status catlr_jpeg_decode_memory(const void *data, size_t size, const char *name,
                                      uint8_t px[CATLR_N_X], catlr_error *err);

/* A JPEG in memory: size bytes at data, named name in errors. */
typedef struct catlr_jpeg_source {
    const void *data;
    size_t size;
    const char *name;
} catlr_jpeg_source;

/* catlr_jpeg_decode_memory, but dlopening library (a name or a path, as
 * for dlopen) rather than the libjpeg CMake found, so that a test can make
 * the load fail. One it cannot load, or that lacks a function catlr calls,
 * gives CATLR_ERR_UNSUPPORTED with a reason naming library and dlerror's
 * text, under src->name. */
catlr_status catlr_jpeg_decode_memory_using(const char *library, const catlr_jpeg_source *src,
                                            uint8_t px[CATLR_N_X], catlr_error *err);

/* EXIF orientation (image_orient.c). The orientation tag (0x0112) of an
 * APP1 segment's payload (data starts with "Exif\0\0"), 1 to 8; 1 (as
 * stored) when there is none or the segment is malformed: a broken EXIF
 * block never makes a readable picture unreadable. */
int catlr_exif_orientation(const uint8_t *data, size_t size);

/* An interleaved RGB picture: px[(row*width + col)*3 + c]. */
typedef struct catlr_rgb {
    uint8_t *px;
    size_t width, height;
} catlr_rgb;

/* Apply orientation (1 to 8, as EXIF numbers them) to in (width x height as
 * stored), writing the picture as it is meant to be seen into out->px
 * (in->width * in->height * 3 bytes, the caller's) and its size into
 * out->width, out->height (swapped for 5 to 8, which turn it a quarter). */
void catlr_image_orient(const catlr_rgb *in, int orientation, catlr_rgb *out);

#endif /* CATLR_IMAGE_DECODE_H */
