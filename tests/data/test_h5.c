/* test_h5.c: catlr_h5_load on small files laid out like the course's
 * (written here with HDF5, tests/h5_fixtures.c) and on every way such a
 * file can be wrong: a dataset missing, of the wrong type or shape, a label
 * that is not 0 or 1, class names that cannot be folders; and an HDF5
 * library that cannot be loaded (catlr dlopens it for each load). Built
 * without HDF5, the load fails with CATLR_ERR_UNSUPPORTED. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "catlr/h5.h"
#include "data/h5_library.h"
#include "test_util.h"
#if CATLR_HAVE_HDF5
#include "h5_fixtures.h"
#endif


/* Ensure a text file, a missing file and a folder are refused with their
 * path: "not an HDF5 file" (or CATLR_ERR_UNSUPPORTED without HDF5), "No
 * such file or directory", "is a folder, not a file". */
static void test_not_h5(void **state) {
    const char *dir = *state;
    char *p = test_path(dir, "text.h5");
    test_write_file(p, "hello\n", 6);
    catlr_h5_set set;
    catlr_error err = {{0}, {0}};
#if CATLR_HAVE_HDF5
    assert_int_equal(catlr_h5_load(p, &set, &err), CATLR_ERR_FORMAT);
    assert_string_equal(err.reason, "not an HDF5 file");
#else
    assert_int_equal(catlr_h5_load(p, &set, &err), CATLR_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.reason, "built without HDF5"));
    assert_non_null(strstr(err.reason, "libhdf5-dev"));
#endif
    assert_string_equal(err.path, p);
    assert_null(set.x);
    free(p);
#if CATLR_HAVE_HDF5
    p = test_path(dir, "missing.h5");
    assert_int_equal(catlr_h5_load(p, &set, &err), CATLR_ERR_IO);
    assert_string_equal(err.reason, "No such file or directory");
    free(p);
    assert_int_equal(catlr_h5_load(dir, &set, &err), CATLR_ERR_IO);
    assert_string_equal(err.reason, "is a folder, not a file");
#endif
}

#if CATLR_HAVE_HDF5

static const int64_t LABELS[3] = {1, 0, 1};
static const char *const CLASSES[2] = {"non-cat", "cat"};

/* The course's layout with m = 3. */
static h5_spec good_spec(void) {
    h5_spec s = {.x_name = "train_set_x", .y_name = "train_set_y", .classes_name = "list_classes",
                 .m = 3, .x_last_dim = 3, .y = LABELS, .y_count = 3, .classes = CLASSES,
                 .n_classes = 2};
    return s;
}

/* Write spec, load it, expect status and a reason containing `reason`. */
static void assert_refused(const char *dir, const h5_spec *spec, catlr_status status,
                           const char *reason) {
    char *p = test_path(dir, "bad.h5");
    assert_int_equal(h5_fixture_write(p, spec), 0);
    catlr_h5_set set;
    catlr_error err = {{0}, {0}};
    catlr_status st = catlr_h5_load(p, &set, &err);
    if (st != status || strstr(err.reason, reason) == NULL)
        print_error("got %d \"%s\", want %d \"...%s...\"\n", st, err.reason, status, reason);
    assert_int_equal(st, status);
    assert_non_null(strstr(err.reason, reason));
    assert_string_equal(err.path, p);
    assert_null(set.x);
    assert_null(set.y);
    assert_null(set.class_names[0]);
    free(p);
}

/* good.h5 in dir, with good_spec(); the caller frees the path. */
static char *write_good(const char *dir) {
    char *p = test_path(dir, "good.h5");
    h5_spec spec = good_spec();
    assert_int_equal(h5_fixture_write(p, &spec), 0);
    return p;
}

/* Ensure the course's layout loads: m, every pixel in the stored order,
 * the labels and the class names in list_classes' order. */
static void test_good(void **state) {
    char *p = write_good(*state);
    catlr_h5_set set;
    assert_int_equal(catlr_h5_load(p, &set, NULL), CATLR_OK);
    assert_int_equal(set.m, 3);
    for (size_t j = 0; j < 3; j++)
        for (size_t i = 0; i < CATLR_N_X; i += 97)
            assert_int_equal(set.x[j * CATLR_N_X + i], h5_fixture_pixel(j, i));
    assert_int_equal(set.y[0], 1);
    assert_int_equal(set.y[1], 0);
    assert_int_equal(set.y[2], 1);
    assert_string_equal(set.class_names[0], "non-cat");
    assert_string_equal(set.class_names[1], "cat");
    catlr_h5_free(&set);
    assert_null(set.x);
    catlr_h5_free(&set); /* a zeroed set: nothing */
    catlr_h5_free(NULL);
    free(p);
}

/* Ensure each missing dataset is named. */
static void test_missing_datasets(void **state) {
    h5_spec s = good_spec();
    s.x_name = NULL;
    assert_refused(*state, &s, CATLR_ERR_FORMAT, "no dataset named *_set_x");
    s = good_spec();
    s.y_name = NULL;
    assert_refused(*state, &s, CATLR_ERR_FORMAT, "no dataset named *_set_y");
    s = good_spec();
    s.classes_name = NULL;
    assert_refused(*state, &s, CATLR_ERR_FORMAT, "no dataset named list_classes");
    s = good_spec();
    s.classes_name = "test_set_x"; /* a second *_set_x (holding strings) */
    assert_refused(*state, &s, CATLR_ERR_FORMAT, "two datasets named *_set_x");
}

