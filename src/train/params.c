/* params.c: the settings of a training run (train.h): the course's
 * defaults, and the one check of a run's settings and data
 * (catlr_train_check, liblinear's check_parameter), which catlr_train,
 * the class weights and cross-validation call before any work. */
#include <math.h>
#include <stddef.h>

#include "catlr/train.h"
#include "base/internal.h"

catlr_train_params catlr_train_defaults(void) {
    return (catlr_train_params){
        .lr = CATLR_DEFAULT_LR,
        .iterations = CATLR_DEFAULT_ITERATIONS,
        .report_every = CATLR_DEFAULT_REPORT_EVERY,
        .solver = CATLR_SOLVER_AUTO,
    };
}

/* Why a held-out set cannot be read, or NULL. */
static const char *check_heldout(const catlr_train_set *set, const char *why) {
    return set->m > 0 && (set->X == NULL || set->y == NULL) ? why : NULL;
}

/* Why the class weights cannot be used, or NULL. */
static const char *check_class_weights(const catlr_train_params *params) {
    const double *cw = params->class_weight;
    if (params->class_weight_balanced != 0 && params->class_weight_balanced != 1)
        return "class_weight_balanced must be 0 or 1";
    if ((cw[0] != 0 || cw[1] != 0) && params->class_weight_balanced)
        return "balanced class weights exclude given ones";
    if ((cw[0] != 0 || cw[1] != 0) &&
        (!(cw[0] > 0 && cw[1] > 0) || !isfinite(cw[0]) || !isfinite(cw[1])))
        return "class weights must be finite numbers > 0";
    return NULL;
}

/* Why the reducer cannot train prob with params, or NULL. */
static const char *check_reducer(const catlr_train_problem *prob,
                                 const catlr_train_params *params,
                                 const catlr_train_reducer *red) {
    if (red->allreduce_sum == NULL)
        return NULL;
    const size_t test_m = prob != NULL ? prob->test.m : 0;
    const size_t val_m = prob != NULL ? prob->val.m : 0;
    if (red->m_total < 1)
        return "a split training set needs m_total >= 1";
    if (red->test_m_total < test_m)
        return "test_m_total is below this process's test_m";
    if (params->solver == CATLR_SOLVER_GRAM)
        return "the Gram solver trains in one process only; use primal";
    /* the choice of weights and the accuracies come from this process's
     * examples alone */
    if (val_m > 0 || params->eval_every > 0)
        return "a validation set and accuracies need one process";
    return NULL;
}

const char *catlr_train_check(const catlr_train_problem *prob, const catlr_train_params *params,
                              const catlr_train_hooks *hooks) {
    CATLR_ASSERT(params != NULL);
    if (!(params->lr > 0) || !isfinite(params->lr))
        return "learning rate must be a positive finite number";
    if (params->iterations < 1)
        return "iterations must be at least 1";
    if (params->report_every < 1)
        return "report interval must be at least 1";
    const char *why = NULL;
    if (prob != NULL) {
        why = check_heldout(&prob->test, "a test set needs its pixels and labels");
        if (why == NULL)
            why = check_heldout(&prob->val, "a validation set needs its pixels and labels");
    }
    if (why != NULL)
        return why;
    if (!(params->l2 >= 0) || !isfinite(params->l2))
        return "L2 lambda must be a finite number >= 0";
    if (!(params->tol >= 0) || !isfinite(params->tol))
        return "tolerance must be a finite number >= 0";
    if (params->solver != CATLR_SOLVER_AUTO && params->solver != CATLR_SOLVER_PRIMAL &&
        params->solver != CATLR_SOLVER_GRAM)
        return "unknown solver";
    if (params->threads > CATLR_MAX_THREADS)
        return "thread count over 1024";
    why = check_class_weights(params);
    if (why == NULL && hooks != NULL)
        why = check_reducer(prob, params, &hooks->reducer);
    return why;
}
