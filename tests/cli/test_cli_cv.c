/* test_cli_cv.c: `catlr cv DIR` in-process: the table and the best line,
 * reproducible for a seed and for any thread count, the model -o writes
 * (byte for byte what `catlr train` writes with the best setting), and
 * every usage error and failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixtures.h"
#include "test_util.h"
#include "cli_run.h"

// ----------------------------------------------------------------------------
// Fixtures: set/{cat,dog} with 7 reddish cats (one of them bluish, like the
// dogs, so that no setting gets every fold right) and 6 bluish dogs.

typedef struct group {
    char *root;
    char *set;
} group;

static int setup(void **state) {
    group *g = calloc(1, sizeof *g);
    assert_non_null(g);
    g->root = test_make_tempdir();
    g->set = test_path(g->root, "set");
    make_class_dirs(g->root, "set", "cat", "dog");
    const char *names[] = {"a.png", "b.png", "c.png", "d.png", "e.png", "f.png"};
    for (int k = 0; k < 6; k++) {
        write_image(g->root, "set", "cat", names[k], (uint8_t)(140 + 20 * k));
        write_image(g->root, "set", "dog", names[k], (uint8_t)(130 + 22 * k));
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/set/cat/z.png", g->root);
    assert_int_equal(fixture_write_solid(path, 64, 64, 20, 100, 200), 0);
    *state = g;
    return 0;
}

static int teardown(void **state) {
    group *g = *state;
    test_remove_tree(g->root);
    free(g->root);
    free(g->set);
    free(g);
    return 0;
}

/* The grid most tests run: 3 folds, 2 rates x 2 strengths, 50 steps. */
#define GRID "-k", "3", "--lr", "0.01,0.001", "--l2", "0,5", "-i", "50"

// ----------------------------------------------------------------------------
// Output.

/* Ensure "catlr cv --help" prints the usage and every option on stdout,
 * exit 0. */
static void test_cv_help(void **state) {
    (void)state;
    result r = run("cv", "--help", NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    assert_non_null(strstr(r.out, "Usage: catlr cv [options] DIR\n"));
    const char *options[] = {"--folds", "--seed", "--lr", "--l2", "--iterations", "--output",
                             "--positive", "--solver", "--threads", "--skip-bad", "--quiet"};
    for (size_t k = 0; k < sizeof options / sizeof options[0]; k++)
        assert_non_null(strstr(r.out, options[k]));
    result_free(&r);
}

/* Ensure the table: a header, one row per setting in the order rate by
 * rate, each with a mean accuracy (2 decimals and %), its std, the mean and
 * std of the validation cost and the mean training cost (6 decimals); then
 * the best line naming one of the settings, and on stderr the folder and the
 * folds. */
static void test_cv_table(void **state) {
    group *g = *state;
    result r = run("cv", g->set, GRID, NULL);
    assert_int_equal(r.code, 0);
    const char *line = r.out;
    assert_int_equal(strncmp(line, "lr          l2          val accuracy  std    val cost  std"
                                   "       train cost\n",
                             strlen("lr          l2          val accuracy")),
                     0);
    const char *rates[4] = {"0.01", "0.01", "0.001", "0.001"};
    const double l2s[4] = {0, 5, 0, 5};
    for (int s = 0; s < 4; s++) {
        line = strchr(line, '\n') + 1;
        char rate[16];
        double l2, acc, acc_std, cost, cost_std, train;
        assert_int_equal(sscanf(line, "%15s %lf %lf %% %lf %lf %lf %lf", rate, &l2, &acc,
                                &acc_std, &cost, &cost_std, &train),
                         7);
        assert_string_equal(rate, rates[s]);
        assert_close(l2, l2s[s], 0);
        /* the bluish cat, in a fold of 4, and nothing else: (75 + 100 + 100) / 3 */
        assert_close(acc, 91.67, 1e-9);
        assert_true(acc_std >= 0 && cost > 0 && cost_std >= 0 && train > 0);
    }
    /* every setting misses the bluish cat alone: the costs decide */
    line = strchr(line, '\n') + 1;
    assert_string_equal(line, "best: lr 0.001, l2 5 (highest mean validation accuracy, then "
                              "lowest mean validation cost)\n");
    assert_int_equal(count_lines(r.out), 6);
    assert_non_null(strstr(r.err, "set: 13 images (cat: 7, dog: 6)\n"));
    assert_non_null(strstr(r.err, "set: 3 folds (seed 1) of 4 to 5 images, 4 settings: 12 "
                                  "runs, solver gram\n"));
    result_free(&r);
    /* folds of one size, and one setting: leave-one-out */
    r = run("cv", g->set, "-k", "13", "-i", "1", NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.err, "set: 13 folds (seed 1) of 1 image, 1 setting: 13 runs, "
                                  "solver gram\n"));
    result_free(&r);
}

/* Ensure the table and the best line are the same for the same seed, on 1
 * or 3 threads and with either solver, and differ for another seed; -q
 * leaves stderr empty. */