/* Ensure x of the wrong type (float32, int16) or shape (4 channels) and y
 * of another length are refused, naming the dataset. */
static void test_wrong_type_and_shape(void **state) {
    h5_spec s = good_spec();
    s.x_float = 1;
    assert_refused(*state, &s, CATLR_ERR_FORMAT,
                   "train_set_x holds floating-point numbers, not integers");
    s = good_spec();
    s.x_int16 = 1;
    assert_refused(*state, &s, CATLR_ERR_FORMAT,
                   "train_set_x holds 2-byte signed integers, not uint8");
    s = good_spec();
    s.x_last_dim = 4;
    assert_refused(*state, &s, CATLR_ERR_SHAPE, "train_set_x is 3 x 64 x 64 x 4");
    s = good_spec();
    s.y_count = 2;
    assert_refused(*state, &s, CATLR_ERR_SHAPE, "train_set_y has 2 labels for 3 images");
    s = good_spec();
    s.n_classes = 3;
    static const char *const three[3] = {"a", "b", "c"};
    s.classes = three;
    assert_refused(*state, &s, CATLR_ERR_SHAPE, "list_classes holds 3 names, not 2");
}

/* Ensure a label other than 0 or 1 (2, -1) is refused with its index. */
static void test_bad_label(void **state) {
    h5_spec s = good_spec();
    static const int64_t two[3] = {1, 0, 2}, minus[3] = {-1, 0, 1};
    s.y = two;
    assert_refused(*state, &s, CATLR_ERR_DATA, "train_set_y[2] is 2, not 0 or 1");
    s.y = minus;
    assert_refused(*state, &s, CATLR_ERR_DATA, "train_set_y[0] is -1, not 0 or 1");
}

/* Ensure class names that cannot be folders ("a/b", ".hidden", "") or that
 * are the same twice are refused. */
static void test_bad_class_names(void **state) {
    h5_spec s = good_spec();
    static const char *const slash[2] = {"a/b", "cat"}, *const hidden[2] = {"dog", ".cat"},
                             *const empty[2] = {"", "cat"}, *const twice[2] = {"cat", "cat"};
    s.classes = slash;
    assert_refused(*state, &s, CATLR_ERR_DATA, "'a/b', which cannot be a folder's name");
    s.classes = hidden;
    assert_refused(*state, &s, CATLR_ERR_DATA, "'.cat', which cannot be a folder's name");
    s.classes = empty;
    assert_refused(*state, &s, CATLR_ERR_DATA, "'', which cannot be a folder's name");
    s.classes = twice;
    assert_refused(*state, &s, CATLR_ERR_DATA, "list_classes names 'cat' twice");
}

/* Load good.h5 in dir with library: CATLR_ERR_UNSUPPORTED, the file's path,
 * nothing in set; the reason is left in *err. The caller frees the path. */
static char *load_refused(const char *dir, const char *library, catlr_error *err) {
    char *p = write_good(dir);
    catlr_h5_set set;
    assert_int_equal(catlr_h5_load_using(library, p, &set, err), CATLR_ERR_UNSUPPORTED);
    assert_string_equal(err->path, p);
    assert_null(set.x);
    return p;
}

/* Ensure a library that cannot be loaded gives a reason with the library's
 * name and dlerror's text; and that the same file then loads with the
 * library catlr found. */
static void test_library_missing(void **state) {
    catlr_error err = {{0}, {0}};
    char *p = load_refused(*state, "libcatlr-no-such-hdf5.so.0", &err);
    assert_string_equal(err.reason, "cannot load HDF5 from libcatlr-no-such-hdf5.so.0: cannot "
                                    "open shared object file: No such file or directory");
    catlr_h5_set set;
    assert_int_equal(catlr_h5_load(p, &set, &err), CATLR_OK);
    assert_int_equal(set.m, 3);
    catlr_h5_free(&set);
    free(p);
}

/* Ensure a library that loads but is not HDF5 (zlib, which the tests
 * link) gives a reason naming the first function it lacks. */
static void test_library_not_hdf5(void **state) {
    catlr_error err = {{0}, {0}};
    char *p = load_refused(*state, "libz.so.1", &err);
    assert_non_null(strstr(err.reason, "libz.so.1 has no H5open: "));
    assert_non_null(strstr(err.reason, "undefined symbol: H5open"));
    free(p);
}

#endif

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_h5),
#if CATLR_HAVE_HDF5
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_missing_datasets),
        cmocka_unit_test(test_wrong_type_and_shape),
        cmocka_unit_test(test_bad_label),
        cmocka_unit_test(test_bad_class_names),
        cmocka_unit_test(test_library_missing),
        cmocka_unit_test(test_library_not_hdf5),
#endif
    };
    return cmocka_run_group_tests(tests, test_tempdir_setup, test_tempdir_teardown);
}
