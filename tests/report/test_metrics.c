/* test_metrics.c: the confusion matrix and its scores, on cases counted by
 * hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "train/core.h"
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
    const catlr_model_shape shape = {
        .height = 1, .width = 1, .channels = 1, .class_names = {"a", "b"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape, NULL), CATLR_OK);
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

/* The nine examples' operating points: ten (nine distinct probabilities),
 * from nothing to everything positive, and each point's threshold gives
 * exactly its matrix through catlr_metrics_confusion_at. */
static void test_roc_points_by_hand(void **state) {
    (void)state;
    catlr_roc_point *pts;
    size_t n;
    catlr_error err;
    assert_int_equal(catlr_metrics_roc(Y, P, 9, &pts, &n, &err), CATLR_OK);
    assert_int_equal(n, 10);
    assert_int_equal(pts[0].c.tp + pts[0].c.fp, 0);
    assert_int_equal(pts[9].c.tn + pts[9].c.fn, 0);
    /* after 0.51 come 0.5: the threshold between them is 0.505, and the
     * matrix is the one at 0.5 (the default threshold) */
    assert_close(pts[5].threshold, 0.505, 1e-15);
    catlr_confusion half = catlr_metrics_confusion(Y, P, 9);
    assert_memory_equal(&pts[5].c, &half, sizeof half);
    for (size_t i = 0; i < n; i++) {
        catlr_confusion c = catlr_metrics_confusion_at(Y, P, 9, pts[i].threshold);
        assert_memory_equal(&c, &pts[i].c, sizeof c);
    }
    free(pts);
}

/* AUCs counted by hand. ROC: of the 4 x 5 (positive, negative) pairs, the
 * positive ranks higher in 5 + 3 + 3 + 2 = 13: 0.65. Average precision:
 * recall rises by 1/4 at precisions 1, 2/4, 3/5 and 4/7. */
static void test_auc_by_hand(void **state) {
    (void)state;
    catlr_roc_point *pts;
    size_t n;
    catlr_error err;
    assert_int_equal(catlr_metrics_roc(Y, P, 9, &pts, &n, &err), CATLR_OK);
    assert_close(catlr_metrics_roc_auc(pts, n), 0.65, 1e-15);
    assert_close(catlr_metrics_pr_auc(pts, n), 0.25 * (1 + 0.5 + 0.6 + 4.0 / 7), 1e-15);
    free(pts);
}

/* Ties: equal probabilities share one point, a tied pair counts one half,
 * and the order of the examples does not change the curve. */
static void test_roc_ties(void **state) {
    (void)state;
    const uint8_t y1[4] = {1, 0, 0, 1}, y2[4] = {0, 1, 1, 0};
    const double p[4] = {0.5, 0.5, 0.2, 0.9};
    const double p2[4] = {0.2, 0.9, 0.5, 0.5}; /* the same examples reordered */
    catlr_roc_point *a, *b;
    size_t na, nb;
    catlr_error err;
    assert_int_equal(catlr_metrics_roc(y1, p, 4, &a, &na, &err), CATLR_OK);
    assert_int_equal(catlr_metrics_roc(y2, p2, 4, &b, &nb, &err), CATLR_OK);
    assert_int_equal(na, 4);
    assert_int_equal(nb, 4);
    assert_memory_equal(a, b, na * sizeof *a);
    /* pairs: 0.9 beats both negatives (2), 0.5 ties one (0.5) and beats
     * 0.2 (1): 3.5 of 4 */
    assert_close(catlr_metrics_roc_auc(a, na), 0.875, 1e-15);
    free(a);
    free(b);
}

/* Probabilities of exactly 0: the last point's threshold is below 0, so
 * that it still makes every example positive. */
