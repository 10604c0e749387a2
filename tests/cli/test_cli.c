/* test_cli.c: every command and every error path of the catlr program,
 * called in-process with a literal argv and tmpfile() streams; exit code,
 * stdout and stderr checked separately. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <png.h>
#include <unistd.h>

#include "catlr/model.h"
#include "cli/cli.h"
#include "fixtures.h"
#include "test_util.h"
#include "cli_run.h"

// ----------------------------------------------------------------------------
// Fixtures: a tiny learnable set (reddish "cat" squares, bluish "dog" squares)
// in train/ and test/, and a few odd files.

typedef struct fixtures {
    char *root;
    char *train;     /* train/{cat,dog} */
    char *test;      /* test/{cat,dog} */
    char *other;     /* other/{bird,dog}: classes that differ */
    char *bad_train; /* bad/{cat,dog} with a text file named x.png */
    char *model;     /* where tests write a model */
    char *bright;    /* a bright 64x64 image */
    char *odd;       /* a 100x37 palette PNG */
    char *not_png;   /* text named .png */
} fixtures;

static void make_sets(const char *root) {
    make_class_dirs(root, "train", "cat", "dog");
    make_class_dirs(root, "test", "cat", "dog");
    make_class_dirs(root, "other", "bird", "dog");
    make_class_dirs(root, "bad", "cat", "dog");
    const char *names[] = {"a.png", "b.png", "c.png"};
    for (int k = 0; k < 3; k++) {
        write_image(root, "train", "cat", names[k], (uint8_t)(200 + 20 * k));
        write_image(root, "train", "dog", names[k], (uint8_t)(200 + 20 * k));
        write_image(root, "other", "bird", names[k], 128);
        write_image(root, "other", "dog", names[k], 220);
        write_image(root, "bad", "cat", names[k], 210);
        write_image(root, "bad", "dog", names[k], 220);
    }
    write_image(root, "test", "cat", "t.png", 230);
    write_image(root, "test", "dog", "t.png", 230);
    char path[1024];
    snprintf(path, sizeof path, "%s/bad/dog/x.png", root);
    test_write_file(path, "hello\n", 6);
}

static int setup(void **state) {
    fixtures *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->root = test_make_tempdir();
    make_sets(fx->root);
    fx->train = test_path(fx->root, "train");
    fx->test = test_path(fx->root, "test");
    fx->other = test_path(fx->root, "other");
    fx->bad_train = test_path(fx->root, "bad");
    fx->model = test_path(fx->root, "m.model");
    fx->bright = test_path(fx->root, "test/cat/t.png");
    fx->odd = test_path(fx->root, "odd.png");
    fx->not_png = test_path(fx->root, "bad/dog/x.png");
    /* a reddish 100x37 palette image: another size, another colour type */
    uint16_t index[100 * 37] = {0};
    const uint8_t palette[3] = {240, 100, 20};
    fixture_png spec = {100, 37, PNG_COLOR_TYPE_PALETTE, 8, 0, index, palette, 1, NULL, 0, 0};
    assert_int_equal(fixture_write_png(fx->odd, &spec), 0);
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fixtures *fx = *state;
    test_remove_tree(fx->root);
    char **paths[] = {&fx->root, &fx->train, &fx->test, &fx->other, &fx->bad_train,
                      &fx->model, &fx->bright, &fx->odd, &fx->not_png};
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++)
        free(*paths[k]);
    free(fx);
    return 0;
}

// ----------------------------------------------------------------------------
// Running a command.

// ----------------------------------------------------------------------------
// catlr itself.

/* Ensure "catlr --help" and "-h" print the commands on stdout and exit 0. */
static void test_top_help(void **state) {
    (void)state;
    const char *forms[] = {"--help", "-h"};
    for (size_t k = 0; k < 2; k++) {
        result r = run(forms[k], NULL);
        assert_int_equal(r.code, 0);
        assert_string_equal(r.err, "");
        assert_non_null(strstr(r.out, "Usage: catlr COMMAND"));
        assert_non_null(strstr(r.out, "  train "));
        assert_non_null(strstr(r.out, "  predict "));
        result_free(&r);
    }
}

/* Ensure "catlr --version" prints "catlr X.Y.Z" first and exits 0 (the
 * lines on the optional parts: test_cli_help). */
static void test_top_version(void **state) {
    (void)state;
    result r = run("--version", NULL);
    assert_int_equal(r.code, 0);
    assert_int_equal(strncmp(r.out, "catlr " CATLR_VERSION "\n", strlen(CATLR_VERSION) + 7), 0);
    assert_string_equal(r.err, "");
    result_free(&r);
}

/* Ensure no command (the list of commands on stderr), an unknown command
 * and an unknown option are usage errors (exit 2) that say which. */
