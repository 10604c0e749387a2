/* solver.h: the two ways catlr_train takes its gradient-descent steps
 * (primal.c, gram.c), behind one table of operations so that the loop in
 * train_loop.c (costs, reports, tolerance, divergence) is written once.
 * Internal to the library. */
#ifndef CATLR_SOLVER_H
#define CATLR_SOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "catlr/catlr.h"
#include "catlr/model.h"
#include "catlr/train.h"
#include "base/internal.h" /* CATLR_OMP, <omp.h> */

/* The calling thread's number inside a parallel region (0 .. threads-1),
 * for per-thread scratch; 0 without OpenMP. */
#ifdef _OPENMP
#define catlr_thread_index() omp_get_thread_num()
#else
#define catlr_thread_index() 0
#endif

/* The threads of the calling thread's team: 1 outside a parallel region
 * and without OpenMP. */
#ifdef _OPENMP
#define catlr_team_size() omp_get_num_threads()
#else
#define catlr_team_size() 1
#endif

/* What both solvers train on. X: (n_x, m) uint8, example j at X + j*n_x;
 * y: (m); test_X: (n_x, test_m) or NULL with test_m = 0; val_X: (n_x,
 * val_m) or NULL with val_m = 0. */
typedef struct catlr_problem {
    const uint8_t *X, *y;
    size_t n_x, m;
    const uint8_t *test_X;
    size_t test_m;
    double lr, l2;
    int threads; /* >= 1 */
    /* Split across processes (primal only): this process holds m of the
     * m_total examples and test_m of test_m_total; reducer NULL, m_total
     * = m and test_m_total = test_m in one process. */
    size_t m_total, test_m_total;
    const catlr_train_reducer *reducer;
    /* (2) the weight of label 0 and of label 1 in the cost and the
     * gradient, dz_j = class_weight[y_j] (a_j - y_j); NULL: none, the
     * unweighted steps bit for bit */
    const double *class_weight;
    /* Gram products given by the caller (train_cache.h), borrowed; NULL:
     * the Gram solver computes them */
    const int32_t *gram_K, *gram_Kt;
    const uint8_t *val_X;
    size_t val_m;
} catlr_problem;

/* The most sums the loop adds to a reduce call (the costs). */
#define CATLR_SOLVER_EXTRA_MAX 4

typedef struct catlr_solver_impl catlr_solver_impl;

/* The operations of one solver on its own state; the model's w and b are
 * the starting point and, after finish, the result. */
struct catlr_solver_impl {
    void *state;
    /* the solver's crew (crew.h), or NULL: with one, the loop runs on
     * thread 0 of one parallel region of the crew's members, the others
     * serving it, from the first forward to finish */
    struct catlr_crew *crew;
    /* z (m) of the current weights; with gradient != 0 also what step
     * needs, so that a solver may compute both in one pass */
    void (*forward)(void *state, double *z, int gradient);
    /* ||w||^2 of the current weights; after forward */
    double (*norm2)(void *state);
    /* z_test (test_m) of the current weights */
    void (*test_forward)(void *state, double *z_test);
    /* add up what step needs over the processes that hold the examples,
     * and with it the loop's n_extra <= CATLR_SOLVER_EXTRA_MAX sums in
     * extra, replaced by their totals: one call to the reducer (none in one
     * process); after forward(z, 1). NULL for a solver that trains in one
     * process only. */
    catlr_status (*reduce)(void *state, double *extra, size_t n_extra, catlr_error *err);
    /* one step: w -= lr (dw + l2/m w), b -= lr db; after forward(z, 1) and
     * reduce */
    void (*step)(void *state, const double *z);
    /* 1 when the weights are finite */
    int (*finite)(void *state);
    /* leave the current weights in the model */
    void (*finish)(void *state);
    void (*free)(void *state);
    /* With a validation set only (val_m > 0; the copy is allocated with
     * the solver): z_val (val_m) of the current weights; keep a copy of the
     * current weights; make the kept copy the current weights again. */
    void (*val_forward)(void *state, double *z_val);
    void (*save)(void *state);
    void (*restore)(void *state);
    /* The state a checkpoint holds, in full precision: its size in doubles,
     * a copy of it into out (state_size doubles), and the state set again
     * from such a copy (after set-up, before the first forward). */
    size_t (*state_size)(void *state);
    void (*get_state)(void *state, double *out);
    void (*set_state)(void *state, const double *in);
};

/* Set up a solver for pb starting from model's weights; on failure nothing
 * is left to free. CATLR_ERR_NOMEM. */
catlr_status catlr_primal_new(const catlr_problem *pb, catlr_model *model,
                              catlr_solver_impl *out, catlr_error *err);
catlr_status catlr_gram_new(const catlr_problem *pb, catlr_model *model,
                            catlr_solver_impl *out, catlr_error *err);

/* Whether the Gram solver takes n_x features, m examples and held_m
 * held-out ones: CATLR_OK, CATLR_ERR_ARG (n_x over CATLR_GRAM_MAX_FEATURES)
 * or CATLR_ERR_NOMEM (catlr_gram_bytes over CATLR_GRAM_MAX_BYTES), each with
 * a reason that says to use the primal solver. */
catlr_status catlr_gram_check(size_t n_x, size_t m, size_t held_m, catlr_error *err);

/* K = X^T X for X (n_x, m) uint8: packed as gram_kernel.h describes,
 * catlr_gram_packed_count(m) int32, exact
 * (n_x <= CATLR_GRAM_MAX_FEATURES), on `threads` threads (>= 1); the same
 * values the Gram solver computes for itself. CATLR_ERR_NOMEM. */
catlr_status catlr_gram_matrix(const uint8_t *X, size_t n_x, size_t m, int threads,
                               int32_t *K, catlr_error *err);

/* Bytes the Gram solver's matrices take for m examples and held_m held-out
 * ones (the test and the validation set's together), K's packed triangle
 * and their cross products (as a double, so it cannot overflow). */
double catlr_gram_bytes(size_t m, size_t held_m);

/* catlr_train_class_weights from count (2), the examples of label 0 and of
 * label 1 (in every process of a split training set, so that "balanced"
 * is the same everywhere), for params that pass catlr_train_check. */
catlr_status catlr_train_class_weights_of_counts(const catlr_train_params *params,
                                                 const double count[2], double weight[2],
                                                 catlr_error *err);

/* dz_j = sigmoid(z_j) - y_j for j < m, times class_weight[y_j] when
 * class_weight (2) is not NULL; returns sum_j dz_j, summed in order. */
double catlr_solver_dz(const double *z, const uint8_t *y, size_t m,
                       const double *class_weight, double *dz);

/* The accuracy in percent of the weights whose forward pass on m >= 1
 * examples labelled y (m) is z (m): catlr_predict_label's rule and the
 * course's formula, as catlr_predict_accuracy gives from a model. */
double catlr_solver_accuracy(const double *z, const uint8_t *y, size_t m);

#endif /* CATLR_SOLVER_H */
