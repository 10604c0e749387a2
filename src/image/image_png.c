/* image_png.c: PNG file or buffer -> feature vector, and RGB pixels -> PNG
 * file, through libpng 1.6's simplified API (the sequence of libpng's
 * contrib/examples/pngtopng.c).
 *
 * The only file that includes <png.h>. libpng converts every colour type,
 * bit depth and interlace method to 8-bit RGB for us; resizing and the
 * planar layout are image_resample.c's. We do not use the setjmp/longjmp
 * API: the simplified API returns an error flag and a message held in the
 * png_image itself, which we copy into the caller's catlr_error. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_decode.h"
#include "base/internal.h"

// ----------------------------------------------------------------------------
// Before libpng: the signature and the declared size.

/* Bytes a PNG starts with: the 8-byte signature, then the IHDR chunk's
 * length and type (8 bytes), width and height (4 bytes each, big-endian). */
enum { PNG_HEAD = 24 };

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Refuse a declared size over the caps, from the first n bytes, whose
 * signature image.c has matched (n <= PNG_HEAD may be short: libpng then
 * reports the truncation). The size is checked here, not after libpng has
 * read the header, because libpng refuses sides over its own limit
 * (1,000,000) as "Invalid IHDR data", which would hide the real reason. */
static catlr_status check_head(const uint8_t *head, size_t n, const char *name,
                               catlr_error *err) {
    if (n < PNG_HEAD || memcmp(head + 12, "IHDR", 4) != 0)
        return CATLR_OK;
    uint32_t width = be32(head + 16), height = be32(head + 20);
    if (width > 0x7fffffffu || height > 0x7fffffffu) /* PNG's own limit */
        return catlr_fail(err, CATLR_ERR_FORMAT, name, "invalid image size");
    return catlr_image_check_size(width, height, name, err);
}

/* Bits per pixel of a PNG colour type (IHDR byte 25) at this bit depth
 * (byte 24); an invalid pair is left for libpng to refuse, as 1. */
static uint64_t bits_per_pixel(uint8_t color_type, uint8_t bit_depth) {
    static const uint8_t channels[7] = {1, 0, 3, 1, 2, 0, 4};
    uint64_t c = color_type < 7 && channels[color_type] ? channels[color_type] : 1;
    return c * bit_depth;
}

/* A deflate stream expands at most 1032 times (a 258-byte match per two
 * bits), plus a few bytes for its ends. */
enum { DEFLATE_MAX_RATIO = 1032, DEFLATE_SLACK = 1024 };

/* Walk the chunks of a whole PNG in memory (head already checked) and
 * refuse, before libpng allocates anything: a chunk that declares more
 * bytes than the file has left (libpng would allocate the declared length
 * of an unknown chunk first: a 50-byte file asked for 1.6 GB), and image
 * data (all IDAT chunks) too short to inflate to the declared size (a
 * 400-byte file declaring 16384x4096 pixels would make libpng allocate
 * 192 MiB before finding out). */
static catlr_status check_chunks(const uint8_t *png, size_t size, const char *name,
                                 catlr_error *err) {
    uint64_t idat = 0;
    size_t at = 8;
    while (at + 8 <= size) {
        uint32_t length = be32(png + at);
        const uint8_t *type = png + at + 4;
        if (length > 0x7fffffffu || length > size - at - 8 || size - at - 8 - length < 4)
            return catlr_fail(err, CATLR_ERR_FORMAT, name,
                              "truncated PNG: chunk '%.4s' of %lu bytes runs past the "
                              "end of the file",
                              (const char *)type, (unsigned long)length);
        if (memcmp(type, "IDAT", 4) == 0)
            idat += length;
        if (memcmp(type, "IEND", 4) == 0)
            break;
        at += 12 + (size_t)length;
    }
    if (size < 26)
        return CATLR_OK; /* IHDR cut before its depth and colour type: libpng says so */
    uint64_t width = be32(png + 16), height = be32(png + 20);
    uint64_t bits = width * height * bits_per_pixel(png[25], png[24]);
    if (idat * DEFLATE_MAX_RATIO + DEFLATE_SLACK < bits / 8)
        return catlr_fail(err, CATLR_ERR_FORMAT, name,
                          "truncated PNG: %lu bytes of image data cannot hold %lux%lu "
                          "pixels",
                          (unsigned long)idat, (unsigned long)width, (unsigned long)height);
    return CATLR_OK;
}

