/* checkpoint.h: the state a training run needs to go on after it was
 * stopped (catlr_train's hooks write and read it), and its file.
 *
 * A checkpoint taken after I steps holds everything the loop would have
 * had in memory before step I: the solver's own state in full precision
 * (primal: w in double and b; Gram: alpha, c and b), with a validation set
 * the kept best weights and their record, and the tolerance's last cost.
 * A run resumed from it takes the same steps, in the same order, as the
 * run that wrote it would have: same costs, same model bytes. It also
 * holds the settings and an identity of the training data, so that a
 * resume with anything else is refused with the setting that differs.
 *
 * The file: the magic "CATLRCKP", a u32 version, the fields below one by
 * one, little-endian (doubles as their IEEE-754 bits), the state's
 * doubles, then a CRC-32 of everything before it. Written beside the
 * target and renamed over it, as the model file is. */
#ifndef CATLR_CHECKPOINT_H
#define CATLR_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "catlr/catlr.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default) /* exported: see catlr.h */

#define CATLR_CHECKPOINT_MAGIC "CATLRCKP" /* 8 bytes, no terminator in the file */
#define CATLR_CHECKPOINT_VERSION 1u
/* A bound on the state's doubles a file may announce (2 (m + 1) for the
 * Gram solver with a validation set), so that a damaged count cannot ask
 * for any amount of memory. */
#define CATLR_CHECKPOINT_MAX_STATE (1ull << 32)

typedef struct catlr_checkpoint {
    /* where the run stands */
    uint64_t iteration;  /* steps taken: the run goes on with this one */
    uint64_t iterations; /* steps the run takes in all */
    /* the settings that decide the steps */
    uint32_t solver; /* catlr_solver, never auto */
    double lr, l2, tol;
    double class_weight[2]; /* by label, as trained (1, 1: none) */
    uint32_t start_crc;     /* CRC-32 of the starting weights and bias */
    /* the training data: every process's */
    uint64_t m;             /* training examples */
    uint64_t count[2];      /* of label 0 and 1 */
    uint64_t processes;     /* the shards the examples are split into */
    uint64_t data_sum;      /* the processes' CRC-32s of their X and y, added */
    uint64_t val_m;         /* validation examples, 0: none */
    uint32_t val_crc;       /* CRC-32 of the validation X and y */
    /* the loop's own state */
    double previous;         /* the last cost the tolerance watched; NAN: none */
    uint64_t best_iteration; /* with a validation set: the kept weights' step */
    double best_cost, best_val_cost;
    /* the solver's state, in full precision */
    uint64_t n_state;
    double *state; /* (n_state), owned: catlr_checkpoint_free */
} catlr_checkpoint;

/* Write ck to path: a temporary file beside it, fsync, rename. On failure
 * no file is left behind and path is untouched. CATLR_ERR_IO,
 * CATLR_ERR_NOMEM. */
catlr_status catlr_checkpoint_save(const catlr_checkpoint *ck, const char *path,
                                   catlr_error *err);

/* Read path into *ck (to free with catlr_checkpoint_free). CATLR_ERR_IO,
 * CATLR_ERR_FORMAT (not a checkpoint, another version, cut short, checksum
 * mismatch), CATLR_ERR_NOMEM; *ck is left zeroed on failure. */
catlr_status catlr_checkpoint_load(const char *path, catlr_checkpoint *ck, catlr_error *err);

/* Why a run described by now (its settings and data; where it stands and
 * its state are not compared) cannot go on from saved: "the learning rate
 * differs: 0.005 in the checkpoint, 0.01 now", or NULL when it can. The
 * reason is written into buf (size bytes). */
const char *catlr_checkpoint_mismatch(const catlr_checkpoint *saved, const catlr_checkpoint *now,
                                      char *buf, size_t size);

/* Release ck's state and zero it; NULL does nothing. */
void catlr_checkpoint_free(catlr_checkpoint *ck);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_CHECKPOINT_H */