static void test_roc_zero_probability(void **state) {
    (void)state;
    const uint8_t y[2] = {1, 0};
    const double p[2] = {0.0, 0.0};
    catlr_roc_point *pts;
    size_t n;
    catlr_error err;
    assert_int_equal(catlr_metrics_roc(y, p, 2, &pts, &n, &err), CATLR_OK);
    assert_int_equal(n, 2);
    assert_true(pts[1].threshold < 0);
    catlr_confusion c = catlr_metrics_confusion_at(y, p, 2, pts[1].threshold);
    assert_int_equal(c.tp + c.fp, 2);
    assert_close(catlr_metrics_roc_auc(pts, n), 0.5, 0);
    free(pts);
}

/* One class only: no ROC area; no positives: no PR area either. */
static void test_auc_one_class(void **state) {
    (void)state;
    const uint8_t pos[2] = {1, 1}, neg[2] = {0, 0};
    const double p[2] = {0.3, 0.7};
    catlr_roc_point *pts;
    size_t n;
    catlr_error err;
    assert_int_equal(catlr_metrics_roc(pos, p, 2, &pts, &n, &err), CATLR_OK);
    assert_true(isnan(catlr_metrics_roc_auc(pts, n)));
    assert_close(catlr_metrics_pr_auc(pts, n), 1.0, 0);
    free(pts);
    assert_int_equal(catlr_metrics_roc(neg, p, 2, &pts, &n, &err), CATLR_OK);
    assert_true(isnan(catlr_metrics_roc_auc(pts, n)));
    assert_true(isnan(catlr_metrics_pr_auc(pts, n)));
    free(pts);
}

/* The best points by hand. F1 over the ten points: 0, .4, .333, .286, .5,
 * .667, .6, .727, .667, .615: the best takes everything down to 0.4
 * (threshold 0.3). Youden's J: 0, .25, .05, -.15, .1, .35, .15, .4, .2,
 * 0: the same point. A tie goes to the higher threshold. */
static void test_best_point_by_hand(void **state) {
    (void)state;
    catlr_roc_point *pts;
    size_t n;
    catlr_error err;
    assert_int_equal(catlr_metrics_roc(Y, P, 9, &pts, &n, &err), CATLR_OK);
    size_t f1 = catlr_metrics_best_point(pts, n, CATLR_PICK_F1);
    size_t j = catlr_metrics_best_point(pts, n, CATLR_PICK_YOUDEN);
    assert_int_equal(f1, 7);
    assert_int_equal(j, 7);
    assert_close(pts[f1].threshold, 0.3, 1e-15);
    free(pts);
    /* p 0.9 (positive) and 0.1 (negative), 0.6 (positive) and 0.4
     * (negative): J is 1 for any cut between 0.6 and 0.4, one point */
    const uint8_t y[4] = {1, 0, 1, 0};
    const double p[4] = {0.9, 0.1, 0.6, 0.4};
    assert_int_equal(catlr_metrics_roc(y, p, 4, &pts, &n, &err), CATLR_OK);
    size_t best = catlr_metrics_best_point(pts, n, CATLR_PICK_YOUDEN);
    assert_close(pts[best].threshold, 0.5, 1e-15);
    free(pts);
    /* p 0.9, 0.8, 0.7, 0.1 with labels 1, 0, 1, 0: J is 0.5 both after 0.9
     * and after 0.7; the first, threshold 0.85, wins */
    const uint8_t yt[4] = {1, 0, 1, 0};
    const double pt[4] = {0.9, 0.8, 0.7, 0.1};
    assert_int_equal(catlr_metrics_roc(yt, pt, 4, &pts, &n, &err), CATLR_OK);
    best = catlr_metrics_best_point(pts, n, CATLR_PICK_YOUDEN);
    assert_int_equal(best, 1);
    assert_close(pts[best].threshold, 0.85, 1e-15);
    free(pts);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confusion_by_hand),
        cmocka_unit_test(test_scores_by_hand),
        cmocka_unit_test(test_zero_division),
        cmocka_unit_test(test_accuracy_matches_predict),
        cmocka_unit_test(test_roc_points_by_hand),
        cmocka_unit_test(test_auc_by_hand),
        cmocka_unit_test(test_roc_ties),
        cmocka_unit_test(test_roc_zero_probability),
        cmocka_unit_test(test_auc_one_class),
        cmocka_unit_test(test_best_point_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
