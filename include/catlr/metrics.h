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

#ifdef __cplusplus
}
#endif

#endif /* CATLR_METRICS_H */
