/* test_cli_train_setup.c: catlr train's --class-weight, --augment and
 * --init, and each of their error paths, called in-process like
 * test_cli.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "catlr/model.h"
#include "fixtures.h"
#include "test_util.h"
#include "cli_run.h"

// ----------------------------------------------------------------------------
// Fixtures: train/ with 3 "cats" and 2 "dogs" whose colour changes from left
// to right (so that a mirror is another image), mirrored/ with the same
// images and their mirrors as files, other/{bird,dog}, and model files that
// --init must refuse.

typedef struct fixtures {
    char *root;
    char *train;    /* train/{cat: a b c, dog: a b} */
    char *mirrored; /* mirrored/: train/'s images and their mirrors */
    char *other;    /* other/{bird,dog} */
    char *small;    /* a zero model for 32x32x3 images of cat, dog */
    char *birds;    /* a zero model for 64x64x3 images of bird, dog */
    char *damaged;  /* text, not a model */
    char *out;      /* where tests write, with suffixes */
} fixtures;

/* A 64x64 image whose main colour (red for cats, blue for dogs) ramps
 * with the column from left to right, or from right to left when mirror
 * is 1: rgb of column col is that of column 63 - col of the other. */
static void write_ramp(const char *root, const char *sub, const char *cls, const char *name,
                       int k, int mirror) {
    static uint8_t rgb[64 * 64 * 3];
    int cat = strcmp(cls, "cat") == 0;
    for (size_t row = 0; row < 64; row++)
        for (size_t col = 0; col < 64; col++) {
            size_t c = mirror ? 63 - col : col;
            uint8_t ramp = (uint8_t)(60 + 2 * c + 10 * (size_t)k + row / 8);
            uint8_t *px = rgb + (row * 64 + col) * 3;
            px[0] = cat ? ramp : 30;
            px[1] = 90;
            px[2] = cat ? 30 : ramp;
        }
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s/%s", root, sub, cls, name);
    assert_int_equal(fixture_write_rgb(path, 64, 64, rgb), 0);
}

static void save_zero_model(const char *path, uint32_t side, const char *class0,
                            const char *class1) {
    catlr_model model;
    const catlr_model_shape shape = {
        .height = side, .width = side, .channels = 3, .class_names = {class0, class1},
        .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape, NULL), CATLR_OK);
    assert_int_equal(catlr_model_save(&model, path, NULL), CATLR_OK);
    catlr_model_free(&model);
}

static int setup(void **state) {
    fixtures *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->root = test_make_tempdir();
    make_class_dirs(fx->root, "train", "cat", "dog");
    make_class_dirs(fx->root, "mirrored", "cat", "dog");
    make_class_dirs(fx->root, "other", "bird", "dog");
    const char *names[] = {"a.png", "b.png", "c.png"}, *mirrors[] = {"m_a.png", "m_b.png",
                                                                     "m_c.png"};
    for (int k = 0; k < 3; k++) {
        const char *classes[] = {"cat", "dog"};
        for (int c = 0; c < (k < 2 ? 2 : 1); c++) {
            write_ramp(fx->root, "train", classes[c], names[k], k, 0);
            write_ramp(fx->root, "mirrored", classes[c], names[k], k, 0);
            write_ramp(fx->root, "mirrored", classes[c], mirrors[k], k, 1);
        }
        write_image(fx->root, "other", "bird", names[k], 128);
        write_image(fx->root, "other", "dog", names[k], 220);
    }
    fx->train = test_path(fx->root, "train");
    fx->mirrored = test_path(fx->root, "mirrored");
    fx->other = test_path(fx->root, "other");
    fx->small = test_path(fx->root, "small.model");
    fx->birds = test_path(fx->root, "birds.model");
    fx->damaged = test_path(fx->root, "damaged.model");
    fx->out = test_path(fx->root, "out");
    save_zero_model(fx->small, 32, "cat", "dog");
    save_zero_model(fx->birds, 64, "bird", "dog");
    test_write_file(fx->damaged, "not a model\n", 12);
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fixtures *fx = *state;
    test_remove_tree(fx->root);
    char **paths[] = {&fx->root,  &fx->train, &fx->mirrored, &fx->other, &fx->small,
                      &fx->birds, &fx->damaged, &fx->out};
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++)
        free(*paths[k]);
    free(fx);
    return 0;
}

