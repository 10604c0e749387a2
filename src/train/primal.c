/* primal.c: gradient descent on w itself, one pass over the pixels per
 * iteration.
 *
 * The m examples are split into n_slots contiguous slots, a number fixed by
 * m alone (never by the thread count). Each slot is walked in chunks of
 * CHUNK images: the forward dot products of a chunk, four images per load
 * of w, then its gradient contributions added into the slot's own dw in one
 * pass (the chunk's pixels stay in L2 between the two), so the pixels are
 * read from memory once. Threads take whole slots; the slots'
 * sums are then added in slot order. Every sum therefore has one order,
 * whatever the number of threads, and the weights are bit-identical for 1
 * or 16 threads. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train/core.h"
#include "base/internal.h"
#include "kernel.h"
#include "solver.h"

enum {
    SLOT_MIN = 64,  /* examples per slot at least: fewer slots, less to add */
    SLOT_MAX = 32,  /* slots at most: the partial sums take SLOT_MAX n_x doubles */
    CHUNK = 16      /* images whose pixels (16 x 12 KB) stay in L2 between passes */
};

typedef struct primal {
    const catlr_problem *pb;
    catlr_model *model;
    size_t n_slots;
    double *partial; /* (n_slots, n_x): slot s's sum of dz_j x_j */
    double *dz;      /* (m) */
    double *wide;    /* (n_x): w in double, the weights while training;
                        rounded into the model's float w once, at the end */
    double *sums;    /* (n_x + 1 + CATLR_SOLVER_EXTRA_MAX): sum_j dz_j x_j
                        (the slots added up), sum_j dz_j, then the loop's
                        sums: what a step is made of, and what the
                        processes of a split training set add up */
    double *kept;    /* (n_x): a copy of wide (save), with a validation set */
    double kept_b;
} primal;

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* z[j] for j in [lo, hi): w^T x_j / 255 + b, from p->wide (the same bits
 * as catlr_core_forward). */
static void forward_range(const primal *p, const uint8_t *X, size_t lo, size_t hi, double *z) {
    const size_t n_x = p->pb->n_x;
    size_t j = lo;
    for (; j + 4 <= hi; j += 4) {
        double d[4];
        catlr_kernel_dot4_wide_u8(p->wide, X + j * n_x, n_x, n_x, d);
        for (size_t r = 0; r < 4; r++)
            z[j + r] = d[r] / 255.0 + p->model->b;
    }
    for (; j < hi; j++)
        z[j] = catlr_kernel_dot_wide_u8(p->wide, X + j * n_x, n_x) / 255.0 + p->model->b;
}

/* Slot s: z and dz of its examples, and its partial gradient sum. */
static void slot_pass(primal *p, size_t s, double *z) {
    const catlr_problem *pb = p->pb;
    const size_t n_x = pb->n_x;
    const size_t lo = s * pb->m / p->n_slots, hi = (s + 1) * pb->m / p->n_slots;
    double *acc = p->partial + s * n_x;
    memset(acc, 0, n_x * sizeof *acc);
    for (size_t c0 = lo; c0 < hi; c0 += CHUNK) {
        size_t c1 = min_size(hi, c0 + CHUNK);
        forward_range(p, pb->X, c0, c1, z);
        /* the chunk's sum of dz is not needed: reduce adds dz in
         * example order, over every slot */
        (void)catlr_core_dz(z + c0, pb->y + c0, c1 - c0, pb->class_weight, p->dz + c0);
        /* the chunk's images in one pass over acc, which stays in
         * registers while they are added in image order */
        catlr_kernel_axpyk_u8(acc, p->dz + c0, pb->X + c0 * n_x, n_x, c1 - c0, n_x);
    }
}

