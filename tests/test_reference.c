/* test_reference.c: catlr against the course's own table.
 *
 * When CATLR_REFERENCE_DIR names a folder laid out like the course's data
 * set (png/train/CLASS/NAME.png, png/test/CLASS/NAME.png, expected.txt, the
 * lines the course's float64 NumPy algorithm prints), train with the
 * course's settings and check that stdout is expected.txt, digit for digit,
 * with the default solver and with each solver forced;
 * then check that the saved model, through `catlr predict`, classifies the
 * test images with the test accuracy of the table; and, in a build with
 * HDF5, that the folders `catlr import` writes from the folder's
 * train_catvnoncat.h5 and test_catvnoncat.h5 give the same table, as do
 * those two files read directly, and that training on what `catlr pack`
 * makes of the png/ folders writes the folders' model byte for byte. Without
 * the variable the program says so and exits 77, which CTest reports as
 * skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "catlr/dataset.h"
#include "cli/cli.h"
#include "test_util.h"

static const int SKIPPED = 77;

typedef struct reference {
    const char *dir;
    char *train, *test, *expected_path;
    char *tmp, *model;
} reference;

static int setup(void **state) {
    reference *ref = calloc(1, sizeof *ref);
    assert_non_null(ref);
    ref->dir = getenv("CATLR_REFERENCE_DIR");
    ref->train = test_path(ref->dir, "png/train");
    ref->test = test_path(ref->dir, "png/test");
    ref->expected_path = test_path(ref->dir, "expected.txt");
    ref->tmp = test_make_tempdir();
    ref->model = test_path(ref->tmp, "reference.model");
    *state = ref;
    return 0;
}

static int teardown(void **state) {
    reference *ref = *state;
    test_remove_tree(ref->tmp);
    free(ref->train);
    free(ref->test);
    free(ref->expected_path);
    free(ref->tmp);
    free(ref->model);
    free(ref);
    return 0;
}

/* Compare got with want line by line; on the first difference print both
 * lines (numbered) and fail. */
static void assert_same_lines(const char *got, const char *want) {
    size_t line = 1;
    while (*got != '\0' || *want != '\0') {
        size_t g = strcspn(got, "\n"), w = strcspn(want, "\n");
        if (g != w || strncmp(got, want, g) != 0) {
            print_error("line %zu differs:\n  got:  %.*s\n  want: %.*s\n", line, (int)g, got,
                        (int)w, want);
            fail();
        }
        got += g + (got[g] == '\n');
        want += w + (want[w] == '\n');
        line++;
    }
}

/* Run argv in-process, expect exit 0, return stdout (to free). */
static char *run_ok(int argc, char **argv) {
    FILE *out = tmpfile(), *err = tmpfile();
    int code = catlr_cli_run(argc, argv, out, err);
    char *got = test_read_stream(out), *errors = test_read_stream(err);
    fclose(out);
    fclose(err);
    if (code != 0)
        print_error("exit %d, stderr:\n%s", code, errors);
    assert_int_equal(code, 0);
    free(errors);
    return got;
}

/* Run `catlr train png/train --test png/test --lr 0.005 --iterations 2000
 * -o MODEL --solver SOLVER --threads THREADS` (the last two left out when
 * NULL) and fail unless it prints expected.txt exactly, and nothing else
 * on stdout. */
static void assert_prints_table(const reference *ref, const char *model, char *solver,
                                char *threads) {
    char *argv[17] = {"catlr", "train", ref->train, "--test", ref->test, "--lr", "0.005",
                      "--iterations", "2000", "-q", "-o", (char *)model};
    int argc = 12;
    if (solver != NULL) {
        argv[argc++] = "--solver";
        argv[argc++] = solver;
    }
    if (threads != NULL) {
        argv[argc++] = "--threads";
        argv[argc++] = threads;
    }
    char *want = test_read_text(ref->expected_path);
    char *got = run_ok(argc, argv);
    assert_same_lines(got, want);
    free(got);
    free(want);
}

/* Ensure the course's settings print expected.txt exactly with the default
 * solver (auto, which picks gram here) on all cores; the model it writes is
 * the one test_predict_matches_table uses. */