static void test_cv_reproducible(void **state) {
    group *g = *state;
    result one = run("cv", "-q", g->set, GRID, "--threads", "1", NULL);
    result three = run("cv", "-q", g->set, GRID, "--threads", "3", "--seed", "1", NULL);
    result primal = run("cv", "-q", g->set, GRID, "--solver", "primal", NULL);
    result other = run("cv", "-q", g->set, GRID, "--seed", "18446744073709551615", NULL);
    result *all[4] = {&one, &three, &primal, &other};
    for (int k = 0; k < 4; k++) {
        assert_int_equal(all[k]->code, 0);
        assert_string_equal(all[k]->err, "");
    }
    assert_string_equal(one.out, three.out);
    assert_string_equal(one.out, primal.out); /* 6 decimals: the solvers agree */
    assert_string_not_equal(one.out, other.out);
    for (int k = 0; k < 4; k++)
        result_free(all[k]);
}

/* -o with option (and its value; both may be NULL) writes the bytes
 * `catlr train --lr R --l2 L` writes with the best setting and option. */
static void assert_output_model(const group *g, const char *option, const char *value) {
    char *cv_model = test_path(g->root, "cv.model"), *train_model = test_path(g->root, "t.model");
    result r = run("cv", g->set, GRID, "-o", cv_model, option, value, NULL);
    assert_int_equal(r.code, 0);
    const char *best = strstr(r.out, "best: lr ");
    assert_non_null(best);
    char rate[32], l2[32];
    assert_int_equal(sscanf(best, "best: lr %31[^,], l2 %31s", rate, l2), 2);
    char want[1200];
    snprintf(want, sizeof want, "model written to %s (lr %s, l2 %s, trained on all of %s)\n",
             cv_model, rate, l2, g->set);
    assert_non_null(strstr(r.err, want));
    result t = run("train", "-q", g->set, "--lr", rate, "--l2", l2, "-i", "50", "-o",
                   train_model, option, value, NULL);
    assert_int_equal(t.code, 0);
    size_t n_cv, n_train;
    unsigned char *a = test_read_file(cv_model, &n_cv), *b = test_read_file(train_model, &n_train);
    assert_int_equal(n_cv, n_train);
    assert_memory_equal(a, b, n_cv);
    free(a);
    free(b);
    result_free(&r);
    result_free(&t);
    free(cv_model);
    free(train_model);
}

/* Ensure -o trains the best setting on the whole folder and writes the very
 * bytes `catlr train --lr R --l2 L` writes; with --class-weight too. */
static void test_cv_output_model(void **state) {
    const group *g = *state;
    assert_output_model(g, NULL, NULL);
    assert_output_model(g, "--class-weight", "balanced");
    assert_output_model(g, "--class-weight", "3,0.5");
}

/* Ensure --class-weight changes the runs: the training costs are the
 * weighted ones, so the table differs from the unweighted one. */
static void test_cv_class_weight(void **state) {
    group *g = *state;
    result plain = run("cv", "-q", g->set, GRID, NULL);
    result weighted = run("cv", "-q", g->set, GRID, "--class-weight", "3,0.5", NULL);
    assert_int_equal(plain.code, 0);
    assert_int_equal(weighted.code, 0);
    assert_string_not_equal(plain.out, weighted.out);
    result_free(&plain);
    result_free(&weighted);
}

/* Ensure a setting whose training diverges is "failed" in the table with
 * its error line on stderr while the others compare (exit 0), and that the
 * command fails when every setting does. */
static void test_cv_failed_setting(void **state) {
    group *g = *state;
    result r = run("cv", "-q", g->set, "-k", "2", "--lr", "1e300,0.01", "-i", "5", NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "\n1e+300      0           failed\n0.01 "));
    assert_non_null(strstr(r.out, "best: lr 0.01, l2 0 (highest mean validation accuracy)\n"));
    assert_int_equal(strncmp(r.err, "catlr: lr 1e+300, l2 0, fold 1: the weights stopped "
                                    "being finite",
                             strlen("catlr: lr 1e+300, l2 0, fold 1: the weights stopped")),
                     0);
    assert_int_equal(count_lines(r.err), 1);
    result_free(&r);
    r = run("cv", "-q", g->set, "-k", "2", "--lr", "1e300", "-i", "5", "-o", "x.model", NULL);
    assert_int_equal(r.code, 1);
    assert_non_null(strstr(r.err, "\ncatlr: training failed with every setting\n"));
    assert_int_equal(access("x.model", F_OK), -1);
    result_free(&r);
}

/* Ensure an image that cannot be decoded stops cv with its error line
 * (exit 1, nothing on stdout), and that with --skip-bad it is left out with
 * its warnings, even with -q, and the grid runs on the other 13. */
