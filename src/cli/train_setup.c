/* train_setup.c: --class-weight, --augment and --init of `catlr train`
 * (train_setup.h). */
#include <stdlib.h>
#include <string.h>

#include "catlr/augment.h"
#include "common.h"
#include "train_setup.h"

// ----------------------------------------------------------------------------
// Options.

int train_setup_parse_class_weight(const char *value, catlr_train_params *params) {
    if (strcmp(value, "balanced") == 0) {
        params->class_weight[0] = params->class_weight[1] = 0;
        params->class_weight_balanced = 1;
        return 0;
    }
    const char *comma = strchr(value, ',');
    char first[64];
    size_t len = comma != NULL ? (size_t)(comma - value) : 0;
    if (comma == NULL || len >= sizeof first)
        return -1;
    memcpy(first, value, len);
    first[len] = '\0';
    double w_pos, w_neg;
    if (cli_parse_positive(first, &w_pos) != 0 || cli_parse_positive(comma + 1, &w_neg) != 0)
        return -1;
    params->class_weight[1] = w_pos; /* by label: 1 is the positive class */
    params->class_weight[0] = w_neg;
    params->class_weight_balanced = 0;
    return 0;
}

int train_setup_option_class_weight(const char *value, catlr_train_params *params, const char *cmd,
                                    const char *usage, FILE *errf) {
    if (train_setup_parse_class_weight(value, params) != 0)
        return cli_usage_error(errf, cmd, usage,
                               "--class-weight must be 'balanced' or two positive numbers "
                               "W_POS,W_NEG, got '%s'",
                               value);
    return -1;
}

int train_setup_parse_augment(const char *value, uint32_t *augment) {
    if (strcmp(value, "flip") != 0)
        return -1;
    *augment = CATLR_AUGMENT_FLIP;
    return 0;
}

// ----------------------------------------------------------------------------
// The training set.

int train_setup_make_set(train_set *set, const catlr_train_set *from, uint32_t augment,
                         size_t total, int quiet, FILE *errf) {
    const size_t m = from->m;
    *set = (train_set){from->X, from->y, m, NULL};
    if (!(augment & CATLR_AUGMENT_FLIP))
        return CLI_EXIT_OK;
    /* 2m columns of n_x bytes and 2m labels: (n_x + 1) 2m bytes */
    /* m = 0 (a process's empty shard) needs no buffer */
    if (m > SIZE_MAX / 2 / (CATLR_N_X + 1) ||
        (m > 0 && (set->owned = malloc(2 * m * (CATLR_N_X + 1))) == NULL)) {
        *set = (train_set){NULL, NULL, 0, NULL};
        fprintf(errf, "catlr: cannot allocate the %zu mirrored images of --augment flip\n", m);
        return CLI_EXIT_FAIL;
    }
    if (m > 0) {
        uint8_t *X = set->owned, *y = set->owned + 2 * m * CATLR_N_X;
        const size_t shape[3] = {CATLR_HEIGHT, CATLR_WIDTH, CATLR_CHANNELS};
        catlr_augment_flip_set(set->X, set->y, m, shape, X, y);
        *set = (train_set){X, y, 2 * m, set->owned};
    }
    if (!quiet)
        fprintf(errf, "--augment flip: training on %zu images, %zu and their mirrors\n",
                2 * total, total);
    return CLI_EXIT_OK;
}

void train_setup_free_set(train_set *set) {
    free(set->owned);
    *set = (train_set){NULL, NULL, 0, NULL};
}

void train_setup_print_weights(const catlr_model *model, FILE *errf) {
    if (model->class_weight[0] == 1.0 && model->class_weight[1] == 1.0 &&
        !model->class_weight_balanced)
        return; /* trained without weights */
    fprintf(errf, "class weights: %s %g, %s %g%s\n", catlr_model_class_of_label(model, 1),
            model->class_weight[1], catlr_model_class_of_label(model, 0),
            model->class_weight[0], model->class_weight_balanced ? " (balanced)" : "");
}

// ----------------------------------------------------------------------------
// Warm start.

int train_setup_check_init(const char *path, const catlr_model *init, const catlr_dataset *ds,
                           FILE *errf) {
    const char *name0 = catlr_dataset_class_name(ds, 0), *name1 = catlr_dataset_class_name(ds, 1);
    const char *positive = catlr_dataset_class_name(ds, catlr_dataset_positive(ds));
    if (strcmp(init->class_names[0], name0) != 0 || strcmp(init->class_names[1], name1) != 0)
        fprintf(errf,
                "catlr: %s: --init model is for classes '%s', '%s', not the training "
                "folder's '%s', '%s'\n",
                path, init->class_names[0], init->class_names[1], name0, name1);
    else if (init->positive != catlr_dataset_positive(ds))
        fprintf(errf,
                "catlr: %s: --init model's positive class is '%s', not --positive '%s'\n",
                path, init->class_names[init->positive], positive);
    else
        return CLI_EXIT_OK;
    return CLI_EXIT_FAIL;
}

void train_setup_start(catlr_model *model, const catlr_model *init) {
    if (init == NULL)
        return;
    memcpy(model->w, init->w, catlr_model_n_x(model) * sizeof *model->w);
    model->b = init->b;
}
