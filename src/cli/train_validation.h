/* train_validation.h: `catlr train --val-split F --seed S` and
 * `--pick-threshold`: which examples of TRAIN_DIR are trained on and which
 * are held out to validate on, what the model file records of that split,
 * and the decision threshold picked on the held-out examples. cmd_train.c
 * parses the options; the trainer (catlr_train's validation set) keeps the
 * best iteration's weights. */
#ifndef CATLR_CLI_TRAIN_VALIDATION_H
#define CATLR_CLI_TRAIN_VALIDATION_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catlr/dataset.h"
#include "catlr/model.h"
#include "catlr/train.h"

/* The examples training sees and those it holds out. Without a split the
 * training examples are the dataset's own arrays (nothing owned) and the
 * validation set is empty. */
typedef struct train_sets {
    const uint8_t *X, *y;         /* (n_x, m) and (m): trained on */
    size_t m;
    const uint8_t *val_X, *val_y; /* (n_x, val_m) and (val_m); NULL without */
    size_t val_m;
    double fraction;              /* --val-split; 0: none */
    uint64_t seed;
    uint64_t train_count[2];      /* by class folder index, as the model */
    uint64_t val_count[2];
    uint8_t *owned;               /* the gathered pixels and labels of both
                                     sets, one allocation; NULL without a
                                     split */
} train_sets;

/* A validation fraction: a number strictly between 0 and 1 written as the
 * whole of s. 0 on success, -1 if s is anything else. */
int train_parse_fraction(const char *s, double *out);

/* --val-split and --seed, and whether to say what they held out. */
typedef struct train_split {
    double fraction; /* 0: no validation set */
    uint64_t seed;
    int quiet;
} train_split;

/* Fill *sets from ds, loaded from dir: with split->fraction > 0, hold out
 * that stratified fraction chosen by the seed (catlr_split_validation) and
 * say so on errf unless quiet ("validation split F (seed S): train A n B m,
 * validation A n B m" with the class folders' names and counts); with
 * fraction 0, train on all of ds. CLI_EXIT_OK, or CLI_EXIT_FAIL after the
 * error line (an empty validation set: "catlr: DIR: reason"; no memory),
 * with *sets holding nothing to free. */
int train_sets_make(train_sets *sets, const catlr_dataset *ds, const char *dir,
                    const train_split *split, FILE *errf);

/* Release what *sets owns; zeroes it. */
void train_sets_free(train_sets *sets);

/* What the model is to record of the split (catlr_train writes it): the
 * validation set's counts, and the fraction and seed when there was one;
 * augment and warm_start are left 0. */
catlr_train_origin train_sets_origin(const train_sets *sets);

/* With a validation set, say on errf which iteration's weights the model
 * kept and their validation cost. */
void train_sets_report_kept(const train_sets *sets, const catlr_model *model, FILE *errf);

/* --pick-threshold before training: CLI_EXIT_OK when the validation set
 * holds both classes, which a threshold needs to be picked on, else
 * CLI_EXIT_FAIL after a line naming dir (where ds was loaded from) and the
 * class it lacks. */
int train_threshold_check(const train_sets *sets, const catlr_dataset *ds, const char *dir,
                          FILE *errf);

/* --pick-threshold after training: the model's probabilities on the
 * validation set, their operating points (catlr_metrics_roc) and the one
 * with the largest F1 (catlr_metrics_best_point); its threshold, clamped to
 * [0, 1], becomes model->threshold with threshold_picked = 1, said on errf
 * unless quiet. CLI_EXIT_OK, or CLI_EXIT_FAIL after the error line. */
int train_pick_threshold(const train_sets *sets, catlr_model *model, int quiet, FILE *errf);

#endif /* CATLR_CLI_TRAIN_VALIDATION_H */
