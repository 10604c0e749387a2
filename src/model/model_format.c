/* model_format.c: the model file's header, field by field (the layout of
 * docs/model-format.md), and the two loops that write and read it. A field
 * added here is written, read and documented in one step: the test of
 * tests/model reads the document's table and compares it row by row. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/internal.h"
#include "model_format.h"

/* A field that mirrors a catlr_model member of the same name. */
#define MEMBER(field_name, at, bytes, version, field_type, member_name)                        \
    {                                                                                          \
        .name = field_name, .offset = at, .size = bytes, .since = version, .type = field_type, \
        .source = CATLR_FROM_MEMBER, .member = offsetof(catlr_model, member_name)              \
    }

static const catlr_model_field FIELDS[CATLR_F_COUNT] = {
    [CATLR_F_MAGIC] = {.name = "magic", .offset = 0, .size = 4, .since = 1,
                       .type = CATLR_FIELD_U32, .source = CATLR_FROM_MAGIC},
    [CATLR_F_VERSION] = {.name = "version", .offset = 4, .size = 4, .since = 1,
                         .type = CATLR_FIELD_U32, .source = CATLR_FROM_VERSION},
    [CATLR_F_HEIGHT] = MEMBER("height", 8, 4, 1, CATLR_FIELD_U32, height),
    [CATLR_F_WIDTH] = MEMBER("width", 12, 4, 1, CATLR_FIELD_U32, width),
    [CATLR_F_CHANNELS] = MEMBER("channels", 16, 4, 1, CATLR_FIELD_U32, channels),
    [CATLR_F_POSITIVE] = MEMBER("positive", 20, 4, 1, CATLR_FIELD_U32, positive),
    [CATLR_F_NAME0_LENGTH] = {.name = "name_length[0]", .offset = 24, .size = 4, .since = 1,
                              .type = CATLR_FIELD_U32, .source = CATLR_FROM_NAME0},
    [CATLR_F_NAME1_LENGTH] = {.name = "name_length[1]", .offset = 28, .size = 4, .since = 1,
                              .type = CATLR_FIELD_U32, .source = CATLR_FROM_NAME1},
    [CATLR_F_LR] = MEMBER("lr", 32, 8, 1, CATLR_FIELD_F64, lr),
    [CATLR_F_ITERATIONS] = MEMBER("iterations", 40, 8, 1, CATLR_FIELD_U64, iterations),
    [CATLR_F_FINAL_COST] = MEMBER("final_cost", 48, 8, 1, CATLR_FIELD_F64, final_cost),
    [CATLR_F_B] = MEMBER("b", 56, 8, 1, CATLR_FIELD_F64, b),
    [CATLR_F_L2] = MEMBER("l2", 64, 8, 2, CATLR_FIELD_F64, l2),
    [CATLR_F_TOL] = MEMBER("tol", 72, 8, 2, CATLR_FIELD_F64, tol),
    [CATLR_F_STOPPED_EARLY] = MEMBER("stopped_early", 80, 4, 2, CATLR_FIELD_U32, stopped_early),
    [CATLR_F_SOLVER] = MEMBER("solver", 84, 4, 2, CATLR_FIELD_U32, solver),
    [CATLR_F_THRESHOLD] = MEMBER("threshold", 88, 8, 3, CATLR_FIELD_F64, threshold),
    [CATLR_F_VAL_FRACTION] = MEMBER("val_fraction", 96, 8, 3, CATLR_FIELD_F64, val_fraction),
    [CATLR_F_SEED] = MEMBER("seed", 104, 8, 3, CATLR_FIELD_U64, seed),
    [CATLR_F_TRAIN_COUNT0] = MEMBER("train_count[0]", 112, 8, 3, CATLR_FIELD_U64, train_count[0]),
    [CATLR_F_TRAIN_COUNT1] = MEMBER("train_count[1]", 120, 8, 3, CATLR_FIELD_U64, train_count[1]),
    [CATLR_F_VAL_COUNT0] = MEMBER("val_count[0]", 128, 8, 3, CATLR_FIELD_U64, val_count[0]),
    [CATLR_F_VAL_COUNT1] = MEMBER("val_count[1]", 136, 8, 3, CATLR_FIELD_U64, val_count[1]),
    [CATLR_F_CLASS_WEIGHT0] =
        MEMBER("class_weight[0]", 144, 8, 3, CATLR_FIELD_F64, class_weight[0]),
    [CATLR_F_CLASS_WEIGHT1] =
        MEMBER("class_weight[1]", 152, 8, 3, CATLR_FIELD_F64, class_weight[1]),
    [CATLR_F_FINAL_VAL_COST] =
        MEMBER("final_val_cost", 160, 8, 3, CATLR_FIELD_F64, final_val_cost),
    [CATLR_F_BEST_ITERATION] =
        MEMBER("best_iteration", 168, 8, 3, CATLR_FIELD_U64, best_iteration),
    [CATLR_F_AUGMENT] = MEMBER("augment", 176, 4, 3, CATLR_FIELD_U32, augment),
    [CATLR_F_FLAGS] = {.name = "flags", .offset = 180, .size = 4, .since = 3,
                       .type = CATLR_FIELD_U32, .source = CATLR_FROM_FLAGS},
};

