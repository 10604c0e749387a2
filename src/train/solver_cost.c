/* solver_cost.c: the roofline estimates of solver_cost.h.
 *
 * The rates, per thread unless they say otherwise, as measured on an AMD
 * EPYC (Zen 5) core with AVX-512 (tests/bench_train, tests/bench_kernel;
 * docs/performance.md "How auto chooses"):
 *   PRIMAL_FMA     multiply-adds of a byte by a double a second, the
 *                  primal forward and gradient passes (dot4, axpyk)
 *   GRAM_PRODUCTS  byte products a second building K (VNNI, 64 a vector)
 *   GRAM_FMA       multiply-adds of an int32 entry of K by a double a
 *                  second, a Gram epoch
 *   READ_CORE      bytes a second one core reads from memory
 *   READ_ALL       bytes a second all cores together read from memory
 *   CACHE          bytes of cache a thread keeps (its L2): an epoch whose
 *                  data fit the threads' caches is bound by arithmetic
 * Only their ratios decide, so a machine that is uniformly faster or
 * slower chooses the same. */
#include "solver_cost.h"

#include "base/internal.h"

static const double PRIMAL_FMA = 15.6e9;
static const double GRAM_PRODUCTS = 175e9;
static const double GRAM_FMA = 12e9;
static const double READ_CORE = 32e9;
static const double READ_ALL = 58e9;
static const double CACHE = 1048576.0;

/* Bytes a second memory delivers to `threads` threads. */
static double read_rate(int threads) {
    return threads > 1 ? READ_ALL : READ_CORE;
}

/* Seconds for `ops` operations at `rate` a thread, reading `bytes` from
 * memory, on `threads` threads: the slower of the two. */
static double roofline(double ops, double rate, double bytes, int threads) {
    const double compute = ops / (rate * threads);
    if (bytes <= CACHE * threads)
        return compute;
    const double memory = bytes / read_rate(threads);
    return compute > memory ? compute : memory;
}

double catlr_solver_cost_primal(const catlr_solver_work *work) {
    CATLR_ASSERT(work != NULL && work->threads >= 1);
    /* forward and gradient over the epoch's examples, forward over the
     * held-out ones: one multiply-add per byte of X read */
    const double n = (double)work->n_x;
    const double bytes = n * (2.0 * (double)work->epoch_m + (double)work->val_m);
    return work->epochs * roofline(bytes, PRIMAL_FMA, bytes, work->threads);
}

/* Seconds to build K (the upper triangle) and the held-out rows against
 * the gram_m examples. */
static double gram_setup(const catlr_solver_work *work) {
    const double m = (double)work->gram_m, held = (double)work->held_m;
    const double products = (double)work->n_x * (m * (m + 1) / 2 + held * m);
    return products / (GRAM_PRODUCTS * work->threads);
}

/* Seconds for one epoch: every entry of the packed triangle read once and
 * used twice (K_ij b_j and K_ij b_i), each held-out row once. */
static double gram_epoch(const catlr_solver_work *work) {
    const double m = (double)work->epoch_m, val = (double)work->val_m;
    const double entries = m * (m + 1) / 2 + val * m;
    const double fmas = m * m + val * m;
    return roofline(fmas, GRAM_FMA, 4.0 * entries, work->threads);
}

double catlr_solver_cost_gram(const catlr_solver_work *work) {
    CATLR_ASSERT(work != NULL && work->threads >= 1);
    return gram_setup(work) + work->epochs * gram_epoch(work);
}

int catlr_solver_cost_prefers_gram(const catlr_solver_work *work) {
    return catlr_solver_cost_gram(work) < catlr_solver_cost_primal(work);
}
