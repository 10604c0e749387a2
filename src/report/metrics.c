/* metrics.c: the confusion matrix and its scores; the operating points of
 * every threshold, the areas under the ROC and precision-recall curves, and
 * the threshold that maximises F1 or Youden's J. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "catlr/metrics.h"
#include "catlr/predict.h"
#include "base/internal.h"

catlr_confusion catlr_metrics_confusion(const uint8_t *y, const double *p, size_t m) {
    return catlr_metrics_confusion_at(y, p, m, CATLR_THRESHOLD);
}

catlr_confusion catlr_metrics_confusion_at(const uint8_t *y, const double *p, size_t m,
                                           double threshold) {
    CATLR_ASSERT(m == 0 || (y != NULL && p != NULL));
    catlr_confusion c = {0, 0, 0, 0};
    for (size_t j = 0; j < m; j++) {
        int predicted = catlr_predict_label_at(p[j], threshold);
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

// ----------------------------------------------------------------------------
// Operating points.

/* An example for sorting: its probability and label. */
typedef struct scored {
    double p;
    uint8_t y;
} scored;

/* Descending probability; the labels of equal probabilities share a point,
 * so their order does not matter. */
static int by_p_descending(const void *a, const void *b) {
    double pa = ((const scored *)a)->p, pb = ((const scored *)b)->p;
    return (pa < pb) - (pa > pb);
}

/* The threshold between the distinct probabilities hi > lo: positive when
 * p > (hi + lo) / 2 takes hi and leaves lo. lo / 2 + hi / 2 cannot
 * overflow and, for probabilities in [0, 1], lies strictly between them
 * unless they are adjacent doubles, where it rounds to one of them; lo is
 * then the right answer (p > lo takes hi, not lo). */
static double between(double hi, double lo) {
    double t = lo / 2 + hi / 2;
    return t < hi && t >= lo ? t : lo;
}

catlr_status catlr_metrics_roc(const uint8_t *y, const double *p, size_t m,
                               catlr_roc_point **points, size_t *count, catlr_error *err) {
    CATLR_ASSERT(y != NULL && p != NULL && m >= 1 && points != NULL && count != NULL);
    scored *s = malloc(m * sizeof *s);
    catlr_roc_point *pts = malloc((m + 1) * sizeof *pts);
    if (s == NULL || pts == NULL) {
        free(s);
        free(pts);
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate the ROC curve");
    }
    size_t pos = 0;
    for (size_t j = 0; j < m; j++) {
        s[j] = (scored){p[j], y[j] != 0};
        pos += s[j].y;
    }
    qsort(s, m, sizeof *s, by_p_descending);
    /* start with nothing positive, then take each group of equal p */
    catlr_confusion c = {0, pos, 0, m - pos};
    size_t n = 0;
    pts[n++] = (catlr_roc_point){1.0, c};
    for (size_t j = 0; j < m;) {
        size_t k = j;
        for (; k < m && s[k].p == s[j].p; k++) {
            if (s[k].y) {
                c.tp++;
                c.fn--;
            } else {
                c.fp++;
                c.tn--;
            }
        }
        double threshold = k < m                ? between(s[j].p, s[k].p)
                           : s[j].p > 0         ? s[j].p / 2
                                                : -DBL_TRUE_MIN;
        pts[n++] = (catlr_roc_point){threshold, c};
        j = k;
    }
    free(s);
    *points = pts;
    *count = n;
    return CATLR_OK;
}

/* True and false positive rates of a point; the totals are the same for
 * every point of one curve. */
static double rate(size_t num, size_t den) {
    return (double)num / (double)den;
}

double catlr_metrics_roc_auc(const catlr_roc_point *points, size_t count) {
    CATLR_ASSERT(points != NULL && count >= 1);
    const catlr_confusion *c0 = &points[0].c;
    size_t pos = c0->tp + c0->fn, neg = c0->fp + c0->tn;
    if (pos == 0 || neg == 0)
        return NAN;
    /* trapezoids between neighbouring points: a group of tied positives
     * and negatives forms a diagonal, which counts each tied pair one half,
     * as the Mann-Whitney statistic does */
    double area = 0;
    for (size_t i = 1; i < count; i++) {
        const catlr_confusion *a = &points[i - 1].c, *b = &points[i].c;
        area += (rate(b->fp, neg) - rate(a->fp, neg)) *
                (rate(a->tp, pos) + rate(b->tp, pos)) / 2;
    }
    return area;
}

double catlr_metrics_pr_auc(const catlr_roc_point *points, size_t count) {
    CATLR_ASSERT(points != NULL && count >= 1);
    const catlr_confusion *c0 = &points[0].c;
    size_t pos = c0->tp + c0->fn;
    if (pos == 0)
        return NAN;
    double ap = 0;
    for (size_t i = 1; i < count; i++) {
        const catlr_confusion *a = &points[i - 1].c, *b = &points[i].c;
        if (b->tp == a->tp)
            continue; /* recall did not rise: no area */
        double precision = (double)b->tp / (double)(b->tp + b->fp);
        ap += (rate(b->tp, pos) - rate(a->tp, pos)) * precision;
    }
    return ap;
}

/* The criterion's score of one point. */
static double pick_score(const catlr_confusion *c, catlr_pick criterion) {
    if (criterion == CATLR_PICK_YOUDEN) {
        double recall = ratio((double)c->tp, (double)(c->tp + c->fn));
        double specificity = ratio((double)c->tn, (double)(c->tn + c->fp));
        return recall + specificity - 1;
    }
    return catlr_metrics_scores(c).f1;
}

size_t catlr_metrics_best_point(const catlr_roc_point *points, size_t count,
                                catlr_pick criterion) {
    CATLR_ASSERT(points != NULL && count >= 1);
    size_t best = 0;
    double best_score = pick_score(&points[0].c, criterion);
    for (size_t i = 1; i < count; i++) {
        double score = pick_score(&points[i].c, criterion);
        if (score > best_score) {
            best = i;
            best_score = score;
        }
    }
    return best;
}
