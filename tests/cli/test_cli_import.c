/* test_cli_import.c: `catlr import FILE.h5 DIR` in-process: the folder it
 * writes (names, pixels, class folders), training on it, and its errors.
 * Built without HDF5 it must say so and exit 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "catlr/image.h"
#include "fixtures.h"
#include "test_util.h"
#include "cli_run.h"
#if CATLR_HAVE_HDF5
#include "h5_fixtures.h"
#endif

typedef struct group {
    char *dir;
    char *h5; /* three examples, labels 1 0 1, classes non-cat, cat */
} group;

static int setup(void **state) {
    group *g = calloc(1, sizeof *g);
    assert_non_null(g);
    g->dir = test_make_tempdir();
    g->h5 = test_path(g->dir, "three.h5");
#if CATLR_HAVE_HDF5
    static const int64_t labels[3] = {1, 0, 1};
    static const char *const classes[2] = {"non-cat", "cat"};
    h5_spec s = {.x_name = "train_set_x", .y_name = "train_set_y", .classes_name = "list_classes",
                 .m = 3, .x_last_dim = 3, .y = labels, .y_count = 3, .classes = classes,
                 .n_classes = 2};
    assert_int_equal(h5_fixture_write(g->h5, &s), 0);
#else
    test_write_file(g->h5, "\x89HDF\r\n\x1a\n", 8);
#endif
    *state = g;
    return 0;
}

static int teardown(void **state) {
    group *g = *state;
    test_remove_tree(g->dir);
    free(g->h5);
    free(g->dir);
    free(g);
    return 0;
}

/* Ensure --help prints the usage on stdout and exits 0, and that a missing,
 * an extra or an empty operand is a usage error (exit 2). */
static void test_usage(void **state) {
    const group *g = *state;
    result r = run("import", "--help", NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "Usage: catlr import [options] FILE.h5 DIR"));
    result_free(&r);
    r = run("import", g->h5, NULL);
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "catlr: import: missing DIR\n"));
    assert_non_null(strstr(r.err, "Try 'catlr import --help'."));
    result_free(&r);
    r = run("import", g->h5, "a", "b", NULL);
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "unexpected argument 'b'"));
    result_free(&r);
    r = run("import", NULL);
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "missing FILE.h5"));
    result_free(&r);
    r = run("import", g->h5, "", NULL);
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "catlr: import: DIR must not be empty\n"));
    result_free(&r);
}

#if CATLR_HAVE_HDF5

/* Ensure the import writes DIR/cat/0000.png, DIR/cat/0002.png and
 * DIR/non-cat/0001.png holding exactly the stored pixels (PNG is
 * lossless), reports the counts on stderr, writes nothing on stdout, and
 * that `catlr train` then reads the folder (3 images). */
static void test_import_round_trip(void **state) {
    const group *g = *state;
    char *dir = test_path(g->dir, "imported");
    result r = run("import", g->h5, dir, NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.out, "");
    char want[2048];
    snprintf(want, sizeof want, "%s: 3 images (cat: 2, non-cat: 1) written to %s\n", g->h5,
             dir);
    assert_string_equal(r.err, want);
    result_free(&r);
    static const char *const files[3] = {"cat/0000.png", "non-cat/0001.png", "cat/0002.png"};
    for (size_t j = 0; j < 3; j++) {
        char *p = test_path(dir, files[j]);
        uint8_t px[CATLR_N_X];
        catlr_error e;
        assert_int_equal(catlr_image_load(p, px, &e), CATLR_OK);
        for (size_t row = 0; row < 64; row++)
            for (size_t c = 0; c < 64; c++)
                for (size_t ch = 0; ch < 3; ch++)
                    assert_int_equal(px[ch * 4096 + row * 64 + c],
                                     h5_fixture_pixel(j, (row * 64 + c) * 3 + ch));
        free(p);
    }
    char *model = test_path(g->dir, "imported.model");
    r = run("train", dir, "-i", "5", "-o", model, NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.err, "3 images (cat: 2, non-cat: 1)"));
    result_free(&r);
    /* a second import into the same folder would mix two sets: refused */
    r = run("import", "-q", g->h5, dir, NULL);
    assert_int_equal(r.code, 1);
    snprintf(want, sizeof want, "catlr: %s/non-cat: already exists; import into a new folder\n",
             dir);
    assert_string_equal(r.err, want);
    result_free(&r);
    free(model);
    free(dir);
}

/* Ensure DIR is made with the folders above it (mkdir -p), whatever
 * slashes it has. */
static void test_import_nested_dir(void **state) {
    const group *g = *state;
    char *dir = test_path(g->dir, "a/b//c/");
    result r = run("import", "-q", g->h5, dir, NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    result_free(&r);
    char *image = test_path(g->dir, "a/b/c/non-cat/0001.png");
    uint8_t px[CATLR_N_X];
    assert_int_equal(catlr_image_load(image, px, NULL), CATLR_OK);
    free(image);
    free(dir);
}

/* Ensure a file that is not HDF5, and a DIR that is a file or lies under
 * one, fail with exit 1 and one error line naming the file in the way. */
static void test_import_errors(void **state) {
    const group *g = *state;
    char *text = test_path(g->dir, "text.h5"), *dir = test_path(g->dir, "never");
    test_write_file(text, "hello\n", 6);
    result r;
    char want[2048];
    r = run("import", text, dir, NULL);
    assert_int_equal(r.code, 1);
    snprintf(want, sizeof want, "catlr: %s: not an HDF5 file\n", text);
    assert_string_equal(r.err, want);
    result_free(&r);
    r = run("import", g->h5, text, NULL);
    assert_int_equal(r.code, 1);
    snprintf(want, sizeof want, "catlr: %s: exists and is not a folder\n", text);
    assert_string_equal(r.err, want);
    result_free(&r);
    char *under = test_path(text, "sub");
    r = run("import", g->h5, under, NULL);
    assert_int_equal(r.code, 1);
    snprintf(want, sizeof want, "catlr: %s: exists and is not a folder\n", text);
    assert_string_equal(r.err, want);
    result_free(&r);
    free(under);
    free(text);
    free(dir);
}

#else

/* Ensure a build without HDF5 says so, names the file, and exits 1. */
static void test_import_without_hdf5(void **state) {
    const group *g = *state;
    char *dir = test_path(g->dir, "imported");
    result r = run("import", g->h5, dir, NULL);
    assert_int_equal(r.code, 1);
    char want[2048];
    snprintf(want, sizeof want,
             "catlr: %s: catlr was built without HDF5, so it cannot read .h5 files; rebuild "
             "with libhdf5-dev installed\n",
             g->h5);
    assert_string_equal(r.err, want);
    result_free(&r);
    free(dir);
}

#endif

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage),
#if CATLR_HAVE_HDF5
        cmocka_unit_test(test_import_round_trip),
        cmocka_unit_test(test_import_nested_dir),
        cmocka_unit_test(test_import_errors),
#else
        cmocka_unit_test(test_import_without_hdf5),
#endif
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