/* The model at path, which must load. */
static catlr_model load(const char *path) {
    catlr_model model;
    catlr_error err;
    if (catlr_model_load(path, &model, &err) != CATLR_OK)
        fail_msg("%s: %s", err.path, err.reason);
    return model;
}

// ----------------------------------------------------------------------------
// --class-weight.

/* Ensure every malformed --class-weight is a usage error that quotes it:
 * a zero or negative weight, a word, "balanced" with a number, one value,
 * three values, nothing. */
static void test_class_weight_usage_errors(void **state) {
    fixtures *fx = *state;
    const char *bad[] = {"0,1", "-1,2", "abc", "balanced,1", "2", "1,2,3", "", "1,", ",1",
                         "1,inf", "nan,1"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        result r = run("train", "--class-weight", bad[k], fx->train, NULL);
        char want[256];
        snprintf(want, sizeof want,
                 "catlr: train: --class-weight must be 'balanced' or two positive numbers "
                 "W_POS,W_NEG, got '%s'",
                 bad[k]);
        assert_usage_error(&r, want, "train");
    }
}

/* Ensure "balanced" weighs the 3 cats 5/6 and the 2 dogs 5/4 (m / (2 m_c),
 * m = 5), says so on stderr, leaves the first cost at log 2 (each class's
 * weights add up to m/2) and records the weights by label in the model. */
static void test_class_weight_balanced(void **state) {
    fixtures *fx = *state;
    char model_path[1024];
    out_path(fx->out, "-balanced.model", model_path, sizeof model_path);
    result r = run("train", "--class-weight", "balanced", "-i", "20", "-o", model_path,
                   fx->train, NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.err, "class weights: cat 0.833333, dog 1.25 (balanced)\n"));
    assert_non_null(strstr(r.out, "Cost after iteration 0: 0.693147\n"));
    result_free(&r);
    catlr_model model = load(model_path);
    assert_int_equal(model.class_weight_balanced, 1);
    assert_close(model.class_weight[1], 5.0 / 6.0, 1e-15); /* label 1: cat */
    assert_close(model.class_weight[0], 5.0 / 4.0, 1e-15);
    catlr_model_free(&model);
}

/* Ensure W_POS,W_NEG gives the positive class the first weight: with
 * cat 2 and dog 0.5 the cost of the zero weights is (3*2 + 2*0.5) log 2 / 5
 * = 1.4 log 2 = 0.970406; both solvers print the same lines; and weights
 * 1,1 print exactly what no weights print. */
static void test_class_weight_given(void **state) {
    fixtures *fx = *state;
    char model_path[1024];
    out_path(fx->out, "-given.model", model_path, sizeof model_path);
    result primal = run("train", "--class-weight", "2,0.5", "-i", "50", "-k", "10", "--solver",
                        "primal", "-o", model_path, fx->train, NULL);
    assert_int_equal(primal.code, 0);
    assert_non_null(strstr(primal.err, "class weights: cat 2, dog 0.5\n"));
    assert_non_null(strstr(primal.out, "Cost after iteration 0: 0.970406\n"));
    catlr_model model = load(model_path);
    assert_true(model.class_weight[1] == 2.0 && model.class_weight[0] == 0.5);
    assert_int_equal(model.class_weight_balanced, 0);
    catlr_model_free(&model);
    result gram = run("train", "--class-weight", "2,0.5", "-i", "50", "-k", "10", "--solver",
                      "gram", "-o", model_path, fx->train, NULL);
    assert_int_equal(gram.code, 0);
    assert_string_equal(gram.out, primal.out);
    result none = run("train", "-q", "-i", "50", "-k", "10", "-o", model_path, fx->train, NULL);
    result ones = run("train", "-q", "--class-weight", "1,1", "-i", "50", "-k", "10", "-o",
                      model_path, fx->train, NULL);
    assert_int_equal(none.code, 0);
    assert_int_equal(ones.code, 0);
    assert_string_equal(ones.out, none.out);
    assert_string_not_equal(primal.out, none.out);
    result_free(&primal);
    result_free(&gram);
    result_free(&none);
    result_free(&ones);
}

