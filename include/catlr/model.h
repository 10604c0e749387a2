/* model.h: a trained classifier, and its binary file.
 *
 * The file is little-endian, written field by field (never a struct dump),
 * so it reads the same on every machine and never depends on the locale: a
 * 184-byte header (magic "CTLR", version, geometry, the class names'
 * lengths, the training record), the two class names, the float32 weights
 * and a CRC-32. docs/model-format.md gives every field's offset, size and
 * meaning, what versions 1 and 2 lack (they are still read) and what
 * loading checks, in order, each with its own reason. New fields mean a new
 * version number; the loader refuses versions it does not know. */
#ifndef CATLR_MODEL_H
#define CATLR_MODEL_H

#include <stdint.h>

#include "catlr/catlr.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default) /* exported: see catlr.h */

#define CATLR_MODEL_MAGIC 0x524C5443u /* "CTLR" read as a little-endian u32 */
#define CATLR_MODEL_VERSION 3u
#define CATLR_MODEL_HEADER_SIZE 184   /* version 3, the one written */
#define CATLR_MODEL_HEADER_SIZE_V2 88 /* version 2, still read */
#define CATLR_MODEL_HEADER_SIZE_V1 64 /* version 1, still read */
#define CATLR_CLASS_NAME_MAX 255 /* bytes, without the NUL */
#define CATLR_MODEL_MAX_SIDE 16384 /* height and width limits on load */
#define CATLR_MODEL_MAX_FEATURES (1ul << 26) /* height*width*channels limit */

/* How a model was trained; the model file records it. New values go at the
 * end. */
typedef enum catlr_solver {
    CATLR_SOLVER_AUTO = 0,   /* in options: choose; in a v1 file: not recorded */
    CATLR_SOLVER_PRIMAL = 1, /* gradient descent on w directly */
    CATLR_SOLVER_GRAM = 2    /* the same steps through the Gram matrix */
} catlr_solver;

/* Bits of catlr_model.augment: what was added to the training images. */
#define CATLR_AUGMENT_FLIP 1u /* each image's horizontal mirror */

/* Bits of the version 3 flags word (catlr_model's fields of the same
 * meaning). */
#define CATLR_MODEL_THRESHOLD_PICKED 1u /* threshold_picked */
#define CATLR_MODEL_WEIGHTS_BALANCED 2u /* class_weight_balanced */
#define CATLR_MODEL_WARM_START 4u       /* warm_start */

/* "auto", "primal" or "gram"; "?" for anything else. */
const char *catlr_solver_name(catlr_solver solver);

typedef struct catlr_model {
    uint32_t height, width, channels; /* image geometry the weights are for */
    char class_names[2][CATLR_CLASS_NAME_MAX + 1]; /* byte order, NUL-terminated */
    uint32_t positive;   /* index into class_names of label 1 */
    float *w;            /* (height*width*channels), owned by the model */
    double b;
    double lr;           /* training settings, kept for the record */
    uint64_t iterations; /* steps taken */
    double final_cost;
    double l2;           /* lambda of the L2 penalty; 0 in a v1 file */
    double tol;          /* the --tol it was trained with; 0: none */
    uint32_t stopped_early; /* 1 when tol ended training before the limit */
    uint32_t solver;     /* a catlr_solver; CATLR_SOLVER_AUTO in a v1 file */
    /* Version 3: model selection. catlr_model_init sets the "not recorded"
     * values given with each field. */
    double threshold;          /* label 1 when p > threshold; 0.5 */
    uint32_t threshold_picked; /* 1: chosen on the validation set; 0 */
    double val_fraction;       /* --val-split; 0: no validation set */
    uint64_t seed;             /* seed of the split; 0 */
    uint64_t train_count[2];   /* examples trained on, by class folder index
                                  (augmented copies included); 0, 0 */
    uint64_t val_count[2];     /* validation examples, by class folder; 0, 0 */
    double class_weight[2];    /* cost weight of label 0 and of label 1; 1, 1 */
    uint32_t class_weight_balanced; /* 1: from "balanced", m / (2 m_c); 0 */
    double final_val_cost;     /* validation cost of the kept weights; NAN */
    uint64_t best_iteration;   /* steps taken to the kept weights (less than
                                  iterations when a validation set chose an
                                  earlier step); = iterations */
    uint32_t augment;          /* CATLR_AUGMENT_* bits; 0 */
    uint32_t warm_start;       /* 1: trained from another model's weights; 0 */
    uint32_t version; /* format version of the file it was loaded from;
                         CATLR_MODEL_VERSION (what a save writes) after
                         catlr_model_init */
} catlr_model;

/* Number of weights, height*width*channels. */
size_t catlr_model_n_x(const catlr_model *model);

/* What catlr_model_init needs to know of a new model: the image geometry
 * and the class folders' names. Filled by name:
 *   (catlr_model_shape){.height = 64, .width = 64, .channels = 3,
 *                       .class_names = {"cat", "non-cat"}, .positive = 0} */
typedef struct catlr_model_shape {
    uint32_t height, width, channels; /* the images' geometry */
    const char *class_names[2];       /* folder 0's and folder 1's names */
    uint32_t positive;                /* index of the class of label 1 */
} catlr_model_shape;

/* Make *model a zero-weight model for images of shape's geometry with its
 * class names. Fails with CATLR_ERR_ARG for an empty name or one over
 * CATLR_CLASS_NAME_MAX bytes, a positive index other than 0 or 1, or a
 * geometry outside the limits; CATLR_ERR_NOMEM. On failure *model holds
 * nothing to free. */
catlr_status catlr_model_init(catlr_model *model, const catlr_model_shape *shape, catlr_error *err);

/* Release the weights; *model is zeroed. NULL is allowed. */
void catlr_model_free(catlr_model *model);

/* 1 when b and every weight are finite numbers, else 0. */
int catlr_model_finite(const catlr_model *model);

/* The class name of label 1 (positive) or label 0. */
const char *catlr_model_class_of_label(const catlr_model *model, int label);

/* Write the model to path atomically: to a temporary file in the same
 * folder, flushed to disk, then renamed over path, so that path holds
 * either its old content or the complete new one. CATLR_ERR_IO names path
 * (also for a path that exists and is not a regular file: a device or a
 * fifo is never replaced);
 * CATLR_ERR_NUMERIC for weights that are not finite, CATLR_ERR_ARG for a
 * training record that catlr_model_load would refuse (the checks listed
 * above the file table, e.g. a threshold outside [0, 1]): no such file
 * loads, so none is written. */
catlr_status catlr_model_save(const catlr_model *model, const char *path,
                              catlr_error *err);

/* Read a model file into *model (which the caller frees). On failure *model
 * holds nothing to free, and the status is CATLR_ERR_IO (cannot read) or
 * CATLR_ERR_FORMAT (bad magic, unknown version, bad sizes, bad CRC). */
catlr_status catlr_model_load(const char *path, catlr_model *model,
                              catlr_error *err);

/* The same from a file's bytes in memory; name is what err reports as the
 * path (may be NULL). */
catlr_status catlr_model_load_memory(const void *data, size_t size,
                                     const char *name, catlr_model *model,
                                     catlr_error *err);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_MODEL_H */
