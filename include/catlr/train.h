/* train.h: batch gradient descent on the logistic-regression cost.
 *
 * Each iteration runs the whole training set through the core: forward,
 * (cost, when it is reported), backward, update. The cost reported for
 * iteration i is the cost of the weights before that iteration's update, as
 * the course prints it. */
#ifndef CATLR_TRAIN_H
#define CATLR_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "catlr/catlr.h"
#include "catlr/model.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CATLR_DEFAULT_LR 0.005
#define CATLR_DEFAULT_ITERATIONS 2000
#define CATLR_DEFAULT_REPORT_EVERY 100

typedef struct catlr_train_opts {
    double lr;           /* learning rate, finite and > 0 */
    size_t iterations;   /* gradient-descent steps, >= 1 */
    size_t report_every; /* on_cost sees iterations 0, K, 2K, ...; K >= 1 */
    /* Called with the cost before iteration `iteration`'s update; may be
     * NULL. The cost is only computed for the iterations reported. */
    void (*on_cost)(void *user, size_t iteration, double cost);
    void *user;          /* passed to on_cost */
} catlr_train_opts;

/* lr 0.005, 2000 iterations, report every 100, no callback: the course. */
catlr_train_opts catlr_train_defaults(void);

/* Why opts cannot be used, or NULL when they can. */
const char *catlr_train_check(const catlr_train_opts *opts);

/* Train model on m examples. X: (n_x, m) uint8, example j at X + j*n_x,
 * n_x = catlr_model_n_x(model); y: (m) 0 or 1; m >= 1.
 * Starts from model->w and model->b (zero after catlr_model_init) and leaves
 * the trained weights there, with model->lr, iterations and final_cost (the
 * cost of the final weights) filled in.
 * Fails with CATLR_ERR_ARG (opts, m = 0), CATLR_ERR_NOMEM, or
 * CATLR_ERR_NUMERIC when the cost or the weights stop being finite (a
 * learning rate far too large), after which the model's weights are not to
 * be used. */
catlr_status catlr_train(const uint8_t *X, const uint8_t *y, size_t m,
                         const catlr_train_opts *opts, catlr_model *model,
                         catlr_error *err);

#ifdef __cplusplus
}
#endif

#endif /* CATLR_TRAIN_H */
