/* test_cli_validation.c: `catlr train --val-split F --seed S`,
 * `--eval-every K` and `--pick-threshold`, called in-process: the split
 * printed and recorded, reproducible across runs and thread counts, the
 * curve's extra columns, the picked threshold, and every error path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "catlr/dataset.h"
#include "catlr/metrics.h"
#include "catlr/model.h"
#include "catlr/plot.h"
#include "catlr/predict.h"
#include "catlr/split.h"
#include "fixtures.h"
#include "test_util.h"
#include "cli_run.h"

// ----------------------------------------------------------------------------
// Fixtures: train/ with 10 "cats" and 15 "dogs" of varying brightness, a
// few of them with the other class's colour so that the classes overlap,
// and test/ with 2 of each.

enum { CATS = 10, DOGS = 15 };

typedef struct fixtures {
    char *root;
    char *train;
    char *test;
    char *model, *other_model;
    char *csv;
} fixtures;

static int setup(void **state) {
    fixtures *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->root = test_make_tempdir();
    make_class_dirs(fx->root, "train", "cat", "dog");
    make_class_dirs(fx->root, "test", "cat", "dog");
    char name[32];
    for (int k = 0; k < CATS + DOGS; k++) {
        const char *cls = k < CATS ? "cat" : "dog";
        snprintf(name, sizeof name, "%02d.png", k);
        char path[1024];
        snprintf(path, sizeof path, "%s/train/%s/%s", fx->root, cls, name);
        /* every fifth image wears the other class's colours */
        int reddish = (k < CATS) != (k % 5 == 4);
        uint8_t v = (uint8_t)(120 + 5 * k);
        assert_int_equal(
            fixture_write_solid(path, 64, 64, reddish ? v : 20, 100, reddish ? 20 : v), 0);
    }
    write_image(fx->root, "test", "cat", "a.png", 200);
    write_image(fx->root, "test", "cat", "b.png", 150);
    write_image(fx->root, "test", "dog", "a.png", 200);
    write_image(fx->root, "test", "dog", "b.png", 150);
    fx->train = test_path(fx->root, "train");
    fx->test = test_path(fx->root, "test");
    fx->model = test_path(fx->root, "a.model");
    fx->other_model = test_path(fx->root, "b.model");
    fx->csv = test_path(fx->root, "curve.csv");
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fixtures *fx = *state;
    test_remove_tree(fx->root);
    char **paths[] = {&fx->root, &fx->train, &fx->test, &fx->model, &fx->other_model, &fx->csv};
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++)
        free(*paths[k]);
    free(fx);
    return 0;
}

static void load_model(const char *path, catlr_model *model) {
    assert_int_equal(catlr_model_load(path, model, NULL), CATLR_OK);
}

// ----------------------------------------------------------------------------
// The split.

/* Ensure --val-split 0.2 holds out round(0.2 m_c) of each class (2 of 10
 * cats, 3 of 15 dogs), says so on stderr, prints the validation accuracy
 * on stdout, and records the fraction, the default seed (1), the counts by
 * class folder and the kept iteration (<= iterations, its validation cost
 * finite) in the model; -q says nothing. */
static void test_split_recorded(void **state) {
    fixtures *fx = *state;
    result r = run("train", fx->train, "-i", "40", "--val-split", "0.2", "-o", fx->model, NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.err, "validation split 0.2 (seed 1): train cat 8 dog 12, "
                                  "validation cat 2 dog 3\n"));
    assert_non_null(strstr(r.err, "kept the weights of iteration "));
    assert_non_null(strstr(r.out, "\nvalidation accuracy: "));
    result_free(&r);
    catlr_model model;
    load_model(fx->model, &model);
    assert_true(model.val_fraction == 0.2);
    assert_int_equal(model.seed, CATLR_DEFAULT_SEED);
    assert_int_equal(model.train_count[0], 8);
    assert_int_equal(model.train_count[1], 12);
    assert_int_equal(model.val_count[0], 2);
    assert_int_equal(model.val_count[1], 3);
    assert_int_equal(model.iterations, 40);
    assert_true(model.best_iteration <= 40);
    assert_true(isfinite(model.final_val_cost) && model.final_val_cost > 0);
    assert_int_equal(model.threshold_picked, 0);
    assert_true(model.threshold == 0.5);
    catlr_model_free(&model);

    r = run("train", fx->train, "-q", "-i", "5", "--val-split", "0.3", "--seed", "7", "-o",
            fx->model, NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    result_free(&r);
    load_model(fx->model, &model);
    /* 0.3 * 15 = 4.5 rounds half up */
    assert_int_equal(model.val_count[0], 3);
    assert_int_equal(model.val_count[1], 5);
    assert_int_equal(model.seed, 7);
    catlr_model_free(&model);
}

