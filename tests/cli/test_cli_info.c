/* test_cli_info.c: catlr info on model files written by hand with every
 * field of format 3 set, on a fresh model, and on damaged files. Called
 * in-process like test_cli.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <zlib.h>

#include "catlr/model.h"
#include "fixtures.h"
#include "test_util.h"
#include "cli_run.h"

/* A model with every recorded field set to a value of its own, written to
 * dir/full.model; the path, to free. */
static char *write_full_model(const char *dir) {
    char *path = test_path(dir, "full.model");
    catlr_model m;
    const catlr_model_shape shape = {
        .height = 64, .width = 64, .channels = 3, .class_names = {"cat", "non-cat"}, .positive = 0};
    assert_int_equal(catlr_model_init(&m, &shape, NULL), CATLR_OK);
    m.lr = 0.0075;
    m.iterations = 1500;
    m.final_cost = 0.25;
    m.l2 = 0.5;
    m.tol = 1e-6;
    m.stopped_early = 1;
    m.solver = CATLR_SOLVER_PRIMAL;
    m.threshold = 0.42;
    m.threshold_picked = 1;
    m.val_fraction = 0.25;
    m.seed = 7;
    m.train_count[0] = 54; /* cat */
    m.train_count[1] = 103;
    m.val_count[0] = 18;
    m.val_count[1] = 34;
    m.class_weight[0] = 0.75; /* label 0: non-cat */
    m.class_weight[1] = 1.5;  /* label 1: cat */
    m.class_weight_balanced = 1;
    m.final_val_cost = 0.375;
    m.best_iteration = 1200;
    m.augment = CATLR_AUGMENT_FLIP;
    m.warm_start = 1;
    assert_int_equal(catlr_model_save(&m, path, NULL), CATLR_OK);
    catlr_model_free(&m);
    return path;
}

/* Ensure info prints every field of a model, each on its line, the class
 * weights by class name (label 1 first), the counts by class folder. */
static void test_info_text(void **state) {
    char *path = write_full_model(*state);
    result r = run("info", path, NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    char want[4096];
    snprintf(want, sizeof want,
             "model:           %s\n"
             "format:          version 3, checksum OK\n"
             "classes:         cat, non-cat\n"
             "positive class:  cat\n"
             "image size:      64x64x3 (12288 weights)\n"
             "learning rate:   0.0075\n"
             "iterations:      1500 (stopped early by the tolerance)\n"
             "L2 lambda:       0.5\n"
             "tolerance:       1e-06\n"
             "solver:          primal\n"
             "split:           validation fraction 0.25, seed 7\n"
             "trained on:      cat 54, non-cat 103\n"
             "validated on:    cat 18, non-cat 34\n"
             "class weights:   cat 1.5, non-cat 0.75 (balanced)\n"
             "augmentation:    flip\n"
             "warm start:      yes (from another model's weights)\n"
             "threshold:       0.42 (picked on the validation set)\n"
             "final cost:      0.25\n"
             "validation cost: 0.375\n"
             "best iteration:  1200\n",
             path);
    assert_string_equal(r.out, want);
    result_free(&r);
    free(path);
}

/* Ensure --json holds the same fields as one object, null for what a
 * fresh model lacks (its validation cost). */
static void test_info_json(void **state) {
    char *path = write_full_model(*state);
    result r = run("info", "--json", path, NULL);
    assert_int_equal(r.code, 0);
    char want[4096];
    snprintf(want, sizeof want,
             "{\"model\":\"%s\",\"format_version\":3,\"checksum_ok\":true,"
             "\"classes\":[\"cat\",\"non-cat\"],\"positive\":\"cat\",\"height\":64,\"width\":64,"
             "\"channels\":3,\"lr\":0.0075,\"iterations\":1500,\"l2\":0.5,"
             "\"tol\":1e-06,\"stopped_early\":true,\"solver\":\"primal\","
             "\"val_fraction\":0.25,\"seed\":7,\"train_count\":{\"cat\":54,\"non-cat\":103},"
             "\"val_count\":{\"cat\":18,\"non-cat\":34},"
             "\"class_weight\":{\"cat\":1.5,\"non-cat\":0.75},\"class_weight_balanced\":true,"
             "\"augment\":[\"flip\"],\"warm_start\":true,\"threshold\":0.42,"
             "\"threshold_picked\":true,\"final_cost\":0.25,\"final_val_cost\":0.375,"
             "\"best_iteration\":1200}\n",
             path);
    assert_string_equal(r.out, want);
    result_free(&r);
    free(path);

    /* a fresh model: the "not recorded" values */
    path = test_path(*state, "fresh.model");
    catlr_model m;
    const catlr_model_shape shape = {
        .height = 64, .width = 64, .channels = 3, .class_names = {"a", "b"}, .positive = 1};
    assert_int_equal(catlr_model_init(&m, &shape, NULL), CATLR_OK);
    assert_int_equal(catlr_model_save(&m, path, NULL), CATLR_OK);
    catlr_model_free(&m);
    r = run("info", "-j", path, NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "\"positive\":\"b\""));
    assert_non_null(strstr(r.out, "\"threshold\":0.5,\"threshold_picked\":false"));
    assert_non_null(strstr(r.out, "\"final_val_cost\":null"));
    assert_non_null(strstr(r.out, "\"augment\":[],\"warm_start\":false"));
    result_free(&r);
    r = run("info", path, NULL);
    assert_non_null(strstr(r.out, "\nsplit:           none (trained on the whole folder)\n"
                                  "trained on:      not recorded\n"
                                  "class weights:   b 1, a 1\n"));
    assert_non_null(strstr(r.out, "\nvalidation cost: none\n"));
    assert_null(strstr(r.out, "validated on"));
    result_free(&r);
    free(path);
}

