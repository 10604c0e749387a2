/* test_model.c: the model in memory (init, free, labels) and its binary file
 * (the layout of docs/model-format.md, which is checked against the code's
 * table of fields; exact round trip; every refusal of the loader with its
 * own reason, one table of damaged files; atomic save). Files are made
 * while the tests run, in a mkdtemp folder that the group teardown
 * removes; damaged files are made by patching a saved one and, where the
 * case needs it, recomputing the CRC with zlib so that only the damage
 * under test is left. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <dirent.h>
#include <fcntl.h>
#include <float.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "catlr/model.h"
#include "model/model_format.h"
#include "test_util.h"

#ifndef CATLR_MODEL_FORMAT_DOC
#error "CATLR_MODEL_FORMAT_DOC: the path of docs/model-format.md, from CMake"
#endif

/* The smallest model used below: 1x2x1 with names "non-cat" and "cat", so
 * its file is 184 + 7 + 3 + 4*2 + 4 = 206 bytes (110 in format version 2,
 * 86 in version 1). */
#define SMALL_FILE_SIZE 206u
#define HDR 184u /* header bytes of the version written */

// ----------------------------------------------------------------------------
// Fixtures and helpers.

struct fixtures {
    char *root; /* mkdtemp folder; each test makes its own subfolder */
};

static int setup(void **state) {
    struct fixtures *fx = calloc(1, sizeof *fx);
    if (fx == NULL)
        return -1;
    fx->root = test_make_tempdir();
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    struct fixtures *fx = *state;
    test_remove_tree(fx->root);
    free(fx->root);
    free(fx);
    return 0;
}

/* A new empty folder root/name for one test; the caller frees the path. */
static char *new_dir(void **state, const char *name) {
    const struct fixtures *fx = *state;
    char *dir = test_path(fx->root, name);
    test_mkdir(dir);
    return dir;
}

/* Fail unless text contains part, printing both. */
#define assert_contains(text, part) assert_contains_at((text), (part), __FILE__, __LINE__)

static void assert_contains_at(const char *text, const char *part, const char *file,
                               int line) {
    if (strstr(text, part) == NULL) {
        print_error("\"%s\"\ndoes not contain \"%s\"\n", text, part);
        _fail(file, line);
    }
}

static uint32_t le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p) {
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put_le32(unsigned char *p, uint32_t v) {
    for (int k = 0; k < 4; k++)
        p[k] = (unsigned char)(v >> (8 * k));
}

static uint32_t bits_of_float(float v) {
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

static uint64_t bits_of_double(double v) {
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

/* zlib's crc32 of the first len bytes. */
static uint32_t crc_of(const unsigned char *buf, size_t len) {
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf, (uInt)len);
}

/* Make the file's last 4 bytes the CRC of everything before them again. */
static void fix_crc(unsigned char *buf, size_t size) {
    put_le32(buf + size - 4, crc_of(buf, size - 4));
}

/* Set the u32 at offset off and recompute the CRC, so that only the patched
 * field is wrong. */
static void patch_u32(unsigned char *buf, size_t size, size_t off, uint32_t v) {
    put_le32(buf + off, v);
    fix_crc(buf, size);
}

/* 64x64x3 with weights that a lossy or text format would not keep: -0, the
 * smallest subnormals, values near FLT_MAX, decimals that floats cannot hold
 * (0.1f, 1/3), and a spread of magnitudes from 1e-6 to 1e6 of both signs;
 * names with a space and UTF-8 bytes; iterations above 2^32. */
static void make_full(catlr_model *model) {
    catlr_error err = {0};
    const catlr_model_shape shape = {
        .height = 64, .width = 64, .channels = 3, .class_names = {"chat noir", "Katze \xc3\xbc"},
        .positive = 1};
    assert_int_equal(catlr_model_init(model, &shape, &err), CATLR_OK);
    size_t n = catlr_model_n_x(model);
    for (size_t i = 0; i < n; i++)
        model->w[i] = (float)(sin(0.37 * (double)i) * pow(10.0, (double)(i % 13) - 6.0));
    model->w[0] = -0.0f;
    model->w[1] = FLT_TRUE_MIN;      /* 2^-149, the smallest subnormal */
    model->w[2] = -3 * FLT_TRUE_MIN; /* a negative subnormal */
    model->w[3] = FLT_MAX;
    model->w[4] = -1.5e38f;
    model->w[5] = 0.1f; /* 0.100000001490116..., not 0.1 */
    model->w[6] = 1.0f / 3.0f;
    model->w[7] = FLT_MIN / 2; /* subnormal */
    model->w[n - 1] = -7.25e-3f;
    model->b = -1.0 / 3.0;
    model->lr = 0.005;
    model->iterations = (UINT64_C(1) << 32) + 12345;
    model->final_cost = 0.1 + 0.2; /* 0.30000000000000004 */
    model->l2 = 0.7;
    model->tol = 1e-9;
    model->stopped_early = 1;
    model->solver = CATLR_SOLVER_GRAM;
    model->threshold = 0.35;
    model->threshold_picked = 1;
    model->val_fraction = 0.2;
    model->seed = UINT64_C(0xfedcba9876543210);
    model->train_count[0] = 111;
    model->train_count[1] = 56;
    model->val_count[0] = 28;
    model->val_count[1] = 14;
    model->class_weight[0] = 0.75;
    model->class_weight[1] = 1.5;
    model->class_weight_balanced = 1;
    model->final_val_cost = 0.4375;
    model->best_iteration = 1234;
    model->augment = CATLR_AUGMENT_FLIP;
    model->warm_start = 1;
}

/* 1x2x1, names "non-cat" and "cat", positive 1: a file of SMALL_FILE_SIZE bytes. */
static void make_small(catlr_model *model) {
    catlr_error err = {0};
    const catlr_model_shape shape = {
        .height = 1, .width = 2, .channels = 1, .class_names = {"non-cat", "cat"}, .positive = 1};
    assert_int_equal(catlr_model_init(model, &shape, &err), CATLR_OK);
    model->w[0] = -2.5f;
    model->w[1] = 0.1f;
    model->b = 0.7;
    model->lr = 0.01;
    model->iterations = (UINT64_C(1) << 33) + 1;
    model->final_cost = 0.6931471805599453;
    model->l2 = 0.25;
    model->tol = 0.001;
    model->stopped_early = 1;
    model->solver = CATLR_SOLVER_PRIMAL;
}

/* Save model as dir/name and return the file's bytes (free them). */
static unsigned char *saved_bytes(const catlr_model *model, const char *dir,
                                  const char *name, size_t *size) {
    char *path = test_path(dir, name);
    catlr_error err = {0};
    assert_int_equal(catlr_model_save(model, path, &err), CATLR_OK);
    unsigned char *buf = test_read_file(path, size);
    free(path);
    return buf;
}

/* The bytes of a saved small model (free them). */
static unsigned char *small_file(void **state, const char *dirname, size_t *size) {
    catlr_model model;
    make_small(&model);
    char *dir = new_dir(state, dirname);
    unsigned char *buf = saved_bytes(&model, dir, "small.model", size);
    assert_int_equal(*size, SMALL_FILE_SIZE);
    catlr_model_free(&model);
    free(dir);
    return buf;
}

/* Write data to path and load it. A refused load must leave a model with
 * nothing to free, so the model starts out filled with garbage. */
static catlr_status load_bytes(const char *path, const void *data, size_t size,
                               catlr_error *err) {
    test_write_file(path, data, size);
    catlr_model model;
    memset(&model, 0x5a, sizeof model);
    catlr_status st = catlr_model_load(path, &model, err);
    if (st == CATLR_OK)
        catlr_model_free(&model);
    else
        assert_null(model.w);
    return st;
}

/* catlr_model_load_memory on an exact-size heap copy of data[0..size), so
 * that ASan sees any read past its end; the same nothing-to-free check. */
static catlr_status load_copy(const unsigned char *data, size_t size, catlr_error *err) {
    unsigned char *copy = NULL;
    if (size > 0) {
        copy = malloc(size);
        assert_non_null(copy);
        memcpy(copy, data, size);
    }
    catlr_model model;
    memset(&model, 0x5a, sizeof model);
    catlr_status st = catlr_model_load_memory(copy, size, "copy", &model, err);
    if (st == CATLR_OK)
        catlr_model_free(&model);
    else
        assert_null(model.w);
    free(copy);
    return st;
}

/* Fail unless dir holds exactly one entry, named name. */
static void assert_only_entry(const char *dir, const char *name) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    int count = 0, unexpected = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        count++;
        if (strcmp(e->d_name, name) != 0) {
            print_error("unexpected entry %s/%s\n", dir, e->d_name);
            unexpected++;
        }
    }
    closedir(d);
    assert_int_equal(unexpected, 0);
    assert_int_equal(count, 1);
}