/* Ensure --augment flip mirrors only the images left for training: the
 * model records 16 cats and 24 dogs trained on (8 and 12, and their
 * mirrors) beside the 2 and 3 held out, the split line says so before the
 * mirrors are added, and with --class-weight balanced the weights come
 * from the 40 images trained on. */
static void test_split_then_augment(void **state) {
    fixtures *fx = *state;
    result r = run("train", fx->train, "-i", "5", "--val-split", "0.2", "--augment", "flip",
                   "--class-weight", "balanced", "-o", fx->model, NULL);
    assert_int_equal(r.code, 0);
    const char *split = strstr(r.err, "validation split 0.2 (seed 1): train cat 8 dog 12, "
                                      "validation cat 2 dog 3\n");
    const char *mirrors = strstr(r.err, "--augment flip: training on 40 images, 20 and their "
                                        "mirrors\n");
    assert_true(split != NULL && mirrors != NULL && split < mirrors);
    /* balanced: 40 / (2 * 16) for cat, 40 / (2 * 24) for dog */
    assert_non_null(strstr(r.err, "class weights: cat 1.25, dog 0.833333 (balanced)\n"));
    result_free(&r);
    catlr_model model;
    load_model(fx->model, &model);
    assert_int_equal(model.train_count[0], 16);
    assert_int_equal(model.train_count[1], 24);
    assert_int_equal(model.val_count[0], 2);
    assert_int_equal(model.val_count[1], 3);
    assert_int_equal(model.augment, CATLR_AUGMENT_FLIP);
    catlr_model_free(&model);
}

/* Ensure that without --val-split the model records the counts trained on
 * and no validation set: fraction 0, seed 0, validation cost NaN, the
 * best iteration the last. */
static void test_no_split_recorded(void **state) {
    fixtures *fx = *state;
    result r = run("train", fx->train, "-q", "-i", "6", "-o", fx->model, NULL);
    assert_int_equal(r.code, 0);
    assert_null(strstr(r.out, "validation"));
    result_free(&r);
    catlr_model model;
    load_model(fx->model, &model);
    assert_int_equal(model.train_count[0], CATS);
    assert_int_equal(model.train_count[1], DOGS);
    assert_int_equal(model.val_count[0] + model.val_count[1], 0);
    assert_true(model.val_fraction == 0);
    assert_int_equal(model.seed, 0);
    assert_true(isnan(model.final_val_cost));
    assert_int_equal(model.best_iteration, 6);
    catlr_model_free(&model);
}

/* Train with --val-split 0.4 --seed SEED --threads THREADS into path;
 * returns the model file's bytes (the caller frees them). */
static uint8_t *split_model(const fixtures *fx, const char *seed, const char *threads,
                            const char *path, size_t *size) {
    result r = run("train", fx->train, "-q", "-i", "30", "--val-split", "0.4", "--seed", seed,
                   "--threads", threads, "-o", path, NULL);
    assert_int_equal(r.code, 0);
    result_free(&r);
    return test_read_file(path, size);
}

/* Ensure the split and the model are reproducible: two runs with one seed
 * and one thread, and a run with two threads, write byte-identical model
 * files; another seed holds out other images (different weights, the
 * same counts). */
