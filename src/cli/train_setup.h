/* train_setup.h: what `catlr train` trains on and starts from, beyond the
 * folders and the defaults: the class weights (--class-weight), the
 * mirrored images (--augment flip) and the starting weights of another
 * model (--init MODEL). cmd_train.c parses the rest and trains. */
#ifndef CATLR_CLI_TRAIN_SETUP_H
#define CATLR_CLI_TRAIN_SETUP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catlr/dataset.h"
#include "catlr/model.h"
#include "catlr/train.h"

/* --class-weight VALUE into params: "balanced", or "W_POS,W_NEG", two
 * positive finite numbers, the weight of the positive class (label 1)
 * first. 0 on success, -1 if VALUE is anything else (params unchanged). */
int train_setup_parse_class_weight(const char *value, catlr_train_params *params);

/* The same as an option of command cmd (train or cv): -1 on success, or the
 * usage error (common.h's cli_option_*) and CLI_EXIT_USAGE. */
int train_setup_option_class_weight(const char *value, catlr_train_params *params, const char *cmd,
                                    const char *usage, FILE *errf);

/* --augment VALUE: "flip" gives CATLR_AUGMENT_FLIP in *augment. 0 on
 * success, -1 for anything else. */
int train_setup_parse_augment(const char *value, uint32_t *augment);

/* The examples a run trains on: the folder's, or with CATLR_AUGMENT_FLIP
 * the folder's followed by their mirrors (owned here). */
typedef struct train_set {
    const uint8_t *X; /* (CATLR_N_X, m) */
    const uint8_t *y; /* (m) */
    size_t m;
    uint8_t *owned;   /* X and y of the augmented set in one block, or NULL */
} train_set;

/* Fill *set from the images of from (a folder's or a process's shard of
 * it, or those --val-split leaves for training) with the augmentation bits;
 * says on errf (unless quiet) how many images the mirrors added to total
 * (from->m in one process, every process's under MPI). CLI_EXIT_OK, or
 * CLI_EXIT_FAIL after the error line (out of memory), with *set holding
 * nothing. */
int train_setup_make_set(train_set *set, const catlr_train_set *from, uint32_t augment,
                         size_t total, int quiet, FILE *errf);

void train_setup_free_set(train_set *set);

/* Say on errf the class weights model was trained with, as catlr_train
 * recorded them (with "balanced", from the labels of every process):
 * "class weights: cat 1.25, non-cat 0.833333 (balanced)"; nothing when it
 * was trained without weights. */
void train_setup_print_weights(const catlr_model *model, FILE *errf);

/* --init: check that init, loaded from path (cli_load_model: catlr's image
 * size), can start training on ds: the same class names and positive
 * class. CLI_EXIT_OK, or CLI_EXIT_FAIL after an error line naming path and
 * the reason. */
int train_setup_check_init(const char *path, const catlr_model *init, const catlr_dataset *ds,
                           FILE *errf);

/* Start model (made by catlr_model_init for the same geometry) from
 * init's weights and bias (catlr_train records the warm start, given in
 * its problem's origin). init may be NULL: training starts from zero. */
void train_setup_start(catlr_model *model, const catlr_model *init);

#endif /* CATLR_CLI_TRAIN_SETUP_H */