static void test_top_usage_errors(void **state) {
    (void)state;
    result r = run(NULL);
    assert_int_equal(r.code, 2);
    assert_string_equal(r.out, "");
    assert_int_equal(strncmp(r.err, "Usage: catlr COMMAND [options] ARGS\n", 36), 0);
    assert_non_null(strstr(r.err, "\n  train "));
    result_free(&r);
    r = run("frobnicate", NULL);
    assert_int_equal(r.code, 2);
    assert_int_equal(strncmp(r.err, "catlr: unknown command 'frobnicate'\n", 36), 0);
    result_free(&r);
    r = run("--frob", NULL);
    assert_int_equal(r.code, 2);
    assert_int_equal(strncmp(r.err, "catlr: unknown option '--frob'\n", 31), 0);
    result_free(&r);
}

// ----------------------------------------------------------------------------
// catlr train.

/* Ensure "catlr train --help" lists every option with its default, on
 * stdout, exit 0. */
static void test_train_help(void **state) {
    (void)state;
    result r = run("train", "--help", NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    const char *want[] = {"Usage: catlr train [options] TRAIN_DIR", "--output MODEL",
                          "(default catlr.model)", "--test DIR", "--lr RATE",
                          "(default 0.005)", "--iterations N", "(default 2000)",
                          "--print-every K", "(default 100)", "--positive NAME",
                          "(default cat)", "--l2 LAMBDA", "(default 0: none)", "--tol T",
                          "(default 0: run all N)", "--solver NAME", "(default auto",
                          "--threads N", "(default: all cores)", "--timings", "--skip-bad", "--quiet",
                          "--help"};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
        assert_non_null(strstr(r.out, want[k]));
    result_free(&r);
}

/* Ensure a training run prints exactly the course's lines on stdout: the
 * cost at 0, K, 2K... with 6 decimals (log 2 first), then the train and
 * test accuracies; the progress messages go to stderr, and the model file
 * holds the training folder's classes. */
static void test_train_output(void **state) {
    fixtures *fx = *state;
    result r = run("train", fx->train, "--test", fx->test, "-o", fx->model, "--lr", "0.001",
                   "--iterations", "5", "--print-every", "2", NULL);
    assert_int_equal(r.code, 0);
    assert_int_equal(count_lines(r.out), 5);
    const char *head = "Cost after iteration 0: 0.693147\nCost after iteration 2: ";
    assert_int_equal(strncmp(r.out, head, strlen(head)), 0);
    double c2, c4;
    char *line4 = strstr(r.out, "Cost after iteration 4: ");
    assert_non_null(line4);
    assert_int_equal(sscanf(strstr(r.out, "iteration 2: ") + 13, "%lf", &c2), 1);
    assert_int_equal(sscanf(line4 + 24, "%lf", &c4), 1);
    assert_true(c2 < 0.693147 && c4 < c2);
    assert_non_null(strstr(r.out, "\ntrain accuracy: 100.00 %\ntest accuracy: 100.00 %\n"));
    /* stderr: what was read and where the model went */
    assert_non_null(strstr(r.err, "6 images (cat: 3, dog: 3)"));
    assert_non_null(strstr(r.err, "model written to "));
    result_free(&r);

    catlr_model model;
    assert_int_equal(catlr_model_load(fx->model, &model, NULL), CATLR_OK);
    assert_string_equal(model.class_names[0], "cat");
    assert_string_equal(model.class_names[1], "dog");
    assert_int_equal(model.positive, 0);
    assert_int_equal(model.iterations, 5);
    assert_true(model.lr == 0.001);
    catlr_model_free(&model);
}

/* Ensure --quiet leaves stderr empty and the cost lines follow --print-every
 * (every iteration with K = 1), and that without --test there is no test
 * line. */
static void test_train_quiet(void **state) {
    fixtures *fx = *state;
    result r = run("train", "-q", "-i", "3", "-k", "1", "-o", fx->model, fx->train, NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    assert_int_equal(count_lines(r.out), 4);
    assert_non_null(strstr(r.out, "Cost after iteration 2: "));
    assert_null(strstr(r.out, "test accuracy"));
    result_free(&r);
}

/* Ensure --positive picks the class labelled 1, and the model records it. */
static void test_train_positive(void **state) {
    fixtures *fx = *state;
    result r = run("train", "-q", "-i", "2", "-p", "dog", "-o", fx->model, fx->train, NULL);
    assert_int_equal(r.code, 0);
    result_free(&r);
    catlr_model model;
    assert_int_equal(catlr_model_load(fx->model, &model, NULL), CATLR_OK);
    assert_int_equal(model.positive, 1);
    assert_string_equal(catlr_model_class_of_label(&model, 1), "dog");
    catlr_model_free(&model);
}

/* Ensure --solver primal and gram print the same cost lines (6 decimals)
 * on 1 and 2 threads, and the model records the solver; auto picks gram for
 * 6 images and 100 iterations. */
static void test_train_solvers(void **state) {
    fixtures *fx = *state;
    const char *solvers[] = {"primal", "gram", "auto"};
    const char *threads[] = {"1", "2", "1"};
    const catlr_solver want[] = {CATLR_SOLVER_PRIMAL, CATLR_SOLVER_GRAM, CATLR_SOLVER_GRAM};
    char *first = NULL;
    for (size_t k = 0; k < 3; k++) {
        result r = run("train", fx->train, "-q", "-i", "100", "-k", "10", "--lr", "0.01",
                       "--solver", solvers[k], "--threads", threads[k], "-o", fx->model, NULL);
        assert_int_equal(r.code, 0);
        assert_int_equal(count_lines(r.out), 11);
        if (first == NULL)
            first = strdup(r.out);
        else
            assert_string_equal(r.out, first);
        result_free(&r);
        catlr_model model;
        assert_int_equal(catlr_model_load(fx->model, &model, NULL), CATLR_OK);
        assert_int_equal(model.solver, want[k]);
        catlr_model_free(&model);
    }
    free(first);
}

/* Ensure --l2 changes the costs after the first step (at w = 0 the penalty
 * is 0, so iteration 0 still prints log 2) and is recorded in the model;
 * --l2 0 is the same as none. */
static void test_train_l2(void **state) {
    fixtures *fx = *state;
    result plain = run("train", fx->train, "-q", "-i", "3", "-k", "1", "--lr", "0.5",
                       "-o", fx->model, NULL);
    result zero = run("train", fx->train, "-q", "-i", "3", "-k", "1", "--lr", "0.5",
                      "--l2", "0", "-o", fx->model, NULL);
    result l2 = run("train", fx->train, "-q", "-i", "3", "-k", "1", "--lr", "0.5", "--l2",
                    "50", "-o", fx->model, NULL);
    assert_int_equal(l2.code, 0);
    assert_string_equal(zero.out, plain.out);
    assert_int_equal(strncmp(l2.out, "Cost after iteration 0: 0.693147\n", 33), 0);
    assert_string_not_equal(l2.out, plain.out);
    catlr_model model;
    assert_int_equal(catlr_model_load(fx->model, &model, NULL), CATLR_OK);
    assert_true(model.l2 == 50.0);
    catlr_model_free(&model);
    result_free(&plain);
    result_free(&zero);
    result_free(&l2);
}

/* Ensure --tol stops early and says so on stderr (not with -q), and the
 * model records the tolerance, the early stop and the steps taken: a tol
 * of 10 is more than any improvement, so training stops after 1 step. */
static void test_train_tol(void **state) {
    fixtures *fx = *state;
    result r = run("train", fx->train, "-i", "50", "--tol", "10", "-o", fx->model, NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.err, "stopped after 1 of 50 iterations: the cost improved by "
                                  "less than --tol 10\n"));
    assert_int_equal(count_lines(r.out), 2); /* iteration 0, train accuracy */
    result_free(&r);
    catlr_model model;
    assert_int_equal(catlr_model_load(fx->model, &model, NULL), CATLR_OK);
    assert_true(model.tol == 10.0);
    assert_int_equal(model.stopped_early, 1);
    assert_int_equal(model.iterations, 1);
    catlr_model_free(&model);
    r = run("train", fx->train, "-q", "-i", "50", "--tol", "10", "-o", fx->model, NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    result_free(&r);
}

/* Ensure --timings prints one line on stderr, "timings: load=S train=S
 * save=S solver=NAME" with 4 decimals, also with -q, and nothing on a
 * usage error. */
static void test_train_timings(void **state) {
    fixtures *fx = *state;
    result r = run("train", fx->train, "-q", "-i", "5", "--timings", "--solver", "primal",
                   "-o", fx->model, NULL);
    assert_int_equal(r.code, 0);
    double load, train, save;
    char solver[16], end;
    assert_int_equal(sscanf(r.err, "timings: load=%lf train=%lf save=%lf solver=%15s%c", &load,
                            &train, &save, solver, &end),
                     5);
    assert_string_equal(solver, "primal");
    assert_true(end == '\n' && count_lines(r.err) == 1);
    assert_true(load >= 0 && train >= 0 && save >= 0);
    assert_non_null(strstr(r.err, "load=") && strchr(strstr(r.err, "load="), '.'));
    assert_int_equal(strcspn(strchr(r.err, '.') + 1, " "), 4);
    result_free(&r);
}

/* Ensure `catlr train dir FLAG V` is the usage error "MESSAGE, got 'V'"
 * for each of the n values. */
static void assert_train_rejects(const char *dir, const char *flag, const char *message,
                                 const char *const *values, size_t n) {
    for (size_t k = 0; k < n; k++) {
        char line[160];
        snprintf(line, sizeof line, "catlr: train: %s, got '%s'", message, values[k]);
        result r = run("train", dir, flag, values[k], NULL);
        assert_usage_error(&r, line, "train");
    }
}

#ifndef CATLR_HAVE_MPI
/* Ensure that in a build without MPI, a train that an MPI launcher started
 * as one of 2 processes (Open MPI's or PMI's variable) refuses to run, each
 * copy would train on the whole folder and write the same model file:
 * exit code 1, nothing on stdout, no model, and a message that says to
 * rebuild with MPI; and that a launcher's single process trains. */
static void test_train_mpi_launcher_without_mpi(void **state) {
    fixtures *fx = *state;
    const char *const vars[2] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"};
    remove(fx->model);
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(setenv(vars[k], "2", 1), 0);
        result r = run("train", fx->train, "-q", "-o", fx->model, NULL);
        assert_int_equal(unsetenv(vars[k]), 0);
        assert_int_equal(r.code, 1);
        assert_string_equal(r.out, "");
        assert_string_equal(r.err, "catlr: train: catlr was built without MPI, so it cannot "
                                   "train as one of the 2 processes an MPI launcher started; "
                                   "rebuild with libopenmpi-dev installed\n");
        assert_int_equal(access(fx->model, F_OK), -1);
        result_free(&r);
    }
    assert_int_equal(setenv("PMI_SIZE", "1", 1), 0);
    result r = run("train", fx->train, "-q", "-o", fx->model, NULL);
    assert_int_equal(unsetenv("PMI_SIZE"), 0);
    assert_int_equal(r.code, 0);
    assert_int_equal(access(fx->model, F_OK), 0);
    result_free(&r);
}
#endif

/* Ensure every malformed train command line is a usage error that names
 * what is wrong. */
static void test_train_usage_errors(void **state) {
    fixtures *fx = *state;
    const char *T = fx->train;
    result r = run("train", NULL);
    assert_usage_error(&r, "catlr: train: missing TRAIN_DIR", "train");
    r = run("train", T, "extra", NULL);
    assert_usage_error(&r,
                       "catlr: train: unexpected argument 'extra'; to evaluate on it, use --test "
                       "DIR",
                       "train");
    const char *bad_lr[] = {"abc", "0",   "-0",  "-1",       "nan", "NaN", "inf",
                            "-inf", "Infinity", "1e999", "", " 1", "1x",  "0.5 "};
    assert_train_rejects(T, "--lr", "--lr must be a positive number", bad_lr,
                         sizeof bad_lr / sizeof bad_lr[0]);
    const char *bad_count[] = {"0",   "-5",  "1.5", "many", "nan", "inf",
                               "",    " 7",  "+7",  "1e3",  "99999999999999999999999"};
    assert_train_rejects(T, "-i", "--iterations must be a whole number >= 1", bad_count,
                         sizeof bad_count / sizeof bad_count[0]);
    assert_train_rejects(T, "--print-every", "--print-every must be a whole number >= 1",
                         bad_count, sizeof bad_count / sizeof bad_count[0]);
    const char *bad_number[] = {"-1", "nan", "inf", "abc", "", "-0", "1e999"};
    assert_train_rejects(T, "--l2", "--l2 must be a number >= 0", bad_number,
                         sizeof bad_number / sizeof bad_number[0]);
    assert_train_rejects(T, "--tol", "--tol must be a number >= 0", bad_number,
                         sizeof bad_number / sizeof bad_number[0]);
    r = run("train", T, "--solver", "fast", NULL);
    assert_usage_error(&r, "catlr: train: --solver must be auto, primal or gram, got 'fast'",
                       "train");
    const char *bad_threads[] = {"0", "1025", "-2", "two"};
    assert_train_rejects(T, "--threads", "--threads must be a whole number from 1 to 1024",
                         bad_threads, sizeof bad_threads / sizeof bad_threads[0]);
    r = run("train", T, "--bogus", NULL);
    assert_usage_error(&r, "catlr: train: unknown option '--bogus'", "train");
    r = run("train", T, "-o", NULL);
    assert_usage_error(&r, "catlr: train: option '-o' needs a value", "train");
    r = run("train", T, "--positive", "", NULL);
    assert_usage_error(&r, "catlr: train: --positive must name a class folder", "train");
    r = run("train", T, "--skip-bad=yes", NULL);
    assert_usage_error(&r, "catlr: train: option '--skip-bad' takes no value", "train");
}

/* Ensure failures of the work exit 1 with one "catlr: FILE: reason" line
 * and nothing on stdout: a missing folder, no folder named --positive (the
 * folders found are listed), a test folder with other classes, a bad image. */
static void test_train_failures(void **state) {
    fixtures *fx = *state;
    char line[2048];
    result r = run("train", "-q", "/nonexistent/dir", NULL);
    assert_failure(&r, "catlr: /nonexistent/dir: No such file or directory");
    assert_string_equal(r.out, "");
    result_free(&r);

    r = run("train", "-q", "-p", "bird", fx->train, NULL);
    snprintf(line, sizeof line, "catlr: %s: no class folder named 'bird' (found 'cat', 'dog')",
             fx->train);
    assert_failure(&r, line);
    assert_string_equal(r.out, "");
    result_free(&r);

    r = run("train", "-q", "-p", "dog", "-t", fx->other, fx->train, NULL);
    snprintf(line, sizeof line,
             "catlr: %s: class folders 'bird', 'dog' differ from the training folder's "
             "'cat', 'dog'",
             fx->other);
    assert_failure(&r, line);
    assert_string_equal(r.out, "");
    result_free(&r);

    r = run("train", "-q", fx->bad_train, NULL);
    snprintf(line, sizeof line,
             "catlr: %s: not a PNG or JPEG file (use --skip-bad to leave such files out)",
             fx->not_png);
    assert_failure(&r, line);
    assert_string_equal(r.out, "");
    result_free(&r);
}

/* Ensure every input path of train is checked before any image is
 * decoded: with a training folder that holds an unreadable image, a
 * misspelled --test folder, a --test that is a file and a missing --init
 * model are each the one error line, not the bad image. */
static void test_train_inputs_first(void **state) {
    fixtures *fx = *state;
    char line[2048];
    result r = run("train", "-q", "--test", "/nonexistent/test", fx->bad_train, NULL);
    assert_failure(&r, "catlr: /nonexistent/test: No such file or directory");
    assert_string_equal(r.out, "");
    result_free(&r);

    r = run("train", "-q", "--test", fx->not_png, fx->bad_train, NULL);
    snprintf(line, sizeof line, "catlr: %s: Not a directory", fx->not_png);
    assert_failure(&r, line);
    result_free(&r);

    r = run("train", "-q", "--init", "/nonexistent/m.model", "--test", fx->train, fx->bad_train,
            NULL);
    assert_failure(&r, "catlr: /nonexistent/m.model: No such file or directory");
    result_free(&r);
}

/* Ensure --skip-bad trains on the good images of a folder with a text file
 * named x.png: exit 0, a warning naming the file and its reason, the count
 * of skipped images (both even with -q), and the remaining 6 images read. */
static void test_train_skip_bad(void **state) {
    fixtures *fx = *state;
    char line[2048];
    result r = run("train", "--skip-bad", "-i", "2", "-o", fx->model, fx->bad_train, NULL);
    if (r.code != 0)
        print_error("stderr:\n%s", r.err);
    assert_int_equal(r.code, 0);
    snprintf(line, sizeof line, "catlr: warning: %s: not a PNG or JPEG file (skipped)\n", fx->not_png);
    assert_non_null(strstr(r.err, line));
    snprintf(line, sizeof line,
             "catlr: warning: %s: skipped 1 image that could not be read\n", fx->bad_train);
    assert_non_null(strstr(r.err, line));
    assert_non_null(strstr(r.err, "6 images (cat: 3, dog: 3)"));
    assert_non_null(strstr(r.out, "train accuracy: "));
    result_free(&r);

    r = run("train", "-q", "--skip-bad", "-i", "1", "-o", fx->model, fx->bad_train, NULL);
    assert_int_equal(r.code, 0);
    assert_int_equal(count_lines(r.err), 2);
    result_free(&r);
}

/* Ensure --skip-bad with a class whose images are all bad still fails:
 * exit 1, the warning for each, then the error naming the class folder. */
static void test_train_skip_bad_emptied(void **state) {
    fixtures *fx = *state;
    char dir[512], path[1200];
    snprintf(dir, sizeof dir, "%s/all-bad", fx->root);
    test_mkdir(dir);
    snprintf(path, sizeof path, "%s/cat", dir);
    test_mkdir(path);
    snprintf(path, sizeof path, "%s/cat/a.png", dir);
    test_write_file(path, "", 0);
    snprintf(path, sizeof path, "%s/dog", dir);
    test_mkdir(path);
    write_image(fx->root, "all-bad", "dog", "b.png", 200);
    result r = run("train", "-q", "--skip-bad", dir, NULL);
    assert_int_equal(r.code, 1);
    snprintf(path, sizeof path,
             "catlr: warning: %s/cat/a.png: not a PNG or JPEG file (skipped)\n"
             "catlr: %s/cat: none of its 1 images could be read\n",
             dir, dir);
    assert_string_equal(r.err, path);
    assert_string_equal(r.out, "");
    result_free(&r);
}

/* One odd but valid image of test_train_odd_images: name, size, PNG colour
 * type, bit depth, interlace. */
static const struct {
    const char *name;
    uint32_t width, height;
    int color_type, bit_depth, interlace;
} ODD_IMAGES[] = {
    {"cat/palette 4-bit.png", 20, 20, PNG_COLOR_TYPE_PALETTE, 4, 0},
    {"cat/GRAY16.PNG", 64, 64, PNG_COLOR_TYPE_GRAY, 16, 0},
    {"cat/chat \xc3\xa9t\xc3\xa9 \xe7\x8c\xab.png", 7, 3, PNG_COLOR_TYPE_GRAY_ALPHA, 8, 0},
    {"cat/one pixel.Png", 1, 1, PNG_COLOR_TYPE_RGB, 8, 0},
    {"dog/rgba16 adam7.png", 65, 63, PNG_COLOR_TYPE_RGB_ALPHA, 16, 1},
    {"dog/gray1.png", 9, 200, PNG_COLOR_TYPE_GRAY, 1, 0},
    {"dog/rgb interlaced.png", 64, 64, PNG_COLOR_TYPE_RGB, 8, 1},
};

/* Ensure odd but valid images train: palette, 16-bit gray, gray+alpha,
 * 16-bit RGBA, 1-bit gray, interlaced, 1x1 and odd sizes, upper-case
 * extensions, names with spaces and UTF-8; .DS_Store, Thumbs.db and a
 * hidden PNG beside them are ignored. */
static void test_train_odd_images(void **state) {
    fixtures *fx = *state;
    char dir[512], path[1024];
    snprintf(dir, sizeof dir, "%s/odd", fx->root);
    make_class_dirs(fx->root, "odd", "cat", "dog");
    static uint16_t samples[65 * 200 * 4]; /* the largest image's samples */
    static const uint8_t palette[16 * 3] = {250, 10, 10, 10, 250, 10, 10, 10, 250};
    for (size_t k = 0; k < sizeof ODD_IMAGES / sizeof ODD_IMAGES[0]; k++) {
        int depth = ODD_IMAGES[k].bit_depth;
        for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) /* noise */
            samples[i] = (uint16_t)((i * 2654435761u >> 7) & ((1u << depth) - 1));
        fixture_png spec = {ODD_IMAGES[k].width, ODD_IMAGES[k].height,
                            ODD_IMAGES[k].color_type, depth, ODD_IMAGES[k].interlace,
                            samples, palette, 16, NULL, 0, 0};
        snprintf(path, sizeof path, "%s/%s", dir, ODD_IMAGES[k].name);
        assert_int_equal(fixture_write_png(path, &spec), 0);
    }
    const char *junk[] = {"cat/.DS_Store", "cat/Thumbs.db", "dog/.hidden.png"};
    for (size_t k = 0; k < sizeof junk / sizeof junk[0]; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, junk[k]);
        test_write_file(path, "\0\0\0\1Bud1", 8);
    }
    result r = run("train", "-i", "5", "-o", fx->model, dir, NULL);
    if (r.code != 0)
        print_error("stderr:\n%s", r.err);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.err, "7 images (cat: 4, dog: 3)"));
    assert_non_null(strstr(r.out, "train accuracy: "));
    result_free(&r);
}

