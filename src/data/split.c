/* split.c: SplitMix64, and the stratified validation split and folds built
 * on it (split.h says how each is drawn, so other programs can reproduce a
 * split from its seed). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catlr/split.h"
#include "base/internal.h"

catlr_rng catlr_rng_seeded(uint64_t seed) {
    catlr_rng rng = {seed};
    return rng;
}

uint64_t catlr_rng_next(catlr_rng *rng) {
    uint64_t z = (rng->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t catlr_rng_below(catlr_rng *rng, uint64_t n) {
    CATLR_ASSERT(n >= 1);
    /* the largest multiple of n that 2^64 holds is 2^64 - (2^64 mod n);
     * (0 - n) % n is 2^64 mod n in 64-bit arithmetic */
    const uint64_t reject_from = 0 - ((0 - n) % n);
    uint64_t r;
    do
        r = catlr_rng_next(rng);
    while (reject_from != 0 && r >= reject_from);
    return r % n;
}

void catlr_rng_shuffle(catlr_rng *rng, size_t *idx, size_t n) {
    for (size_t i = n; i-- > 1;) {
        size_t k = (size_t)catlr_rng_below(rng, (uint64_t)i + 1);
        size_t t = idx[i];
        idx[i] = idx[k];
        idx[k] = t;
    }
}

/* The examples of label 0 then those of label 1, each class in y's order and
 * then shuffled on its own by one generator: order (m) receives them, and
 * count[c] the size of class c. The caller frees *order. */
static catlr_status shuffled_classes(const uint8_t *y, size_t m, uint64_t seed,
                                     size_t **order, size_t count[2], catlr_error *err) {
    size_t *idx = malloc((m > 0 ? m : 1) * sizeof *idx);
    if (idx == NULL)
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate the split");
    count[0] = count[1] = 0;
    for (size_t j = 0; j < m; j++)
        count[y[j] != 0]++;
    size_t at[2] = {0, count[0]};
    for (size_t j = 0; j < m; j++)
        idx[at[y[j] != 0]++] = j;
    catlr_rng rng = catlr_rng_seeded(seed);
    catlr_rng_shuffle(&rng, idx, count[0]);
    catlr_rng_shuffle(&rng, idx + count[0], count[1]);
    *order = idx;
    return CATLR_OK;
}

catlr_status catlr_split_validation(const uint8_t *y, size_t m, double fraction,
                                    uint64_t seed, uint8_t *is_val, catlr_error *err) {
    CATLR_ASSERT(m == 0 || (y != NULL && is_val != NULL));
    if (!(fraction > 0 && fraction < 1))
        return catlr_fail(err, CATLR_ERR_ARG, NULL,
                          "validation fraction must be between 0 and 1 (exclusive)");
    size_t *order, count[2];
    catlr_status st = shuffled_classes(y, m, seed, &order, count, err);
    if (st != CATLR_OK)
        return st;
    if (m > 0) /* is_val may be NULL when m is 0, and memset's may not */
        memset(is_val, 0, m);
    size_t total = 0, start = 0;
    for (int c = 0; c < 2; c++) {
        /* half up; floor(x + 0.5) is exact here, x < 2^53 */
        size_t take = (size_t)floor(fraction * (double)count[c] + 0.5);
        if (count[c] > 0 && take >= count[c])
            take = count[c] - 1; /* the class keeps a training example */
        for (size_t t = 0; t < take; t++)
            is_val[order[start + t]] = 1;
        total += take;
        start += count[c];
    }
    free(order);
    if (total == 0)
        return catlr_fail(err, CATLR_ERR_DATA, NULL,
                          "a validation fraction of %g leaves no validation example "
                          "(%lu examples)",
                          fraction, (unsigned long)m);
    return CATLR_OK;
}

catlr_status catlr_split_folds(const uint8_t *y, size_t m, unsigned k, uint64_t seed,
                               unsigned *fold, catlr_error *err) {
    CATLR_ASSERT(m == 0 || (y != NULL && fold != NULL));
    if (k < 2 || k > CATLR_MAX_FOLDS)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "fold count must be 2 to %u",
                          CATLR_MAX_FOLDS);
    if (k > m)
        return catlr_fail(err, CATLR_ERR_DATA, NULL,
                          "%u folds need at least %u examples, there are %lu", k, k,
                          (unsigned long)m);
    size_t *order, count[2];
    catlr_status st = shuffled_classes(y, m, seed, &order, count, err);
    if (st != CATLR_OK)
        return st;
    /* dealt in turn over the whole order: class 1 continues where class 0
     * stopped, so the folds' sizes differ by at most one */
    for (size_t t = 0; t < m; t++)
        fold[order[t]] = (unsigned)(t % k);
    free(order);
    return CATLR_OK;
}

void catlr_split_take(const uint8_t *X, size_t n_x, const size_t *idx, size_t count,
                      uint8_t *out) {
    CATLR_ASSERT(count == 0 || (X != NULL && idx != NULL && out != NULL));
    for (size_t t = 0; t < count; t++)
        memcpy(out + t * n_x, X + idx[t] * n_x, n_x);
}

void catlr_split_take_labels(const uint8_t *y, const size_t *idx, size_t count, uint8_t *y_out) {
    CATLR_ASSERT(count == 0 || (y != NULL && idx != NULL && y_out != NULL));
    for (size_t t = 0; t < count; t++)
        y_out[t] = y[idx[t]];
}