// ----------------------------------------------------------------------------
// --augment.

/* Ensure --augment with anything but flip is a usage error. */
static void test_augment_usage_error(void **state) {
    fixtures *fx = *state;
    result r = run("train", "--augment", "mirror", fx->train, NULL);
    assert_usage_error(&r, "catlr: train: --augment must be flip, got 'mirror'", "train");
}

/* Ensure --augment flip doubles m (stderr says 10 images, the model counts
 * 6 cats and 4 dogs trained on and records the flag) and trains as if the
 * mirrors were files in the folder: the cost lines equal those of
 * mirrored/, which holds each image and its mirror drawn by the test. */
static void test_augment_flip(void **state) {
    fixtures *fx = *state;
    char model_path[1024];
    out_path(fx->out, "-flip.model", model_path, sizeof model_path);
    result flip = run("train", "--augment", "flip", "-i", "60", "-k", "20", "-r", "0.05", "-o",
                      model_path, fx->train, NULL);
    assert_int_equal(flip.code, 0);
    assert_non_null(strstr(flip.err, "--augment flip: training on 10 images, 5 and their "
                                     "mirrors\n"));
    catlr_model model = load(model_path);
    assert_int_equal(model.augment, CATLR_AUGMENT_FLIP);
    assert_int_equal(model.train_count[0], 6); /* cat */
    assert_int_equal(model.train_count[1], 4); /* dog */
    catlr_model_free(&model);
    result files = run("train", "-q", "-i", "60", "-k", "20", "-r", "0.05", "-o", model_path,
                       fx->mirrored, NULL);
    assert_int_equal(files.code, 0);
    result plain = run("train", "-q", "-i", "60", "-k", "20", "-r", "0.05", "-o", model_path,
                       fx->train, NULL);
    assert_int_equal(plain.code, 0);
    assert_string_equal(flip.out, files.out);
    assert_string_not_equal(flip.out, plain.out); /* the mirrors are other images */
    model = load(model_path);
    assert_int_equal(model.augment, 0);
    catlr_model_free(&model);
    result_free(&flip);
    result_free(&files);
    result_free(&plain);
}

// ----------------------------------------------------------------------------
// --init.

/* Ensure --init refuses, with exit 1 and one line naming the file and the
 * reason: a missing file, a damaged one, a model for other image sizes,
 * one for other classes, and one whose positive class is the other
 * folder; nothing is written. The file is read before the folders, so a
 * missing one is reported even when the folder is missing too. */
static void test_init_refusals(void **state) {
    fixtures *fx = *state;
    char model_path[1024], missing[1024], dog_model[1024], want[2048];
    out_path(fx->out, "-refused.model", model_path, sizeof model_path);
    out_path(fx->out, "-missing.model", missing, sizeof missing);
    out_path(fx->out, "-dog.model", dog_model, sizeof dog_model);
    result r = run("train", "-q", "-i", "1", "-p", "dog", "-o", dog_model, fx->train, NULL);
    assert_int_equal(r.code, 0);
    result_free(&r);

    r = run("train", "-q", "--init", missing, "-o", model_path, fx->train, NULL);
    snprintf(want, sizeof want, "catlr: %s: No such file or directory", missing);
    assert_failure(&r, want);
    result_free(&r);
    r = run("train", "-q", "--init", missing, "-o", model_path, missing, NULL); /* no folder */
    assert_failure(&r, want);
    result_free(&r);
    r = run("train", "-q", "--init", fx->damaged, "-o", model_path, fx->train, NULL);
    assert_int_equal(r.code, 1);
    snprintf(want, sizeof want, "catlr: %s: ", fx->damaged);
    assert_int_equal(strncmp(r.err, want, strlen(want)), 0);
    assert_int_equal(count_lines(r.err), 1);
    result_free(&r);
    r = run("train", "-q", "--init", fx->small, "-o", model_path, fx->train, NULL);
    snprintf(want, sizeof want, "catlr: %s: model is for 32x32x3 images, catlr reads 64x64x3",
             fx->small);
    assert_failure(&r, want);
    result_free(&r);
    r = run("train", "-q", "--init", fx->birds, "-o", model_path, fx->train, NULL);
    snprintf(want, sizeof want,
             "catlr: %s: --init model is for classes 'bird', 'dog', not the training "
             "folder's 'cat', 'dog'",
             fx->birds);
    assert_failure(&r, want);
    result_free(&r);
    r = run("train", "-q", "--init", dog_model, "-o", model_path, fx->train, NULL);
    snprintf(want, sizeof want,
             "catlr: %s: --init model's positive class is 'dog', not --positive 'cat'",
             dog_model);
    assert_failure(&r, want);
    result_free(&r);
    FILE *f = fopen(model_path, "rb");
    assert_null(f);
}

