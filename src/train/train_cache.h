/* train_cache.h: catlr_train with what cross-validation (cv.c) computes
 * once for many runs and reads back from each: the Gram products of the
 * examples, and the final weights' z on the held-out set. Internal to the
 * library: wrong values give wrong weights, so no public struct carries
 * them. */
#ifndef CATLR_TRAIN_CACHE_H
#define CATLR_TRAIN_CACHE_H

#include <stdint.h>

#include "catlr/train.h"

typedef struct catlr_train_cache {
    /* The Gram products computed beforehand, borrowed, so that folds and
     * settings share one matrix. gram_K: packed upper triangle of tiles
     * (gram_kernel.h: catlr_gram_packed_count(m) int32, read through
     * catlr_gram_at), entry (j, l) = the exact byte dot product X_j . X_l;
     * gram_Kt:
     * (test_m, m), entry (k, l) = test_X_k . X_l. Either may be NULL (the
     * Gram solver computes it); the primal solver ignores both. */
    const int32_t *gram_K;
    const int32_t *gram_Kt;
    /* When not NULL and test_m > 0: (test_m), written with z = w^T x / 255
     * + b of the final weights (in double, before w is rounded to float)
     * for each test example, so that the caller can score them. */
    double *test_z;
} catlr_train_cache;

/* catlr_train with cache (NULL: none, catlr_train itself). */
catlr_status catlr_train_cached(const catlr_train_problem *prob, const catlr_train_params *params,
                                const catlr_train_hooks *hooks, const catlr_train_cache *cache,
                                catlr_model *model, catlr_error *err);

#endif /* CATLR_TRAIN_CACHE_H */
