/* train.h: batch gradient descent on the logistic-regression cost.
 *
 * Each iteration runs the whole training set: forward, (cost, when it is
 * reported or --tol needs it), backward, update. The cost reported for
 * iteration i is the cost of the weights before that iteration's update, as
 * the course prints it. With L2 (lambda > 0) the cost is the course's
 *   J + lambda/(2m) ||w||^2,   and the gradient dw + (lambda/m) w.
 *
 * Two solvers take the same steps:
 * - primal: each iteration reads the pixels once, forward and gradient
 *   fused per block of images, O(n_x m);
 * - gram: since every gradient is a combination of the training images,
 *   w = w0 c + X alpha / 255 stays in their span; with K = X^T X (computed
 *   once, exactly, in integers) an iteration costs O(m^2) instead. The
 *   weights are formed once at the end. The win when m is below n_x.
 * Both accumulate in double in an order fixed by m alone, so the result is
 * the same for every thread count.
 *
 * The primal solver also trains on examples split across processes (data
 * parallel, e.g. the ranks of an MPI job; see catlr_train_reducer): each
 * holds a shard, and every iteration the per-shard sums of the gradient and
 * the costs are added up across them in one call, after which every
 * process takes the same step. The sums then group the examples by shard,
 * so the weights agree with one process's to rounding, not bit for bit. */
#ifndef CATLR_TRAIN_H
#define CATLR_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "catlr/catlr.h"
#include "catlr/checkpoint.h"
#include "catlr/model.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default) /* exported: see catlr.h */

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
    /* With eval_every = E > 0, on iterations 0, E, 2E, ... (which then
     * have has_cost too) the accuracies in percent of the weights before
     * the step (in double, as trained), with a positive prediction meaning
     * sigmoid(z) > CATLR_THRESHOLD; NAN on other steps and for a set that
     * is not given. */
    double train_acc;
    double val_cost; /* validation cost (cross-entropy alone) of the weights
                        before the step, on every step with has_cost; NAN
                        without a validation set */
    double val_acc;
    double test_acc;
} catlr_train_step;

/* How processes that each hold a shard of the examples add up their sums.
 * Every process calls catlr_train with its own X, y, m (m may be 0) and
 * its own shard of the test set, and with the same params and the same
 * m_total and test_m_total. Every iteration each process forms, over its
 * examples, the sums X dz (n_x), sum dz and, when the iteration computes
 * them, the training and test costs' sums, and allreduce_sum adds them up
 * in one buffer of n_x + 3 doubles (12291 for 64x64x3 images); the means
 * divide by m_total and test_m_total. Two more calls go outside the
 * iterations: one double before the first (the processes that failed to
 * set up, so that none is left waiting for them) and one after the last
 * (the final cost). */
typedef struct catlr_train_reducer {
    /* Replace buf (n doubles) in every process by the element-wise sum of
     * every process's buf, the same bits in all of them: a collective call
     * (for MPI, MPI_Allreduce with MPI_IN_PLACE and MPI_SUM). NULL: one
     * process, and the rest of this struct is ignored. */
    catlr_status (*allreduce_sum)(void *ctx, double *buf, size_t n, catlr_error *err);
    void *ctx;           /* passed to allreduce_sum */
    size_t m_total;      /* training examples of all the processes, >= 1 */
    size_t test_m_total; /* test examples of all the processes */
} catlr_train_reducer;

/* A held-out set: X (n_x, m) uint8, example j at X + j*n_x, and y (m), or
 * NULL, NULL and 0 for none. Only read, never trained on. */
typedef struct catlr_train_set {
    const uint8_t *X;
    const uint8_t *y;
    size_t m;
} catlr_train_set;

/* What a caller did before a run, which the model file records with it
 * (model.h's version 3 fields): how the training examples were made and
 * where the weights started. {0}: a folder's images as they are, from
 * zero weights. */
typedef struct catlr_train_origin {
    uint32_t augment;      /* CATLR_AUGMENT_* bits: mirrors among the examples */
    uint32_t warm_start;   /* 1: the model's weights came from another model */
    double val_fraction;   /* share of the folder held out as the validation
                              set; 0: none */
    uint64_t seed;         /* seed of that split */
    uint64_t val_count[2]; /* validation examples by class folder index */
} catlr_train_origin;

/* The data of a training run (liblinear's struct problem): the training
 * set and, as optional members, the held-out sets and their origin. */