/* Fail unless two models hold the same geometry, names and bit-identical numbers. */
static void assert_models_identical(const catlr_model *got, const catlr_model *want) {
    assert_int_equal(got->height, want->height);
    assert_int_equal(got->width, want->width);
    assert_int_equal(got->channels, want->channels);
    assert_int_equal(got->positive, want->positive);
    assert_string_equal(got->class_names[0], want->class_names[0]);
    assert_string_equal(got->class_names[1], want->class_names[1]);
    assert_non_null(got->w);
    assert_memory_equal(got->w, want->w, catlr_model_n_x(want) * sizeof *want->w);
    assert_memory_equal(&got->b, &want->b, sizeof want->b);
    assert_memory_equal(&got->lr, &want->lr, sizeof want->lr);
    assert_memory_equal(&got->final_cost, &want->final_cost, sizeof want->final_cost);
    assert_true(got->iterations == want->iterations);
    assert_memory_equal(&got->l2, &want->l2, sizeof want->l2);
    assert_memory_equal(&got->tol, &want->tol, sizeof want->tol);
    assert_int_equal(got->stopped_early, want->stopped_early);
    assert_int_equal(got->solver, want->solver);
    assert_memory_equal(&got->threshold, &want->threshold, sizeof want->threshold);
    assert_int_equal(got->threshold_picked, want->threshold_picked);
    assert_memory_equal(&got->val_fraction, &want->val_fraction, sizeof want->val_fraction);
    assert_true(got->seed == want->seed);
    assert_memory_equal(got->train_count, want->train_count, sizeof want->train_count);
    assert_memory_equal(got->val_count, want->val_count, sizeof want->val_count);
    assert_memory_equal(got->class_weight, want->class_weight, sizeof want->class_weight);
    assert_int_equal(got->class_weight_balanced, want->class_weight_balanced);
    assert_memory_equal(&got->final_val_cost, &want->final_val_cost,
                        sizeof want->final_val_cost);
    assert_true(got->best_iteration == want->best_iteration);
    assert_int_equal(got->augment, want->augment);
    assert_int_equal(got->warm_start, want->warm_start);
    assert_int_equal(got->version, want->version);
}

// ----------------------------------------------------------------------------
// The model in memory.

/* Ensure init makes zero weights (+0.0, not -0.0) and a zero bias and record,
 * and stores the geometry, names and positive index; n_x = h*w*c. */
static void test_init_zero_weights(void **state) {
    (void)state;
    catlr_model model;
    catlr_error err = {0};
    memset(&model, 0x5a, sizeof model);
    const catlr_model_shape shape = {
        .height = 64, .width = 64, .channels = 3, .class_names = {"cat", "non-cat"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape, &err), CATLR_OK);
    assert_int_equal(catlr_model_n_x(&model), 12288);
    assert_int_equal(model.height, 64);
    assert_int_equal(model.width, 64);
    assert_int_equal(model.channels, 3);
    assert_int_equal(model.positive, 0);
    assert_string_equal(model.class_names[0], "cat");
    assert_string_equal(model.class_names[1], "non-cat");
    assert_non_null(model.w);
    for (size_t i = 0; i < 12288; i++)
        assert_int_equal(bits_of_float(model.w[i]), 0);
    assert_true(bits_of_double(model.b) == 0);
    assert_true(bits_of_double(model.lr) == 0);
    assert_true(bits_of_double(model.final_cost) == 0);
    assert_true(model.iterations == 0);
    catlr_model_free(&model);

    /* 3 x 5 x 2 = 30: every factor counts, and the sides at the limit pass */
    const catlr_model_shape shape2 = {
        .height = 3, .width = 5, .channels = 2, .class_names = {"a", "b"}, .positive = 1};
    assert_int_equal(catlr_model_init(&model, &shape2, &err), CATLR_OK);
    assert_int_equal(catlr_model_n_x(&model), 30);
    assert_int_equal(model.positive, 1);
    catlr_model_free(&model);
    const catlr_model_shape shape3 = {
        .height = 16384, .width = 1, .channels = 4, .class_names = {"a", "b"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape3, &err), CATLR_OK);
    assert_int_equal(catlr_model_n_x(&model), 65536);
    catlr_model_free(&model);
}

/* Ensure a 255-byte name is accepted and kept whole, and a 256-byte one refused. */
static void test_init_name_length_limit(void **state) {
    (void)state;
    char name255[256], name256[257];
    memset(name255, 'x', 255);
    name255[255] = '\0';
    memset(name256, 'y', 256);
    name256[256] = '\0';
    catlr_model model;
    catlr_error err = {0};
    const catlr_model_shape shape = {
        .height = 1, .width = 1, .channels = 1, .class_names = {name255, "b"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape, &err), CATLR_OK);
    assert_string_equal(model.class_names[0], name255);
    catlr_model_free(&model);
    const catlr_model_shape shape2 = {
        .height = 1, .width = 1, .channels = 1, .class_names = {"a", name255}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape2, &err), CATLR_OK);
    assert_string_equal(model.class_names[1], name255);
    catlr_model_free(&model);

    memset(&model, 0x5a, sizeof model);
    const catlr_model_shape shape3 = {
        .height = 1, .width = 1, .channels = 1, .class_names = {name256, "b"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape3, &err), CATLR_ERR_ARG);
    assert_null(model.w);
    memset(&model, 0x5a, sizeof model);
    const catlr_model_shape shape4 = {
        .height = 1, .width = 1, .channels = 1, .class_names = {"a", name256}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape4, &err), CATLR_ERR_ARG);
    assert_null(model.w);
}

/* Ensure init refuses each value the header rules out with CATLR_ERR_ARG and a
 * reason, and leaves a model with nothing to free (w == NULL). */
