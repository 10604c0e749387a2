/* test_cli_help.c: what catlr tells a newcomer: the commands when it is run
 * alone, `catlr help`, "did you mean" for a command or option mistyped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "fixtures.h"
#include "test_util.h"
#include "cli_run.h"

// ----------------------------------------------------------------------------
// catlr alone, catlr help.

/* Ensure "catlr" alone lists every command with its one-line summary on
 * stderr, nothing on stdout, and exits 2 (no work was asked for). */
static void test_alone_lists_commands(void **state) {
    (void)state;
    result r = run(NULL);
    assert_int_equal(r.code, 2);
    assert_string_equal(r.out, "");
    const char *lines[] = {"Usage: catlr COMMAND [options] ARGS\n",
                           "\n  train      fit a model on a folder of class folders\n",
                           "\n  predict    classify images with a saved model\n",
                           "\n  eval ", "\n  cv ", "\n  info ", "\n  weights ", "\n  import ",
                           "'catlr help COMMAND'"};
    for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++)
        assert_non_null(strstr(r.err, lines[k]));
    result_free(&r);
}

/* Ensure "catlr help" prints what "catlr --help" prints, on stdout, exit 0;
 * and "catlr help help" and "catlr help --help" too. */
static void test_help(void **state) {
    (void)state;
    result want = run("--help", NULL);
    const char *forms[][2] = {{"help", NULL}, {"help", "help"}, {"help", "--help"}};
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        result r = run(forms[k][0], forms[k][1], NULL);
        assert_int_equal(r.code, 0);
        assert_string_equal(r.err, "");
        assert_string_equal(r.out, want.out);
        result_free(&r);
    }
    assert_non_null(strstr(want.out, "\n  help "));
    result_free(&want);
}

/* Ensure "catlr help CMD" is "catlr CMD --help" for every command, byte for
 * byte, exit 0. */
static void test_help_command(void **state) {
    (void)state;
    const char *commands[] = {"train", "predict", "eval", "cv", "info", "weights", "import"};
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
        result want = run(commands[k], "--help", NULL);
        result r = run("help", commands[k], NULL);
        assert_int_equal(want.code, 0);
        assert_int_equal(r.code, 0);
        assert_string_equal(r.out, want.out);
        assert_string_equal(r.err, "");
        result_free(&r);
        result_free(&want);
    }
}

/* Ensure "catlr help" of an unknown command is a usage error with the
 * closest command, and a second operand is refused. */
static void test_help_errors(void **state) {
    (void)state;
    result r = run("help", "evl", NULL);
    assert_int_equal(r.code, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "catlr: unknown command 'evl'; did you mean 'eval'?\n"
                               "Usage: catlr COMMAND [options] ARGS\nTry 'catlr --help'.\n");
    result_free(&r);
    r = run("help", "train", "eval", NULL);
    assert_int_equal(r.code, 2);
    assert_int_equal(strncmp(r.err, "catlr: help: unexpected argument 'eval'\n", 40), 0);
    result_free(&r);
}

// ----------------------------------------------------------------------------
// Did you mean.

/* Ensure the distance counts insertions, deletions, substitutions and a
 * swap of neighbours as one each: trian -> train 1 (a swap), iteration ->
 * iterations 1, predcit -> predict 1, tain -> train 1, eval -> cv 3. */
static void test_edit_distance(void **state) {
    (void)state;
    assert_int_equal(cli_edit_distance("trian", "train"), 1);
    assert_int_equal(cli_edit_distance("iteration", "iterations"), 1);
    assert_int_equal(cli_edit_distance("predcit", "predict"), 1);
    assert_int_equal(cli_edit_distance("tain", "train"), 1);
    assert_int_equal(cli_edit_distance("eval", "cv"), 3);
    assert_int_equal(cli_edit_distance("", "abc"), 3);
    assert_int_equal(cli_edit_distance("same", "same"), 0);
}

/* Ensure only a close word is suggested: one slip in a short word, two in
 * a word of 5 to 9 letters; never a word as far as it is long. */
