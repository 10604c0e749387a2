/* split.h: reproducible, stratified subsets of a training set: a held-out
 * validation set and the folds of k-fold cross-validation.
 *
 * The random numbers are catlr's own, so a seed picks the same examples on
 * every machine, compiler and C library (rand() differs between them):
 * SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014; the generator java.util.SplittableRandom and
 * xoshiro's seeding use). The state is one 64-bit counter advanced by
 * 0x9E3779B97F4A7C15 per draw; each draw is that counter through the
 * finaliser
 *     z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
 *     z = (z ^ (z >> 27)) * 0x94D049BB133111EB
 *     z =  z ^ (z >> 31)
 * A number below n is drawn by rejection (Lemire's unbiased method is not
 * needed at these sizes): draws at or above the largest multiple of n are
 * thrown away, so every value is equally likely.
 *
 * Stratified: each class (label 0, label 1) is shuffled on its own, in the
 * order its examples have in y (Fisher-Yates, from the last position down,
 * class 0 first, then class 1, one generator for both), and split in the
 * same proportion, so both sets keep the folder's class balance. */
#ifndef CATLR_SPLIT_H
#define CATLR_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "catlr/catlr.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default) /* exported: see catlr.h */

#define CATLR_DEFAULT_SEED 1u /* --seed when none is given */
#define CATLR_MAX_FOLDS 1000u

/* SplitMix64. */
typedef struct catlr_rng {
    uint64_t state;
} catlr_rng;

/* The generator whose first draw comes from seed + 0x9E3779B97F4A7C15. */
catlr_rng catlr_rng_seeded(uint64_t seed);

/* The next 64 random bits. */
uint64_t catlr_rng_next(catlr_rng *rng);

/* A number in [0, n), every value equally likely; n >= 1. */
uint64_t catlr_rng_below(catlr_rng *rng, uint64_t n);

/* Shuffle idx (n) in place: Fisher-Yates, for i = n-1 down to 1 swap
 * idx[i] with idx[catlr_rng_below(rng, i + 1)]. */
void catlr_rng_shuffle(catlr_rng *rng, size_t *idx, size_t n);

/* Hold out a validation set: in each class of m_c examples, the first
 * round(fraction m_c) of its shuffled examples (half up), but never all of
 * them, so each class keeps a training example. is_val (m) is set to 1 for
 * the validation examples and 0 for the others.
 * y (m): labels 0 or 1. Fails with CATLR_ERR_ARG when fraction is not in
 * (0, 1), CATLR_ERR_DATA when the validation set would be empty (too few
 * examples for the fraction), CATLR_ERR_NOMEM. */
catlr_status catlr_split_validation(const uint8_t *y, size_t m, double fraction,
                                    uint64_t seed, uint8_t *is_val, catlr_error *err);

/* Assign each example a fold in [0, k), y (m) holding labels 0 or 1 and
 * fold (m) written: each class's shuffled examples are
 * dealt to the folds in turn, class 1 continuing where class 0 stopped, so
 * fold sizes differ by at most one and each fold keeps the class balance
 * (as far as the counts allow). The folds partition the m examples.
 * Fails with CATLR_ERR_ARG when k < 2 or k > CATLR_MAX_FOLDS, CATLR_ERR_DATA
 * when k > m (a fold would be empty), CATLR_ERR_NOMEM. */
catlr_status catlr_split_folds(const uint8_t *y, size_t m, unsigned k, uint64_t seed,
                               unsigned *fold, catlr_error *err);

/* Copy the columns idx (count) of X (n_x, m), in that order, into out
 * (n_x, count). */
void catlr_split_take(const uint8_t *X, size_t n_x, const size_t *idx, size_t count,
                      uint8_t *out);

/* The same for their labels: y (m) at idx (count) into y_out (count). */
void catlr_split_take_labels(const uint8_t *y, const size_t *idx, size_t count, uint8_t *y_out);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_SPLIT_H */