static void test_split_reproducible(void **state) {
    fixtures *fx = *state;
    size_t n1, n2, n3, n4;
    uint8_t *one = split_model(fx, "42", "1", fx->model, &n1);
    uint8_t *again = split_model(fx, "42", "1", fx->other_model, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(one, again, n1);
    free(again);
    uint8_t *two = split_model(fx, "42", "2", fx->other_model, &n3);
    assert_int_equal(n1, n3);
    assert_memory_equal(one, two, n1);
    free(two);
    uint8_t *other = split_model(fx, "43", "2", fx->other_model, &n4);
    assert_int_equal(n1, n4);
    assert_true(memcmp(one, other, n1) != 0);
    free(other);
    free(one);
    catlr_model a, b;
    load_model(fx->model, &a);
    load_model(fx->other_model, &b);
    assert_memory_equal(a.val_count, b.val_count, sizeof a.val_count);
    assert_true(memcmp(a.w, b.w, catlr_model_n_x(&a) * sizeof *a.w) != 0);
    catlr_model_free(&a);
    catlr_model_free(&b);
}

/* Ensure a split that leaves a class without a validation example trains
 * (0.04: round(0.4) = 0 of 10 cats, round(0.6) = 1 of 15 dogs), and one
 * that leaves no validation example at all (0.01) fails with exit 1 and
 * one line naming the folder. */
static void test_split_small(void **state) {
    fixtures *fx = *state;
    result r = run("train", fx->train, "-i", "5", "--val-split", "0.04", "-o", fx->model, NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.err, "validation cat 0 dog 1\n"));
    result_free(&r);
    remove(fx->other_model);
    r = run("train", fx->train, "-q", "-i", "5", "--val-split", "0.01", "-o", fx->other_model,
            NULL);
    char line[1200];
    snprintf(line, sizeof line,
             "catlr: %s: a validation fraction of 0.01 leaves no validation example "
             "(25 examples)",
             fx->train);
    assert_failure(&r, line);
    assert_string_equal(r.out, "");
    assert_int_equal(access(fx->other_model, F_OK), -1);
    result_free(&r);
}

// ----------------------------------------------------------------------------
// --tol on the validation cost.

/* Ensure --tol with --val-split says the validation cost stopped the run,
 * and the model's kept iteration is one of the steps taken. */
static void test_tol_on_validation(void **state) {
    fixtures *fx = *state;
    result r = run("train", fx->train, "-i", "500", "--val-split", "0.4", "--tol", "1e-3",
                   "-o", fx->model, NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.err, "of 500 iterations: the validation cost improved by less "
                                  "than --tol 0.001\n"));
    result_free(&r);
    catlr_model model;
    load_model(fx->model, &model);
    assert_int_equal(model.stopped_early, 1);
    assert_true(model.iterations < 500);
    assert_true(model.best_iteration <= model.iterations);
    catlr_model_free(&model);
}

// ----------------------------------------------------------------------------
// --eval-every.

/* Ensure --eval-every 3 (7 iterations, costs printed every 3) writes the
 * header iteration,cost,test_cost,train_acc,val_cost,val_acc,test_acc and
 * one row for iterations 0, 3 and 6, whose costs are the printed ones
 * (rounded to 6 decimals), whose accuracies are percentages of the set
 * sizes (a multiple of 100/20, 100/5, 100/4), and whose iteration 0 has
 * every cost log 2; and that the model's validation cost is the lowest
 * of every iteration's (--eval-every 1). */