static void test_init_refusals(void **state) {
    (void)state;
    static const struct {
        uint32_t height, width, channels;
        const char *class0, *class1;
        uint32_t positive;
    } cases[] = {
        {64, 64, 3, "", "non-cat", 0},    {64, 64, 3, "cat", "", 0},
        {64, 64, 3, "cat", "non-cat", 2}, {0, 64, 3, "cat", "non-cat", 0},
        {16385, 64, 3, "cat", "non-cat", 0}, {64, 0, 3, "cat", "non-cat", 0},
        {64, 16385, 3, "cat", "non-cat", 0}, {64, 64, 0, "cat", "non-cat", 0},
        {64, 64, 5, "cat", "non-cat", 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        catlr_model model;
        catlr_error err = {{0}, {0}};
        memset(&model, 0x5a, sizeof model);
        catlr_status st =
            catlr_model_init(&model,
                             &(catlr_model_shape){.height = cases[k].height,
                                                  .width = cases[k].width,
                                                  .channels = cases[k].channels,
                                                  .class_names = {cases[k].class0, cases[k].class1},
                                                  .positive = cases[k].positive},
                             &err);
        if (st != CATLR_ERR_ARG)
            print_error("case %zu: status %d\n", k, (int)st);
        assert_int_equal(st, CATLR_ERR_ARG);
        assert_null(model.w);
        assert_true(err.reason[0] != '\0');
        catlr_model_free(&model); /* nothing to free, and harmless */
    }
}

/* Ensure free accepts NULL, zeroes the model, and a second free is harmless. */
static void test_free_null_and_twice(void **state) {
    (void)state;
    catlr_model_free(NULL);
    catlr_model model;
    catlr_error err = {0};
    const catlr_model_shape shape = {
        .height = 2, .width = 2, .channels = 1, .class_names = {"a", "b"}, .positive = 1};
    assert_int_equal(catlr_model_init(&model, &shape, &err), CATLR_OK);
    model.b = 1.5;
    catlr_model_free(&model);
    assert_null(model.w);
    assert_int_equal(model.height, 0);
    assert_int_equal(model.positive, 0);
    assert_true(model.b == 0.0);
    assert_string_equal(model.class_names[0], "");
    catlr_model_free(&model);
    assert_null(model.w);
}

/* Ensure label 1 names class_names[positive] and label 0 the other one. */
static void test_class_of_label(void **state) {
    (void)state;
    catlr_model model;
    catlr_error err = {0};
    const catlr_model_shape shape = {
        .height = 1, .width = 1, .channels = 1, .class_names = {"cat", "non-cat"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape, &err), CATLR_OK);
    assert_string_equal(catlr_model_class_of_label(&model, 1), "cat");
    assert_string_equal(catlr_model_class_of_label(&model, 0), "non-cat");
    catlr_model_free(&model);
    const catlr_model_shape shape2 = {
        .height = 1, .width = 1, .channels = 1, .class_names = {"cat", "non-cat"}, .positive = 1};
    assert_int_equal(catlr_model_init(&model, &shape2, &err), CATLR_OK);
    assert_string_equal(catlr_model_class_of_label(&model, 1), "non-cat");
    assert_string_equal(catlr_model_class_of_label(&model, 0), "cat");
    catlr_model_free(&model);
}

// ----------------------------------------------------------------------------
// Round trip and layout.

/* Ensure save then load of a 64x64x3 model gives every field bit for bit:
 * -0.0f, subnormals, FLT_MAX, 0.1f, b = -1/3, iterations 2^32 + 12345, names
 * "chat noir" and "Katze ü". */
static void test_round_trip_full(void **state) {
    char *dir = new_dir(state, "round_trip_full");
    char *path = test_path(dir, "full.model");
    catlr_model want, got;
    make_full(&want);
    catlr_error err = {0};
    assert_int_equal(catlr_model_save(&want, path, &err), CATLR_OK);
    memset(&got, 0x5a, sizeof got);
    assert_int_equal(catlr_model_load(path, &got, &err), CATLR_OK);
    assert_models_identical(&got, &want);
    assert_true(signbit(got.w[0]) && got.w[0] == 0.0f);
    assert_true(got.w[1] == FLT_TRUE_MIN);
    assert_true(got.iterations == UINT64_C(4294979641));
    assert_string_equal(got.class_names[1], "Katze \xc3\xbc");
    catlr_model_free(&got);
    catlr_model_free(&want);
    free(path);
    free(dir);
}

/* Ensure a 1x2x1 model round-trips too, through the file and from memory. */
static void test_round_trip_small(void **state) {
    char *dir = new_dir(state, "round_trip_small");
    char *path = test_path(dir, "small.model");
    catlr_model want, got;
    make_small(&want);
    catlr_error err = {0};
    assert_int_equal(catlr_model_save(&want, path, &err), CATLR_OK);
    assert_int_equal(catlr_model_load(path, &got, &err), CATLR_OK);
    assert_models_identical(&got, &want);
    catlr_model_free(&got);

    size_t size;
    unsigned char *buf = test_read_file(path, &size);
    assert_int_equal(catlr_model_load_memory(buf, size, NULL, &got, &err), CATLR_OK);
    assert_models_identical(&got, &want);
    catlr_model_free(&got);
    free(buf);
    catlr_model_free(&want);
    free(path);
    free(dir);
}

/* Ensure the file is exactly the table of docs/model-format.md. For 64x64x3 the length is
 * 184 + n0 + n1 + 4*12288 + 4 = 49,340 + the names (n0 = 9 for "chat noir",
 * n1 = 8 for "Katze ü": 49,357); then each field at its offset, little-endian,
 * and the last 4 bytes zlib's crc32 of the rest. A 2x3x4 model tells height,
 * width and channels apart. */
static void test_file_layout(void **state) {
    char *dir = new_dir(state, "layout");
    catlr_model model;
    make_full(&model);
    size_t size;
    unsigned char *buf = saved_bytes(&model, dir, "full.model", &size);
    const size_t n0 = 9, n1 = 8, n = 12288;
    assert_int_equal(strlen(model.class_names[0]), n0);
    assert_int_equal(strlen(model.class_names[1]), n1);
    assert_int_equal(size, 184 + n0 + n1 + 4 * n + 4);
    assert_int_equal(size, 49340 + n0 + n1);

    assert_memory_equal(buf, "CTLR", 4);
    assert_int_equal(le32(buf), CATLR_MODEL_MAGIC);
    assert_int_equal(le32(buf + 4), 3);
    assert_int_equal(le32(buf + 8), 64);
    assert_int_equal(le32(buf + 12), 64);
    assert_int_equal(le32(buf + 16), 3);
    assert_int_equal(le32(buf + 20), 1);
    assert_int_equal(le32(buf + 24), n0);
    assert_int_equal(le32(buf + 28), n1);
    assert_true(le64(buf + 32) == bits_of_double(0.005));
    assert_true(le64(buf + 40) == (UINT64_C(1) << 32) + 12345);
    assert_true(le64(buf + 48) == bits_of_double(0.1 + 0.2));
    assert_true(le64(buf + 56) == bits_of_double(-1.0 / 3.0));
    assert_true(le64(buf + 64) == bits_of_double(0.7));
    assert_true(le64(buf + 72) == bits_of_double(1e-9));
    assert_int_equal(le32(buf + 80), 1);
    assert_int_equal(le32(buf + 84), 2);
    assert_true(le64(buf + 88) == bits_of_double(0.35));
    assert_true(le64(buf + 96) == bits_of_double(0.2));
    assert_true(le64(buf + 104) == UINT64_C(0xfedcba9876543210));
    assert_true(le64(buf + 112) == 111);
    assert_true(le64(buf + 120) == 56);
    assert_true(le64(buf + 128) == 28);
    assert_true(le64(buf + 136) == 14);
    assert_true(le64(buf + 144) == bits_of_double(0.75));
    assert_true(le64(buf + 152) == bits_of_double(1.5));
    assert_true(le64(buf + 160) == bits_of_double(0.4375));
    assert_true(le64(buf + 168) == 1234);
    assert_int_equal(le32(buf + 176), CATLR_AUGMENT_FLIP);
    assert_int_equal(le32(buf + 180), 7); /* picked, balanced, warm start */
    assert_memory_equal(buf + 184, "chat noir", n0);
    assert_memory_equal(buf + 184 + n0, "Katze \xc3\xbc", n1);
    const unsigned char *w = buf + 184 + n0 + n1;
    assert_int_equal(le32(w), 0x80000000u);              /* -0.0f */
    assert_int_equal(le32(w + 4), 0x00000001u);          /* FLT_TRUE_MIN */
    assert_int_equal(le32(w + 4 * 5), bits_of_float(0.1f));
    assert_int_equal(le32(w + 4 * (n - 1)), bits_of_float(-7.25e-3f));
    assert_int_equal(le32(buf + size - 4), crc_of(buf, size - 4));
    assert_int_equal(le32(buf + size - 4), (uint32_t)crc32(0L, buf, (uInt)(size - 4)));
    free(buf);
    catlr_model_free(&model);

    catlr_error err = {0};
    const catlr_model_shape shape = {
        .height = 2, .width = 3, .channels = 4, .class_names = {"ab", "cde"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape, &err), CATLR_OK);
    model.w[0] = 1.0f;
    model.w[23] = -2.0f;
    buf = saved_bytes(&model, dir, "234.model", &size);
    assert_int_equal(size, 184 + 2 + 3 + 4 * 24 + 4);
    assert_int_equal(le32(buf + 8), 2);
    assert_int_equal(le32(buf + 12), 3);
    assert_int_equal(le32(buf + 16), 4);
    assert_int_equal(le32(buf + 20), 0);
    assert_int_equal(le32(buf + 24), 2);
    assert_int_equal(le32(buf + 28), 3);
    assert_int_equal(le32(buf + 180), 0);
    assert_true(le64(buf + 88) == bits_of_double(0.5));
    assert_true(le64(buf + 144) == bits_of_double(1.0));
    assert_true(le64(buf + 152) == bits_of_double(1.0));
    assert_true(le64(buf + 160) == bits_of_double(NAN));
    assert_memory_equal(buf + 184, "abcde", 5);
    assert_int_equal(le32(buf + 189), 0x3f800000u);      /* 1.0f */
    assert_int_equal(le32(buf + 189 + 4 * 23), 0xc0000000u); /* -2.0f */
    assert_int_equal(le32(buf + size - 4), crc_of(buf, size - 4));
    free(buf);
    catlr_model_free(&model);
    free(dir);
}

/* Ensure the code's table of header fields is the format: each field
 * starts where the one before ends, the first at 0 and the last ends at
 * CATLR_MODEL_HEADER_SIZE; the fields of versions 1 and 2 come first and
 * end at their header sizes; and the two field kinds agree on sizes
 * (u32: 4 bytes, u64 and f64: 8). */
static void test_format_table(void **state) {
    (void)state;
    const catlr_model_field *f = catlr_model_format();
    uint32_t end = 0, since = 1;
    for (size_t k = 0; k < CATLR_F_COUNT; k++) {
        assert_int_equal(f[k].offset, end);
        assert_int_equal(f[k].size, f[k].type == CATLR_FIELD_U32 ? 4 : 8);
        assert_true(f[k].since >= since && f[k].since <= CATLR_MODEL_VERSION);
        since = f[k].since;
        end += f[k].size;
    }
    assert_int_equal(end, CATLR_MODEL_HEADER_SIZE);
    assert_int_equal(catlr_model_format_header_size(3), CATLR_MODEL_HEADER_SIZE);
    assert_int_equal(catlr_model_format_header_size(2), CATLR_MODEL_HEADER_SIZE_V2);
    assert_int_equal(catlr_model_format_header_size(1), CATLR_MODEL_HEADER_SIZE_V1);
}

/* The cells of a Markdown table row "| a | b | ... |", trimmed, into
 * cells[0 .. max); returns their number. Writes into line. */
static size_t table_cells(char *line, char **cells, size_t max) {
    size_t n = 0;
    char *p = strchr(line, '|');
    while (p != NULL && n < max) {
        char *next = strchr(p + 1, '|');
        if (next == NULL)
            break;
        *next = '\0';
        char *cell = p + 1;
        while (*cell == ' ')
            cell++;
        for (char *e = next; e > cell && e[-1] == ' ';)
            *--e = '\0';
        cells[n++] = cell;
        p = next;
    }
    return n;
}

static const char *type_name(catlr_field_type type) {
    return type == CATLR_FIELD_U32 ? "u32" : type == CATLR_FIELD_U64 ? "u64" : "f64";
}

/* Ensure docs/model-format.md describes the header the code writes: its
 * table under "## The header" has one row per field of the code's table,
 * in the same order, with the same offset, size, type, name (in
 * backticks) and first version. */
static void test_format_document(void **state) {
    (void)state;
    char *text = test_read_text(CATLR_MODEL_FORMAT_DOC);
    assert_non_null(text);
    char *at = strstr(text, "\n## The header\n");
    assert_non_null(at);
    const catlr_model_field *f = catlr_model_format();
    size_t rows = 0, k = 0;
    for (char *line = strtok(at, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (line[0] != '|') {
            if (rows > 0)
                break; /* the table has ended */
            continue;
        }
        if (rows++ < 2)
            continue; /* the column names and the alignment row */
        char *cells[6];
        assert_int_equal(table_cells(line, cells, 6), 6);
        if (k >= CATLR_F_COUNT) {
            print_error("row %zu of the document is past the code's %d fields: %s\n", k,
                        (int)CATLR_F_COUNT, cells[3]);
            fail();
        }
        char name[64];
        snprintf(name, sizeof name, "`%s`", f[k].name);
        if (strcmp(cells[3], name) != 0)
            print_error("row %zu: the document has %s, the code %s\n", k, cells[3], name);
        assert_string_equal(cells[3], name);
        assert_int_equal(strtoul(cells[0], NULL, 10), f[k].offset);
        assert_int_equal(strtoul(cells[1], NULL, 10), f[k].size);
        assert_string_equal(cells[2], type_name(f[k].type));
        assert_int_equal(strtoul(cells[4], NULL, 10), f[k].since);
        assert_true(cells[5][0] != '\0'); /* every field says what it means */
        k++;
    }
    assert_int_equal(k, CATLR_F_COUNT);
    free(text);
}

// ----------------------------------------------------------------------------
// Refusals of the loader, each with its own status and reason.

/* Ensure a missing file gives CATLR_ERR_IO, strerror's text and the path. */
static void test_load_missing(void **state) {
    char *dir = new_dir(state, "missing");
    char *path = test_path(dir, "nope.model");
    catlr_model model;
    catlr_error err = {0};
    memset(&model, 0x5a, sizeof model);
    assert_int_equal(catlr_model_load(path, &model, &err), CATLR_ERR_IO);
    assert_null(model.w);
    assert_string_equal(err.path, path);
    assert_contains(err.reason, "No such file or directory");
    free(path);
    free(dir);
}

/* Ensure a folder is refused with CATLR_ERR_IO, naming it. */
static void test_load_directory(void **state) {
    char *dir = new_dir(state, "directory");
    catlr_model model;
    catlr_error err = {0};
    memset(&model, 0x5a, sizeof model);
    assert_int_equal(catlr_model_load(dir, &model, &err), CATLR_ERR_IO);
    assert_null(model.w);
    assert_string_equal(err.path, dir);
    assert_true(err.reason[0] != '\0');
    free(dir);
}

static int fifo_refused(const void *arg) {
    const char *path = arg;
    catlr_model model;
    catlr_error err = {0};
    catlr_status st = catlr_model_load(path, &model, &err);
    return st == CATLR_ERR_IO && model.w == NULL && strcmp(err.path, path) == 0 &&
           strcmp(err.reason, "not a regular file") == 0;
}

/* Ensure a named pipe with no writer is refused as "not a regular file"
 * rather than blocking the loader: the load runs in a child that SIGALRM
 * kills after 2 seconds. */
static void test_load_fifo(void **state) {
    char *dir = new_dir(state, "fifo");
    char *path = test_path(dir, "m.model");
    assert_int_equal(mkfifo(path, 0600), 0);
    test_returns_in_time(fifo_refused, path, 2, "catlr_model_load");
    free(path);
    free(dir);
}

/* One change to a saved model file's bytes. Offsets count from the file's
 * start, or from its end when negative (-1: the last byte). */
typedef enum edit_kind {
    EDIT_NONE,
    EDIT_U32,       /* the u32 at .at becomes .value, the CRC redone */
    EDIT_U32_STALE, /* the same with the CRC left as it was */
    EDIT_F64,       /* the f64 at .at gets high word .value, low word 0, CRC redone */
    EDIT_BYTE,      /* the byte at .at becomes .value, the CRC redone */
    EDIT_FLIP,      /* the byte at .at is xored with .value, the CRC left */
    EDIT_KEEP,      /* only the first .value bytes are kept */
    EDIT_RESIZE     /* .at bytes cut off the end (negative) or zeros added */
} edit_kind;

typedef struct edit {
    edit_kind kind;
    long at;
    uint32_t value;
} edit;

/* A damaged file: which model is saved (the 64x64x3 one of make_full, or
 * make_small's), the edits made to its bytes, and what loading it says. */
typedef struct refusal {
    const char *name;
    int full;
    edit edits[3];
    catlr_status status;
    const char *reason;     /* a part of the reason; NULL: any reason */
    const char *not_reason; /* a part the reason must not hold, or NULL */
} refusal;

/* The first weight of the small model: after the header and its names
 * "non-cat" and "cat". */
#define W0 (HDR + 7 + 3)

static const refusal REFUSALS[] = {
    /* the length and the header's own fields */
    {.name = "empty file", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_KEEP, 0, 0}}, .reason = "too short"},
    {.name = "10 bytes", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_KEEP, 0, 10}}, .reason = "too short"},
    {.name = "bad magic", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_BYTE, 0, 'X'}}, .reason = "bad magic"},
    /* byte order counts: "RLTC" is the magic's value written big-endian */
    {.name = "magic big-endian", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 0, 0x43544c52u}}, .reason = "bad magic"},
    {.name = "version 4", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 4, 4}}, .reason = "version"},
    {.name = "version 0", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 4, 0}}, .reason = "version"},
    {.name = "one byte short", .full = 1, .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_RESIZE, -1, 0}}, .reason = "bytes"},
    {.name = "one byte long", .full = 1, .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_RESIZE, 1, 0}}, .reason = "bytes"},
    /* 16384 x 16384 x 4 (2^30 weights, 4 GiB) in a small file: refused for
     * its sizes before the CRC and before any allocation */
    {.name = "huge header, CRC stale", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32_STALE, 8, 16384}, {EDIT_U32_STALE, 12, 16384}, {EDIT_U32_STALE, 16, 4}},
     .not_reason = "checksum"},
    {.name = "huge header, CRC redone", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 8, 16384}, {EDIT_U32, 12, 16384}, {EDIT_U32, 16, 4}}},
    /* at the cap (8192 x 8192 x 1 = 2^26 weights): the length disagrees */
    {.name = "header at the cap", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 8, 8192}, {EDIT_U32, 12, 8192}, {EDIT_U32, 16, 1}}, .reason = "bytes"},
    {.name = "name 0 of 0 bytes", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 24, 0}}, .reason = "name"},
    {.name = "name 0 of 300 bytes", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 24, 300}}, .reason = "name"},
    {.name = "name 1 of 0 bytes", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 28, 0}}, .reason = "name"},
    {.name = "name 1 of 300 bytes", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 28, 300}}, .reason = "name"},
    {.name = "positive index 2", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 20, 2}}, .reason = "positive"},
    /* the CRC */
    {.name = "a weight's bit flipped", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_FLIP, W0, 0x01}}, .reason = "checksum"},
    {.name = "the CRC's bit flipped", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_FLIP, -1, 0x80}}, .reason = "checksum"},
    /* a CRC that matches does not make a file acceptable */
    {.name = "height 2 (4 more weights than the file holds)", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 8, 2}}, .reason = "bytes"},
    {.name = "name 0 of 8 bytes", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 24, 8}}, .reason = "bytes"},
    {.name = "w[1] NaN", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, W0 + 4, 0x7fc00000u}}, .reason = "not finite"},
    {.name = "w[0] -inf", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, W0, 0xff800000u}}, .reason = "not finite"},
    {.name = "b NaN", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_F64, 56, 0x7ff80000u}}, .reason = "not finite"},
    /* "no\0-cat": a NUL would cut the name short */
    {.name = "NUL in a name", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_BYTE, HDR + 2, 0}}},
    /* the version 2 training record */
    {.name = "L2 NaN", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_F64, 64, 0x7ff80000u}}, .reason = "L2"},
    {.name = "L2 -1", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_F64, 64, 0xbff00000u}}, .reason = "L2"},
    {.name = "tolerance +inf", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_F64, 72, 0x7ff00000u}}, .reason = "tolerance"},
    {.name = "early-stop flag 2", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 80, 2}}, .reason = "early-stop"},
    {.name = "solver 3", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 84, 3}}, .reason = "solver"},
    /* the version 3 model-selection record */
    {.name = "threshold just above 1", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_F64, 88, 0x3ff00001u}}, .reason = "threshold"},
    {.name = "threshold -1", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_F64, 88, 0xbff00000u}}, .reason = "threshold"},
    {.name = "threshold NaN", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_F64, 88, 0x7ff80000u}}, .reason = "threshold"},
    {.name = "fraction 1", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_F64, 96, 0x3ff00000u}}, .reason = "fraction"},
    {.name = "weight of label 0 is 0", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_F64, 144, 0}}, .reason = "class weight"},
    {.name = "weight of label 1 +inf", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_F64, 152, 0x7ff00000u}}, .reason = "class weight"},
    {.name = "validation cost -1", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_F64, 160, 0xbff00000u}}, .reason = "validation cost"},
    {.name = "validation cost +inf", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_F64, 160, 0x7ff00000u}}, .reason = "validation cost"},
    /* high word 3: past the 2^33 + 1 iterations */
    {.name = "best iteration past the last", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 172, 3}}, .reason = "best iteration"},
    {.name = "augmentation bit 2", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 176, 2}}, .reason = "augmentation"},
    {.name = "flag bit 8", .status = CATLR_ERR_FORMAT,
     .edits = {{EDIT_U32, 180, 8}}, .reason = "flag"},
};

