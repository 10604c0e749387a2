/* train.c: the gradient-descent loop. Owns the scratch vectors z (m) and
 * dw (n_x); calls the core; reports the cost through a callback, never by
 * printing. */
#include <math.h>
#include <stdlib.h>

#include "catlr/core.h"
#include "catlr/train.h"
#include "internal.h"

catlr_train_opts catlr_train_defaults(void) {
    catlr_train_opts opts = {CATLR_DEFAULT_LR, CATLR_DEFAULT_ITERATIONS,
                             CATLR_DEFAULT_REPORT_EVERY, NULL, NULL};
    return opts;
}

const char *catlr_train_check(const catlr_train_opts *opts) {
    CATLR_ASSERT(opts != NULL);
    if (!(opts->lr > 0) || !isfinite(opts->lr))
        return "learning rate must be a positive finite number";
    if (opts->iterations < 1)
        return "iterations must be at least 1";
    if (opts->report_every < 1)
        return "report interval must be at least 1";
    return NULL;
}

static catlr_status not_finite(catlr_error *err, const char *what, size_t iteration) {
    return catlr_fail(err, CATLR_ERR_NUMERIC, NULL,
                      "%s stopped being finite at iteration %lu "
                      "(is the learning rate too large?)",
                      what, (unsigned long)iteration);
}

/* The loop proper, with the scratch vectors z (m) and dw (n_x) provided. */
static catlr_status descend(const uint8_t *X, const uint8_t *y, size_t m,
                            const catlr_train_opts *opts, catlr_model *model,
                            double *z, double *dw, catlr_error *err) {
    const size_t n_x = catlr_model_n_x(model);
    for (size_t i = 0; i < opts->iterations; i++) {
        catlr_core_forward(X, n_x, m, model->w, model->b, z);
        if (opts->on_cost != NULL && i % opts->report_every == 0) {
            double cost = catlr_core_cost(z, y, m);
            if (!isfinite(cost))
                return not_finite(err, "the cost", i);
            opts->on_cost(opts->user, i, cost);
        }
        double db;
        catlr_core_backward(X, n_x, m, z, y, dw, &db);
        catlr_core_update(model->w, &model->b, dw, db, n_x, opts->lr);
        /* O(n_x), against O(n_x m) for the step that produced them */
        if (!catlr_model_finite(model))
            return not_finite(err, "the weights", i);
    }
    catlr_core_forward(X, n_x, m, model->w, model->b, z);
    model->final_cost = catlr_core_cost(z, y, m);
    if (!isfinite(model->final_cost))
        return not_finite(err, "the cost", opts->iterations);
    model->lr = opts->lr;
    model->iterations = opts->iterations;
    return CATLR_OK;
}

catlr_status catlr_train(const uint8_t *X, const uint8_t *y, size_t m,
                         const catlr_train_opts *opts, catlr_model *model,
                         catlr_error *err) {
    CATLR_ASSERT(X != NULL && y != NULL && opts != NULL && model != NULL &&
                 model->w != NULL);
    const char *why = catlr_train_check(opts);
    if (why != NULL)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "%s", why);
    if (m == 0)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "no training examples");
    double *z = malloc(m * sizeof *z);
    double *dw = malloc(catlr_model_n_x(model) * sizeof *dw);
    catlr_status st;
    if (z == NULL || dw == NULL)
        st = catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate training buffers");
    else
        st = descend(X, y, m, opts, model, z, dw, err);
    free(z);
    free(dw);
    return st;
}
