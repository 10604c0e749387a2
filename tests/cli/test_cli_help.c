/* test_cli_help.c: what catlr tells a newcomer: the commands when it is run
 * alone, `catlr help`, "did you mean" for a command or option mistyped,
 * hints for the common slips (a class folder for its parent, an image for
 * the model, a picture named .jpg), and the refusal to run several times
 * under an MPI launcher. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "catlr/catlr.h"
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
// catlr --version.

/* 1 when the build has the optional part NAME (CATLR_HAVE_NAME defined as
 * 1), else 0. */
#define HAVE_1 1
#define HAVE_CATLR_HAVE_JPEG 0
#define HAVE_CATLR_HAVE_HDF5 0
#define HAVE_CATLR_HAVE_CAIRO 0
#define HAVE_CATLR_HAVE_MPI 0
#define HAVE_(value) HAVE_##value
#define HAVE_EXPAND(value) HAVE_(value)
#define HAVE(name) HAVE_EXPAND(CATLR_HAVE_##name)

/* Ensure --version prints the version, then one line per optional part in
 * a fixed order, each with a version or "no" as this build has it: libpng
 * always, libjpeg and HDF5 (loaded when needed, named by their library),
 * cairo, OpenMP, MPI, and the SIMD kernels in use. */
static void test_version_parts(void **state) {
    (void)state;
    result r = run("--version", NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    const char *names[] = {"catlr " CATLR_VERSION "\n", "libpng:       1.", "libjpeg:      ",
                           "HDF5:         ", "cairo:        ", "OpenMP:       ",
                           "MPI:          ", "SIMD kernels: "};
    const char *line = r.out;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        if (strncmp(line, names[k], strlen(names[k])) != 0)
            print_error("line %zu: want '%s...', got:\n%s", k, names[k], r.out);
        assert_int_equal(strncmp(line, names[k], strlen(names[k])), 0);
        line = strchr(line, '\n') + 1;
    }
    assert_string_equal(line, "");
    /* "no" exactly for the parts this build lacks */
    struct {
        const char *no;
        int have;
    } parts[] = {{"libjpeg:      no\n", HAVE(JPEG)},
                 {"HDF5:         no\n", HAVE(HDF5)},
                 {"cairo:        no\n", HAVE(CAIRO)},
                 {"MPI:          no\n", HAVE(MPI)}};
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
        assert_int_equal(strstr(r.out, parts[k].no) == NULL, parts[k].have);
    if (HAVE(HDF5)) /* named, not loaded */
        assert_non_null(strstr(r.out, ", loaded when needed (libhdf5"));
    if (HAVE(JPEG))
        assert_non_null(strstr(r.out, ", loaded when needed (libjpeg"));
    result_free(&r);
}

