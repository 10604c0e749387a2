/* train_check.c: catlr_train_check, the one check of a training run's
 * options (liblinear's check_parameter). A file of its own below both of
 * its callers, the loop (train_loop.c) and the class weights
 * (class_weight.c), so that neither calls back into the other. */
#include <math.h>
#include <stddef.h>

#include "catlr/train.h"
#include "base/internal.h"

const char *catlr_train_check(const catlr_train_opts *opts) {
    CATLR_ASSERT(opts != NULL);
    if (!(opts->lr > 0) || !isfinite(opts->lr))
        return "learning rate must be a positive finite number";
    if (opts->iterations < 1)
        return "iterations must be at least 1";
    if (opts->report_every < 1)
        return "report interval must be at least 1";
    if (opts->test_m > 0 && (opts->test_X == NULL || opts->test_y == NULL))
        return "a test set needs its pixels and labels";
    if (opts->val_m > 0 && (opts->val_X == NULL || opts->val_y == NULL))
        return "a validation set needs its pixels and labels";
    if (!(opts->l2 >= 0) || !isfinite(opts->l2))
        return "L2 lambda must be a finite number >= 0";
    if (!(opts->tol >= 0) || !isfinite(opts->tol))
        return "tolerance must be a finite number >= 0";
    if (opts->solver != CATLR_SOLVER_AUTO && opts->solver != CATLR_SOLVER_PRIMAL &&
        opts->solver != CATLR_SOLVER_GRAM)
        return "unknown solver";
    if (opts->threads > CATLR_MAX_THREADS)
        return "thread count over 1024";
    const double *cw = opts->class_weight;
    if (opts->class_weight_balanced != 0 && opts->class_weight_balanced != 1)
        return "class_weight_balanced must be 0 or 1";
    if ((cw[0] != 0 || cw[1] != 0) && opts->class_weight_balanced)
        return "balanced class weights exclude given ones";
    if ((cw[0] != 0 || cw[1] != 0) &&
        (!(cw[0] > 0 && cw[1] > 0) || !isfinite(cw[0]) || !isfinite(cw[1])))
        return "class weights must be finite numbers > 0";
    const catlr_train_reducer *red = &opts->reducer;
    if (red->allreduce_sum != NULL && red->m_total < 1)
        return "a split training set needs m_total >= 1";
    if (red->allreduce_sum != NULL && red->test_m_total < opts->test_m)
        return "test_m_total is below this process's test_m";
    if (red->allreduce_sum != NULL && opts->solver == CATLR_SOLVER_GRAM)
        return "the Gram solver trains in one process only; use primal";
    /* the choice of weights and the accuracies come from this process's
     * examples alone */
    if (red->allreduce_sum != NULL && (opts->val_m > 0 || opts->eval_every > 0))
        return "a validation set and accuracies need one process";
    return NULL;
}