/* Apply e to buf (*size bytes, room for 8 more). */
static void apply_edit(unsigned char *buf, size_t *size, const edit *e) {
    size_t at = e->at < 0 ? *size - (size_t)-e->at : (size_t)e->at;
    switch (e->kind) {
    case EDIT_NONE: return;
    case EDIT_U32: patch_u32(buf, *size, at, e->value); return;
    case EDIT_U32_STALE: put_le32(buf + at, e->value); return;
    case EDIT_F64:
        put_le32(buf + at, 0);
        patch_u32(buf, *size, at + 4, e->value);
        return;
    case EDIT_BYTE:
        buf[at] = (unsigned char)e->value;
        fix_crc(buf, *size);
        return;
    case EDIT_FLIP: buf[at] ^= (unsigned char)e->value; return;
    case EDIT_KEEP: *size = e->value; return;
    case EDIT_RESIZE:
        if (e->at > 0)
            memset(buf + *size, 0, (size_t)e->at);
        *size = (size_t)((long)*size + e->at);
        return;
    }
}

/* Fail unless a refused load gave the case's status and reason, naming
 * where it loaded from. */
static void assert_refused(const refusal *c, catlr_status st, const catlr_error *err,
                           const char *where) {
    if (st != c->status)
        print_error("%s: status %d from %s\n", c->name, (int)st, where);
    assert_int_equal(st, c->status);
    assert_string_equal(err->path, where);
    assert_true(err->reason[0] != '\0');
    if (c->reason != NULL && strstr(err->reason, c->reason) == NULL)
        print_error("%s: the reason does not say \"%s\"\n", c->name, c->reason);
    if (c->reason != NULL)
        assert_contains(err->reason, c->reason);
    if (c->not_reason != NULL)
        assert_null(strstr(err->reason, c->not_reason));
}

