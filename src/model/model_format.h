/* model_format.h: the model file's header as one table of fields, offsets
 * and sizes (model_format.c), which encoding, decoding and the format
 * document (docs/model-format.md, checked against it by a test) all
 * follow. Internal to the library. */
#ifndef CATLR_MODEL_FORMAT_H
#define CATLR_MODEL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "catlr/model.h"

/* How a field's bytes are read: little-endian, floats as their IEEE bits. */
typedef enum catlr_field_type {
    CATLR_FIELD_U32,
    CATLR_FIELD_U64,
    CATLR_FIELD_F64
} catlr_field_type;

/* Where a field's value comes from when a model is written. */
typedef enum catlr_field_source {
    CATLR_FROM_MEMBER,  /* the catlr_model member at .member, of .type */
    CATLR_FROM_MAGIC,   /* CATLR_MODEL_MAGIC */
    CATLR_FROM_VERSION, /* CATLR_MODEL_VERSION (a load records the file's in
                           catlr_model.version) */
    CATLR_FROM_NAME0,   /* the byte length of class name 0 */
    CATLR_FROM_NAME1,   /* the byte length of class name 1 */
    CATLR_FROM_FLAGS    /* the CATLR_MODEL_* bits of threshold_picked,
                           class_weight_balanced and warm_start */
} catlr_field_source;

/* The header's fields in file order, named so that code can reach one
 * field without its offset. */
typedef enum catlr_field_id {
    CATLR_F_MAGIC,
    CATLR_F_VERSION,
    CATLR_F_HEIGHT,
    CATLR_F_WIDTH,
    CATLR_F_CHANNELS,
    CATLR_F_POSITIVE,
    CATLR_F_NAME0_LENGTH,
    CATLR_F_NAME1_LENGTH,
    CATLR_F_LR,
    CATLR_F_ITERATIONS,
    CATLR_F_FINAL_COST,
    CATLR_F_B,
    CATLR_F_L2,
    CATLR_F_TOL,
    CATLR_F_STOPPED_EARLY,
    CATLR_F_SOLVER,
    CATLR_F_THRESHOLD,
    CATLR_F_VAL_FRACTION,
    CATLR_F_SEED,
    CATLR_F_TRAIN_COUNT0,
    CATLR_F_TRAIN_COUNT1,
    CATLR_F_VAL_COUNT0,
    CATLR_F_VAL_COUNT1,
    CATLR_F_CLASS_WEIGHT0,
    CATLR_F_CLASS_WEIGHT1,
    CATLR_F_FINAL_VAL_COST,
    CATLR_F_BEST_ITERATION,
    CATLR_F_AUGMENT,
    CATLR_F_FLAGS,
    CATLR_F_COUNT
} catlr_field_id;

/* One field of the header: its name in docs/model-format.md, where it sits
 * (offset and size in bytes from the file's start), the first format
 * version that has it (older files stop their header before it), how it
 * is read and where its value comes from. */
typedef struct catlr_model_field {
    const char *name;
    uint32_t offset, size;
    uint32_t since;
    catlr_field_type type;
    catlr_field_source source;
    size_t member; /* offsetof(catlr_model, ...) for CATLR_FROM_MEMBER */
} catlr_model_field;

/* The table: CATLR_F_COUNT fields in file order, each ending where the
 * next starts, the last at CATLR_MODEL_HEADER_SIZE. */
const catlr_model_field *catlr_model_format(void);

/* Header bytes of a file of this format version (1, 2 or 3): the end of
 * its last field. */
uint32_t catlr_model_format_header_size(uint32_t version);

/* The raw bits of field id in a header buf (at least as long as the
 * header of a version that has the field): a u32 or u64 as is, an f64's
 * IEEE bits. */
uint64_t catlr_model_format_get(const uint8_t *buf, catlr_field_id id);

/* Write every field of the current version's header into buf
 * (CATLR_MODEL_HEADER_SIZE bytes), from model and its class names'
 * lengths. */
void catlr_model_format_encode(const catlr_model *model, uint8_t *buf);

/* Read into model every member field of a header of format version
 * `version` (older versions lack the later fields: those stay as they
 * are), and the flags word as the model's flag members: the values as
 * stored, not yet checked. */
void catlr_model_format_decode(const uint8_t *buf, uint32_t version, catlr_model *model);

#endif /* CATLR_MODEL_FORMAT_H */