// ----------------------------------------------------------------------------
// After the header: decode, resize.

/* Decode the image whose header `image` holds (begin_read succeeded) and
 * resize it into px. Always releases the png_image. */
static catlr_status finish(png_image *image, const char *name,
                           uint8_t px[CATLR_N_X], catlr_error *err) {
    /* 16-bit samples with no gAMA/sRGB chunk are sRGB-encoded in practice
     * (image editors, PIL); libpng would otherwise assume linear light. The
     * flag must be set after begin_read, which initialises it. */
    image->flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
    image->format = PNG_FORMAT_RGB;
    size_t width = image->width, height = image->height;
    uint8_t *rgb = malloc(PNG_IMAGE_SIZE(*image));
    if (rgb == NULL) {
        png_image_free(image);
        return catlr_fail(err, CATLR_ERR_NOMEM, name,
                          "cannot allocate %lux%lu pixels", (unsigned long)width,
                          (unsigned long)height);
    }
    /* Alpha, if the file has it, is composited over this colour. */
    const png_color white = {255, 255, 255};
    if (!png_image_finish_read(image, &white, rgb, 0, NULL)) {
        catlr_status st = catlr_fail(err, CATLR_ERR_FORMAT, name, "%s", image->message);
        png_image_free(image);
        free(rgb);
        return st;
    }
    catlr_image_from_rgb(rgb, width, height, px);
    free(rgb);
    return CATLR_OK;
}

/* begin_read failed: report libpng's message. */
static catlr_status header_failed(png_image *image, const char *name,
                                  catlr_error *err) {
    catlr_status st = catlr_fail(err, CATLR_ERR_FORMAT, name, "%s", image->message);
    png_image_free(image);
    return st;
}

// ----------------------------------------------------------------------------
// Entry points for image.c, which has already looked at the signature.

/* A png_image ready for a begin_read or write call (libpng 1.6 wants it
 * zeroed and versioned). */
static png_image new_image(void) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    return image;
}

catlr_status catlr_png_decode_memory(const void *data, size_t size, const char *name,
                                     uint8_t px[CATLR_N_X], catlr_error *err) {
    catlr_status st = check_head(data, size < PNG_HEAD ? size : PNG_HEAD, name, err);
    if (st == CATLR_OK && size >= PNG_HEAD)
        st = check_chunks(data, size, name, err);
    if (st != CATLR_OK)
        return st;
    png_image image = new_image();
    if (!png_image_begin_read_from_memory(&image, data, size))
        return header_failed(&image, name, err);
    return finish(&image, name, px, err);
}

// ----------------------------------------------------------------------------
// Writing: 8-bit RGB, lossless, for `catlr import`.

catlr_status catlr_image_save_png(const char *path, const uint8_t *rgb, size_t width,
                                  size_t height, catlr_error *err) {
    CATLR_ASSERT(path != NULL && rgb != NULL && width > 0 && height > 0);
    if (width > CATLR_IMAGE_MAX_SIDE || height > CATLR_IMAGE_MAX_SIDE)
        return catlr_fail(err, CATLR_ERR_SHAPE, path, "image is %lux%lu pixels, sides up to %d",
                          (unsigned long)width, (unsigned long)height, CATLR_IMAGE_MAX_SIDE);
    FILE *fp = fopen(path, "wb");
    if (fp == NULL)
        return catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
    png_image image = new_image();
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;
    image.format = PNG_FORMAT_RGB;
    catlr_status st = CATLR_OK;
    if (!png_image_write_to_stdio(&image, fp, 0, rgb, 0, NULL))
        st = catlr_fail(err, CATLR_ERR_IO, path, "%s", image.message);
    png_image_free(&image);
    /* a full disk shows up in the flush that fclose does */
    if (ferror(fp) && st == CATLR_OK)
        st = catlr_fail(err, CATLR_ERR_IO, path, "write failed");
    return catlr_close_output(fp, path, st, err);
}
