/* model.c: the binary model file (layout in docs/model-format.md): build,
 * save atomically, load and validate.
 *
 * Sees only catlr_model: no images, no training. Both directions go through
 * one byte buffer holding the whole file; the header's fields and offsets
 * are written down once, in model_format.c's table, which encode() and
 * decode() both follow. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catlr/model.h"
#include "base/internal.h"
#include "model_format.h"

// ----------------------------------------------------------------------------
// The model in memory.

size_t catlr_model_n_x(const catlr_model *model) {
    CATLR_ASSERT(model != NULL);
    return (size_t)model->height * model->width * model->channels;
}

/* Why this geometry cannot be a model's, or NULL. */
static const char *check_geometry(uint64_t height, uint64_t width, uint64_t channels) {
    if (height < 1 || height > CATLR_MODEL_MAX_SIDE || width < 1 ||
        width > CATLR_MODEL_MAX_SIDE)
        return "image height or width out of range";
    if (channels < 1 || channels > 4)
        return "channel count out of range";
    if (height * width * channels > CATLR_MODEL_MAX_FEATURES)
        return "too many weights";
    return NULL;
}

/* Why this class name cannot be stored, or NULL. */
static const char *check_name(const char *name) {
    size_t n = strlen(name);
    if (n == 0)
        return "empty class name";
    if (n > CATLR_CLASS_NAME_MAX)
        return "class name longer than 255 bytes";
    return NULL;
}

/* The format 3 fields' "not recorded" values (model.h): the course's
 * threshold of 0.5, unit class weights, no validation set, best_iteration
 * equal to iterations (0 in a new model: nothing ties them afterwards, so
 * catlr_train and the loader each set both), and the version a save
 * writes. */
static void set_unrecorded(catlr_model *model) {
    model->threshold = 0.5;
    model->class_weight[0] = model->class_weight[1] = 1.0;
    model->final_val_cost = NAN;
    model->best_iteration = model->iterations;
    model->version = CATLR_MODEL_VERSION;
}

catlr_status catlr_model_init(catlr_model *model, const catlr_model_shape *shape,
                              catlr_error *err) {
    CATLR_ASSERT(model != NULL && shape != NULL);
    CATLR_ASSERT(shape->class_names[0] != NULL && shape->class_names[1] != NULL);
    memset(model, 0, sizeof *model);
    const char *why = check_geometry(shape->height, shape->width, shape->channels);
    for (size_t k = 0; k < 2 && why == NULL; k++)
        why = check_name(shape->class_names[k]);
    if (why == NULL && shape->positive > 1)
        why = "positive class index is not 0 or 1";
    if (why != NULL)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "%s", why);
    size_t n = (size_t)shape->height * shape->width * shape->channels;
    model->w = calloc(n, sizeof *model->w);
    if (model->w == NULL)
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate %lu weights",
                          (unsigned long)n);
    model->height = shape->height;
    model->width = shape->width;
    model->channels = shape->channels;
    for (size_t k = 0; k < 2; k++)
        strcpy(model->class_names[k], shape->class_names[k]);
    model->positive = shape->positive;
    set_unrecorded(model);
    return CATLR_OK;
}

void catlr_model_free(catlr_model *model) {
    if (model == NULL)
        return;
    free(model->w);
    memset(model, 0, sizeof *model);
}

int catlr_model_finite(const catlr_model *model) {
    CATLR_ASSERT(model != NULL && model->w != NULL);
    int finite = isfinite(model->b);
    size_t n = catlr_model_n_x(model);
    for (size_t i = 0; i < n; i++)
        finite &= isfinite(model->w[i]) != 0;
    return finite;
}

const char *catlr_solver_name(catlr_solver solver) {
    switch (solver) {
    case CATLR_SOLVER_AUTO: return "auto";
    case CATLR_SOLVER_PRIMAL: return "primal";
    case CATLR_SOLVER_GRAM: return "gram";
    }
    return "?";
}

const char *catlr_model_class_of_label(const catlr_model *model, int label) {
    CATLR_ASSERT(model != NULL && model->positive <= 1);
    return model->class_names[label ? model->positive : 1 - model->positive];
}

// ----------------------------------------------------------------------------
// Encoding: model -> the file's bytes.

static void put_f32(uint8_t *p, float v) {
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    catlr_put_u32(p, u);
}

