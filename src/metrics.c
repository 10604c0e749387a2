/* metrics.c: the confusion matrix and its scores. */
#include "catlr/metrics.h"
#include "catlr/predict.h"
#include "internal.h"

catlr_confusion catlr_metrics_confusion(const uint8_t *y, const double *p, size_t m) {
    CATLR_ASSERT(m == 0 || (y != NULL && p != NULL));
    catlr_confusion c = {0, 0, 0, 0};
    for (size_t j = 0; j < m; j++) {
        int predicted = catlr_predict_label(p[j]);
        if (y[j] && predicted)
            c.tp++;
        else if (y[j])
            c.fn++;
        else if (predicted)
            c.fp++;
        else
            c.tn++;
    }
    return c;
}

size_t catlr_metrics_count(const catlr_confusion *c) {
    return c->tp + c->fn + c->fp + c->tn;
}

/* num / den, or 0 when den is 0. */
static double ratio(double num, double den) {
    return den > 0 ? num / den : 0.0;
}

catlr_scores catlr_metrics_scores(const catlr_confusion *c) {
    CATLR_ASSERT(c != NULL);
    catlr_scores s = {0, 0, 0, 0};
    size_t m = catlr_metrics_count(c);
    if (m == 0)
        return s;
    s.accuracy = catlr_accuracy_percent(c->fp + c->fn, m);
    s.precision = ratio((double)c->tp, (double)(c->tp + c->fp));
    s.recall = ratio((double)c->tp, (double)(c->tp + c->fn));
    s.f1 = ratio(2.0 * s.precision * s.recall, s.precision + s.recall);
    return s;
}