static void primal_forward(void *state, double *z, int gradient) {
    primal *p = state;
    const catlr_problem *pb = p->pb;
    /* dynamic: a thread that the system pauses delays the others less;
     * CHUNK images per task, so forward_range takes them four at a time */
    if (!gradient) {
        CATLR_OMP(omp parallel for num_threads(pb->threads) schedule(dynamic, 1))
        for (size_t j = 0; j < pb->m; j += CHUNK)
            forward_range(p, pb->X, j, min_size(pb->m, j + CHUNK), z);
        return;
    }
    CATLR_OMP(omp parallel for num_threads(pb->threads) schedule(dynamic, 1))
    for (size_t s = 0; s < p->n_slots; s++)
        slot_pass(p, s, z);
}

static double primal_norm2(void *state) {
    const primal *p = state;
    double s = 0;
    for (size_t i = 0; i < p->pb->n_x; i++)
        s += p->wide[i] * p->wide[i];
    return s;
}

/* z (count) of the held-out images A (n_x, count). */
static void held_forward(primal *p, const uint8_t *A, size_t count, double *z) {
    CATLR_OMP(omp parallel for num_threads(p->pb->threads) schedule(dynamic, 1))
    for (size_t k = 0; k < count; k += CHUNK)
        forward_range(p, A, k, min_size(count, k + CHUNK), z);
}

static void primal_test_forward(void *state, double *z_test) {
    primal *p = state;
    held_forward(p, p->pb->test_X, p->pb->test_m, z_test);
}

static void primal_val_forward(void *state, double *z_val) {
    primal *p = state;
    held_forward(p, p->pb->val_X, p->pb->val_m, z_val);
}

/* The weights are w in double and b: n_x + 1 numbers to copy. */
static void primal_save(void *state) {
    primal *p = state;
    memcpy(p->kept, p->wide, p->pb->n_x * sizeof *p->kept);
    p->kept_b = p->model->b;
}

static void primal_restore(void *state) {
    primal *p = state;
    memcpy(p->wide, p->kept, p->pb->n_x * sizeof *p->wide);
    p->model->b = p->kept_b;
}

/* The state: w in double and b, then with a validation set the kept copy
 * of both. */
static size_t primal_state_size(void *state) {
    const primal *p = state;
    return (p->kept != NULL ? 2 : 1) * (p->pb->n_x + 1);
}

static void primal_get_state(void *state, double *out) {
    const primal *p = state;
    const size_t n_x = p->pb->n_x;
    memcpy(out, p->wide, n_x * sizeof *out);
    out[n_x] = p->model->b;
    if (p->kept != NULL) {
        memcpy(out + n_x + 1, p->kept, n_x * sizeof *out);
        out[2 * n_x + 1] = p->kept_b;
    }
}

static void primal_set_state(void *state, const double *in) {
    primal *p = state;
    const size_t n_x = p->pb->n_x;
    memcpy(p->wide, in, n_x * sizeof *in);
    p->model->b = in[n_x];
    if (p->kept != NULL) {
        memcpy(p->kept, in + n_x + 1, n_x * sizeof *in);
        p->kept_b = in[2 * n_x + 1];
    }
}

/* Add the slots feature by feature in slot order, and dz in example
 * order, into p->sums; in a split training set, add those and the loop's
 * extra sums over the processes, in one call. */
static catlr_status primal_reduce(void *state, double *extra, size_t n_extra,
                                  catlr_error *err) {
    primal *p = state;
    const catlr_problem *pb = p->pb;
    const size_t n_x = pb->n_x;
    double *sums = p->sums;
    CATLR_OMP(omp parallel for num_threads(pb->threads) schedule(dynamic, 1024))
    for (size_t i = 0; i < n_x; i++) {
        double sum = 0;
        for (size_t s = 0; s < p->n_slots; s++)
            sum += p->partial[s * n_x + i];
        sums[i] = sum;
    }
    double dz_sum = 0;
    for (size_t j = 0; j < pb->m; j++)
        dz_sum += p->dz[j];
    sums[n_x] = dz_sum;
    if (pb->reducer == NULL)
        return CATLR_OK; /* one process: these are the totals */
    CATLR_ASSERT(n_extra <= CATLR_SOLVER_EXTRA_MAX);
    memcpy(sums + n_x + 1, extra, n_extra * sizeof *extra);
    catlr_status st = pb->reducer->allreduce_sum(pb->reducer->ctx, sums, n_x + 1 + n_extra, err);
    memcpy(extra, sums + n_x + 1, n_extra * sizeof *extra);
    return st;
}

