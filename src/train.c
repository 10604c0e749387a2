/* train.c: the gradient-descent loop. Owns the scratch vectors z (m),
 * z_test (test_m) and dw (n_x); calls the core; reports the costs through a
 * callback, never by printing. */
#include <math.h>
#include <stdlib.h>

#include "catlr/core.h"
#include "catlr/train.h"
#include "internal.h"

catlr_train_opts catlr_train_defaults(void) {
    catlr_train_opts opts = {0};
    opts.lr = CATLR_DEFAULT_LR;
    opts.iterations = CATLR_DEFAULT_ITERATIONS;
    opts.report_every = CATLR_DEFAULT_REPORT_EVERY;
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
    if (opts->test_m > 0 && (opts->test_X == NULL || opts->test_y == NULL))
        return "a test set needs its pixels and labels";
    return NULL;
}

static catlr_status not_finite(catlr_error *err, const char *what, size_t iteration) {
    return catlr_fail(err, CATLR_ERR_NUMERIC, NULL,
                      "%s stopped being finite at iteration %lu "
                      "(is the learning rate too large?)",
                      what, (unsigned long)iteration);
}

/* The scratch vectors of one training run. */
typedef struct scratch {
    double *z;      /* (m) */
    double *z_test; /* (test_m), NULL without a test set */
    double *dw;     /* (n_x) */
} scratch;

/* Fill step's costs for the current weights; z already holds the forward
 * pass of the training set. */
static catlr_status measure(const uint8_t *y, size_t m, const catlr_train_opts *opts,
                            const catlr_model *model, const scratch *s,
                            catlr_train_step *step, catlr_error *err) {
    step->has_cost = 1;
    step->cost = catlr_core_cost(s->z, y, m);
    if (!isfinite(step->cost))
        return not_finite(err, "the cost", step->iteration);
    if (opts->test_m > 0) {
        catlr_core_forward(opts->test_X, catlr_model_n_x(model), opts->test_m, model->w,
                           model->b, s->z_test);
        step->test_cost = catlr_core_cost(s->z_test, opts->test_y, opts->test_m);
    }
    return CATLR_OK;
}

/* The loop proper, with the scratch vectors provided. */
static catlr_status descend(const uint8_t *X, const uint8_t *y, size_t m,
                            const catlr_train_opts *opts, catlr_model *model,
                            const scratch *s, catlr_error *err) {
    const size_t n_x = catlr_model_n_x(model);
    for (size_t i = 0; i < opts->iterations; i++) {
        catlr_core_forward(X, n_x, m, model->w, model->b, s->z);
        if (opts->on_step != NULL) {
            catlr_train_step step = {i, 0, NAN, NAN};
            if (i % opts->report_every == 0) {
                catlr_status st = measure(y, m, opts, model, s, &step, err);
                if (st != CATLR_OK)
                    return st;
            }
            opts->on_step(opts->user, &step);
        }
        double db;
        catlr_core_backward(X, n_x, m, s->z, y, s->dw, &db);
        catlr_core_update(model->w, &model->b, s->dw, db, n_x, opts->lr);
        /* O(n_x), against O(n_x m) for the step that produced them */
        if (!catlr_model_finite(model))
            return not_finite(err, "the weights", i);
    }
    catlr_core_forward(X, n_x, m, model->w, model->b, s->z);
    model->final_cost = catlr_core_cost(s->z, y, m);
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
    scratch s = {malloc(m * sizeof *s.z), NULL,
                 malloc(catlr_model_n_x(model) * sizeof *s.dw)};
    if (opts->test_m > 0)
        s.z_test = malloc(opts->test_m * sizeof *s.z_test);
    catlr_status st;
    if (s.z == NULL || s.dw == NULL || (opts->test_m > 0 && s.z_test == NULL))
        st = catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate training buffers");
    else
        st = descend(X, y, m, opts, model, &s, err);
    free(s.z);
    free(s.z_test);
    free(s.dw);
    return st;
}
