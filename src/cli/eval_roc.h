/* eval_roc.h: what eval reports beyond one threshold: the ROC curve of a
 * labelled folder, the areas under it and under the precision-recall
 * curve, and the thresholds that maximise F1 and Youden's J there. */
#ifndef CATLR_CLI_EVAL_ROC_H
#define CATLR_CLI_EVAL_ROC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catlr/metrics.h"

typedef struct eval_roc {
    catlr_roc_point *points; /* (count), every operating point */
    size_t count;
    double roc_auc;
    double pr_auc;  /* average precision */
    size_t best[2]; /* the best point for CATLR_PICK_F1, CATLR_PICK_YOUDEN */
} eval_roc;

/* The curve of m examples: y (m) labels, p (m) probabilities. 0, or -1
 * after the error line on errf (out of memory). */
int eval_roc_compute(eval_roc *roc, const uint8_t *y, const double *p, size_t m, FILE *errf);

void eval_roc_free(eval_roc *roc);

/* The lines of the text report: the two areas, then the two best
 * thresholds with their scores. */
void eval_roc_print_areas(const eval_roc *roc, FILE *out);
void eval_roc_print_best(const eval_roc *roc, FILE *out);

/* The same as JSON members, each preceded by a comma:
 * ,"roc_auc":A,"pr_auc":A,"best_f1":{...},"best_youden":{...} */
void eval_roc_print_json(const eval_roc *roc, FILE *out);

/* The curve as CSV: the header threshold,fpr,tpr,precision,recall,tp,fp,
 * tn,fn and one row per point, from the highest threshold down. */
void eval_roc_write_csv(const eval_roc *roc, FILE *fp);

#endif /* CATLR_CLI_EVAL_ROC_H */
