/* fuzz_image.c: libFuzzer target for catlr_image_load_memory, the decoder
 * every image file goes through. Any input must give CATLR_OK or a status
 * with a reason, never a crash, a leak or undefined behaviour (the build
 * adds ASan and UBSan).
 *
 * Each input runs twice: as it is, and with every chunk's CRC-32 made right,
 * because libpng refuses a chunk whose CRC does not match before looking
 * inside it, which would stop almost every mutation at the first changed
 * chunk. libpng itself is the system's, not instrumented, so the coverage
 * libFuzzer reports is catlr's own code only.
 *
 * catlr refuses image data too short for the declared size before
 * anything is allocated, so no input here can ask for more than about
 * 1032 times its own length.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "catlr/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Rewrite the CRC of every whole chunk after the 8-byte signature. */
static void fix_crcs(uint8_t *png, size_t size) {
    size_t at = 8;
    while (at + 12 <= size) {
        uint32_t length = be32(png + at);
        if (length > size - at - 12)
            break;
        uLong crc = crc32(0L, png + at + 4, (uInt)length + 4);
        uint8_t *out = png + at + 8 + length;
        for (int k = 0; k < 4; k++)
            out[k] = (uint8_t)(crc >> (24 - 8 * k));
        at += 12 + (size_t)length;
    }
}

static void decode(const uint8_t *data, size_t size) {
    uint8_t px[CATLR_N_X];
    catlr_error err;
    catlr_status st = catlr_image_load_memory(data, size, "fuzz", px, &err);
    if (st != CATLR_OK && err.reason[0] == '\0')
        __builtin_trap(); /* every refusal must say why */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    decode(data, size);
    uint8_t *fixed = malloc(size ? size : 1);
    if (fixed == NULL)
        return 0;
    memcpy(fixed, data, size);
    fix_crcs(fixed, size);
    decode(fixed, size);
    free(fixed);
    return 0;
}