/* Ensure each damaged file of REFUSALS is refused with its status and a
 * reason that says what is wrong, from a file and from memory alike, the
 * error naming the file (or the memory buffer's name) and the model left
 * with nothing to free; and that the undamaged files load. */
static void test_load_refusals(void **state) {
    size_t sizes[2];
    unsigned char *files[2];
    files[0] = small_file(state, "refusals", &sizes[0]);
    char *dir = test_path(((struct fixtures *)*state)->root, "refusals");
    catlr_model full;
    make_full(&full);
    files[1] = saved_bytes(&full, dir, "full.model", &sizes[1]);
    catlr_model_free(&full);
    char *path = test_path(dir, "x.model");
    for (size_t f = 0; f < 2; f++) {
        catlr_error err = {0};
        assert_int_equal(load_bytes(path, files[f], sizes[f], &err), CATLR_OK);
    }
    for (size_t k = 0; k < sizeof REFUSALS / sizeof *REFUSALS; k++) {
        const refusal *c = &REFUSALS[k];
        size_t size = sizes[c->full];
        unsigned char *buf = malloc(size + 8);
        assert_non_null(buf);
        memcpy(buf, files[c->full], size);
        for (size_t e = 0; e < sizeof c->edits / sizeof *c->edits; e++)
            apply_edit(buf, &size, &c->edits[e]);
        catlr_error err = {{0}, {0}};
        assert_refused(c, load_bytes(path, buf, size, &err), &err, path);
        memset(&err, 0, sizeof err);
        assert_refused(c, load_copy(buf, size, &err), &err, "copy");
        free(buf);
    }
    free(path);
    free(dir);
    free(files[0]);
    free(files[1]);
}

