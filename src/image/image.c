/* image.c: catlr_image_load and catlr_image_load_memory: pick the decoder
 * by the file's first bytes, not by its name (a photo saved as .png by a
 * phone is still a JPEG). */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image_decode.h"
#include "base/internal.h"

enum image_kind { KIND_OTHER, KIND_PNG, KIND_JPEG };

/* Bytes needed to tell the formats apart: PNG's 8-byte signature. */
enum { SNIFF = 8 };

/* PNG starts with its 8-byte signature; JPEG with SOI (FF D8) and the next
 * marker's FF. n may be shorter than SNIFF. */
static enum image_kind sniff(const uint8_t *head, size_t n) {
    static const uint8_t png[SNIFF] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n >= SNIFF && memcmp(head, png, SNIFF) == 0)
        return KIND_PNG;
    if (n >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
        return KIND_JPEG;
    return KIND_OTHER;
}

static catlr_status not_an_image(const char *name, catlr_error *err) {
    return catlr_fail(err, CATLR_ERR_FORMAT, name, "not a PNG or JPEG file");
}

catlr_status catlr_image_load_memory(const void *data, size_t size, const char *name,
                                     uint8_t px[CATLR_N_X], catlr_error *err) {
    CATLR_ASSERT(data != NULL || size == 0);
    CATLR_ASSERT(px != NULL);
    name = name ? name : "(memory)";
    switch (sniff(data, size)) {
    case KIND_PNG: return catlr_png_decode_memory(data, size, name, px, err);
    case KIND_JPEG: return catlr_jpeg_decode_memory(data, size, name, px, err);
    case KIND_OTHER: break;
    }
    return not_an_image(name, err);
}

catlr_status catlr_image_load(const char *path, uint8_t px[CATLR_N_X], catlr_error *err) {
    CATLR_ASSERT(path != NULL && px != NULL);
    /* The whole file is read at once (one or two read() calls for an image)
     * and decoded from memory: the PNG decoder then sees every chunk's
     * length before libpng runs, and it is faster than libpng's many small
     * reads. */
    uint8_t *data;
    size_t size;
    catlr_status st = catlr_read_regular(path, &data, &size, err);
    if (st != CATLR_OK)
        return st;
    st = catlr_image_load_memory(data, size, path, px, err);
    free(data);
    return st;
}

static int has_ending(const char *name, const char *ending) {
    size_t n = strlen(name), e = strlen(ending);
    return n > e && strcasecmp(name + n - e, ending) == 0;
}

int catlr_image_name_ok(const char *name) {
    CATLR_ASSERT(name != NULL);
    if (name[0] == '.')
        return 0;
    return has_ending(name, ".png") || has_ending(name, ".jpg") || has_ending(name, ".jpeg");
}