static void test_eval_every_curve(void **state) {
    fixtures *fx = *state;
    result r = run("train", fx->train, "-q", "-t", fx->test, "-i", "7", "-k", "3", "--val-split",
                   "0.2", "--eval-every", "3", "--curve", fx->csv, "-o", fx->model, NULL);
    assert_int_equal(r.code, 0);
    char *text = test_read_text(fx->csv);
    const char *header = "iteration,cost,test_cost,train_acc,val_cost,val_acc,test_acc\n";
    assert_int_equal(strncmp(text, header, strlen(header)), 0);
    assert_int_equal(count_lines(text), 4);
    const char *line = text + strlen(header);
    for (size_t row = 0; row < 3; row++) {
        size_t it;
        double v[6];
        assert_int_equal(sscanf(line, "%zu,%lf,%lf,%lf,%lf,%lf,%lf", &it, &v[0], &v[1], &v[2],
                                &v[3], &v[4], &v[5]),
                         7);
        assert_int_equal(it, 3 * row);
        char rounded[32];
        snprintf(rounded, sizeof rounded, "%f", v[0]);
        assert_close(printed_cost(r.out, it), strtod(rounded, NULL), 0);
        const double per[3] = {5, 20, 25}; /* 100 / 20, 100 / 5, 100 / 4 */
        for (size_t s = 0; s < 3; s++) {
            double acc = v[s == 0 ? 2 : s == 1 ? 4 : 5];
            assert_close(acc / per[s], round(acc / per[s]), 1e-9);
        }
        if (row == 0)
            for (size_t c = 0; c < 4; c += c == 1 ? 2 : 1) /* cost, test, val */
                assert_close(v[c], 0.6931471805599453, 1e-15);
        line = strchr(line, '\n') + 1;
    }
    free(text);
    result_free(&r);

    r = run("train", fx->train, "-q", "-i", "7", "--val-split", "0.2", "--eval-every", "1",
            "--curve", fx->csv, "-o", fx->model, NULL);
    assert_int_equal(r.code, 0);
    result_free(&r);
    text = test_read_text(fx->csv);
    assert_int_equal(strncmp(text, "iteration,cost,train_acc,val_cost,val_acc\n", 42), 0);
    assert_int_equal(count_lines(text), 8);
    catlr_model model;
    load_model(fx->model, &model);
    line = text + 42;
    for (size_t i = 0; i < 7; i++, line = strchr(line, '\n') + 1) {
        double cost, train_acc, val_cost;
        size_t it;
        assert_int_equal(sscanf(line, "%zu,%lf,%lf,%lf", &it, &cost, &train_acc, &val_cost), 4);
        assert_true(model.final_val_cost <= val_cost);
        if (i == model.best_iteration)
            assert_true(model.final_val_cost == val_cost);
    }
    catlr_model_free(&model);
    free(text);
}

/* Ensure the curve keeps its old columns when --eval-every is not given,
 * with a validation set too. */
static void test_curve_columns_unchanged(void **state) {
    fixtures *fx = *state;
    result r = run("train", fx->train, "-q", "-t", fx->test, "-i", "3", "--val-split", "0.2",
                   "--curve", fx->csv, "-o", fx->model, NULL);
    assert_int_equal(r.code, 0);
    result_free(&r);
    char *text = test_read_text(fx->csv);
    assert_int_equal(strncmp(text, "iteration,cost,test_cost\n", 25), 0);
    assert_int_equal(count_lines(text), 4);
    free(text);
}

/* Ensure --eval-every with --plot draws the cost chart and the accuracy
 * chart below it (800 x 900), in a build with cairo. */
static void test_eval_every_plot(void **state) {
    fixtures *fx = *state;
    if (!catlr_plot_supported())
        return;
    char png[1200];
    snprintf(png, sizeof png, "%s/curve.png", fx->root);
    result r = run("train", fx->train, "-q", "-i", "20", "--val-split", "0.2", "--eval-every",
                   "5", "--plot", png, "-o", fx->model, NULL);
    assert_int_equal(r.code, 0);
    result_free(&r);
    uint32_t width, height;
    uint8_t *rgb = fixture_read_rgb(png, &width, &height);
    assert_non_null(rgb);
    assert_int_equal(width, 800);
    assert_int_equal(height, 900);
    /* the validation curves' green, dotted, in both charts */
    const uint8_t green[3] = {44, 160, 44};
    assert_true(fixture_count_colour(rgb, 800 * 500, green, 12) > 20);
    assert_true(fixture_count_colour(rgb + 3 * 800 * 500, 800 * 400, green, 12) > 20);
    free(rgb);
}

/* Ensure several rates with --val-split print a table with the validation
 * cost and accuracy of each run's kept weights, and the model file gets the
 * rate with the highest validation accuracy (the lower validation cost on a
 * tie), as stderr says. */