static float get_f32(const uint8_t *p) {
    uint32_t u = catlr_get_u32(p);
    float v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* Total file size for a model of this version with these name lengths and
 * n weights. */
static uint64_t file_size(uint32_t version, uint64_t n0, uint64_t n1, uint64_t n) {
    return catlr_model_format_header_size(version) + n0 + n1 + 4 * n + 4;
}

/* The whole file in a new buffer of *size bytes, or NULL (out of memory). */
static uint8_t *encode(const catlr_model *model, size_t *size) {
    size_t n0 = strlen(model->class_names[0]), n1 = strlen(model->class_names[1]);
    size_t n = catlr_model_n_x(model);
    size_t total = (size_t)file_size(CATLR_MODEL_VERSION, n0, n1, n);
    uint8_t *buf = malloc(total);
    if (buf == NULL)
        return NULL;
    catlr_model_format_encode(model, buf);
    uint8_t *p = buf + CATLR_MODEL_HEADER_SIZE;
    memcpy(p, model->class_names[0], n0);
    memcpy(p + n0, model->class_names[1], n1);
    p += n0 + n1;
    for (size_t i = 0; i < n; i++)
        put_f32(p + 4 * i, model->w[i]);
    catlr_put_u32(buf + total - 4, catlr_crc32(buf, total - 4));
    *size = total;
    return buf;
}

// ----------------------------------------------------------------------------
// Decoding: the file's bytes -> model, checking everything.

/* The header's fields, before anything is trusted. */
typedef struct header {
    uint32_t version, height, width, channels, positive, n0, n1;
} header;

/* Check magic, version and sizes of the first CATLR_MODEL_HEADER_SIZE_V1
 * bytes (the fields every version shares) against the file's length
 * `size`. */
static catlr_status check_header(const uint8_t *p, uint64_t size, const char *name,
                                 header *h, catlr_error *err) {
    if (size < CATLR_MODEL_HEADER_SIZE_V1 + 4)
        return catlr_fail(err, CATLR_ERR_FORMAT, name,
                          "too short for a catlr model (%llu bytes)",
                          (unsigned long long)size);
    if (catlr_model_format_get(p, CATLR_F_MAGIC) != CATLR_MODEL_MAGIC)
        return catlr_fail(err, CATLR_ERR_FORMAT, name, "not a catlr model (bad magic)");
    h->version = (uint32_t)catlr_model_format_get(p, CATLR_F_VERSION);
    if (h->version < 1 || h->version > CATLR_MODEL_VERSION)
        return catlr_fail(err, CATLR_ERR_FORMAT, name,
                          "model format version %lu, this catlr reads versions 1 to %u",
                          (unsigned long)h->version, CATLR_MODEL_VERSION);
    h->height = (uint32_t)catlr_model_format_get(p, CATLR_F_HEIGHT);
    h->width = (uint32_t)catlr_model_format_get(p, CATLR_F_WIDTH);
    h->channels = (uint32_t)catlr_model_format_get(p, CATLR_F_CHANNELS);
    h->positive = (uint32_t)catlr_model_format_get(p, CATLR_F_POSITIVE);
    h->n0 = (uint32_t)catlr_model_format_get(p, CATLR_F_NAME0_LENGTH);
    h->n1 = (uint32_t)catlr_model_format_get(p, CATLR_F_NAME1_LENGTH);
    const char *why = check_geometry(h->height, h->width, h->channels);
    if (why != NULL)
        return catlr_fail(err, CATLR_ERR_FORMAT, name, "%s", why);
    if (h->positive > 1)
        return catlr_fail(err, CATLR_ERR_FORMAT, name, "positive class index is not 0 or 1");
    if (h->n0 < 1 || h->n0 > CATLR_CLASS_NAME_MAX || h->n1 < 1 ||
        h->n1 > CATLR_CLASS_NAME_MAX)
        return catlr_fail(err, CATLR_ERR_FORMAT, name, "class name length out of range");
    uint64_t want = file_size(h->version, h->n0, h->n1,
                              (uint64_t)h->height * h->width * h->channels);
    if (size != want)
        return catlr_fail(err, CATLR_ERR_FORMAT, name,
                          "file is %llu bytes, its header describes %llu",
                          (unsigned long long)size, (unsigned long long)want);
    return CATLR_OK;
}

/* Copy a class name of n bytes, refusing embedded NULs. */
static int copy_name(char *dst, const uint8_t *src, size_t n) {
    if (memchr(src, '\0', n) != NULL)
        return -1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

/* Why the version 2 record (training settings) cannot be a model's, or
 * NULL. */
static const char *check_record_v2(const catlr_model *model) {
    if (!(model->l2 >= 0) || !isfinite(model->l2) || !(model->tol >= 0) ||
        !isfinite(model->tol))
        return "L2 lambda or tolerance is not a finite number >= 0";
    if (model->stopped_early > 1)
        return "early-stop flag is not 0 or 1";
    if (model->solver > CATLR_SOLVER_GRAM)
        return "unknown solver";
    return NULL;
}

/* Why the version 3 record (model selection) with this flags word cannot
 * be a model's, or NULL. */
static const char *check_record_v3(const catlr_model *model, uint32_t flags) {
    if (!(model->threshold >= 0 && model->threshold <= 1))
        return "decision threshold is not a number in [0, 1]";
    if (!(model->val_fraction >= 0 && model->val_fraction < 1))
        return "validation fraction is not a number in [0, 1)";
    for (int c = 0; c < 2; c++)
        if (!(model->class_weight[c] > 0) || !isfinite(model->class_weight[c]))
            return "class weight is not a positive finite number";
    if (!isnan(model->final_val_cost) &&
        (!(model->final_val_cost >= 0) || !isfinite(model->final_val_cost)))
        return "validation cost is neither NaN nor a finite number >= 0";
    if (model->best_iteration > model->iterations)
        return "best iteration is past the last iteration";
    if ((model->augment & ~CATLR_AUGMENT_FLIP) != 0)
        return "unknown augmentation bits";
    if ((flags & ~(CATLR_MODEL_THRESHOLD_PICKED | CATLR_MODEL_WEIGHTS_BALANCED |
                   CATLR_MODEL_WARM_START)) != 0)
        return "unknown flag bits";
    return NULL;
}

/* The header's fields that the file's version has, into model, each
 * record checked. A version 1 file has no training record (no L2, no
 * tolerance, solver not recorded), versions 1 and 2 no model-selection
 * record: those keep catlr_model_init's "not recorded" values, with the
 * best iteration the last. */
static const char *decode_record(const uint8_t *buf, uint32_t version, catlr_model *model) {
    catlr_model_format_decode(buf, version, model);
    if (version < 3)
        model->best_iteration = model->iterations;
    const char *why = version >= 2 ? check_record_v2(model) : NULL;
    if (why == NULL && version >= 3)
        why = check_record_v3(model, (uint32_t)catlr_model_format_get(buf, CATLR_F_FLAGS));
    return why;
}

/* Fill model from a buffer whose header and CRC have been checked. */
static catlr_status decode(const uint8_t *buf, const header *h, const char *name,
                           catlr_model *model, catlr_error *err) {
    const uint8_t *p = buf + catlr_model_format_header_size(h->version);
    char names[2][CATLR_CLASS_NAME_MAX + 1];
    if (copy_name(names[0], p, h->n0) != 0 || copy_name(names[1], p + h->n0, h->n1) != 0)
        return catlr_fail(err, CATLR_ERR_FORMAT, name, "class name holds a NUL byte");
    catlr_status st = catlr_model_init(model,
                                       &(catlr_model_shape){.height = h->height,
                                                            .width = h->width,
                                                            .channels = h->channels,
                                                            .class_names = {names[0], names[1]},
                                                            .positive = h->positive},
                                       err);
    if (st != CATLR_OK) /* the header checks leave only out of memory */
        return catlr_fail(err, st, name, "cannot allocate the weights");
    model->version = h->version;
    const char *why = decode_record(buf, h->version, model);
    if (why != NULL) {
        catlr_model_free(model);
        return catlr_fail(err, CATLR_ERR_FORMAT, name, "%s", why);
    }
    p += h->n0 + h->n1;
    size_t n = catlr_model_n_x(model);
    for (size_t i = 0; i < n; i++)
        model->w[i] = get_f32(p + 4 * i);
    if (!catlr_model_finite(model)) {
        catlr_model_free(model);
        return catlr_fail(err, CATLR_ERR_FORMAT, name, "weights are not finite numbers");
    }
    return CATLR_OK;
}

static const char *display_name(const char *name) {
    return name ? name : "(memory)";
}

catlr_status catlr_model_load_memory(const void *data, size_t size,
                                     const char *name, catlr_model *model,
                                     catlr_error *err) {
    CATLR_ASSERT((data != NULL || size == 0) && model != NULL);
    memset(model, 0, sizeof *model);
    name = display_name(name);
    const uint8_t *buf = data;
    header h;
    catlr_status st = check_header(buf, size, name, &h, err);
    if (st != CATLR_OK)
        return st;
    if (catlr_get_u32(buf + size - 4) != catlr_crc32(buf, size - 4))
        return catlr_fail(err, CATLR_ERR_FORMAT, name, "checksum mismatch (file damaged)");
    return decode(buf, &h, name, model, err);
}

// ----------------------------------------------------------------------------
// Files.

/* Read exactly len bytes or say why not. */
static catlr_status read_exact(FILE *fp, void *buf, size_t len, const char *path,
                               catlr_error *err) {
    if (fread(buf, 1, len, fp) == len)
        return CATLR_OK;
    if (ferror(fp))
        return catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
    return catlr_fail(err, CATLR_ERR_FORMAT, path, "file ended early");
}

/* Check the header against the file's length, then read the whole file. */
static catlr_status read_model_file(FILE *fp, uint64_t size, const char *path,
                                    uint8_t **out, size_t *out_size, catlr_error *err) {
    uint8_t head[CATLR_MODEL_HEADER_SIZE_V1];
    size_t got = fread(head, 1, sizeof head, fp);
    if (got < sizeof head && ferror(fp))
        return catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
    header h;
    catlr_status st = check_header(head, got < sizeof head ? got : size, path, &h, err);
    if (st != CATLR_OK)
        return st;
    uint8_t *buf = malloc((size_t)size);
    if (buf == NULL)
        return catlr_fail(err, CATLR_ERR_NOMEM, path, "cannot allocate %llu bytes",
                          (unsigned long long)size);
    memcpy(buf, head, sizeof head);
    st = read_exact(fp, buf + sizeof head, (size_t)size - sizeof head, path, err);
    if (st != CATLR_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *out_size = (size_t)size;
    return CATLR_OK;
}

catlr_status catlr_model_load(const char *path, catlr_model *model, catlr_error *err) {
    CATLR_ASSERT(path != NULL && model != NULL);
    memset(model, 0, sizeof *model);
    FILE *fp;
    uint64_t file_length;
    catlr_status st = catlr_open_regular(path, &fp, &file_length, err);
    if (st != CATLR_OK)
        return st;
    uint8_t *buf = NULL;
    size_t size = 0;
    st = read_model_file(fp, file_length, path, &buf, &size, err);
    fclose(fp);
    /* read_model_file looked at the header only to know how much to read;
     * the bytes are then judged by the one parser, as any buffer is */
    if (st == CATLR_OK)
        st = catlr_model_load_memory(buf, size, path, model, err);
    free(buf);
    return st;
}

// ----------------------------------------------------------------------------
// Saving: temporary file beside the target, fsync, rename (catlr_replace_file).

catlr_status catlr_model_save(const catlr_model *model, const char *path,
                              catlr_error *err) {
    CATLR_ASSERT(model != NULL && model->w != NULL && path != NULL);
    if (!catlr_model_finite(model))
        return catlr_fail(err, CATLR_ERR_NUMERIC, path, "weights are not finite numbers");
    size_t size;
    uint8_t *buf = encode(model, &size);
    if (buf == NULL)
        return catlr_fail(err, CATLR_ERR_NOMEM, path, "out of memory");
    /* a record the loader refuses (a threshold above 1, a best iteration
     * past the last) would make a file that never loads again: checked
     * here by the code that reads it back, on a copy it may write to */
    catlr_model scratch = *model;
    const char *why = decode_record(buf, CATLR_MODEL_VERSION, &scratch);
    if (why != NULL) {
        free(buf);
        return catlr_fail(err, CATLR_ERR_ARG, path, "%s", why);
    }
    /* the save renames a new file over path: over a device or a fifo
     * (-o /dev/null, run as root) that would replace the node itself */
    struct stat target;
    if (stat(path, &target) == 0 && !S_ISREG(target.st_mode)) {
        free(buf);
        return catlr_fail(err, CATLR_ERR_IO, path,
                          "not a regular file (a model file is replaced whole)");
    }
    catlr_status st = catlr_replace_file(path, buf, size, err);
    free(buf);
    return st;
}