const catlr_model_field *catlr_model_format(void) { return FIELDS; }

uint32_t catlr_model_format_header_size(uint32_t version) {
    uint32_t end = 0;
    for (size_t k = 0; k < CATLR_F_COUNT; k++)
        if (FIELDS[k].since <= version)
            end = FIELDS[k].offset + FIELDS[k].size;
    return end;
}

uint64_t catlr_model_format_get(const uint8_t *buf, catlr_field_id id) {
    const catlr_model_field *f = &FIELDS[id];
    return f->size == 4 ? catlr_get_u32(buf + f->offset) : catlr_get_u64(buf + f->offset);
}

/* The version 3 flags word of a model, and back. */
static uint32_t flags_of(const catlr_model *model) {
    return (model->threshold_picked ? CATLR_MODEL_THRESHOLD_PICKED : 0) |
           (model->class_weight_balanced ? CATLR_MODEL_WEIGHTS_BALANCED : 0) |
           (model->warm_start ? CATLR_MODEL_WARM_START : 0);
}

static void set_flags(catlr_model *model, uint32_t flags) {
    model->threshold_picked = (flags & CATLR_MODEL_THRESHOLD_PICKED) != 0;
    model->class_weight_balanced = (flags & CATLR_MODEL_WEIGHTS_BALANCED) != 0;
    model->warm_start = (flags & CATLR_MODEL_WARM_START) != 0;
}

/* A member field's bits as stored: a u32 or u64 as is, a double's IEEE
 * bits (memcpy, so that no conversion touches them). */
static uint64_t member_bits(const catlr_model *model, const catlr_model_field *f) {
    const char *at = (const char *)model + f->member;
    uint32_t u32;
    uint64_t u64;
    switch (f->type) {
    case CATLR_FIELD_U32: memcpy(&u32, at, sizeof u32); return u32;
    case CATLR_FIELD_U64:
    case CATLR_FIELD_F64: memcpy(&u64, at, sizeof u64); return u64;
    }
    return 0;
}

static void set_member_bits(catlr_model *model, const catlr_model_field *f, uint64_t bits) {
    char *at = (char *)model + f->member;
    uint32_t u32 = (uint32_t)bits;
    if (f->type == CATLR_FIELD_U32)
        memcpy(at, &u32, sizeof u32);
    else
        memcpy(at, &bits, sizeof bits);
}

void catlr_model_format_encode(const catlr_model *model, uint8_t *buf) {
    for (size_t k = 0; k < CATLR_F_COUNT; k++) {
        const catlr_model_field *f = &FIELDS[k];
        uint64_t bits = 0;
        switch (f->source) {
        case CATLR_FROM_MEMBER: bits = member_bits(model, f); break;
        case CATLR_FROM_MAGIC: bits = CATLR_MODEL_MAGIC; break;
        case CATLR_FROM_VERSION: bits = CATLR_MODEL_VERSION; break;
        case CATLR_FROM_NAME0: bits = strlen(model->class_names[0]); break;
        case CATLR_FROM_NAME1: bits = strlen(model->class_names[1]); break;
        case CATLR_FROM_FLAGS: bits = flags_of(model); break;
        }
        if (f->size == 4)
            catlr_put_u32(buf + f->offset, (uint32_t)bits);
        else
            catlr_put_u64(buf + f->offset, bits);
    }
}

void catlr_model_format_decode(const uint8_t *buf, uint32_t version, catlr_model *model) {
    for (size_t k = 0; k < CATLR_F_COUNT; k++) {
        const catlr_model_field *f = &FIELDS[k];
        if (f->since > version)
            continue;
        if (f->source == CATLR_FROM_MEMBER)
            set_member_bits(model, f, catlr_model_format_get(buf, (catlr_field_id)k));
        else if (f->source == CATLR_FROM_FLAGS)
            set_flags(model, (uint32_t)catlr_model_format_get(buf, (catlr_field_id)k));
    }
}
