/* test_h5_dataset.c: catlr_dataset_load on .h5 files in the course's
 * layout (written here with HDF5, tests/h5_fixtures.c): the pixels made
 * planar and resized as image files are, the labels and class names, the
 * rows of each shard, and each way a file can be wrong, refused with the
 * file and the reason before anything is allocated from its sizes; and
 * catlr_h5_save, read back. Built without HDF5, an .h5 file fails with
 * CATLR_ERR_UNSUPPORTED and import's reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>

#include "catlr/dataset.h"
#include "catlr/h5.h"
#include "catlr/image.h"
#include "fixtures.h"
#include "test_util.h"
#if CATLR_HAVE_HDF5
#include "h5_fixtures.h"
#endif

/* Load path (the whole of it, positive class "cat"): the status, *ds, and
 * the reason in err. */
static catlr_status load(const char *path, catlr_dataset **ds, catlr_error *err) {
    catlr_dataset_opts opts = catlr_dataset_defaults();
    return catlr_dataset_load(path, &opts, ds, err);
}

#if !CATLR_HAVE_HDF5

/* Ensure an .h5 file is refused with import's reason. */
static void test_without_hdf5(void **state) {
    char *p = test_path(*state, "train.h5");
    test_write_file(p, "x", 1);
    catlr_dataset *ds;
    catlr_error err;
    assert_int_equal(load(p, &ds, &err), CATLR_ERR_UNSUPPORTED);
    assert_null(ds);
    assert_string_equal(err.path, p);
    assert_non_null(strstr(err.reason, "built without HDF5"));
    free(p);
}

#else

static const int64_t LABELS[4] = {1, 0, 0, 1};
static const char *const CLASSES[2] = {"non-cat", "cat"};

/* The course's layout with m = 4. */
static h5_spec good_spec(void) {
    h5_spec s = {.x_name = "train_set_x", .y_name = "train_set_y", .classes_name = "list_classes",
                 .m = 4, .x_last_dim = 3, .y = LABELS, .y_count = 4, .classes = CLASSES,
                 .n_classes = 2};
    return s;
}

static char *write_spec(const char *dir, const char *name, const h5_spec *spec) {
    char *p = test_path(dir, name);
    unlink(p);
    assert_int_equal(h5_fixture_write(p, spec), 0);
    return p;
}

/* Example j of the fixture as image.h lays it out, from stored h x w. */
static void expected_pixels(size_t j, size_t h, size_t w, uint8_t px[CATLR_N_X]) {
    uint8_t *rgb = malloc(h * w * 3);
    assert_non_null(rgb);
    for (size_t i = 0; i < h * w * 3; i++)
        rgb[i] = h5_fixture_pixel(j, i);
    catlr_image_from_rgb(rgb, w, h, px);
    free(rgb);
}

/* Ensure the course's layout loads as a folder would: planar pixels, class
 * names in byte order ("cat" first, the positive class), labels 1 for
 * "cat", class counts, and paths FILE:INDEX; also with y as a (1, m) row. */
static void test_good(void **state) {
    for (int row = 0; row < 2; row++) {
        h5_spec spec = good_spec();
        spec.y_row = row;
        char *p = write_spec(*state, "good.h5", &spec);
        catlr_dataset *ds;
        assert_int_equal(load(p, &ds, NULL), CATLR_OK);
        assert_int_equal(catlr_dataset_count(ds), 4);
        assert_string_equal(catlr_dataset_class_name(ds, 0), "cat");
        assert_string_equal(catlr_dataset_class_name(ds, 1), "non-cat");
        assert_int_equal(catlr_dataset_positive(ds), 0);
        assert_int_equal(catlr_dataset_class_count(ds, 0), 2);
        assert_int_equal(catlr_dataset_folder_count(ds, 1), 2);
        uint8_t want[CATLR_N_X];
        for (size_t j = 0; j < 4; j++) {
            assert_int_equal(catlr_dataset_labels(ds)[j], LABELS[j]);
            expected_pixels(j, 64, 64, want);
            assert_memory_equal(catlr_dataset_pixels(ds) + j * CATLR_N_X, want, CATLR_N_X);
            char name[1100];
            snprintf(name, sizeof name, "%s:%zu", p, j);
            assert_string_equal(catlr_dataset_path(ds, j), name);
        }
        catlr_dataset_free(ds);
        free(p);
    }
}

/* Ensure the positive class may be list_classes[0] (labels turned round)
 * and must be one of the two. */
static void test_positive(void **state) {
    h5_spec spec = good_spec();
    char *p = write_spec(*state, "good.h5", &spec);
    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.positive = "non-cat";
    catlr_dataset *ds;
    assert_int_equal(catlr_dataset_load(p, &opts, &ds, NULL), CATLR_OK);
    assert_int_equal(catlr_dataset_positive(ds), 1);
    for (size_t j = 0; j < 4; j++)
        assert_int_equal(catlr_dataset_labels(ds)[j], 1 - LABELS[j]);
    catlr_dataset_free(ds);
    opts.positive = "dog";
    catlr_error err;
    assert_int_equal(catlr_dataset_load(p, &opts, &ds, &err), CATLR_ERR_DATA);
    assert_null(ds);
    assert_string_equal(err.reason, "no class named 'dog' in list_classes (found 'cat', "
                                    "'non-cat')");
    free(p);
}