/* Scale the sums, add the L2 term and step: dw_i = sum_j dz_j x_ji /
 * (255 m) + (l2/m) w_i, m the examples of every process. The step is
 * taken in double and w stays double until training ends: rounding w to
 * float after every step (as the model file stores it) drifts from the
 * float64 course code where the steps are large, up to 2e-6 in the cost
 * after 2000 steps at lr = 0.01, where the course table has 6 decimals. */
static void primal_step(void *state, const double *z) {
    (void)z; /* dz was kept by the forward pass, and summed by reduce */
    primal *p = state;
    const catlr_problem *pb = p->pb;
    const size_t n_x = pb->n_x;
    const double m = (double)pb->m_total, scale = 255.0 * m, decay = pb->l2 / m;
    double *w = p->wide;
    CATLR_OMP(omp parallel for num_threads(pb->threads) schedule(dynamic, 1024))
    for (size_t i = 0; i < n_x; i++) {
        double dw = p->sums[i] / scale + decay * w[i];
        w[i] -= pb->lr * dw;
    }
    p->model->b -= pb->lr * (p->sums[n_x] / m);
}

/* 1 while every weight is finite and fits a float, as the model file will
 * hold it (O(n_x), against O(n_x m) for the step that produced them). */
static int primal_finite(void *state) {
    const primal *p = state;
    for (size_t i = 0; i < p->pb->n_x; i++)
        if (!(fabs(p->wide[i]) <= FLT_MAX))
            return 0;
    return 1;
}

static void primal_finish(void *state) {
    primal *p = state;
    for (size_t i = 0; i < p->pb->n_x; i++)
        p->model->w[i] = (float)p->wide[i];
}

static void primal_free(void *state) {
    primal *p = state;
    if (p == NULL)
        return;
    free(p->partial);
    free(p->dz);
    free(p->wide);
    free(p->sums);
    free(p->kept);
    free(p);
}

catlr_status catlr_primal_new(const catlr_problem *pb, catlr_model *model,
                              catlr_solver_impl *out, catlr_error *err) {
    primal *p = calloc(1, sizeof *p);
    if (p == NULL)
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate the solver");
    p->pb = pb;
    p->model = model;
    p->n_slots = min_size((pb->m + SLOT_MIN - 1) / SLOT_MIN, SLOT_MAX);
    /* a process of a split training set may hold no example: one slot's
     * and one example's room anyway, so that no size is 0 */
    p->partial = malloc((p->n_slots ? p->n_slots : 1) * pb->n_x * sizeof *p->partial);
    p->dz = malloc((pb->m ? pb->m : 1) * sizeof *p->dz);
    p->wide = malloc(pb->n_x * sizeof *p->wide);
    p->sums = malloc((pb->n_x + 1 + CATLR_SOLVER_EXTRA_MAX) * sizeof *p->sums);
    if (pb->val_m > 0)
        p->kept = calloc(pb->n_x, sizeof *p->kept); /* a checkpoint may copy it unset */
    if (p->partial == NULL || p->dz == NULL || p->wide == NULL || p->sums == NULL ||
        (pb->val_m > 0 && p->kept == NULL)) {
        primal_free(p);
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate training buffers");
    }
    for (size_t i = 0; i < pb->n_x; i++)
        p->wide[i] = model->w[i];
    *out = (catlr_solver_impl){
        .state = p,
        .forward = primal_forward,
        .norm2 = primal_norm2,
        .test_forward = primal_test_forward,
        .reduce = primal_reduce,
        .step = primal_step,
        .finite = primal_finite,
        .finish = primal_finish,
        .free = primal_free,
        .val_forward = primal_val_forward,
        .save = primal_save,
        .restore = primal_restore,
        .state_size = primal_state_size,
        .get_state = primal_get_state,
        .set_state = primal_set_state,
    };
    return CATLR_OK;
}