typedef struct catlr_train_problem {
    /* X: (n_x, m) uint8, example j at X + j*n_x, n_x =
     * catlr_model_n_x(model); y: (m) 0 or 1; m >= 1 (with a reducer, this
     * process's shard: m <= m_total, and X, y may be NULL when m = 0) */
    const uint8_t *X;
    const uint8_t *y;
    size_t m;
    /* An optional test set whose cost is reported beside the training
     * cost (with a reducer, this process's shard of it). */
    catlr_train_set test;
    /* An optional validation set. Its cost (the cross-entropy alone, as the
     * test set's) is computed for the weights before every step and for the
     * final ones; the model keeps the weights of the lowest (the earliest on
     * a tie), and tol watches it instead of the training cost. One process
     * only (no reducer). */
    catlr_train_set val;
    /* Recorded in the model as it is; {0}: nothing was done. */
    catlr_train_origin origin;
} catlr_train_problem;

/* The settings of a training run (liblinear's struct parameter). */
typedef struct catlr_train_params {
    double lr;           /* learning rate, finite and > 0 */
    size_t iterations;   /* gradient-descent steps, >= 1 */
    size_t report_every; /* costs are computed on iterations 0, K, 2K, ...;
                            K >= 1 */
    double l2;           /* lambda of the L2 penalty, finite and >= 0 */
    double tol;          /* stop at the first iteration whose cost improved
                            on the previous one's by less than tol; 0: off */
    catlr_solver solver; /* CATLR_SOLVER_AUTO: gram when its cost model says
                            it is cheaper and K fits CATLR_GRAM_MAX_BYTES */
    unsigned threads;    /* 0: all the cores OpenMP offers; 1 without it */
    /* Class weights (liblinear's -wi, scikit-learn's class_weight): the
     * loss of an example of label c counts class_weight[c] times,
     *   J = (1/m) sum_j class_weight[y_j] ce_j  (+ the L2 term),
     * divided by m, not by the sum of the weights, as scikit-learn does, so
     * that the gradient is dz_j = class_weight[y_j] (a_j - y_j) over the
     * same m. Indexed by label (1: the positive class). {0, 0}: none, the
     * same run bit for bit as {1, 1}; otherwise both finite and > 0. */
    double class_weight[2];
    /* 1: weights from the training labels instead, m / (2 m_c) for m_c
     * examples of label c (scikit-learn's "balanced"), so that each label
     * carries half of J; class_weight must then be {0, 0}. 0: off. */
    int class_weight_balanced;
    size_t eval_every;   /* E > 0: the step reports of iterations 0, E, 2E,
                            ... carry the accuracies (catlr_train_step);
                            0: never, and nothing is spent on them */
} catlr_train_params;

/* What a training run calls out to; {0} (or a NULL pointer to it): no
 * reports, one process. */
typedef struct catlr_train_hooks {
    /* Called before every step (so a progress display can follow along);
     * costs are computed only for the steps that report them. May be NULL. */
    void (*on_step)(void *user, const catlr_train_step *step);
    void *user;          /* passed to on_step */
    /* Training split across processes; {0} (allreduce_sum NULL): this
     * process holds every example. With it the solver is primal (auto
     * picks it; gram is refused). */
    catlr_train_reducer reducer;
    /* Stopping and going on (catlr/checkpoint.h); all NULL and 0: off.
     * should_stop is polled once an iteration, before its sums are added
     * up: non-zero in any process (with a reducer the answers are added up
     * with the gradient, so every process sees the same) makes every one
     * finish that iteration, hand its state to on_checkpoint when there is
     * one, and return CATLR_ERR_STOPPED. Must be safe to call often: a
     * flag a signal handler sets, say. */
    int (*should_stop)(void *ctl);
    /* Called after every checkpoint_every-th step (when steps taken is a
     * multiple of it; 0: only on a stop) but not after the last, with the
     * state after it; ck and its state are the trainer's, valid during the
     * call. Every process calls it (with a reducer, with the same state).
     * A status other than CATLR_OK ends the run with it. */
    catlr_status (*on_checkpoint)(void *ctl, const catlr_checkpoint *ck, catlr_error *err);
    void *ctl; /* passed to should_stop and on_checkpoint */
    size_t checkpoint_every;
    /* Go on from this checkpoint instead of starting: the run must have the
     * same data and settings (catlr_checkpoint_mismatch; CATLR_ERR_ARG
     * with the reason otherwise), and it then takes the very steps, and
     * reports the very costs, the run that wrote it would have taken from
     * ck->iteration on. NULL: start from the model's weights. */
    const catlr_checkpoint *resume;
} catlr_train_hooks;