/* Ensure a truncated file, a flipped byte and a missing file each fail with
 * exit 1, the loader's reason in one line, and nothing on stdout. */
static void test_info_damaged(void **state) {
    char *path = write_full_model(*state);
    size_t size;
    unsigned char *bytes = test_read_file(path, &size);
    char *cut = test_path(*state, "cut.model"), *flipped = test_path(*state, "flip.model");
    test_write_file(cut, bytes, 1000);
    bytes[size / 2] ^= 1; /* inside the weights: only the CRC notices */
    test_write_file(flipped, bytes, size);
    catlr_error err;
    catlr_model m;
    const char *files[] = {cut, flipped, "/nonexistent/m.model"};
    for (size_t k = 0; k < 3; k++) {
        assert_int_not_equal(catlr_model_load(files[k], &m, &err), CATLR_OK);
        char line[2048];
        snprintf(line, sizeof line, "catlr: %s: %s", err.path, err.reason);
        result r = run("info", files[k], NULL);
        assert_failure(&r, line);
        assert_string_equal(r.out, "");
        result_free(&r);
    }
    free(bytes);
    free(cut);
    free(flipped);
    free(path);
}

/* Ensure info names the format version of the file it read: a version 2
 * file (the same model with its header cut at offset 88, as catlr wrote
 * them before format 3) says version 2 and "not recorded" for the split. */
static void test_info_older_version(void **state) {
    char *path = write_full_model(*state);
    size_t size;
    unsigned char *bytes = test_read_file(path, &size);
    const size_t cut = CATLR_MODEL_HEADER_SIZE - CATLR_MODEL_HEADER_SIZE_V2;
    memmove(bytes + CATLR_MODEL_HEADER_SIZE_V2, bytes + CATLR_MODEL_HEADER_SIZE,
            size - CATLR_MODEL_HEADER_SIZE);
    size -= cut;
    bytes[4] = 2;
    uint32_t crc = (uint32_t)crc32(0L, bytes, (uInt)(size - 4));
    for (int k = 0; k < 4; k++)
        bytes[size - 4 + k] = (unsigned char)(crc >> (8 * k));
    char *old = test_path(*state, "v2.model");
    test_write_file(old, bytes, size);
    result r = run("info", old, NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "format:          version 2, checksum OK\n"));
    result_free(&r);
    r = run("info", "--json", old, NULL);
    assert_non_null(strstr(r.out, "\"format_version\":2,"));
    result_free(&r);
    free(old);
    free(bytes);
    free(path);
}

/* Ensure info shows a model for images of another size (2x3x1): the file
 * passes every check of the loader, so info reports what it holds, while
 * predict, which needs 64x64x3, refuses it with exit 1. */
static void test_info_other_image_size(void **state) {
    char *path = test_path(*state, "small.model");
    catlr_model m;
    const catlr_model_shape shape = {
        .height = 2, .width = 3, .channels = 1, .class_names = {"a", "b"}, .positive = 1};
    assert_int_equal(catlr_model_init(&m, &shape, NULL), CATLR_OK);
    assert_int_equal(catlr_model_save(&m, path, NULL), CATLR_OK);
    catlr_model_free(&m);
    result r = run("info", path, NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "image size:      2x3x1 (6 weights)\n"));
    assert_non_null(strstr(r.out, "positive class:  b\n"));
    assert_string_equal(r.err, "");
    result_free(&r);
    char want[1200];
    snprintf(want, sizeof want, "catlr: %s: model is for 2x3x1 images, catlr reads 64x64x3",
             path);
    r = run("predict", path, path, NULL);
    assert_failure(&r, want);
    result_free(&r);
    free(path);
}

/* Ensure info's usage errors and --help. */
static void test_info_usage(void **state) {
    (void)state;
    result r = run("info", NULL);
    assert_usage_error(&r, "catlr: info: missing MODEL", "info");
    r = run("info", "a.model", "b.model", NULL);
    assert_usage_error(&r, "catlr: info: unexpected argument 'b.model'", "info");
    r = run("info", "--csv", "a.model", NULL);
    assert_usage_error(&r, "catlr: info: unknown option '--csv'", "info");
    r = run("info", "--help", NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "Usage: catlr info [options] MODEL\n"));
    assert_non_null(strstr(r.out, "--json"));
    result_free(&r);
    r = run("--help", NULL);
    assert_non_null(strstr(r.out, "  info "));
    result_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_info_text),
        cmocka_unit_test(test_info_json),
        cmocka_unit_test(test_info_damaged),
        cmocka_unit_test(test_info_older_version),
        cmocka_unit_test(test_info_other_image_size),
        cmocka_unit_test(test_info_usage),
    };
    return cmocka_run_group_tests(tests, test_tempdir_setup, test_tempdir_teardown);
}