/* Ensure images of another size are resized as image files are. */
static void test_resized(void **state) {
    h5_spec spec = good_spec();
    spec.x_height = 30;
    spec.x_width = 100;
    char *p = write_spec(*state, "small.h5", &spec);
    catlr_dataset *ds;
    assert_int_equal(load(p, &ds, NULL), CATLR_OK);
    uint8_t want[CATLR_N_X];
    for (size_t j = 0; j < 4; j++) {
        expected_pixels(j, 30, 100, want);
        assert_memory_equal(catlr_dataset_pixels(ds) + j * CATLR_N_X, want, CATLR_N_X);
    }
    catlr_dataset_free(ds);
    free(p);
}

/* Ensure each shard of 1 to 5 holds its own rows [k M / n, (k+1) M / n),
 * their paths and labels, and the class counts of the whole file. */
static void test_shards(void **state) {
    h5_spec spec = good_spec();
    char *p = write_spec(*state, "good.h5", &spec);
    uint8_t want[CATLR_N_X];
    for (size_t n = 1; n <= 5; n++) {
        size_t seen = 0;
        for (size_t k = 0; k < n; k++) {
            catlr_dataset_opts opts = catlr_dataset_defaults();
            opts.shard_index = k;
            opts.shard_count = n;
            catlr_dataset *ds;
            assert_int_equal(catlr_dataset_load(p, &opts, &ds, NULL), CATLR_OK);
            size_t lo = k * 4 / n, m = (k + 1) * 4 / n - lo;
            assert_int_equal(catlr_dataset_count(ds), m);
            assert_int_equal(catlr_dataset_folder_count(ds, 0), 2);
            assert_int_equal(catlr_dataset_folder_count(ds, 1), 2);
            for (size_t j = 0; j < m; j++) {
                expected_pixels(lo + j, 64, 64, want);
                assert_memory_equal(catlr_dataset_pixels(ds) + j * CATLR_N_X, want, CATLR_N_X);
                assert_int_equal(catlr_dataset_labels(ds)[j], LABELS[lo + j]);
            }
            seen += m;
            catlr_dataset_free(ds);
        }
        assert_int_equal(seen, 4);
    }
    free(p);
}

/* Write spec, load it, expect status and a reason containing reason. */
static void assert_refused(const char *dir, const h5_spec *spec, catlr_status status,
                           const char *reason) {
    char *p = write_spec(dir, "bad.h5", spec);
    catlr_dataset *ds;
    catlr_error err = {{0}, {0}};
    catlr_status st = load(p, &ds, &err);
    if (st != status || strstr(err.reason, reason) == NULL)
        print_error("got %d \"%s\", want %d \"...%s...\"\n", st, err.reason, status, reason);
    assert_int_equal(st, status);
    assert_non_null(strstr(err.reason, reason));
    assert_string_equal(err.path, p);
    assert_null(ds);
    free(p);
}

/* Ensure every bad file of the course's layout is refused with the file
 * and what is wrong: a missing or second *_set_x, another element type, a
 * shape other than (m, H, W, 3), x and y of different m, labels other than
 * 0 and 1, a missing or wrong-length list_classes, sides over the image
 * caps (declared, never written: nothing is allocated from them). */
static void test_bad_files(void **state) {
    const char *dir = *state;
    h5_spec s = good_spec();
    s.x_name = NULL;
    assert_refused(dir, &s, CATLR_ERR_FORMAT, "no dataset named *_set_x");
    s = good_spec();
    s.classes_name = "test_set_x";
    assert_refused(dir, &s, CATLR_ERR_FORMAT, "two datasets named *_set_x");
    s = good_spec();
    s.x_float = 1;
    assert_refused(dir, &s, CATLR_ERR_FORMAT, "train_set_x holds floating-point numbers");
    s = good_spec();
    s.x_int16 = 1;
    assert_refused(dir, &s, CATLR_ERR_FORMAT, "2-byte signed integers, not uint8");
    s = good_spec();
    s.x_last_dim = 1;
    assert_refused(dir, &s, CATLR_ERR_SHAPE, "train_set_x is 4 x 64 x 64 x 1, not m x H x W x 3");
    s = good_spec();
    s.y_count = 3;
    assert_refused(dir, &s, CATLR_ERR_SHAPE, "train_set_y has 3 labels for 4 images");
    static const int64_t seven[4] = {1, 0, 7, 1};
    s = good_spec();
    s.y = seven;
    assert_refused(dir, &s, CATLR_ERR_DATA, "train_set_y[2] is 7, not 0 or 1");
    s = good_spec();
    s.classes_name = NULL;
    assert_refused(dir, &s, CATLR_ERR_FORMAT, "no dataset named list_classes");
    s = good_spec();
    s.n_classes = 1;
    assert_refused(dir, &s, CATLR_ERR_SHAPE, "list_classes holds 1 names, not 2");
    s = good_spec();
    s.x_no_data = 1;
    s.m = 1;
    s.y_count = 1;
    s.x_height = CATLR_IMAGE_MAX_SIDE + 1;
    s.x_width = 1;
    assert_refused(dir, &s, CATLR_ERR_SHAPE, "over the cap");
    s.x_height = s.x_width = 8193; /* each side under the cap, the area over */
    assert_refused(dir, &s, CATLR_ERR_SHAPE, "over the cap");
    s = good_spec();
    s.x_no_data = 1;
    s.m = (size_t)1 << 50; /* 2^50 images declared: too many for memory */
    s.y_count = 1;
    assert_refused(dir, &s, CATLR_ERR_FORMAT,
                   "train_set_x claims 1125899906842624 images but stores 0 bytes");
    static int64_t many_labels[64];
    s.m = s.y_count = 64; /* as many labels, but no pixels stored */
    s.y = many_labels;
    assert_refused(dir, &s, CATLR_ERR_FORMAT,
                   "train_set_x claims 64 images but stores 0 bytes: damaged or truncated");
}