/* The Gram solver's memory cap: K (m x m) and, with a test or validation
 * set, the (test_m x m) and (val_m x m) cross products, in int32. Auto
 * never goes over it; an explicit gram beyond it fails with
 * CATLR_ERR_NOMEM. */
#define CATLR_GRAM_MAX_BYTES (1ull << 30)
/* The Gram solver's feature limit: an entry of K, at most n_x 255^2, must
 * fit in int32 (12288 for 64x64x3 images). Beyond it auto picks primal and
 * an explicit gram fails with CATLR_ERR_ARG. */
#define CATLR_GRAM_MAX_FEATURES 33025u
#define CATLR_MAX_THREADS 1024

/* lr 0.005, 2000 iterations, report every 100, no L2, no tolerance, solver
 * auto, all cores, no class weights, no accuracies: the course. */
catlr_train_params catlr_train_defaults(void);

/* Why a run of prob with params and hooks cannot be made, or NULL when it
 * can (liblinear's check_parameter). prob and hooks may be NULL: the
 * settings alone are checked then. catlr_train calls it once, first. */
const char *catlr_train_check(const catlr_train_problem *prob, const catlr_train_params *params,
                              const catlr_train_hooks *hooks);

/* The solver catlr_train would use for prob with n_x features, params and
 * hooks (NULL: none) (never CATLR_SOLVER_AUTO): params->solver unless it is
 * auto, else primal with a reducer, else gram when its matrices fit
 * CATLR_GRAM_MAX_BYTES and its expected time is the shorter: a cost model
 * that counts memory traffic as well as multiply-adds, building K once
 * against the epochs it saves (docs/performance.md, "How auto chooses").
 * Depends on the thread count params ask for. */
catlr_solver catlr_train_choose_solver(size_t n_x, const catlr_train_problem *prob,
                                       const catlr_train_params *params,
                                       const catlr_train_hooks *hooks);

/* The class weights a run of catlr_train with params on labels y (m) uses,
 * by label, into weight[2]: m / (2 m_c) with class_weight_balanced, else
 * class_weight, else 1, 1 (none). Fails with CATLR_ERR_ARG when params do
 * not pass catlr_train_check, or when "balanced" finds a label with no
 * example (its weight would be infinite). */
catlr_status catlr_train_class_weights(const catlr_train_params *params, const uint8_t *y,
                                       size_t m, double weight[2], catlr_error *err);

/* Train model on prob with params; hooks may be NULL (no reports, one
 * process). Starts from model->w and model->b (zero after catlr_model_init)
 * and leaves the trained weights there, with the model's record written in
 * one place: model->lr, l2, tol, solver,
 * iterations (the steps taken), stopped_early (1 when tol ended the run) and
 * final_cost (the cost, with the class weights and the L2 term, of the
 * final weights) filled in, and class_weight (1, 1 without weights),
 * class_weight_balanced and train_count (y's labels counted by class folder:
 * label 1 is folder model->positive; with a reducer, in every process, as
 * are the counts behind "balanced" weights) recorded, and prob->origin's
 * augment, warm_start, val_fraction, seed and val_count as given (the
 * threshold stays the model's: it is picked after training). The test set's cost is the
 * plain cross-entropy, unweighted, so that runs with and without class
 * weights compare on it. With a validation set the weights left are those
 * of the iteration with the lowest validation cost (plain cross-entropy
 * too): best_iteration says which (the steps taken to them, 0 ..
 * iterations), final_val_cost is their validation cost and final_cost
 * their training cost; without one, best_iteration = iterations and
 * final_val_cost is NAN.
 * Fails with CATLR_ERR_ARG (what catlr_train_check refuses, no training
 * example: m = 0, or with a reducer m_total = 0 or m over m_total;
 * "balanced" weights with a label that has no example; the Gram solver
 * asked for with more than CATLR_GRAM_MAX_FEATURES features),
 * CATLR_ERR_NOMEM (also the Gram solver asked for beyond
 * CATLR_GRAM_MAX_BYTES), CATLR_ERR_NUMERIC when the cost or the weights stop
 * being finite (a learning rate far too large), after which the model's
 * weights are not to be used, allreduce_sum's status, CATLR_ERR_IO when
 * another process failed to set up, on_checkpoint's status, or
 * CATLR_ERR_STOPPED when should_stop asked (model->iterations then says
 * how many steps were taken; the weights are not to be used). */
catlr_status catlr_train(const catlr_train_problem *prob, const catlr_train_params *params,
                         const catlr_train_hooks *hooks, catlr_model *model, catlr_error *err);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_TRAIN_H */
