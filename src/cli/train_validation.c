/* train_validation.c: the held-out validation set of `catlr train`
 * (--val-split, --seed) and the threshold picked on it (--pick-threshold). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catlr/metrics.h"
#include "catlr/predict.h"
#include "catlr/split.h"
#include "common.h"
#include "train_validation.h"

int train_parse_fraction(const char *s, double *out) {
    double v;
    if (cli_parse_positive(s, &v) != 0 || !(v < 1))
        return -1;
    *out = v;
    return 0;
}

/* The class folder index of label `label` (1: the positive folder). */
static size_t folder_of(const catlr_dataset *ds, int label) {
    size_t positive = catlr_dataset_positive(ds);
    return label ? positive : 1 - positive;
}

/* Count by class folder the labels y (m) into count[2]. */
static void count_folders(const catlr_dataset *ds, const uint8_t *y, size_t m,
                          uint64_t count[2]) {
    count[0] = count[1] = 0;
    for (size_t j = 0; j < m; j++)
        count[folder_of(ds, y[j])]++;
}

/* Gather the training examples (is_val 0) and then the validation
 * examples of ds, each in folder order, into sets->owned. */
static int gather(train_sets *sets, const catlr_dataset *ds, const uint8_t *is_val,
                  FILE *errf) {
    const size_t m = catlr_dataset_count(ds), n_x = CATLR_N_X;
    size_t *idx = malloc(m * sizeof *idx);
    sets->owned = malloc(m * (n_x + 1));
    if (idx == NULL || sets->owned == NULL) {
        free(idx);
        free(sets->owned);
        sets->owned = NULL;
        fprintf(errf, "catlr: not enough memory to split %zu images\n", m);
        return CLI_EXIT_FAIL;
    }
    size_t train_m = 0, val_at = m;
    for (size_t j = m; j-- > 0;) /* validation indices fill idx from the end */
        if (is_val[j])
            idx[--val_at] = j;
    for (size_t j = 0; j < m; j++)
        if (!is_val[j])
            idx[train_m++] = j;
    uint8_t *X = sets->owned, *y = sets->owned + m * n_x;
    const uint8_t *all_X = catlr_dataset_pixels(ds), *all_y = catlr_dataset_labels(ds);
    catlr_split_take(all_X, n_x, idx, m, X);
    catlr_split_take_labels(all_y, idx, m, y);
    free(idx);
    sets->X = X;
    sets->y = y;
    sets->m = train_m;
    sets->val_X = X + train_m * n_x;
    sets->val_y = y + train_m;
    sets->val_m = m - train_m;
    return CLI_EXIT_OK;
}

int train_sets_make(train_sets *sets, const catlr_dataset *ds, const char *dir,
                    const train_split *split, FILE *errf) {
    const double fraction = split->fraction;
    const uint64_t seed = split->seed;
    memset(sets, 0, sizeof *sets);
    const size_t m = catlr_dataset_count(ds);
    if (fraction == 0) {
        sets->X = catlr_dataset_pixels(ds);
        sets->y = catlr_dataset_labels(ds);
        sets->m = m;
        count_folders(ds, sets->y, m, sets->train_count);
        return CLI_EXIT_OK;
    }
    uint8_t *is_val = malloc(m);
    catlr_error err;
    catlr_status st = is_val == NULL
                          ? CATLR_ERR_NOMEM
                          : catlr_split_validation(catlr_dataset_labels(ds), m, fraction, seed,
                                                   is_val, &err);
    if (st != CATLR_OK) {
        if (is_val == NULL)
            fprintf(errf, "catlr: not enough memory to split %zu images\n", m);
        else
            fprintf(errf, "catlr: %s: %s\n", dir, err.reason);
        free(is_val);
        return CLI_EXIT_FAIL;
    }
    int code = gather(sets, ds, is_val, errf);
    free(is_val);
    if (code != CLI_EXIT_OK)
        return code;
    sets->fraction = fraction;
    sets->seed = seed;
    count_folders(ds, sets->y, sets->m, sets->train_count);
    count_folders(ds, sets->val_y, sets->val_m, sets->val_count);
    if (!split->quiet)
        fprintf(errf,
                "validation split %g (seed %llu): train %s %llu %s %llu, "
                "validation %s %llu %s %llu\n",
                fraction, (unsigned long long)seed, catlr_dataset_class_name(ds, 0),
                (unsigned long long)sets->train_count[0], catlr_dataset_class_name(ds, 1),
                (unsigned long long)sets->train_count[1], catlr_dataset_class_name(ds, 0),
                (unsigned long long)sets->val_count[0], catlr_dataset_class_name(ds, 1),
                (unsigned long long)sets->val_count[1]);
    return CLI_EXIT_OK;
}

void train_sets_free(train_sets *sets) {
    free(sets->owned);
    memset(sets, 0, sizeof *sets);
}

catlr_train_origin train_sets_origin(const train_sets *sets) {
    /* train_count is catlr_train's: the images it was given, mirrors
     * included */
    catlr_train_origin origin = {.val_count = {sets->val_count[0], sets->val_count[1]}};
    if (sets->val_m > 0) {
        origin.val_fraction = sets->fraction;
        origin.seed = sets->seed;
    }
    return origin;
}

void train_sets_report_kept(const train_sets *sets, const catlr_model *model, FILE *errf) {
    if (sets->val_m > 0)
        fprintf(errf, "kept the weights of iteration %llu of %llu: validation cost %f\n",
                (unsigned long long)model->best_iteration,
                (unsigned long long)model->iterations, model->final_val_cost);
}

int train_threshold_check(const train_sets *sets, const catlr_dataset *ds, const char *dir,
                          FILE *errf) {
    for (size_t k = 0; k < 2; k++) {
        if (sets->val_count[k] == 0) {
            fprintf(errf,
                    "catlr: %s: the validation set holds no '%s' image for --pick-threshold "
                    "to pick a threshold on; use a larger --val-split\n",
                    dir, catlr_dataset_class_name(ds, k));
            return CLI_EXIT_FAIL;
        }
    }
    return CLI_EXIT_OK;
}

int train_pick_threshold(const train_sets *sets, catlr_model *model, int quiet, FILE *errf) {
    double *p = malloc(sets->val_m * sizeof *p);
    if (p == NULL) {
        fprintf(errf, "catlr: not enough memory to pick a threshold\n");
        return CLI_EXIT_FAIL;
    }
    catlr_predict_proba(model, sets->val_X, sets->val_m, p);
    catlr_roc_point *points = NULL;
    size_t count = 0;
    catlr_error err;
    if (catlr_metrics_roc(sets->val_y, p, sets->val_m, &points, &count, &err) != CATLR_OK) {
        free(p);
        cli_print_error(errf, &err);
        return CLI_EXIT_FAIL;
    }
    size_t best = catlr_metrics_best_point(points, count, CATLR_PICK_F1);
    /* the all-positive point's threshold sits just below the lowest p,
     * which may be a hair below 0 */
    model->threshold = fmin(fmax(points[best].threshold, 0.0), 1.0);
    model->threshold_picked = 1;
    catlr_scores picked = catlr_metrics_scores(&points[best].c);
    catlr_confusion at_half = catlr_metrics_confusion(sets->val_y, p, sets->val_m);
    catlr_scores half = catlr_metrics_scores(&at_half);
    if (!quiet)
        fprintf(errf,
                "threshold %.6g picked on the validation set: F1 %.4f (%.4f at %g)\n",
                model->threshold, picked.f1, half.f1, CATLR_THRESHOLD);
    free(points);
    free(p);
    return CLI_EXIT_OK;
}