static void test_course_table(void **state) {
    reference *ref = *state;
    assert_prints_table(ref, ref->model, NULL, NULL);
}

/* Ensure the primal solver prints the same table, on 2 threads. */
static void test_course_table_primal(void **state) {
    reference *ref = *state;
    char *model = test_path(ref->tmp, "primal.model");
    assert_prints_table(ref, model, "primal", "2");
    free(model);
}

/* Ensure the Gram solver prints the same table, on 1 thread. */
static void test_course_table_gram(void **state) {
    reference *ref = *state;
    char *model = test_path(ref->tmp, "gram.model");
    assert_prints_table(ref, model, "gram", "1");
    free(model);
}

/* Ensure the Gram solver prints the same table on 2 threads, and writes
 * the same model bytes as on 1 (its parts are fixed by m, not by the
 * thread count). */
static void test_course_table_gram_two_threads(void **state) {
    reference *ref = *state;
    char *one = test_path(ref->tmp, "gram.model"), *two = test_path(ref->tmp, "gram2.model");
    assert_prints_table(ref, one, "gram", "1");
    assert_prints_table(ref, two, "gram", "2");
    size_t n1 = 0, n2 = 0;
    unsigned char *b1 = test_read_file(one, &n1), *b2 = test_read_file(two, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(b1);
    free(b2);
    free(one);
    free(two);
}

/* The test-accuracy figure of expected.txt, e.g. "70.00". */
static void expected_test_accuracy(const reference *ref, char *buf, size_t size) {
    char *text = test_read_text(ref->expected_path);
    const char *line = strstr(text, "test accuracy: ");
    assert_non_null(line);
    snprintf(buf, size, "%.*s", (int)strcspn(line + 15, " "), line + 15);
    free(text);
}

/* Run `catlr predict MODEL` on every test image and count the lines whose
 * class is the image's own class folder. */
static size_t count_correct_predictions(const reference *ref, const catlr_dataset *ds) {
    size_t m = catlr_dataset_count(ds);
    char **argv = calloc(m + 4, sizeof *argv);
    assert_non_null(argv);
    argv[0] = "catlr";
    argv[1] = "predict";
    argv[2] = ref->model;
    for (size_t j = 0; j < m; j++)
        argv[3 + j] = (char *)catlr_dataset_path(ds, j);
    FILE *out = tmpfile(), *err = tmpfile();
    assert_int_equal(catlr_cli_run((int)m + 3, argv, out, err), 0);
    char *got = test_read_stream(out), *errors = test_read_stream(err);
    assert_string_equal(errors, "");
    size_t correct = 0, lines = 0;
    for (char *line = strtok(got, "\n"); line != NULL; line = strtok(NULL, "\n"), lines++) {
        const char *path = catlr_dataset_path(ds, lines);
        size_t positive = catlr_dataset_positive(ds);
        const char *cls = catlr_dataset_class_name(
            ds, catlr_dataset_labels(ds)[lines] ? positive : 1 - positive);
        char want_prefix[2048];
        snprintf(want_prefix, sizeof want_prefix, "%s\t%s\t", path, cls);
        correct += strncmp(line, want_prefix, strlen(want_prefix)) == 0;
    }
    assert_int_equal(lines, m);
    fclose(out);
    fclose(err);
    free(got);
    free(errors);
    free(argv);
    return correct;
}

/* Ensure the saved model predicts the test images, one `catlr predict` line
 * each, at the table's test accuracy (70.00 % on the course's data). Uses
 * the model test_course_table wrote, so it runs after it. */
static void test_predict_matches_table(void **state) {
    reference *ref = *state;
    catlr_dataset *ds = NULL;
    assert_int_equal(catlr_dataset_load_dir(ref->test, "cat", &ds, NULL), CATLR_OK);
    size_t correct = count_correct_predictions(ref, ds);
    char got[32], want[32];
    snprintf(got, sizeof got, "%.2f", 100.0 * (double)correct / (double)catlr_dataset_count(ds));
    expected_test_accuracy(ref, want, sizeof want);
    assert_string_equal(got, want);
    catlr_dataset_free(ds);
}

/* Ensure `catlr import` of the course's two .h5 files gives folders on
 * which `catlr train` prints expected.txt exactly (the .h5 holds the same
 * pixels the png/ folders do, and the file order is kept). */
static void test_import_course_table(void **state) {
#if CATLR_HAVE_HDF5
    reference *ref = *state;
    char *h5_train = test_path(ref->dir, "train_catvnoncat.h5");
    char *h5_test = test_path(ref->dir, "test_catvnoncat.h5");
    char *train = test_path(ref->tmp, "imported-train"), *test = test_path(ref->tmp, "imported-test");
    char *model = test_path(ref->tmp, "imported.model");
    free(run_ok(5, (char *[]){"catlr", "import", "-q", h5_train, train, NULL}));
    free(run_ok(5, (char *[]){"catlr", "import", "-q", h5_test, test, NULL}));
    char *got = run_ok(12, (char *[]){"catlr", "train", train, "--test", test, "--lr", "0.005",
                                      "--iterations", "2000", "-q", "-o", model, NULL});
    char *want = test_read_text(ref->expected_path);
    assert_same_lines(got, want);
    free(got);
    free(want);
    free(model);
    free(test);
    free(train);
    free(h5_test);
    free(h5_train);
#else
    (void)state;
    skip(); /* built without HDF5 */
#endif
}

/* Ensure `catlr train train_catvnoncat.h5 --test test_catvnoncat.h5`
 * prints expected.txt exactly, straight from the course's files; and that
 * `catlr pack` of the png/ folders gives files on which training writes
 * the same model bytes as on the folders. */
static void test_h5_course_table(void **state) {
#if CATLR_HAVE_HDF5
    reference *ref = *state;
    char *h5_train = test_path(ref->dir, "train_catvnoncat.h5");
    char *h5_test = test_path(ref->dir, "test_catvnoncat.h5");
    char *model = test_path(ref->tmp, "h5.model");
    char *got = run_ok(12, (char *[]){"catlr", "train", h5_train, "--test", h5_test, "--lr",
                                      "0.005", "--iterations", "2000", "-q", "-o", model, NULL});
    char *want = test_read_text(ref->expected_path);
    assert_same_lines(got, want);
    free(got);
    char *packed_train = test_path(ref->tmp, "packed-train.h5");
    char *packed_test = test_path(ref->tmp, "packed-test.h5");
    char *packed_model = test_path(ref->tmp, "packed.model");
    free(run_ok(5, (char *[]){"catlr", "pack", "-q", ref->train, packed_train, NULL}));
    free(run_ok(7, (char *[]){"catlr", "pack", "-q", "--name", "test", ref->test, packed_test,
                              NULL}));
    got = run_ok(12, (char *[]){"catlr", "train", packed_train, "--test", packed_test, "--lr",
                                "0.005", "--iterations", "2000", "-q", "-o", packed_model, NULL});
    assert_same_lines(got, want);
    size_t size_folder, size_packed;
    unsigned char *from_folder = test_read_file(ref->model, &size_folder);
    unsigned char *from_pack = test_read_file(packed_model, &size_packed);
    assert_int_equal(size_folder, size_packed);
    assert_memory_equal(from_folder, from_pack, size_folder);
    free(from_pack);
    free(from_folder);
    free(got);
    free(want);
    free(packed_model);
    free(packed_test);
    free(packed_train);
    free(model);
    free(h5_test);
    free(h5_train);
#else
    (void)state;
    skip(); /* built without HDF5 */
#endif
}

int main(void) {
    const char *dir = getenv("CATLR_REFERENCE_DIR");
    if (dir == NULL || dir[0] == '\0') {
        printf("reference: skipped: set CATLR_REFERENCE_DIR to a folder laid out like the "
               "course's catvnoncat (png/train, png/test, expected.txt)\n");
        return SKIPPED;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_course_table),
        cmocka_unit_test(test_course_table_primal),
        cmocka_unit_test(test_course_table_gram),
        cmocka_unit_test(test_course_table_gram_two_threads),
        cmocka_unit_test(test_predict_matches_table),
        cmocka_unit_test(test_import_course_table),
        cmocka_unit_test(test_h5_course_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