/* Ensure a model that cannot be written fails with exit 1 and names the
 * path before any training (nothing on stdout): a folder that is not
 * there, and a target that is not a regular file. */
static void test_train_unwritable_model(void **state) {
    fixtures *fx = *state;
    result r = run("train", "-q", "-i", "1", "-o", "/nonexistent/m.model", fx->train, NULL);
    assert_failure(&r, "catlr: /nonexistent/m.model: No such file or directory");
    assert_string_equal(r.out, "");
    result_free(&r);
    r = run("train", "-q", "-i", "1", "-o", "/dev/null", fx->train, NULL);
    assert_failure(&r, "catlr: /dev/null: not a regular file (a model file is replaced whole)");
    assert_string_equal(r.out, "");
    result_free(&r);
    r = run("train", "-q", "-i", "1", "-o", fx->train, fx->train, NULL); /* a folder */
    assert_int_equal(r.code, 1);
    assert_non_null(strstr(r.err, "not a regular file"));
    assert_string_equal(r.out, "");
    result_free(&r);
}

/* Ensure a learning rate that makes the weights overflow stops training
 * with exit 1 and a message, and writes no model. */
static void test_train_divergence(void **state) {
    fixtures *fx = *state;
    char path[1024];
    snprintf(path, sizeof path, "%s/diverged.model", fx->root);
    result r = run("train", "-q", "--lr", "1e300", "-o", path, fx->train, NULL);
    assert_int_equal(r.code, 1);
    assert_non_null(strstr(r.err, "catlr: the weights stopped being finite"));
    assert_int_equal(count_lines(r.err), 1);
    result_free(&r);
    FILE *f = fopen(path, "rb");
    assert_null(f);
}

