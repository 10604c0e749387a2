/* metrics.h: how good a classifier is on a labelled set: the 2x2 confusion
 * matrix and the scores read from it.
 *
 * "Positive" is label 1 (the --positive class). A prediction is positive
 * when its probability is above CATLR_THRESHOLD, as in predict.h. */
#ifndef CATLR_METRICS_H
#define CATLR_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "catlr/catlr.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default) /* exported: see catlr.h */

/* Counts of the four outcomes. */
typedef struct catlr_confusion {
    size_t tp; /* label 1, predicted 1 */
    size_t fn; /* label 1, predicted 0 */
    size_t fp; /* label 0, predicted 1 */
    size_t tn; /* label 0, predicted 0 */
} catlr_confusion;

/* Scores of a confusion matrix. A ratio whose denominator is 0 (precision
 * with no positive prediction, recall with no positive example, F1 when
 * precision and recall are both 0) is 0, scikit-learn's zero_division=0. */
typedef struct catlr_scores {
    double accuracy;  /* percent, the course's formula:
                         100 - (fp + fn) / m * 100 */
    double precision; /* tp / (tp + fp), in [0, 1] */
    double recall;    /* tp / (tp + fn), in [0, 1] */
    double f1;        /* 2 precision recall / (precision + recall) */
} catlr_scores;

/* Count the outcomes of m examples: y (m) labels 0 or 1, p (m) the
 * probabilities of label 1 (catlr_predict_proba). */
catlr_confusion catlr_metrics_confusion(const uint8_t *y, const double *p, size_t m);

/* Examples counted in c: tp + fn + fp + tn. */
size_t catlr_metrics_count(const catlr_confusion *c);

/* The scores of c; all 0 when c counts nothing. */
catlr_scores catlr_metrics_scores(const catlr_confusion *c);

/* The same as catlr_metrics_confusion with positive meaning p > threshold. */
catlr_confusion catlr_metrics_confusion_at(const uint8_t *y, const double *p, size_t m,
                                           double threshold);

/* One operating point: the confusion matrix when positive means
 * p > threshold. */
typedef struct catlr_roc_point {
    double threshold;
    catlr_confusion c;
} catlr_roc_point;

/* Every operating point that a threshold can give on these m examples, from
 * all negative to all positive: for d distinct probabilities v_1 > ... > v_d,
 * d + 1 points with thresholds 1 (no p is above it), then the midpoints
 * (v_k + v_k+1) / 2, then for everything positive v_d / 2, or when v_d is
 * 0 the negative double nearest 0 (-4.9e-324, below every p). Ties
 * share a point, so the curve does not depend on the examples' order.
 * *points is a new array of *count entries that the caller frees with
 * free(). m >= 1; CATLR_ERR_NOMEM. */
catlr_status catlr_metrics_roc(const uint8_t *y, const double *p, size_t m,
                               catlr_roc_point **points, size_t *count, catlr_error *err);

/* Area under the ROC curve (true positive rate against false positive
 * rate), by the trapezoid rule over the points: the probability that a
 * random positive example gets a higher p than a random negative one, ties
 * counting one half (the Mann-Whitney U statistic). NAN when the points
 * lack positive or negative examples. */
double catlr_metrics_roc_auc(const catlr_roc_point *points, size_t count);

/* Area under the precision-recall curve as average precision, the sum of
 * precision times the rise in recall at each point (scikit-learn's
 * average_precision_score; no interpolation, which would overstate it).
 * NAN without positive examples. */
double catlr_metrics_pr_auc(const catlr_roc_point *points, size_t count);

/* What a threshold is picked for. */
typedef enum catlr_pick {
    CATLR_PICK_F1 = 0,    /* the largest F1 */
    CATLR_PICK_YOUDEN = 1 /* the largest Youden's J = recall + specificity - 1 */
} catlr_pick;

/* Index of the point with the largest score; among equal scores the one
 * with the highest threshold (the first). count >= 1. */
size_t catlr_metrics_best_point(const catlr_roc_point *points, size_t count,
                                catlr_pick criterion);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_METRICS_H */