static void test_cv_skip_bad(void **state) {
    group *g = *state;
    char *bad = test_path(g->root, "set/dog/x.png");
    test_write_file(bad, "hello\n", 6);
    result r = run("cv", "-q", g->set, "-k", "3", "-i", "5", NULL);
    char want[1200];
    snprintf(want, sizeof want,
             "catlr: %s: not a PNG or JPEG file (use --skip-bad to leave such files out)", bad);
    assert_failure(&r, want);
    assert_string_equal(r.out, "");
    result_free(&r);
    r = run("cv", "-q", "--skip-bad", g->set, "-k", "3", "-i", "5", NULL);
    assert_int_equal(r.code, 0);
    snprintf(want, sizeof want,
             "catlr: warning: %s: not a PNG or JPEG file (skipped)\n"
             "catlr: warning: %s: skipped 1 image that could not be read\n",
             bad, g->set);
    assert_string_equal(r.err, want);
    assert_non_null(strstr(r.out, "best: lr 0.005, l2 0 "));
    result_free(&r);
    assert_int_equal(remove(bad), 0);
    free(bad);
}

// ----------------------------------------------------------------------------
// Errors.

/* Ensure each wrong command line is a usage error (exit 2) that says what
 * is wrong. */
static void test_cv_usage_errors(void **state) {
    group *g = *state;
    struct {
        const char *option, *value, *message;
    } cases[] = {
        {"-k", "1", "catlr: cv: --folds must be a whole number from 2 to 1000, got '1'"},
        {"-k", "1001", "catlr: cv: --folds must be a whole number from 2 to 1000, got '1001'"},
        {"--folds", "two", "catlr: cv: --folds must be a whole number from 2 to 1000, got 'two'"},
        {"--seed", "-1", "catlr: cv: --seed must be a whole number from 0 to 2^64-1, got '-1'"},
        {"--seed", "18446744073709551616", /* 2^64 */
         "catlr: cv: --seed must be a whole number from 0 to 2^64-1, got '18446744073709551616'"},
        {"--lr", "0", "catlr: cv: --lr must be a positive number, got '0'"},
        {"--lr", "0.1,,0.2", "catlr: cv: --lr must be 1 to 16 positive numbers separated by "
                             "commas, got '0.1,,0.2'"},
        {"--l2", "-1", "catlr: cv: --l2 must be a number >= 0, got '-1'"},
        {"--l2", "0,1,", "catlr: cv: --l2 must be 1 to 16 numbers >= 0 separated by commas, "
                         "got '0,1,'"},
        {"--l2", "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16",
         "catlr: cv: --l2 must be 1 to 16 numbers >= 0 separated by commas, got "
         "'0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16'"},
        {"-i", "0", "catlr: cv: --iterations must be a whole number >= 1, got '0'"},
        {"--solver", "fast", "catlr: cv: --solver must be auto, primal or gram, got 'fast'"},
        {"--threads", "0", "catlr: cv: --threads must be a whole number from 1 to 1024, got '0'"},
        {"--class-weight", "2", "catlr: cv: --class-weight must be 'balanced' or two positive "
                                "numbers W_POS,W_NEG, got '2'"},
        {"--bogus", NULL, "catlr: cv: unknown option '--bogus'"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        result r = run("cv", g->set, cases[k].option, cases[k].value, NULL);
        assert_usage_error(&r, cases[k].message, "cv");
    }
    result r = run("cv", NULL);
    assert_usage_error(&r, "catlr: cv: missing DIR", "cv");
    char want[256]; /* assert_usage_error quotes it into 512 bytes */
    snprintf(want, sizeof want,
             "catlr: cv: unexpected argument '%s'; cv tests on folds of DIR itself; to test a "
             "model on another folder, use catlr eval",
             g->set);
    r = run("cv", g->set, g->set, NULL);
    assert_usage_error(&r, want, "cv");
    r = run("cv", "-p", "", g->set, NULL);
    assert_usage_error(&r, "catlr: cv: --positive must name a class folder", "cv");
}

/* Ensure the failures of the work exit 1 with one line: a missing folder,
 * more folds than images, and (after the table) a model that cannot be
 * written. */
static void test_cv_failures(void **state) {
    group *g = *state;
    char *missing = test_path(g->root, "nope");
    result r = run("cv", "-q", missing, NULL);
    char want[1200];
    snprintf(want, sizeof want, "catlr: %s: No such file or directory", missing);
    assert_failure(&r, want);
    assert_string_equal(r.out, "");
    result_free(&r);
    r = run("cv", "-q", g->set, "-k", "14", NULL);
    snprintf(want, sizeof want, "catlr: %s: 14 folds need at least 14 examples, there are 13",
             g->set);
    assert_failure(&r, want);
    assert_string_equal(r.out, "");
    result_free(&r);
    r = run("cv", "-q", g->set, "-k", "13", "-i", "1", "-o", "/nonexistent/m.model", NULL);
    assert_failure(&r, "catlr: /nonexistent/m.model: No such file or directory");
    assert_string_equal(r.out, ""); /* refused before the folds were trained */
    result_free(&r);
    free(missing);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cv_help),
        cmocka_unit_test(test_cv_table),
        cmocka_unit_test(test_cv_reproducible),
        cmocka_unit_test(test_cv_output_model),
        cmocka_unit_test(test_cv_class_weight),
        cmocka_unit_test(test_cv_skip_bad),
        cmocka_unit_test(test_cv_failed_setting),
        cmocka_unit_test(test_cv_usage_errors),
        cmocka_unit_test(test_cv_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