/* Ensure a learning rate that diverges (50: the sigmoid saturates at once)
 * never prints nan or inf: every cost line holds a finite number, and the
 * run either finishes (exit 0) or stops with the weights' message. */
static void test_train_lr_50(void **state) {
    fixtures *fx = *state;
    result r = run("train", "-q", "--lr", "50", "-i", "300", "-k", "1", "-o", fx->model,
                   fx->train, NULL);
    assert_true(r.code == 0 || strstr(r.err, "the weights stopped being finite") != NULL);
    assert_null(strstr(r.out, "nan"));
    assert_null(strstr(r.out, "inf"));
    size_t lines = 0;
    for (const char *p = r.out; (p = strstr(p, "Cost after iteration ")) != NULL; p++) {
        size_t iter;
        double cost;
        assert_int_equal(sscanf(p, "Cost after iteration %zu: %lf", &iter, &cost), 2);
        assert_true(isfinite(cost) && cost >= 0);
        lines++;
    }
    assert_int_equal(lines, r.code == 0 ? 300 : lines);
    assert_true(lines > 0);
    result_free(&r);
}

// ----------------------------------------------------------------------------
// catlr predict.

/* Ensure "catlr predict --help" describes the output line, exit 0. */
static void test_predict_help(void **state) {
    (void)state;
    result r = run("predict", "-h", NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    assert_non_null(strstr(r.out, "Usage: catlr predict [options] MODEL IMAGE_OR_DIR..."));
    assert_non_null(strstr(r.out, "IMAGE<TAB>CLASS<TAB>P"));
    result_free(&r);
}

/* Train the fixtures' model into fx->model. */
static void train_model(const fixtures *fx) {
    result r = run("train", "-q", "-i", "20", "--lr", "0.001", "-o", fx->model, fx->train, NULL);
    assert_int_equal(r.code, 0);
    result_free(&r);
}

/* Ensure predict prints IMAGE<TAB>CLASS<TAB>P with 4 decimals for each
 * image, in order, on images of any size and colour type. */
static void test_predict_output(void **state) {
    fixtures *fx = *state;
    train_model(fx);
    char dark[1024];
    snprintf(dark, sizeof dark, "%s/test/dog/t.png", fx->root);
    result r = run("predict", fx->model, fx->bright, dark, fx->odd, NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    assert_int_equal(count_lines(r.out), 3);
    char path[1024], cls[64];
    double p;
    const char *line = r.out;
    const char *want_class[] = {"cat", "dog", "cat"};
    const char *want_path[] = {fx->bright, dark, fx->odd};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(sscanf(line, "%1023[^\t]\t%63[^\t]\t%lf\n", path, cls, &p), 3);
        assert_string_equal(path, want_path[k]);
        assert_string_equal(cls, want_class[k]);
        assert_true(p >= 0 && p <= 1);
        const char *eol = strchr(line, '\n');
        assert_true(eol - line > 6 && eol[-5] == '.' && eol[-7] == '\t'); /* "\t0.xxxx" */
        assert_true((p > 0.5) == (strcmp(cls, "cat") == 0));
        line = eol + 1;
    }
    result_free(&r);
}

/* Ensure predict's usage errors: no operands, a model but no image, an
 * unknown option. */
static void test_predict_usage_errors(void **state) {
    fixtures *fx = *state;
    result r = run("predict", NULL);
    assert_usage_error(&r, "catlr: predict: missing MODEL", "predict");
    r = run("predict", fx->model, NULL);
    assert_usage_error(&r, "catlr: predict: missing IMAGE_OR_DIR (or --files-from LIST)",
                       "predict");
    r = run("predict", "--jsonl", fx->model, fx->bright, NULL);
    assert_usage_error(&r, "catlr: predict: unknown option '--jsonl'; did you mean '--json'?",
                       "predict");
}

/* Ensure a missing or damaged model fails with exit 1, one line naming the
 * model, and nothing on stdout. */
static void test_predict_bad_model(void **state) {
    fixtures *fx = *state;
    result r = run("predict", "nope.model", fx->bright, NULL);
    assert_failure(&r, "catlr: nope.model: No such file or directory");
    assert_string_equal(r.out, "");
    result_free(&r);
    char line[2048];
    r = run("predict", fx->bright, fx->bright, NULL); /* a PNG is not a model */
    snprintf(line, sizeof line, "catlr: %s: a PNG image, not a catlr model; MODEL comes first",
             fx->bright);
    assert_failure(&r, line);
    result_free(&r);
}

/* Ensure a model for other image sizes is refused with its geometry. */
static void test_predict_wrong_geometry(void **state) {
    fixtures *fx = *state;
    char path[1024];
    snprintf(path, sizeof path, "%s/small.model", fx->root);
    catlr_model model;
    const catlr_model_shape shape = {
        .height = 32, .width = 32, .channels = 3, .class_names = {"cat", "dog"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape, NULL), CATLR_OK);
    assert_int_equal(catlr_model_save(&model, path, NULL), CATLR_OK);
    catlr_model_free(&model);
    result r = run("predict", path, fx->bright, NULL);
    char line[2048];
    snprintf(line, sizeof line, "catlr: %s: model is for 32x32x3 images, catlr reads 64x64x3",
             path);
    assert_failure(&r, line);
    result_free(&r);
}

/* Ensure an image that cannot be read is reported and the others still get
 * their line; the exit code is then 1. */
static void test_predict_bad_image(void **state) {
    fixtures *fx = *state;
    train_model(fx);
    result r = run("predict", fx->model, "nope.png", fx->bright, fx->not_png, NULL);
    assert_int_equal(r.code, 1);
    char want[4096];
    snprintf(want, sizeof want,
             "catlr: nope.png: No such file or directory\ncatlr: %s: not a PNG or JPEG file\n",
             fx->not_png);
    assert_string_equal(r.err, want);
    assert_int_equal(count_lines(r.out), 1);
    assert_int_equal(strncmp(r.out, fx->bright, strlen(fx->bright)), 0);
    result_free(&r);
}

/* Ensure an empty FILE or DIR, as an operand or an option's value, is a
 * usage error that says which one is empty, in every command: opening ""
 * would fail with an error line that names no file. Checked before any
 * file is read, so none of the paths here needs to exist. */
static void test_empty_paths(void **state) {
    (void)state;
    const struct {
        const char *argv[6];
        const char *message;
    } cases[] = {
        {{"train", "", NULL}, "catlr: train: TRAIN_DIR must not be empty"},
        {{"train", "-o", "", "d", NULL}, "catlr: train: --output must not be empty"},
        {{"train", "-t", "", "d", NULL}, "catlr: train: --test must not be empty"},
        {{"train", "--curve", "", "d", NULL}, "catlr: train: --curve must not be empty"},
        {{"train", "--plot", "", "d", NULL}, "catlr: train: --plot must not be empty"},
        {{"train", "--init", "", "d", NULL}, "catlr: train: --init must not be empty"},
        {{"cv", "", NULL}, "catlr: cv: DIR must not be empty"},
        {{"cv", "-o", "", "d", NULL}, "catlr: cv: --output must not be empty"},
        {{"eval", "", "d", NULL}, "catlr: eval: MODEL must not be empty"},
        {{"eval", "m", "", NULL}, "catlr: eval: DIR must not be empty"},
        {{"eval", "--roc", "", "m", "d", NULL}, "catlr: eval: --roc must not be empty"},
        {{"info", "", NULL}, "catlr: info: MODEL must not be empty"},
        {{"predict", "", "a.png", NULL}, "catlr: predict: MODEL must not be empty"},
        {{"predict", "m", "a.png", "", NULL}, "catlr: predict: IMAGE_OR_DIR must not be empty"},
        {{"predict", "m", "--files-from", "", NULL},
         "catlr: predict: --files-from must not be empty"},
        {{"weights", "", "w.png", NULL}, "catlr: weights: MODEL must not be empty"},
        {{"weights", "m", "", NULL}, "catlr: weights: OUT.png must not be empty"},
        {{"import", "", "d", NULL}, "catlr: import: FILE.h5 must not be empty"},
        {{"import", "f.h5", "", NULL}, "catlr: import: DIR must not be empty"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *const *a = cases[k].argv;
        result r = run(a[0], a[1], a[2], a[3], a[4], a[5], NULL);
        assert_usage_error(&r, cases[k].message, a[0]);
    }
}

/* Ensure train refuses two outputs that are one file, before reading
 * anything: the one written last would replace the other, and the command
 * would still succeed. -o's default, catlr.model, counts. */
static void test_train_outputs_distinct(void **state) {
    (void)state;
    result r = run("train", "--curve", "x.png", "--plot", "x.png", "d", NULL);
    assert_usage_error(&r, "catlr: train: --curve and --plot name the same file 'x.png'", "train");
    r = run("train", "--plot", "m.png", "-o", "m.png", "d", NULL);
    assert_usage_error(&r, "catlr: train: --plot and --output name the same file 'm.png'",
                       "train");
    r = run("train", "--curve", "catlr.model", "d", NULL);
    assert_usage_error(&r, "catlr: train: --curve and --output name the same file 'catlr.model'",
                       "train");
    /* a device loses nothing: the check lets it by, and the missing folder
     * is what fails */
    r = run("train", "--curve", "/dev/null", "--plot", "/dev/null", "/nonexistent", NULL);
    assert_int_equal(r.code, 1);
    assert_null(strstr(r.err, "same file"));
    result_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_top_help),
        cmocka_unit_test(test_top_version),
        cmocka_unit_test(test_top_usage_errors),
        cmocka_unit_test(test_train_help),
        cmocka_unit_test(test_train_output),
        cmocka_unit_test(test_train_quiet),
        cmocka_unit_test(test_train_positive),
        cmocka_unit_test(test_train_usage_errors),
#ifndef CATLR_HAVE_MPI
        cmocka_unit_test(test_train_mpi_launcher_without_mpi),
#endif
        cmocka_unit_test(test_train_solvers),
        cmocka_unit_test(test_train_l2),
        cmocka_unit_test(test_train_tol),
        cmocka_unit_test(test_train_timings),
        cmocka_unit_test(test_train_failures),
        cmocka_unit_test(test_train_inputs_first),
        cmocka_unit_test(test_train_unwritable_model),
        cmocka_unit_test(test_train_divergence),
        cmocka_unit_test(test_train_lr_50),
        cmocka_unit_test(test_train_skip_bad),
        cmocka_unit_test(test_train_odd_images),
        cmocka_unit_test(test_train_skip_bad_emptied),
        cmocka_unit_test(test_predict_help),
        cmocka_unit_test(test_predict_output),
        cmocka_unit_test(test_predict_usage_errors),
        cmocka_unit_test(test_predict_bad_model),
        cmocka_unit_test(test_predict_wrong_geometry),
        cmocka_unit_test(test_predict_bad_image),
        cmocka_unit_test(test_empty_paths),
        cmocka_unit_test(test_train_outputs_distinct),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