/* Ensure --curve or --plot naming the --init model, by its own name or by
 * another (a hard link), is a usage error before anything is opened: the
 * output would be truncated before the model is read, then removed when
 * the model cannot be. The model survives; -o may still name it. */
static void test_init_not_overwritten(void **state) {
    fixtures *fx = *state;
    char alias[2][1024], want[2200];
    /* --plot's name must end in .png */
    out_path(fx->out, "-alias.model", alias[0], sizeof alias[0]);
    out_path(fx->out, "-alias.png", alias[1], sizeof alias[1]);
    const char *outputs[] = {"--curve", "--plot"};
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(link(fx->birds, alias[k]), 0);
        result r = run("train", "-q", "--init", fx->birds, outputs[k], alias[k], fx->train, NULL);
        snprintf(want, sizeof want, "catlr: train: %s would overwrite the --init model '%s'",
                 outputs[k], fx->birds);
        assert_usage_error(&r, want, "train");
        remove(alias[k]);
    }
    catlr_model model = load(fx->birds); /* still whole */
    assert_string_equal(model.class_names[0], "bird");
    catlr_model_free(&model);
}

/* Ensure a warm start from a model trained to convergence stops at once
 * with --tol: 1 iteration, and the first cost printed is the cost the
 * loaded model recorded (to the float rounding of its weights); the new
 * model records the warm start. And from the same non-zero start the two
 * solvers print the same lines. */
static void test_init_warm_start(void **state) {
    fixtures *fx = *state;
    char first[1024], warm[1024];
    out_path(fx->out, "-first.model", first, sizeof first);
    out_path(fx->out, "-warm.model", warm, sizeof warm);
    result r = run("train", "-q", "-r", "0.05", "-i", "3000", "-k", "1000", "-o", first,
                   fx->train, NULL);
    assert_int_equal(r.code, 0);
    result_free(&r);
    catlr_model converged = load(first);
    assert_int_equal(converged.warm_start, 0);
    r = run("train", "--init", first, "--tol", "1e-4", "-r", "0.05", "-o", warm, fx->train,
            NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.err, "stopped after 1 of 2000 iterations"));
    assert_close(printed_cost(r.out, 0), converged.final_cost, 1e-6);
    assert_true(converged.final_cost < 0.05); /* it had learned something */
    result_free(&r);
    catlr_model model = load(warm);
    assert_int_equal(model.warm_start, 1);
    assert_int_equal(model.iterations, 1);
    assert_int_equal(model.stopped_early, 1);
    assert_close(model.final_cost, converged.final_cost, 1e-4);
    catlr_model_free(&model);
    catlr_model_free(&converged);

    result primal = run("train", "-q", "--init", first, "--class-weight", "3,1", "-i", "40",
                        "-k", "10", "--solver", "primal", "-o", warm, fx->train, NULL);
    result gram = run("train", "-q", "--init", first, "--class-weight", "3,1", "-i", "40",
                      "-k", "10", "--solver", "gram", "-o", warm, fx->train, NULL);
    assert_int_equal(primal.code, 0);
    assert_int_equal(gram.code, 0);
    assert_string_equal(primal.out, gram.out);
    result_free(&primal);
    result_free(&gram);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_class_weight_usage_errors),
        cmocka_unit_test(test_class_weight_balanced),
        cmocka_unit_test(test_class_weight_given),
        cmocka_unit_test(test_augment_usage_error),
        cmocka_unit_test(test_augment_flip),
        cmocka_unit_test(test_init_refusals),
        cmocka_unit_test(test_init_not_overwritten),
        cmocka_unit_test(test_init_warm_start),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