/* Ensure a truncated file and a file that is not HDF5 (named .h5) are
 * refused as such. */
static void test_truncated_and_not_h5(void **state) {
    h5_spec spec = good_spec();
    char *good = write_spec(*state, "good.h5", &spec);
    char *cut = test_path(*state, "cut.h5");
    assert_int_equal(fixture_truncate_copy(good, cut, 30000), 0);
    catlr_dataset *ds;
    catlr_error err;
    assert_int_equal(load(cut, &ds, &err), CATLR_ERR_FORMAT);
    assert_string_equal(err.path, cut);
    assert_string_equal(err.reason, "a damaged or truncated HDF5 file");
    char *text = test_path(*state, "text.h5");
    test_write_file(text, "not hdf5\n", 9);
    assert_int_equal(load(text, &ds, &err), CATLR_ERR_FORMAT);
    assert_string_equal(err.reason, "not an HDF5 file");
    assert_null(ds);
    free(good);
    free(cut);
    free(text);
}

/* Ensure catlr_h5_save writes what loads back the same (pixels, labels,
 * class names), refuses an existing file and a bad dataset name, and
 * leaves no temporary file behind. */
static void test_save(void **state) {
    h5_spec spec = good_spec();
    char *src = write_spec(*state, "good.h5", &spec);
    catlr_dataset *ds, *back;
    assert_int_equal(load(src, &ds, NULL), CATLR_OK);
    char *dir = test_path(*state, "out");
    test_mkdir(dir);
    char *out = test_path(dir, "packed.h5");
    assert_int_equal(catlr_h5_save(out, "pets", ds, NULL), CATLR_OK);
    assert_int_equal(load(out, &back, NULL), CATLR_OK);
    assert_int_equal(catlr_dataset_count(back), 4);
    assert_memory_equal(catlr_dataset_pixels(back), catlr_dataset_pixels(ds), 4 * CATLR_N_X);
    assert_memory_equal(catlr_dataset_labels(back), catlr_dataset_labels(ds), 4);
    assert_string_equal(catlr_dataset_class_name(back, 0), "cat");
    assert_int_equal(catlr_dataset_positive(back), 0);
    catlr_dataset_free(back);
    /* label 1 is the positive class, list_classes[1] */
    catlr_h5_set set;
    assert_int_equal(catlr_h5_load(out, &set, NULL), CATLR_OK);
    assert_string_equal(set.class_names[1], "cat");
    assert_int_equal(set.y[0], 1);
    catlr_h5_free(&set);
    catlr_error err;
    assert_int_equal(catlr_h5_save(out, "pets", ds, &err), CATLR_ERR_IO);
    assert_string_equal(err.reason, "already exists; catlr does not overwrite it");
    char *other = test_path(dir, "other.h5");
    assert_int_equal(catlr_h5_save(other, "a/b", ds, &err), CATLR_ERR_ARG);
    assert_int_equal(access(other, F_OK), -1);
    /* nothing but packed.h5 in the folder */
    DIR *d = opendir(dir);
    size_t entries = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        entries += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(entries, 1);
    catlr_dataset_free(ds);
    free(other);
    free(out);
    free(dir);
    free(src);
}

#endif

int main(void) {
    const struct CMUnitTest tests[] = {
#if CATLR_HAVE_HDF5
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_positive),
        cmocka_unit_test(test_resized),
        cmocka_unit_test(test_shards),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_truncated_and_not_h5),
        cmocka_unit_test(test_save),
#else
        cmocka_unit_test(test_without_hdf5),
#endif
    };
    return cmocka_run_group_tests(tests, test_tempdir_setup, test_tempdir_teardown);
}
