/* test_predict.c: probabilities, labels and accuracy of a model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "train/core.h"
#include "catlr/predict.h"
#include "test_util.h"

/* Ensure a model for 64x64x3 images passes the check and any other
 * geometry is refused with CATLR_ERR_SHAPE, naming the path and both
 * geometries. */
static void test_check_geometry(void **state) {
    (void)state;
    catlr_model model;
    const catlr_model_shape shape = {
        .height = 64, .width = 64, .channels = 3, .class_names = {"cat", "dog"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape, NULL), CATLR_OK);
    assert_int_equal(catlr_predict_check(&model, "m.model", NULL), CATLR_OK);
    catlr_model_free(&model);
    const catlr_model_shape shape2 = {
        .height = 32, .width = 32, .channels = 3, .class_names = {"cat", "dog"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape2, NULL), CATLR_OK);
    catlr_error err;
    assert_int_equal(catlr_predict_check(&model, "m.model", &err), CATLR_ERR_SHAPE);
    assert_string_equal(err.path, "m.model");
    assert_non_null(strstr(err.reason, "32x32x3"));
    assert_non_null(strstr(err.reason, "64x64x3"));
    catlr_model_free(&model);
}

/* Ensure probabilities are sigmoid(w^T x / 255 + b), worked by hand: w =
 * (0.5, -2), b = 0.25; x = (255, 0) gives z = 0.75, p = 0.679178699175393;
 * x = (51, 102) gives z = -0.45, p = 0.389360766050778. */
static void test_proba_by_hand(void **state) {
    (void)state;
    catlr_model model;
    const catlr_model_shape shape = {
        .height = 1, .width = 2, .channels = 1, .class_names = {"a", "b"}, .positive = 1};
    assert_int_equal(catlr_model_init(&model, &shape, NULL), CATLR_OK);
    model.w[0] = 0.5f;
    model.w[1] = -2.0f;
    model.b = 0.25;
    const uint8_t X[4] = {255, 0, 51, 102};
    double p[2];
    catlr_predict_proba(&model, X, 2, p);
    assert_close(p[0], 0.679178699175393, 1e-15);
    assert_close(p[1], 0.389360766050778, 1e-15);
    assert_int_equal(catlr_predict_label(p[0]), 1);
    assert_int_equal(catlr_predict_label(p[1]), 0);
    catlr_model_free(&model);
}

/* Ensure catlr_predict_label_at is strict at any threshold: p equal to it
 * is negative, the next double above positive; at 0 every p above 0 is
 * positive and p = 0 is not; at 1 nothing is positive; and
 * catlr_predict_label is the same at CATLR_THRESHOLD. */
static void test_label_at(void **state) {
    (void)state;
    const double thresholds[] = {0.0, 0.25, 0.5, 0.9, 1.0};
    for (size_t k = 0; k < 5; k++) {
        double t = thresholds[k];
        assert_int_equal(catlr_predict_label_at(t, t), 0);
        if (t < 1)
            assert_int_equal(catlr_predict_label_at(nextafter(t, 2.0), t), 1);
        if (t > 0)
            assert_int_equal(catlr_predict_label_at(nextafter(t, -1.0), t), 0);
    }
    assert_int_equal(catlr_predict_label_at(0.0, 0.0), 0);
    assert_int_equal(catlr_predict_label_at(4.9e-324, 0.0), 1);
    assert_int_equal(catlr_predict_label_at(1.0, 1.0), 0);
    assert_int_equal(catlr_predict_label_at(0.7, 0.5), catlr_predict_label(0.7));
    assert_int_equal(catlr_predict_label_at(0.3, 0.5), catlr_predict_label(0.3));
}

/* Ensure the threshold is strict: exactly 0.5 is the negative class, the
 * next double above it the positive one. */
static void test_label_threshold(void **state) {
    (void)state;
    assert_int_equal(catlr_predict_label(0.5), 0);
    assert_int_equal(catlr_predict_label(nextafter(0.5, 1.0)), 1);
    assert_int_equal(catlr_predict_label(0.0), 0);
    assert_int_equal(catlr_predict_label(1.0), 1);
}

/* A 1x1x1 model with w = 1, b = -0.5: pixel 255 scores z = 0.5 (label 1),
 * pixel 0 scores z = -0.5 (label 0). */
static void threshold_model(catlr_model *model) {
    const catlr_model_shape shape = {
        .height = 1, .width = 1, .channels = 1, .class_names = {"neg", "pos"}, .positive = 1};
    assert_int_equal(catlr_model_init(model, &shape, NULL), CATLR_OK);
    model->w[0] = 1.0f;
    model->b = -0.5;
}

/* Ensure accuracy counts agreements: of (255, y=1), (0, y=0), (255, y=0),
 * (0, y=0) three are right: 75 %. */
static void test_accuracy_by_hand(void **state) {
    (void)state;
    catlr_model model;
    threshold_model(&model);
    const uint8_t X[4] = {255, 0, 255, 0};
    const uint8_t y[4] = {1, 0, 0, 0};
    assert_true(catlr_predict_accuracy(&model, X, y, 4) == 75.0);
    catlr_model_free(&model);
}

/* Ensure accuracy is computed as the course computes it, so that the printed
 * digits agree on ties: with m = 160 and 87 wrong, 100 - (87/160)*100 is
 * 45.62500000000001 (printed 45.63, as NumPy prints), while 100*73/160 is
 * exactly 45.625 (printed 45.62). Also crosses the 64-example chunking. */
static void test_accuracy_matches_course_rounding(void **state) {
    (void)state;
    catlr_model model;
    threshold_model(&model);
    uint8_t X[160], y[160];
    for (size_t j = 0; j < 160; j++) {
        X[j] = 255;            /* predicted 1 */
        y[j] = j < 73 ? 1 : 0; /* 73 right, 87 wrong */
    }
    double acc = catlr_predict_accuracy(&model, X, y, 160);
    char text[32];
    snprintf(text, sizeof text, "%.2f", acc);
    assert_string_equal(text, "45.63");
    catlr_model_free(&model);
}

/* Ensure prediction sees the same z as training: proba equals the sigmoid
 * of the core's forward pass on a full-size model. */
static void test_same_path_as_training(void **state) {
    (void)state;
    catlr_model model;
    const catlr_model_shape shape = {
        .height = 64, .width = 64, .channels = 3, .class_names = {"cat", "dog"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape, NULL), CATLR_OK);
    static uint8_t X[2 * CATLR_N_X];
    for (size_t i = 0; i < CATLR_N_X; i++) {
        model.w[i] = (float)((double)(i % 17) - 8.0) * 1e-4f;
        X[i] = (uint8_t)(i * 7);
        X[CATLR_N_X + i] = (uint8_t)(255 - i % 256);
    }
    model.b = 0.01;
    double z[2], p[2];
    catlr_core_forward(X, CATLR_N_X, 2, model.w, model.b, z);
    catlr_predict_proba(&model, X, 2, p);
    for (size_t j = 0; j < 2; j++)
        assert_true(p[j] == catlr_core_sigmoid(z[j]));
    catlr_model_free(&model);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_geometry),
        cmocka_unit_test(test_proba_by_hand),
        cmocka_unit_test(test_label_threshold),
        cmocka_unit_test(test_label_at),
        cmocka_unit_test(test_accuracy_by_hand),
        cmocka_unit_test(test_accuracy_matches_course_rounding),
        cmocka_unit_test(test_same_path_as_training),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