/* Fail unless every single-bit flip of buf is refused by
 * catlr_model_load_memory (which then leaves nothing to free). */
static void assert_every_bit_flip_refused(unsigned char *buf, size_t size) {
    catlr_error err = {0};
    assert_int_equal(load_copy(buf, size, &err), CATLR_OK);
    size_t accepted = 0;
    for (size_t bit = 0; bit < 8 * size; bit++) {
        buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        if (load_copy(buf, size, &err) == CATLR_OK) {
            print_error("flipping bit %zu (byte %zu) was accepted\n", bit, bit / 8);
            accepted++;
        }
        buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    }
    assert_int_equal(accepted, 0);
}

/* Ensure every single-bit flip of a 206-byte model (all 1648 bits) is refused
 * by catlr_model_load_memory, and the model then holds nothing to free. */
static void test_every_bit_flip_refused(void **state) {
    size_t size;
    unsigned char *buf = small_file(state, "bit_flips", &size);
    assert_every_bit_flip_refused(buf, size);
    free(buf);
}

/* The older file of the same model as the version 3 bytes buf: the header
 * cut at offset `header` (64 for version 1, 88 for version 2), the version
 * set, CRC redone. *old_size gets its length; free the result. */
static unsigned char *as_version(const unsigned char *buf, size_t size, uint32_t version,
                                 size_t header, size_t *old_size) {
    *old_size = size - (HDR - header);
    unsigned char *old = malloc(*old_size);
    assert_non_null(old);
    memcpy(old, buf, header);
    memcpy(old + header, buf + HDR, size - HDR);
    put_le32(old + 4, version);
    fix_crc(old, *old_size);
    return old;
}

/* What a model loaded from a version 1 or 2 file holds in the fields its
 * file lacks: format 3's "not recorded" values. */
static void forget_selection_record(catlr_model *model) {
    model->threshold = 0.5;
    model->threshold_picked = 0;
    model->val_fraction = 0;
    model->seed = 0;
    memset(model->train_count, 0, sizeof model->train_count);
    memset(model->val_count, 0, sizeof model->val_count);
    model->class_weight[0] = model->class_weight[1] = 1.0;
    model->class_weight_balanced = 0;
    model->final_val_cost = NAN;
    model->best_iteration = model->iterations;
    model->augment = 0;
    model->warm_start = 0;
}

/* Load the version `version` file of make_full's model (its header cut at
 * `header` bytes) and compare it with the model as that version records
 * it: the fields the file lacks read as "not recorded". Then every bit
 * flip and every truncation of the small model in that version must be
 * refused. */
static void check_old_version(void **state, const char *name, uint32_t version,
                              size_t header) {
    char *dir = new_dir(state, name);
    catlr_model want, got;
    make_full(&want);
    size_t size, old_size;
    unsigned char *buf = saved_bytes(&want, dir, "full.model", &size);
    unsigned char *old = as_version(buf, size, version, header, &old_size);
    assert_int_equal(old_size, 49340 + 9 + 8 - (HDR - header));
    catlr_error err = {0};
    assert_int_equal(catlr_model_load_memory(old, old_size, name, &got, &err), CATLR_OK);
    if (version == 1) { /* no training record either */
        want.l2 = 0;
        want.tol = 0;
        want.stopped_early = 0;
        want.solver = CATLR_SOLVER_AUTO;
    }
    forget_selection_record(&want);
    want.version = version;
    assert_models_identical(&got, &want);
    catlr_model_free(&got);
    catlr_model_free(&want);
    free(old);
    free(buf);

    char small_dir[32];
    snprintf(small_dir, sizeof small_dir, "%s_small", name);
    buf = small_file(state, small_dir, &size);
    old = as_version(buf, size, version, header, &old_size);
    assert_int_equal(old_size, SMALL_FILE_SIZE - (HDR - header));
    char *path = test_path(dir, "small.model");
    assert_int_equal(load_bytes(path, old, old_size, &err), CATLR_OK);
    assert_every_bit_flip_refused(old, old_size);
    for (size_t len = 0; len < old_size; len++)
        assert_int_equal(load_copy(old, len, &err), CATLR_ERR_FORMAT);
    free(path);
    free(old);
    free(buf);
    free(dir);
}

