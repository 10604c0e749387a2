/* cv.h: k-fold cross-validation over a grid of learning rates and L2
 * strengths.
 *
 * Every setting (lr, l2) of the grid is trained k times, each time on the
 * examples of k-1 folds (split.h's catlr_split_folds makes stratified
 * ones), and measured on the fold left out: the accuracy and the cost there
 * of the final weights (the cross-entropy without the L2 term, as train.h's
 * test cost), in double, before the weights are rounded to float.
 *
 * Each run is catlr_train on the training folds' columns, in their order
 * in X, with the held-out fold as its test set: the same steps,
 * bit for bit, as training that fold on its own. What the runs share:
 * - the pixels, decoded once by the caller;
 * - with the Gram solver, one Gram matrix K = X^T X of all m examples,
 *   computed once. A fold's training matrix is the sub-matrix of K on its
 *   training rows and columns, and the held-out examples' rows of K (the
 *   training columns) are their cross products, which give their z. K is
 *   exact (sums of byte products in integers), so the sub-matrix holds the
 *   very values catlr_train computes for that fold alone: the results are
 *   bit-identical to separate catlr_train runs. A grid of S settings on k
 *   folds costs one K (n_x m^2 / 2 multiply-adds) and S k epochs' worth of
 *   m_T^2 per iteration (m_T = m (k-1)/k), against 2 n_x m_T per iteration
 *   and run for the primal solver.
 * The runs are independent and run in parallel, one thread each (the
 * threads shared out when there are fewer runs than threads), so the
 * results do not depend on the thread count. */
#ifndef CATLR_CV_H
#define CATLR_CV_H

#include <stddef.h>
#include <stdint.h>

#include "catlr/catlr.h"
#include "catlr/model.h"
#include "catlr/train.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default) /* exported: see catlr.h */

/* Memory for the folds' copies (their pixels in training-then-held-out
 * order and, with the Gram solver, their sub-matrices of K): as many folds
 * as fit are prepared and trained at once, at least one. K itself counts
 * against CATLR_GRAM_MAX_BYTES. */
#define CATLR_CV_BATCH_BYTES (1ull << 30)

/* One point of the grid. */
typedef struct catlr_cv_setting {
    double lr; /* finite and > 0 */
    double l2; /* finite and >= 0 */
} catlr_cv_setting;

/* What one run measured: a setting trained on every fold but f and
 * measured on fold f. */
typedef struct catlr_cv_run {
    catlr_status status; /* CATLR_OK, or why the training failed */
    catlr_error err;     /* filled when status is not CATLR_OK */
    double train_cost;   /* final cost on the training folds, with the L2
                            term (catlr_model.final_cost) */
    double val_cost;     /* cross-entropy on fold f, without the L2 term */
    double val_accuracy; /* percent of fold f classified right (p > 0.5 is
                            label 1), by the course's formula */
} catlr_cv_run;

/* One setting over its k runs. The standard deviations are the
 * population's (divided by k, as scikit-learn's cv_results_). */
typedef struct catlr_cv_summary {
    size_t failed; /* runs whose training failed; the rest is NAN if > 0 */
    double val_accuracy_mean, val_accuracy_std;
    double val_cost_mean, val_cost_std;
    double train_cost_mean;
} catlr_cv_summary;

/* The data of a grid (as catlr_train_problem is of one run).
 * X: (n_x, m) uint8, example j at X + j*n_x; y: (m) 0 or 1; fold: (m), the
 * fold of each example, in [0, k), no fold empty (catlr_split_folds);
 * k >= 2 folds. n_x is at most CATLR_MODEL_MAX_SIDE. */
typedef struct catlr_cv_problem {
    const uint8_t *X;
    const uint8_t *y;
    size_t n_x;
    size_t m;
    const unsigned *fold;
    unsigned k;
} catlr_cv_problem;

/* The settings of a grid. */
typedef struct catlr_cv_params {
    const catlr_cv_setting *settings; /* (n_settings), n_settings >= 1 */
    size_t n_settings;
    /* iterations, report_every, tol, solver, threads and the class weights
     * as for catlr_train ("balanced" is worked out from each run's training
     * folds, as a separate run would); lr and l2 are replaced by each
     * setting's, and eval_every is ignored (nothing is reported). */
    catlr_train_params train;
} catlr_cv_params;

/* The solver catlr_cv_grid uses for prob and params (never
 * CATLR_SOLVER_AUTO): params->train.solver unless it is auto, else gram when
 * K of all m examples fits CATLR_GRAM_MAX_BYTES, n_x is at most
 * CATLR_GRAM_MAX_FEATURES and the cost model of catlr_train_choose_solver
 * expects it to be faster, K built once for every run's epochs on its fold
 * (m - m/k examples each). Only prob's n_x, m and k are read. */
catlr_solver catlr_cv_choose_solver(const catlr_cv_problem *prob, const catlr_cv_params *params);

/* Cross-validate params' settings on prob's folds. Every run trains on this
 * process's examples, its only held-out set its fold. The validation cost
 * and accuracy are unweighted.
 * runs: (n_settings, k), the run of setting s on fold f at runs[s*k + f],
 * written. A run whose training fails (CATLR_ERR_NUMERIC: a rate far too
 * large) is recorded there and the other runs go on.
 * Fails with CATLR_ERR_ARG (a setting or parameter catlr_train_check
 * refuses, k < 2, a fold value >= k, an empty fold, n_x out of range, the
 * Gram solver asked for with more than CATLR_GRAM_MAX_FEATURES features),
 * CATLR_ERR_NOMEM (also the Gram solver asked for with K over
 * CATLR_GRAM_MAX_BYTES). */
catlr_status catlr_cv_grid(const catlr_cv_problem *prob, const catlr_cv_params *params,
                           catlr_cv_run *runs, catlr_error *err);

/* Mean and standard deviation over the k runs (k >= 1) of one setting. */
catlr_cv_summary catlr_cv_summarise(const catlr_cv_run *runs, unsigned k);

/* The best of n settings: the highest mean validation accuracy; on a tie
 * the lower mean validation cost; on a tie of both the first. A setting
 * with a failed run is never the best. Returns its index, or n when every
 * setting has a failed run. */
size_t catlr_cv_best(const catlr_cv_summary *summaries, size_t n);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_CV_H */
