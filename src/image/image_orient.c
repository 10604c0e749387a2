/* image_orient.c: the EXIF orientation tag and turning a picture by it.
 *
 * Phones store a portrait photo as the sensor saw it, sideways, and say in
 * EXIF how to turn it. A cat on its side is not what the course's model has
 * seen, so a JPEG is turned before it is resized. Only the one tag of IFD0
 * is read; nothing else of EXIF matters here. No libjpeg: the caller hands
 * over the APP1 payload. */
#include <string.h>

#include "image_decode.h"

// ----------------------------------------------------------------------------
// The tag: APP1 = "Exif\0\0", then a TIFF header (byte order "II" or "MM",
// 42, offset of IFD0), IFD0 = u16 count, then 12-byte entries (u16 tag,
// u16 type, u32 count, 4-byte value). Offsets count from the TIFF header.

enum { EXIF_HEAD = 6, TAG_ORIENTATION = 0x0112, TYPE_SHORT = 3 };

static unsigned u16_at(const uint8_t *p, int big) {
    return big ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

static uint32_t u32_at(const uint8_t *p, int big) {
    return big ? (uint32_t)u16_at(p, 1) << 16 | u16_at(p + 2, 1)
               : (uint32_t)u16_at(p + 2, 0) << 16 | u16_at(p, 0);
}

int catlr_exif_orientation(const uint8_t *data, size_t size) {
    if (data == NULL || size < EXIF_HEAD + 8 || memcmp(data, "Exif\0\0", EXIF_HEAD) != 0)
        return 1;
    const uint8_t *tiff = data + EXIF_HEAD;
    size_t n = size - EXIF_HEAD;
    int big;
    if (memcmp(tiff, "MM", 2) == 0)
        big = 1;
    else if (memcmp(tiff, "II", 2) == 0)
        big = 0;
    else
        return 1;
    if (u16_at(tiff + 2, big) != 42)
        return 1;
    uint32_t ifd = u32_at(tiff + 4, big);
    if (ifd > n || n - ifd < 2)
        return 1;
    size_t count = u16_at(tiff + ifd, big);
    if ((n - ifd - 2) / 12 < count) /* every entry inside the segment */
        return 1;
    for (size_t k = 0; k < count; k++) {
        const uint8_t *e = tiff + ifd + 2 + 12 * k;
        if (u16_at(e, big) != TAG_ORIENTATION)
            continue;
        unsigned value = u16_at(e + 8, big); /* a SHORT sits left in the value field */
        if (u16_at(e + 2, big) != TYPE_SHORT || u32_at(e + 4, big) != 1 || value < 1 ||
            value > 8)
            return 1;
        return (int)value;
    }
    return 1;
}

// ----------------------------------------------------------------------------
// Turning. For each pixel (r, c) of the picture as seen (W' x H'), the
// stored pixel it comes from, with W x H the stored size:
//   1 (r, c)              2 (r, W-1-c)           3 (H-1-r, W-1-c)
//   4 (H-1-r, c)          5 (c, r)               6 (H-1-c, r)
//   7 (H-1-c, W-1-r)      8 (c, W-1-r)
// 5 to 8 swap the sides (W' = H, H' = W); 6 is the phone held upright
// (stored turned a quarter anticlockwise, so shown turned clockwise).

void catlr_image_orient(const catlr_rgb *in, int orientation, catlr_rgb *out) {
    const uint8_t *rgb = in->px;
    const size_t width = in->width, height = in->height;
    int quarter = orientation >= 5 && orientation <= 8;
    size_t ow = quarter ? height : width, oh = quarter ? width : height;
    for (size_t r = 0; r < oh; r++)
        for (size_t c = 0; c < ow; c++) {
            size_t sr, sc;
            switch (orientation) {
            case 2: sr = r, sc = width - 1 - c; break;
            case 3: sr = height - 1 - r, sc = width - 1 - c; break;
            case 4: sr = height - 1 - r, sc = c; break;
            case 5: sr = c, sc = r; break;
            case 6: sr = height - 1 - c, sc = r; break;
            case 7: sr = height - 1 - c, sc = width - 1 - r; break;
            case 8: sr = c, sc = width - 1 - r; break;
            default: sr = r, sc = c; break;
            }
            memcpy(out->px + (r * ow + c) * 3, rgb + (sr * width + sc) * 3, 3);
        }
    out->width = ow;
    out->height = oh;
}