static void test_closest(void **state) {
    (void)state;
    const char *const names[] = {"train", "predict", "eval", "cv", "info"};
    assert_string_equal(cli_closest("trian", names, 5), "train");
    assert_string_equal(cli_closest("prdeict", names, 5), "predict");
    assert_string_equal(cli_closest("inf", names, 5), "info");
    assert_null(cli_closest("frobnicate", names, 5));
    assert_null(cli_closest("xy", names, 5));
    assert_null(cli_closest("", names, 5));
}

/* Ensure a mistyped command or option of any command gets "did you mean"
 * on its error line, exit 2, and a far one gets no guess. */
static void test_did_you_mean(void **state) {
    (void)state;
    result r = run("trian", NULL);
    assert_usage_error(&r, "catlr: unknown command 'trian'; did you mean 'train'?",
                       "COMMAND");
    r = run("frobnicate", NULL);
    assert_usage_error(&r, "catlr: unknown command 'frobnicate'", "COMMAND");
    r = run("--verison", NULL);
    assert_usage_error(&r, "catlr: unknown option '--verison'; did you mean '--version'?",
                       "COMMAND");
    r = run("train", "--iteration", "5", "DIR", NULL);
    assert_usage_error(&r, "catlr: train: unknown option '--iteration'; did you mean "
                           "'--iterations'?",
                       "train");
    r = run("cv", "--fold", "3", "DIR", NULL);
    assert_usage_error(&r, "catlr: cv: unknown option '--fold'; did you mean '--folds'?", "cv");
    r = run("eval", "--misclasified", "M", "DIR", NULL);
    assert_usage_error(&r, "catlr: eval: unknown option '--misclasified'; did you mean "
                           "'--misclassified'?",
                       "eval");
    r = run("predict", "--threshhold=0.3", "M", "I", NULL);
    assert_usage_error(&r, "catlr: predict: unknown option '--threshhold'; did you mean "
                           "'--threshold'?",
                       "predict");
    r = run("weights", "--zom", "2", "M", "O.png", NULL);
    assert_usage_error(&r, "catlr: weights: unknown option '--zom'; did you mean '--zoom'?",
                       "weights");
    r = run("info", "--jason", "M", NULL);
    assert_usage_error(&r, "catlr: info: unknown option '--jason'; did you mean '--json'?",
                       "info");
    r = run("import", "--quite", "F.h5", "DIR", NULL);
    assert_usage_error(&r, "catlr: import: unknown option '--quite'; did you mean '--quiet'?",
                       "import");
    r = run("train", "--bogus", "DIR", NULL);
    assert_usage_error(&r, "catlr: train: unknown option '--bogus'", "train");
}

// ----------------------------------------------------------------------------
// Under an MPI launcher.

/* Ensure that as one of 2 processes an MPI launcher started (Open MPI's or
 * PMI's variable), every command but train refuses at once, exit 2, saying
 * that only train runs distributed, so that no command runs and prints
 * twice; and that one process of a launcher runs the command as usual. */
static void test_distributed_refused(void **state) {
    (void)state;
    const char *const vars[2] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"};
    const char *commands[] = {"predict", "eval", "cv", "info", "weights", "import"};
    for (size_t v = 0; v < 2; v++) {
        assert_int_equal(setenv(vars[v], "2", 1), 0);
        for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
            result r = run(commands[k], "--help", NULL);
            char want[256];
            snprintf(want, sizeof want,
                     "catlr: %s: only 'catlr train' runs distributed; this is one of the 2 "
                     "processes an MPI launcher started, so run '%s' without mpirun\n",
                     commands[k], commands[k]);
            assert_int_equal(r.code, 2);
            assert_string_equal(r.out, "");
            assert_string_equal(r.err, want);
            result_free(&r);
        }
        assert_int_equal(unsetenv(vars[v]), 0);
    }
    assert_int_equal(setenv("OMPI_COMM_WORLD_SIZE", "1", 1), 0);
    result r = run("info", "--help", NULL);
    assert_int_equal(unsetenv("OMPI_COMM_WORLD_SIZE"), 0);
    assert_int_equal(r.code, 0);
    result_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alone_lists_commands),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_help_command),
        cmocka_unit_test(test_help_errors),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_closest),
        cmocka_unit_test(test_did_you_mean),
        cmocka_unit_test(test_distributed_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