/* Ensure a version 2 file (88-byte header, 110 bytes for the small model)
 * still loads with its training record and format 3's defaults. */
static void test_load_version_2(void **state) {
    check_old_version(state, "v2", 2, 88);
}

/* Ensure a version 1 file (64-byte header, as catlr 0.1 wrote them; 86
 * bytes for the small model) still loads: same geometry, names, weights,
 * bias, lr, iterations and final cost, with no L2, no tolerance, not
 * stopped early and the solver not recorded (CATLR_SOLVER_AUTO). */
static void test_load_version_1(void **state) {
    check_old_version(state, "v1", 1, 64);
}

/* Ensure every truncation of the small model, lengths 0 .. size-1, is refused
 * from memory (each from an exact-size buffer) and from a file. */
static void test_every_truncation_refused(void **state) {
    size_t size;
    unsigned char *buf = small_file(state, "truncations", &size);
    char *path = test_path(((struct fixtures *)*state)->root, "truncations/x.model");
    for (size_t len = 0; len < size; len++) {
        catlr_error err = {{0}, {0}};
        catlr_status st = load_copy(buf, len, &err);
        if (st != CATLR_ERR_FORMAT)
            print_error("length %zu: status %d from memory\n", len, (int)st);
        assert_int_equal(st, CATLR_ERR_FORMAT);
        st = load_bytes(path, buf, len, &err);
        if (st != CATLR_ERR_FORMAT)
            print_error("length %zu: status %d from a file\n", len, (int)st);
        assert_int_equal(st, CATLR_ERR_FORMAT);
    }
    free(path);
    free(buf);
}

/* Ensure load_memory names "(memory)" in err when given no name, and the
 * given name otherwise. */
static void test_load_memory_name(void **state) {
    size_t size;
    unsigned char *buf = small_file(state, "memory_name", &size);
    buf[0] = 'X';
    catlr_model model;
    catlr_error err = {0};
    assert_int_equal(catlr_model_load_memory(buf, size, NULL, &model, &err),
                     CATLR_ERR_FORMAT);
    assert_string_equal(err.path, "(memory)");
    assert_null(model.w);
    assert_int_equal(catlr_model_load_memory(buf, size, "cache/m.bin", &model, &err),
                     CATLR_ERR_FORMAT);
    assert_string_equal(err.path, "cache/m.bin");
    memset(&err, 0, sizeof err);
    assert_int_equal(catlr_model_load_memory(NULL, 0, NULL, &model, &err), CATLR_ERR_FORMAT);
    assert_string_equal(err.path, "(memory)");
    assert_contains(err.reason, "too short");
    free(buf);
}

// ----------------------------------------------------------------------------
// Saving.

/* Ensure saving over something that is not a regular file (here a fifo;
 * the same holds for a device such as /dev/null) is refused and leaves it
 * in place, instead of renaming a new file over the node. */
static void test_save_refuses_non_regular(void **state) {
    char *dir = new_dir(state, "fifo_target");
    char *path = test_path(dir, "model.fifo");
    assert_int_equal(mkfifo(path, 0600), 0);
    catlr_model model;
    make_small(&model);
    catlr_error err = {0};
    assert_int_equal(catlr_model_save(&model, path, &err), CATLR_ERR_IO);
    assert_contains(err.reason, "not a regular file");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_only_entry(dir, "model.fifo");
    catlr_model_free(&model);
    free(path);
    free(dir);
}

/* Ensure saving over an existing model replaces it and leaves no temporary
 * file: the folder then holds only the model. */
static void test_save_replaces(void **state) {
    char *dir = new_dir(state, "replace");
    char *path = test_path(dir, "model.bin");
    catlr_model first, second, got;
    make_full(&first);
    make_small(&second);
    catlr_error err = {0};
    assert_int_equal(catlr_model_save(&first, path, &err), CATLR_OK);
    assert_only_entry(dir, "model.bin");
    assert_int_equal(catlr_model_save(&second, path, &err), CATLR_OK);
    assert_only_entry(dir, "model.bin");
    assert_int_equal(catlr_model_load(path, &got, &err), CATLR_OK);
    assert_models_identical(&got, &second);
    catlr_model_free(&got);

    /* and back again, a smaller file replaced by a larger one */
    assert_int_equal(catlr_model_save(&first, path, &err), CATLR_OK);
    assert_only_entry(dir, "model.bin");
    assert_int_equal(catlr_model_load(path, &got, &err), CATLR_OK);
    assert_models_identical(&got, &first);
    catlr_model_free(&got);
    catlr_model_free(&first);
    catlr_model_free(&second);
    free(path);
    free(dir);
}

/* Number of entries of dir whose name contains part. */
static int count_entries(const char *dir, const char *part) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    int count = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        count += strstr(e->d_name, part) != NULL;
    closedir(d);
    return count;
}

/* 1 when the model file at path loads and equals a or b bit for bit. */
static int holds_one_of(const char *path, const catlr_model *a, const catlr_model *b) {
    catlr_model got;
    catlr_error err = {0};
    if (catlr_model_load(path, &got, &err) != CATLR_OK) {
        print_error("%s: %s\n", err.path, err.reason);
        return 0;
    }
    const catlr_model *want = got.b == a->b ? a : b;
    assert_models_identical(&got, want);
    catlr_model_free(&got);
    return want == b ? 2 : 1;
}

/* Ensure a save killed with SIGKILL at a random moment leaves the target
 * either the old or the new complete model, never a torn one. Each of 200
 * rounds sets the target to the old model, then forks a child that saves
 * the new and the old model in turn as fast as it can, and kills it after
 * a random 0 to 4 ms; the target must then load and equal one of the two.
 * A killed save leaves its temporary file behind (nothing can remove it),
 * which also shows that kills landed inside saves: at least one must. */
static void test_save_killed_at_random(void **state) {
    char *dir = new_dir(state, "killed");
    char *path = test_path(dir, "model.bin");
    catlr_model old_model, new_model;
    make_full(&old_model);
    make_full(&new_model);
    new_model.b = 2.5; /* holds_one_of tells the two apart by b */
    for (size_t i = 0; i < catlr_model_n_x(&new_model); i += 7)
        new_model.w[i] = -new_model.w[i];
    unsigned long seed = 20261125; /* the rounds' delays, the same every run */
    int rounds_new = 0;
    for (int round = 0; round < 200; round++) {
        assert_int_equal(catlr_model_save(&old_model, path, NULL), CATLR_OK);
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            for (unsigned k = 0;; k++)
                catlr_model_save(k % 2 ? &old_model : &new_model, path, NULL);
        }
        seed = seed * 6364136223846793005ul + 1442695040888963407ul;
        struct timespec delay = {0, (long)((seed >> 33) % 4000000)};
        nanosleep(&delay, NULL);
        assert_int_equal(kill(pid, SIGKILL), 0);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        int which = holds_one_of(path, &old_model, &new_model);
        assert_true(which != 0);
        rounds_new += which == 2;
    }
    int leftovers = count_entries(dir, ".tmp-");
    print_message("killed saves: %d of 200 left the new model, %d a temporary file\n",
                  rounds_new, leftovers);
    assert_true(leftovers > 0);
    catlr_model_free(&old_model);
    catlr_model_free(&new_model);
    free(path);
    free(dir);
}

/* Ensure saving into a folder that does not exist is CATLR_ERR_IO naming the
 * target path (not a temporary name). */