static void test_rates_chosen_on_validation(void **state) {
    fixtures *fx = *state;
    result r = run("train", fx->train, "-i", "20", "--lr", "0.0001,0.05", "--val-split", "0.4",
                   "-o", fx->model, NULL);
    assert_int_equal(r.code, 0);
    const char *table = strstr(r.out, "\nlearning rate   final cost  val cost    train accuracy"
                                      "  val accuracy\n");
    assert_non_null(table);
    double rate[2], cost[2], val[2], acc[2], val_acc[2];
    const char *row = strchr(table + 1, '\n') + 1;
    for (size_t k = 0; k < 2; k++, row = strchr(row, '\n') + 1)
        assert_int_equal(sscanf(row, "%lf %lf %lf %lf %% %lf %%", &rate[k], &cost[k], &val[k],
                                &acc[k], &val_acc[k]),
                         5);
    size_t best = val_acc[0] != val_acc[1] ? (val_acc[1] > val_acc[0] ? 1 : 0)
                                           : (val[1] < val[0] ? 1 : 0);
    assert_true(val[0] != val[1]);
    char line[160];
    snprintf(line, sizeof line,
             "kept learning rate: %g (highest validation accuracy, then lowest validation "
             "cost)\n",
             rate[best]);
    assert_non_null(strstr(r.err, line));
    result_free(&r);
    catlr_model model;
    load_model(fx->model, &model);
    assert_true(model.lr == rate[best]);
    catlr_model_free(&model);
}

// ----------------------------------------------------------------------------
// --pick-threshold.

/* The threshold with the best F1 on the validation set of --val-split
 * fraction, seed for the model at path, computed here from the library's
 * parts. */
static double expected_threshold(const fixtures *fx, double fraction, uint64_t seed,
                                 const catlr_model *model) {
    catlr_dataset *ds;
    assert_int_equal(catlr_dataset_load_dir(fx->train, "cat", &ds, NULL), CATLR_OK);
    size_t m = catlr_dataset_count(ds), val_m = 0;
    uint8_t *is_val = malloc(m), *X = malloc(m * CATLR_N_X), *y = malloc(m);
    size_t *idx = malloc(m * sizeof *idx);
    double *p = malloc(m * sizeof *p);
    assert_true(is_val && X && y && idx && p);
    assert_int_equal(
        catlr_split_validation(catlr_dataset_labels(ds), m, fraction, seed, is_val, NULL),
        CATLR_OK);
    for (size_t j = 0; j < m; j++)
        if (is_val[j])
            idx[val_m++] = j;
    catlr_split_take(catlr_dataset_pixels(ds), CATLR_N_X, idx, val_m, X);
    catlr_split_take_labels(catlr_dataset_labels(ds), idx, val_m, y);
    catlr_predict_proba(model, X, val_m, p);
    catlr_roc_point *points;
    size_t count;
    assert_int_equal(catlr_metrics_roc(y, p, val_m, &points, &count, NULL), CATLR_OK);
    double t = points[catlr_metrics_best_point(points, count, CATLR_PICK_F1)].threshold;
    free(points);
    free(p);
    free(idx);
    free(y);
    free(X);
    free(is_val);
    catlr_dataset_free(ds);
    return fmin(fmax(t, 0.0), 1.0);
}

/* Ensure --pick-threshold stores the best-F1 threshold of the validation
 * set in the model (threshold_picked 1) and says it on stderr; not with -q. */
