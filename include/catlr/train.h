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

/* What the trainer reports before each step. */
typedef struct catlr_train_step {
    size_t iteration; /* the step about to be taken: 0 .. iterations-1 */
    int has_cost;     /* 1 when the costs below were computed for this step:
                         on iterations 0, K, 2K, ... (K = report_every) */
    double cost;      /* training cost of the weights before the step */
    double test_cost; /* the same on the test set; NAN without one */
} catlr_train_step;

typedef struct catlr_train_opts {
    double lr;           /* learning rate, finite and > 0 */
    size_t iterations;   /* gradient-descent steps, >= 1 */
    size_t report_every; /* costs are computed on iterations 0, K, 2K, ...;
                            K >= 1 */
    /* An optional test set whose cost is reported beside the training cost:
     * test_X (n_x, test_m) uint8 and test_y (test_m), or NULL and 0. It is
     * only read, never trained on. */
    const uint8_t *test_X;
    const uint8_t *test_y;
    size_t test_m;
    /* Called before every step (so a progress display can follow along);
     * costs are computed only for the steps that report them. May be NULL. */
    void (*on_step)(void *user, const catlr_train_step *step);
    void *user;          /* passed to on_step */
} catlr_train_opts;

/* lr 0.005, 2000 iterations, report every 100, no test set, no callback:
 * the course. */
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
