/* fuzz_model.c: libFuzzer target for catlr_model_load_memory. Any input
 * must load or be refused with a reason, never crash, leak or read out of
 * bounds; a model that loads must keep the header's promises (finite
 * weights, a positive index of 0 or 1, non-empty names).
 *
 * The CRC-32 at the end would stop almost every mutation at the CRC check,
 * so each input runs twice: as it is, and with its last four bytes replaced
 * by the right CRC, which lets the fuzzer reach the parsing behind it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "catlr/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void load_one(const uint8_t *data, size_t size) {
    catlr_model model;
    catlr_error err;
    catlr_status st = catlr_model_load_memory(data, size, "fuzz", &model, &err);
    if (st != CATLR_OK) {
        if (err.reason[0] == '\0')
            __builtin_trap(); /* every refusal must say why */
        return;
    }
    if (!catlr_model_finite(&model) || model.positive > 1 ||
        model.class_names[0][0] == '\0' || model.class_names[1][0] == '\0')
        __builtin_trap();
    volatile float sink = 0;
    for (size_t k = 0; k < catlr_model_n_x(&model); k++)
        sink += model.w[k]; /* every weight is there to read */
    (void)sink;
    catlr_model_free(&model);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    load_one(data, size);
    if (size < 4)
        return 0;
    uint8_t *fixed = malloc(size);
    if (fixed == NULL)
        return 0;
    memcpy(fixed, data, size);
    uLong crc = crc32(0L, fixed, (uInt)(size - 4));
    for (int k = 0; k < 4; k++)
        fixed[size - 4 + k] = (uint8_t)(crc >> (8 * k));
    load_one(fixed, size);
    free(fixed);
    return 0;
}
