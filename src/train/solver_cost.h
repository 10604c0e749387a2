/* solver_cost.h: how long each solver is expected to take on a piece of
 * work, so that --solver auto can take the faster one.
 *
 * A roofline model: every pass of a solver takes the longer of its
 * arithmetic at the rate the machine does it and its memory traffic at the
 * rate memory delivers it, for the number of threads that run it. The
 * primal solver reads X (n_x bytes an example) twice an epoch and does two
 * multiply-adds per byte; the Gram solver builds K once (byte products,
 * half of them by symmetry) and then reads each entry of its packed
 * triangle once an epoch (4 bytes, two multiply-adds). The rates are those
 * measured on an AMD EPYC (Zen 5) core, docs/performance.md: the model
 * needs the ratio of the two solvers to be right, not the seconds, and both
 * scale alike on other x86-64 machines. Internal to the library. */
#ifndef CATLR_SOLVER_COST_H
#define CATLR_SOLVER_COST_H

#include <stddef.h>

/* One training's work as both solvers would see it. */
typedef struct catlr_solver_work {
    size_t n_x;    /* features */
    size_t gram_m; /* examples K is built on (cross-validation: all of them) */
    size_t held_m; /* rows built against them besides: test and validation */
    size_t epoch_m; /* examples an epoch trains on (a fold's training part) */
    size_t val_m;  /* held-out examples an epoch also evaluates */
    double epochs; /* epochs in all (cross-validation: of every run) */
    int threads;   /* >= 1 */
} catlr_solver_work;

/* Seconds the primal solver is expected to take. */
double catlr_solver_cost_primal(const catlr_solver_work *work);

/* Seconds the Gram solver is expected to take, its set-up included. */
double catlr_solver_cost_gram(const catlr_solver_work *work);

/* 1 when the Gram solver is expected to be faster than the primal one. */
int catlr_solver_cost_prefers_gram(const catlr_solver_work *work);

#endif /* CATLR_SOLVER_COST_H */
