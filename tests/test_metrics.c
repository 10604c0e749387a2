/* test_metrics.c: the confusion matrix and its scores, on cases counted by
 * hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "catlr/core.h"
#include "catlr/metrics.h"
#include "catlr/predict.h"
#include "test_util.h"

/* Nine examples, labels and probabilities chosen by hand:
 *   j  y  p     predicted  outcome
 *   0  1  0.9   1          tp
 *   1  1  0.6   1          tp
 *   2  1  0.4   0          fn
 *   3  0  0.2   0          tn
 *   4  0  0.7   1          fp
 *   5  0  0.5   0          tn  (0.5 is not above the threshold)
 *   6  0  0.1   0          tn
 *   7  1  0.51  1          tp
 *   8  0  0.8   1          fp
 * tp 3, fn 1, fp 2, tn 3. */
static const uint8_t Y[9] = {1, 1, 1, 0, 0, 0, 0, 1, 0};
static const double P[9] = {0.9, 0.6, 0.4, 0.2, 0.7, 0.5, 0.1, 0.51, 0.8};

/* Ensure each example lands in its cell of the matrix, 0.5 counting as
 * negative. */
static void test_confusion_by_hand(void **state) {
    (void)state;
    catlr_confusion c = catlr_metrics_confusion(Y, P, 9);
    assert_int_equal(c.tp, 3);
    assert_int_equal(c.fn, 1);
    assert_int_equal(c.fp, 2);
    assert_int_equal(c.tn, 3);
    assert_int_equal(catlr_metrics_count(&c), 9);
}

/* Ensure the scores of the hand case: accuracy 100 - 3/9*100 = 66.67 %,
 * precision 3/5 = 0.6, recall 3/4 = 0.75, F1 = 2*0.6*0.75/1.35 = 2/3. */
static void test_scores_by_hand(void **state) {
    (void)state;
    catlr_confusion c = catlr_metrics_confusion(Y, P, 9);
    catlr_scores s = catlr_metrics_scores(&c);
    assert_close(s.accuracy, 100.0 - (3.0 / 9.0) * 100.0, 0);
    assert_close(s.accuracy, 66.666666666666671, 1e-12);
    assert_close(s.precision, 0.6, 1e-15);
    assert_close(s.recall, 0.75, 1e-15);
    assert_close(s.f1, 2.0 / 3.0, 1e-15);
}

/* Ensure ratios with a zero denominator are 0, not NaN: no positive
 * example and no positive prediction gives accuracy 100 and precision,
 * recall and F1 0; an empty matrix scores all 0. */
static void test_zero_division(void **state) {
    (void)state;
    const uint8_t y[3] = {0, 0, 0};
    const double p[3] = {0.1, 0.2, 0.3};
    catlr_confusion c = catlr_metrics_confusion(y, p, 3);
    assert_int_equal(c.tn, 3);
    catlr_scores s = catlr_metrics_scores(&c);
    assert_close(s.accuracy, 100.0, 0);
    assert_close(s.precision, 0.0, 0);
    assert_close(s.recall, 0.0, 0);
    assert_close(s.f1, 0.0, 0);
    /* predicted positive but never right: precision 0 and recall 0, F1 0 */
    const uint8_t y2[2] = {1, 0};
    const double p2[2] = {0.2, 0.9};
    c = catlr_metrics_confusion(y2, p2, 2);
    s = catlr_metrics_scores(&c);
    assert_close(s.precision, 0.0, 0);
    assert_close(s.f1, 0.0, 0);
    assert_close(s.accuracy, 0.0, 0);
    catlr_confusion empty = {0, 0, 0, 0};
    s = catlr_metrics_scores(&empty);
    assert_close(s.accuracy, 0.0, 0);
}

/* Ensure the accuracy of the matrix is the very double
 * catlr_predict_accuracy gives for the same model and pixels, so eval and
 * train print the same digits. A 1-feature model with w = 255, b = -4.5
 * has z = x - 4.5, so pixel values 0..9 fall on both sides of 0.5. */
static void test_accuracy_matches_predict(void **state) {
    (void)state;
    catlr_model model;
    assert_int_equal(catlr_model_init(&model, 1, 1, 1, "a", "b", 0, NULL), CATLR_OK);
    model.w[0] = 255.0f; /* z = x - 4.5 */
    model.b = -4.5;
    const uint8_t X[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    const uint8_t y[10] = {0, 1, 0, 0, 1, 1, 1, 0, 1, 1}; /* 3 wrong of 10 */
    double p[10];
    catlr_predict_proba(&model, X, 10, p);
    catlr_confusion c = catlr_metrics_confusion(y, p, 10);
    catlr_scores s = catlr_metrics_scores(&c);
    assert_close(s.accuracy, catlr_predict_accuracy(&model, X, y, 10), 0);
    assert_close(s.accuracy, 70.0, 1e-12);
    catlr_model_free(&model);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confusion_by_hand),
        cmocka_unit_test(test_scores_by_hand),
        cmocka_unit_test(test_zero_division),
        cmocka_unit_test(test_accuracy_matches_predict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
