/* eval_roc.c: the ROC curve, its areas and the best thresholds of a
 * labelled folder, as eval prints them (text, JSON, CSV). */
#include <stdlib.h>

#include "common.h"
#include "eval_roc.h"
#include "json.h"

int eval_roc_compute(eval_roc *roc, const uint8_t *y, const double *p, size_t m, FILE *errf) {
    catlr_error err;
    if (catlr_metrics_roc(y, p, m, &roc->points, &roc->count, &err) != CATLR_OK) {
        cli_print_error(errf, &err);
        return -1;
    }
    roc->roc_auc = catlr_metrics_roc_auc(roc->points, roc->count);
    roc->pr_auc = catlr_metrics_pr_auc(roc->points, roc->count);
    roc->best[CATLR_PICK_F1] = catlr_metrics_best_point(roc->points, roc->count, CATLR_PICK_F1);
    roc->best[CATLR_PICK_YOUDEN] =
        catlr_metrics_best_point(roc->points, roc->count, CATLR_PICK_YOUDEN);
    return 0;
}

void eval_roc_free(eval_roc *roc) {
    free(roc->points);
    roc->points = NULL;
    roc->count = 0;
}

/* num / den, 0 when den is 0 (as catlr_metrics_scores does). */
static double ratio(size_t num, size_t den) {
    return den > 0 ? (double)num / (double)den : 0.0;
}

/* Youden's J of a point: recall + specificity - 1. */
static double youden(const catlr_confusion *c) {
    return ratio(c->tp, c->tp + c->fn) + ratio(c->tn, c->tn + c->fp) - 1;
}

void eval_roc_print_areas(const eval_roc *roc, FILE *out) {
    fprintf(out, "%-11s%.4f\n%-11s%.4f\n", "ROC AUC:", roc->roc_auc, "PR AUC:", roc->pr_auc);
}

void eval_roc_print_best(const eval_roc *roc, FILE *out) {
    static const char *const names[2] = {"best F1:        ", "best Youden's J:"};
    for (int k = 0; k < 2; k++) {
        const catlr_roc_point *pt = &roc->points[roc->best[k]];
        catlr_scores s = catlr_metrics_scores(&pt->c);
        /* the threshold in full, so that --threshold given it reproduces
         * the point exactly */
        fprintf(out, "%s %.4f at threshold ", names[k], k == CATLR_PICK_F1 ? s.f1 : youden(&pt->c));
        cli_json_number(out, pt->threshold);
        fprintf(out, " (accuracy %.2f %%, precision %.4f, recall %.4f)\n", s.accuracy,
                s.precision, s.recall);
    }
}

/* ,"NAME":V */
static void json_member(FILE *out, const char *name, double v) {
    fprintf(out, ",\"%s\":", name);
    cli_json_number(out, v);
}

void eval_roc_print_json(const eval_roc *roc, FILE *out) {
    json_member(out, "roc_auc", roc->roc_auc);
    json_member(out, "pr_auc", roc->pr_auc);
    static const char *const names[2] = {"best_f1", "best_youden"};
    for (int k = 0; k < 2; k++) {
        const catlr_roc_point *pt = &roc->points[roc->best[k]];
        catlr_scores s = catlr_metrics_scores(&pt->c);
        fprintf(out, ",\"%s\":{\"threshold\":", names[k]);
        cli_json_number(out, pt->threshold);
        json_member(out, "f1", s.f1);
        json_member(out, "youden", youden(&pt->c));
        json_member(out, "accuracy", s.accuracy);
        json_member(out, "precision", s.precision);
        json_member(out, "recall", s.recall);
        fputc('}', out);
    }
}

void eval_roc_write_csv(const eval_roc *roc, FILE *fp) {
    fputs("threshold,fpr,tpr,precision,recall,tp,fp,tn,fn\n", fp);
    for (size_t i = 0; i < roc->count; i++) {
        const catlr_confusion *c = &roc->points[i].c;
        catlr_scores s = catlr_metrics_scores(c);
        const double v[] = {roc->points[i].threshold, ratio(c->fp, c->fp + c->tn),
                            ratio(c->tp, c->tp + c->fn), s.precision, s.recall};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            cli_json_number(fp, v[k]); /* the fewest digits that read back */
            fputc(',', fp);
        }
        fprintf(fp, "%zu,%zu,%zu,%zu\n", c->tp, c->fp, c->tn, c->fn);
    }
}