static void test_save_missing_folder(void **state) {
    char *dir = new_dir(state, "save_missing");
    char *path = test_path(dir, "no/such/folder/model.bin");
    catlr_model model;
    make_small(&model);
    catlr_error err = {0};
    assert_int_equal(catlr_model_save(&model, path, &err), CATLR_ERR_IO);
    assert_string_equal(err.path, path);
    assert_contains(err.reason, "No such file or directory");
    catlr_model_free(&model);
    free(path);
    free(dir);
}

/* Ensure a model whose weights are not finite is refused by save with
 * CATLR_ERR_NUMERIC and no file is written: the loader would refuse it, and
 * catlr_model_finite agrees on which models those are. */
static void test_save_refuses_non_finite(void **state) {
    char *dir = new_dir(state, "save_non_finite");
    char *path = test_path(dir, "model.bin");
    catlr_model model;
    make_small(&model);
    assert_int_equal(catlr_model_finite(&model), 1);
    model.w[1] = NAN;
    assert_int_equal(catlr_model_finite(&model), 0);
    catlr_error err = {0};
    assert_int_equal(catlr_model_save(&model, path, &err), CATLR_ERR_NUMERIC);
    assert_string_equal(err.path, path);
    assert_contains(err.reason, "not finite");
    model.w[1] = 0.5f;
    model.b = -INFINITY;
    assert_int_equal(catlr_model_finite(&model), 0);
    assert_int_equal(catlr_model_save(&model, path, NULL), CATLR_ERR_NUMERIC);
    assert_null(fopen(path, "rb"));
    catlr_model_free(&model);
    free(path);
    free(dir);
}

/* Ensure a training record the loader would refuse is refused by save with
 * CATLR_ERR_ARG and the loader's reason, and no file is written: a
 * threshold of 1.5, a best iteration past the last, unknown augmentation
 * bits, an L2 lambda of -1; the same model with them put right saves. */
static void test_save_refuses_bad_record(void **state) {
    char *dir = new_dir(state, "save_bad_record");
    char *path = test_path(dir, "model.bin");
    catlr_model model;
    make_small(&model);
    catlr_error err = {0};
    model.threshold = 1.5;
    assert_int_equal(catlr_model_save(&model, path, &err), CATLR_ERR_ARG);
    assert_string_equal(err.path, path);
    assert_contains(err.reason, "threshold");
    model.threshold = 0.5;
    model.best_iteration = model.iterations + 1;
    assert_int_equal(catlr_model_save(&model, path, &err), CATLR_ERR_ARG);
    assert_contains(err.reason, "best iteration");
    model.best_iteration = model.iterations;
    model.augment = 2;
    assert_int_equal(catlr_model_save(&model, path, &err), CATLR_ERR_ARG);
    assert_contains(err.reason, "augmentation");
    model.augment = CATLR_AUGMENT_FLIP;
    model.l2 = -1;
    assert_int_equal(catlr_model_save(&model, path, NULL), CATLR_ERR_ARG);
    assert_null(fopen(path, "rb"));
    model.l2 = 0.25;
    assert_int_equal(catlr_model_save(&model, path, &err), CATLR_OK);
    catlr_model loaded;
    assert_int_equal(catlr_model_load(path, &loaded, &err), CATLR_OK);
    assert_int_equal(loaded.best_iteration, model.iterations);
    catlr_model_free(&loaded);
    catlr_model_free(&model);
    free(path);
    free(dir);
}

/* Ensure saving into a read-only folder is CATLR_ERR_IO and leaves the old
 * file as it was, with no temporary file beside it. Skipped where chmod does
 * not stop us writing (running as root): we find out by trying to create a
 * file there first. */
static void test_save_read_only_folder(void **state) {
    char *dir = new_dir(state, "read_only");
    char *path = test_path(dir, "model.bin");
    char *probe = test_path(dir, "probe");
    catlr_model old_model, new_model;
    make_small(&old_model);
    make_full(&new_model);
    catlr_error err = {0};
    assert_int_equal(catlr_model_save(&old_model, path, &err), CATLR_OK);
    size_t old_size;
    unsigned char *old_bytes = test_read_file(path, &old_size);

    assert_int_equal(chmod(dir, 0555), 0);
    int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd >= 0) { /* root: permissions are not enforced, nothing to test */
        close(fd);
        unlink(probe);
        chmod(dir, 0755);
        catlr_model_free(&old_model);
        catlr_model_free(&new_model);
        free(old_bytes);
        free(probe);
        free(path);
        free(dir);
        skip();
    }
    catlr_status st = catlr_model_save(&new_model, path, &err);
    assert_int_equal(chmod(dir, 0755), 0); /* before any assertion can fail */
    assert_int_equal(st, CATLR_ERR_IO);
    assert_string_equal(err.path, path);
    size_t size;
    unsigned char *bytes = test_read_file(path, &size);
    assert_int_equal(size, old_size);
    assert_memory_equal(bytes, old_bytes, size);
    assert_only_entry(dir, "model.bin");
    free(bytes);
    catlr_model_free(&old_model);
    catlr_model_free(&new_model);
    free(old_bytes);
    free(probe);
    free(path);
    free(dir);
}

/* Ensure the saved file gets the mode of any new file, 0666 less the umask:
 * under the process's umask, and under umask 002 (0664), which a fixed mode
 * such as 0644 or 0600 would not give. */
static void test_save_permissions(void **state) {
    char *dir = new_dir(state, "permissions");
    char *path = test_path(dir, "model.bin");
    char *path002 = test_path(dir, "model002.bin");
    catlr_model model;
    make_small(&model);
    catlr_error err = {0};

    mode_t mask = umask(0);
    umask(mask);
    assert_int_equal(catlr_model_save(&model, path, &err), CATLR_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0666 & ~mask);

    umask(002);
    catlr_status st = catlr_model_save(&model, path002, &err);
    umask(mask);
    assert_int_equal(st, CATLR_OK);
    assert_int_equal(stat(path002, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0664);

    /* replacing a file does not keep the old one's mode either way: the
     * replacement is a new file */
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(catlr_model_save(&model, path, &err), CATLR_OK);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0666 & ~mask);
    catlr_model_free(&model);
    free(path002);
    free(path);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_zero_weights),
        cmocka_unit_test(test_init_name_length_limit),
        cmocka_unit_test(test_init_refusals),
        cmocka_unit_test(test_free_null_and_twice),
        cmocka_unit_test(test_class_of_label),
        cmocka_unit_test(test_round_trip_full),
        cmocka_unit_test(test_round_trip_small),
        cmocka_unit_test(test_file_layout),
        cmocka_unit_test(test_format_table),
        cmocka_unit_test(test_format_document),
        cmocka_unit_test(test_load_missing),
        cmocka_unit_test(test_load_directory),
        cmocka_unit_test(test_load_fifo),
        cmocka_unit_test(test_load_refusals),
        cmocka_unit_test(test_every_bit_flip_refused),
        cmocka_unit_test(test_load_version_1),
        cmocka_unit_test(test_load_version_2),
        cmocka_unit_test(test_every_truncation_refused),
        cmocka_unit_test(test_load_memory_name),
        cmocka_unit_test(test_save_replaces),
        cmocka_unit_test(test_save_refuses_non_regular),
        cmocka_unit_test(test_save_killed_at_random),
        cmocka_unit_test(test_save_missing_folder),
        cmocka_unit_test(test_save_refuses_non_finite),
        cmocka_unit_test(test_save_refuses_bad_record),
        cmocka_unit_test(test_save_read_only_folder),
        cmocka_unit_test(test_save_permissions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