/* Ensure every part has a name and a text, and an unknown part says so. */
static void test_part_describe(void **state) {
    (void)state;
    char text[128];
    for (int k = 0; k < CATLR_N_PARTS; k++) {
        text[0] = '\0';
        const char *name = catlr_part_describe((catlr_part)k, text, sizeof text);
        assert_non_null(name);
        assert_true(strlen(name) > 0);
        assert_true(strlen(text) > 0);
    }
    assert_string_equal(catlr_part_describe((catlr_part)CATLR_N_PARTS, text, sizeof text),
                        "unknown");
    /* a small buffer is cut, never overrun */
    char small[4];
    catlr_part_describe(CATLR_PART_SIMD, small, sizeof small);
    assert_int_equal(strlen(small), 3);
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
// Hints.

/* catlr ARGS... must fail (exit 1) with exactly the error line. */
#define fails(line, ...)                                                                         \
    do {                                                                                         \
        result r_ = run(__VA_ARGS__, NULL);                                                      \
        assert_failure(&r_, line);                                                               \
        result_free(&r_);                                                                        \
    } while (0)

/* A temporary folder with DIR/cat/{a,b}.png and DIR/dog/{a,b}.png. */
static char *make_folder(void) {
    char *root = test_make_tempdir();
    make_class_dirs(root, "DIR", "cat", "dog");
    const char *names[] = {"a.png", "b.png"};
    for (int k = 0; k < 2; k++) {
        write_image(root, "DIR", "cat", names[k], 220);
        write_image(root, "DIR", "dog", names[k], 220);
    }
    return root;
}

/* Ensure a class folder given where the folder of class folders belongs
 * (train, cv and eval) says that DIR must hold one subfolder per class and
 * shows the layout with the positive class's name; exit 1. */
static void test_hint_class_folder(void **state) {
    (void)state;
    char *root = make_folder();
    char dir[1024], line[2048], model[1024];
    snprintf(dir, sizeof dir, "%s/DIR/cat", root);
    snprintf(model, sizeof model, "%s/m.model", root);
    snprintf(line, sizeof line,
             "catlr: %s: expected 2 class folders, found 0 but images: DIR must hold one "
             "subfolder per class (DIR/cat/*.png, DIR/non-cat/*.png)",
             dir);
    fails(line, "train", dir, "-q", "-o", model);
    fails(line, "cv", dir, "-q");
    char parent[1024];
    snprintf(parent, sizeof parent, "%s/DIR", root);
    result r = run("train", parent, "-q", "-i", "5", "-o", model, NULL);
    assert_int_equal(r.code, 0);
    result_free(&r);
    fails(line, "eval", model, dir);
    /* with another positive class, its name */
    snprintf(line, sizeof line,
             "catlr: %s: expected 2 class folders, found 0 but images: DIR must hold one "
             "subfolder per class (DIR/dog/*.png, DIR/non-dog/*.png)",
             dir);
    fails(line, "train", dir, "-q", "-p", "dog", "-o", model);
    test_remove_tree(root);
    free(root);
}

/* Ensure an image given where the model belongs (predict, eval, info,
 * weights, train --init) says it is a PNG (or JPEG) image and that MODEL
 * comes first; exit 1. */
static void test_hint_image_for_model(void **state) {
    (void)state;
    char *root = make_folder();
    char image[1024], jpeg[1024], dir[1024], model[1024], line[2048], picture[1024];
    snprintf(image, sizeof image, "%s/DIR/cat/a.png", root);
    snprintf(dir, sizeof dir, "%s/DIR", root);
    snprintf(model, sizeof model, "%s/m.model", root);
    snprintf(picture, sizeof picture, "%s/w.png", root);
    snprintf(line, sizeof line, "catlr: %s: a PNG image, not a catlr model; MODEL comes first",
             image);
    fails(line, "predict", image, model);
    fails(line, "eval", image, dir);
    fails(line, "info", image);
    fails(line, "weights", image, picture);
    fails(line, "train", dir, "-q", "--init", image, "-o", model);
    /* a JPEG, told by its first bytes */
    snprintf(jpeg, sizeof jpeg, "%s/photo.jpg", root);
    const unsigned char soi[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F'};
    test_write_file(jpeg, soi, sizeof soi);
    snprintf(line, sizeof line, "catlr: %s: a JPEG image, not a catlr model; MODEL comes first",
             jpeg);
    fails(line, "info", jpeg);
    test_remove_tree(root);
    free(root);
}

/* Ensure a picture output (weights' OUT.png, train's --plot) whose name
 * does not end in .png is a usage error, before any work: the file would
 * hold PNG bytes under another name. .PNG is a PNG name too. */
static void test_hint_png_name(void **state) {
    (void)state;
    result r = run("weights", "m.model", "w.jpg", NULL);
    assert_usage_error(&r, "catlr: weights: OUT.png is written as a PNG, so its name must end "
                           "in .png, got 'w.jpg'",
                       "weights");
    r = run("train", "DIR", "--plot", "cost.svg", NULL);
    assert_usage_error(&r, "catlr: train: --plot is written as a PNG, so its name must end in "
                           ".png, got 'cost.svg'",
                       "train");
    r = run("weights", "m.model", ".png", NULL);
    assert_usage_error(&r, "catlr: weights: OUT.png is written as a PNG, so its name must end "
                           "in .png, got '.png'",
                       "weights");
    fails("catlr: nope.model: No such file or directory", "weights", "nope.model",
          "W.PNG"); /* past the name check */
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
        cmocka_unit_test(test_version_parts),
        cmocka_unit_test(test_part_describe),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_closest),
        cmocka_unit_test(test_did_you_mean),
        cmocka_unit_test(test_hint_class_folder),
        cmocka_unit_test(test_hint_image_for_model),
        cmocka_unit_test(test_hint_png_name),
        cmocka_unit_test(test_distributed_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