static void test_pick_threshold(void **state) {
    fixtures *fx = *state;
    result r = run("train", fx->train, "-i", "30", "--val-split", "0.4", "--seed", "3",
                   "--pick-threshold", "-o", fx->model, NULL);
    assert_int_equal(r.code, 0);
    const char *line = strstr(r.err, "threshold ");
    assert_non_null(line);
    assert_non_null(strstr(line, " picked on the validation set: F1 "));
    double printed = strtod(line + strlen("threshold "), NULL);
    result_free(&r);
    catlr_model model;
    load_model(fx->model, &model);
    assert_int_equal(model.threshold_picked, 1);
    assert_true(model.threshold >= 0 && model.threshold <= 1);
    assert_true(model.threshold == expected_threshold(fx, 0.4, 3, &model));
    assert_close(printed, model.threshold, 1e-5 * model.threshold + 1e-12);
    catlr_model_free(&model);
    r = run("train", fx->train, "-q", "-i", "3", "--val-split", "0.4", "--pick-threshold", "-o",
            fx->model, NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    result_free(&r);
}

/* Ensure --pick-threshold with a validation set lacking a class (0.04: no
 * cat) fails before training with exit 1 and one line that names the
 * training folder and the class. */
static void test_pick_threshold_one_class(void **state) {
    fixtures *fx = *state;
    result r = run("train", fx->train, "-q", "-i", "3", "--val-split", "0.04",
                   "--pick-threshold", "-o", fx->model, NULL);
    char want[1200];
    snprintf(want, sizeof want,
             "catlr: %s: the validation set holds no 'cat' image for --pick-threshold to pick "
             "a threshold on; use a larger --val-split",
             fx->train);
    assert_failure(&r, want);
    assert_string_equal(r.out, "");
    result_free(&r);
}

// ----------------------------------------------------------------------------
// Usage errors.

/* Ensure `catlr train dir FLAG V` is the usage error "MESSAGE, got 'V'"
 * for each of the n values. */
static void assert_rejects(const char *dir, const char *flag, const char *message,
                           const char *const *values, size_t n) {
    for (size_t k = 0; k < n; k++) {
        char line[200];
        snprintf(line, sizeof line, "catlr: train: %s, got '%s'", message, values[k]);
        result r = run("train", dir, "--val-split", "0.5", flag, values[k], NULL);
        assert_usage_error(&r, line, "train");
    }
}

/* Ensure every malformed model-selection option is a usage error: a
 * fraction out of (0, 1) or not a number, a seed that is not a whole
 * number from 0 to 2^64-1, --eval-every 0, and the options that need
 * another: --pick-threshold and --seed without --val-split, --eval-every
 * without --curve or --plot. Seed 0 and 2^64-1 are accepted. */
static void test_usage_errors(void **state) {
    fixtures *fx = *state;
    const char *T = fx->train;
    const char *bad_fraction[] = {"0", "1", "-0.2", "1.5", "abc", "nan", "inf", "", "0.5x",
                                  " 0.5"};
    assert_rejects(T, "--val-split", "--val-split must be a number between 0 and 1 (both "
                                     "excluded)",
                   bad_fraction, sizeof bad_fraction / sizeof bad_fraction[0]);
    const char *bad_seed[] = {"-1", "abc", "1.5", "", " 1", "+1", "18446744073709551616"};
    assert_rejects(T, "--seed", "--seed must be a whole number from 0 to 2^64-1", bad_seed,
                   sizeof bad_seed / sizeof bad_seed[0]);
    const char *bad_every[] = {"0", "-1", "x"};
    assert_rejects(T, "--eval-every", "--eval-every must be a whole number >= 1", bad_every,
                   sizeof bad_every / sizeof bad_every[0]);
    result r = run("train", T, "--pick-threshold", NULL);
    assert_usage_error(&r, "catlr: train: --pick-threshold needs --val-split", "train");
    r = run("train", T, "--seed", "3", NULL);
    assert_usage_error(&r, "catlr: train: --seed needs --val-split", "train");
    r = run("train", T, "--eval-every", "10", NULL);
    assert_usage_error(&r, "catlr: train: --eval-every needs --curve or --plot", "train");
    const char *good_seed[] = {"0", "18446744073709551615"};
    for (size_t k = 0; k < 2; k++) {
        r = run("train", T, "-q", "-i", "1", "--val-split", "0.5", "--seed", good_seed[k], "-o",
                fx->model, NULL);
        assert_int_equal(r.code, 0);
        result_free(&r);
        catlr_model model;
        load_model(fx->model, &model);
        assert_int_equal(model.seed, strtoull(good_seed[k], NULL, 10));
        catlr_model_free(&model);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_recorded),
        cmocka_unit_test(test_split_then_augment),
        cmocka_unit_test(test_no_split_recorded),
        cmocka_unit_test(test_split_reproducible),
        cmocka_unit_test(test_split_small),
        cmocka_unit_test(test_tol_on_validation),
        cmocka_unit_test(test_eval_every_curve),
        cmocka_unit_test(test_curve_columns_unchanged),
        cmocka_unit_test(test_eval_every_plot),
        cmocka_unit_test(test_rates_chosen_on_validation),
        cmocka_unit_test(test_pick_threshold),
        cmocka_unit_test(test_pick_threshold_one_class),
        cmocka_unit_test(test_usage_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
