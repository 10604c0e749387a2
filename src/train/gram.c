/* gram.c: the same gradient-descent steps through the Gram matrix.
 *
 * Every gradient dw = X dz^T / (255 m) + (l2/m) w is a combination of the
 * starting weights w0 and the training images, so the weights stay of the
 * form
 *   w = c w0 + X alpha / 255          c: scalar, alpha: (m)
 * and each step is
 *   r = 1 - lr l2 / m,  c <- r c,  alpha <- r alpha - (lr/m) dz,  b -= lr db.
 * Class weights enter only through dz (dz_j = c_{y_j} (a_j - y_j)), so the
 * per-sample coefficients alpha carry them and K is unchanged.
 * With K = X^T X (m x m) and z0 = w0^T X / 255 (m), both computed once,
 *   z = c z0 + K alpha / 255^2 + b
 *   ||w||^2 = c^2 ||w0||^2 + 2 c alpha . z0 + alpha^T K alpha / 255^2,
 * so an iteration costs O(m^2) instead of O(n_x m). K is exact: each entry
 * is a sum of byte products, computed in integers and held in int32 (at
 * most n_x 255^2 < 2^31 for n_x <= CATLR_GRAM_MAX_FEATURES), half the bytes
 * of a double, which is what an epoch reads; it converts to double exactly. The test set gets the same treatment
 * with Kt = X_test^T X (test_m x m), the validation set with Kv (val_m x m).
 * w is formed once, at the end. K and Kt may also come from the caller (catlr_problem's gram_K, gram_Kt:
 * cross-validation's folds are sub-matrices of one K), borrowed, not freed.
 * Every sum runs in an order fixed by m, whatever the thread count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train/core.h"
#include "catlr/train.h"
#include "base/internal.h"
#include "kernel.h"
#include "solver.h"

static const double PIXEL_MAX2 = 255.0 * 255.0;

enum {
    TILE = 1024,         /* features per tile when forming w: 8 KB of doubles */
    PARALLEL_MIN = 1 << 18 /* multiply-adds in an epoch worth a parallel region */
};

typedef struct gram {
    const catlr_problem *pb;
    catlr_model *model;
    const int32_t *K;  /* (m, m), row j at K + j*m: K_own or pb->gram_K */
    const int32_t *Kt; /* (test_m, m), row k at Kt + k*m: Kt_own or
                          pb->gram_Kt; NULL without test set */
    double *z0;       /* (m): w0^T X / 255 */
    double *z0_test;  /* (test_m): w0^T X_test / 255 */
    double w0_norm2;  /* ||w0||^2 */
    double *alpha;    /* (m) */
    double *u;        /* (m): K alpha / 255^2 of the last forward */
    double *dz;       /* (m) */
    double c;
    int32_t *K_own, *Kt_own; /* the products computed here, NULL when given */
    int32_t *Kv;      /* (val_m, m), row k at Kv + k*m; NULL without one */
    double *z0_val;   /* (val_m): w0^T X_val / 255 */
    double *kept_alpha; /* (m): alpha, c and b kept by save, with Kv */
    double kept_c, kept_b;
} gram;

double catlr_gram_bytes(size_t m, size_t held_m) {
    return 4.0 * (double)m * ((double)m + (double)held_m);
}

/* One block of cross products: rows_m rows A_k, each against every
 * column X_j of the training set, into rows[k*m + j]. */
typedef struct cross_block {
    const uint8_t *A; /* (rows_m, n_x) */
    size_t rows_m;
    int same;         /* A is X itself: only j >= k is computed, then mirrored */
    int32_t *rows;    /* (rows_m, m), written */
} cross_block;

/* blk->rows[k*m + j] = A_k . X_j for k < rows_m, j < m: exact byte
 * products, X_j the columns of cols (pb->X with its column sums). Rows go
 * in groups of four (one pass over the columns for four rows), then one
 * by one for the last rows_m % 4; groups are independent, so any thread
 * may take any. dots: (threads, 4 m) scratch. */
static void cross_products(const catlr_problem *pb, const catlr_kernel_columns *cols,
                           const cross_block *blk, int64_t *dots) {
    const uint8_t *A = blk->A;
    const size_t n_x = pb->n_x, m = pb->m, rows_m = blk->rows_m, whole = rows_m / 4;
    const int same = blk->same;
    int32_t *rows = blk->rows;
    CATLR_OMP(omp parallel for num_threads(pb->threads) schedule(dynamic, 1))
    for (size_t t = 0; t < whole + rows_m % 4; t++) {
        int64_t *d = dots + (size_t)catlr_thread_index() * 4 * m;
        const size_t k0 = t < whole ? 4 * t : 4 * whole + (t - whole);
        const size_t count = t < whole ? 4 : 1, j0 = same ? k0 : 0;
        if (count == 4)
            catlr_kernel_dots4_u8(A + k0 * n_x, cols, j0, d);
        else
            catlr_kernel_dots_u8(A + k0 * n_x, cols, j0, d);
        for (size_t r = 0; r < count; r++)
            for (size_t j = same ? k0 + r : 0; j < m; j++) /* fits: n_x is capped */
                rows[(k0 + r) * m + j] = (int32_t)d[r * (m - j0) + j - j0];
    }
    if (same)
        for (size_t k = 0; k < m; k++)
            for (size_t j = 0; j < k; j++)
                rows[k * m + j] = rows[j * m + k];
}

/* z0[j] = w0^T A_j / 255 for j < count. */
static void start_products(const gram *g, const uint8_t *A, size_t count, double *z0) {
    const size_t n_x = g->pb->n_x;
    CATLR_OMP(omp parallel for num_threads(g->pb->threads) schedule(static))
    for (size_t j = 0; j < count; j++)
        z0[j] = catlr_kernel_dot_f32_u8(g->model->w, A + j * n_x, n_x) / 255.0;
}

/* u[j] = (K alpha)_j / 255^2 and z[j] for the rows j of group t: rows
 * 4t .. 4t+3 for t < m/4, then one row per group for the last m % 4. */
static void forward_group(gram *g, size_t t, double *z) {
    const size_t m = g->pb->m, whole = m / 4;
    const size_t j0 = t < whole ? 4 * t : 4 * whole + (t - whole);
    const size_t rows = t < whole ? 4 : 1;
    double dots[4];
    if (rows == 4)
        catlr_kernel_dot4_i32_f64(g->K + j0 * m, m, g->alpha, m, dots);
    else
        dots[0] = catlr_kernel_dot_i32_f64(g->K + j0 * m, g->alpha, m);
    for (size_t r = 0; r < rows; r++) {
        g->u[j0 + r] = dots[r] / PIXEL_MAX2;
        z[j0 + r] = (g->c * g->z0[j0 + r] + g->u[j0 + r]) + g->model->b;
    }
}

static void gram_forward(void *state, double *z, int gradient) {
    (void)gradient; /* step needs only z */
    gram *g = state;
    const size_t m = g->pb->m;
    const size_t groups = m / 4 + m % 4; /* see forward_group */
    /* a parallel region costs microseconds (far more while other programs
     * keep the cores busy), as much as a whole epoch for a few hundred
     * images: split only epochs of at least PARALLEL_MIN multiply-adds.
     * Smaller ones skip OpenMP altogether: even a region with an if()
     * that is false goes through libgomp's team set-up, about a tenth of
     * an epoch for m = 209. */
    if (m * m < PARALLEL_MIN || g->pb->threads == 1) {
        for (size_t t = 0; t < groups; t++)
            forward_group(g, t, z);
        return;
    }
    CATLR_OMP(omp parallel for num_threads(g->pb->threads) schedule(dynamic, 4))
    for (size_t t = 0; t < groups; t++)
        forward_group(g, t, z);
}

static double gram_norm2(void *state) {
    const gram *g = state;
    const size_t m = g->pb->m;
    return g->c * g->c * g->w0_norm2 + 2.0 * g->c * catlr_kernel_dot_f64(g->alpha, g->z0, m) +
           catlr_kernel_dot_f64(g->alpha, g->u, m);
}

/* z (count) of held-out images from their cross products Kx (count, m)
 * with the training images and their start products z0x (count). */
static void held_forward(const gram *g, const int32_t *Kx, const double *z0x, size_t count,
                         double *z) {
    const size_t m = g->pb->m;
    const double b = g->model->b;
    CATLR_OMP(omp parallel for num_threads(g->pb->threads) schedule(static))
    for (size_t k = 0; k < count; k++)
        z[k] = (g->c * z0x[k] + catlr_kernel_dot_i32_f64(Kx + k * m, g->alpha, m) / PIXEL_MAX2) +
               b;
}

static void gram_test_forward(void *state, double *z_test) {
    const gram *g = state;
    held_forward(g, g->Kt, g->z0_test, g->pb->test_m, z_test);
}

static void gram_val_forward(void *state, double *z_val) {
    const gram *g = state;
    held_forward(g, g->Kv, g->z0_val, g->pb->val_m, z_val);
}

/* The weights are c w0 + X alpha / 255 and b: m + 2 numbers to copy (u,
 * K alpha / 255^2, is not: the next forward recomputes it, and finish
 * does not read it). */
static void gram_save(void *state) {
    gram *g = state;
    memcpy(g->kept_alpha, g->alpha, g->pb->m * sizeof *g->kept_alpha);
    g->kept_c = g->c;
    g->kept_b = g->model->b;
}

static void gram_restore(void *state) {
    gram *g = state;
    memcpy(g->alpha, g->kept_alpha, g->pb->m * sizeof *g->alpha);
    g->c = g->kept_c;
    g->model->b = g->kept_b;
}

/* The state: alpha, c and b, then with a validation set the kept copy of
 * the three (u is recomputed by the next forward). */
static size_t gram_state_size(void *state) {
    const gram *g = state;
    return (g->kept_alpha != NULL ? 2 : 1) * (g->pb->m + 2);
}

static void gram_get_state(void *state, double *out) {
    const gram *g = state;
    const size_t m = g->pb->m;
    memcpy(out, g->alpha, m * sizeof *out);
    out[m] = g->c;
    out[m + 1] = g->model->b;
    if (g->kept_alpha != NULL) {
        memcpy(out + m + 2, g->kept_alpha, m * sizeof *out);
        out[2 * m + 2] = g->kept_c;
        out[2 * m + 3] = g->kept_b;
    }
}

static void gram_set_state(void *state, const double *in) {
    gram *g = state;
    const size_t m = g->pb->m;
    memcpy(g->alpha, in, m * sizeof *in);
    g->c = in[m];
    g->model->b = in[m + 1];
    if (g->kept_alpha != NULL) {
        memcpy(g->kept_alpha, in + m + 2, m * sizeof *in);
        g->kept_c = in[2 * m + 2];
        g->kept_b = in[2 * m + 3];
    }
}

static void gram_step(void *state, const double *z) {
    gram *g = state;
    const catlr_problem *pb = g->pb;
    const double md = (double)pb->m;
    double dz_sum = catlr_core_dz(z, pb->y, pb->m, pb->class_weight, g->dz);
    const double r = 1.0 - pb->lr * pb->l2 / md;
    for (size_t j = 0; j < pb->m; j++)
        g->alpha[j] = r * g->alpha[j] - pb->lr * g->dz[j] / md;
    g->c *= r;
    g->model->b -= pb->lr * (dz_sum / md);
}

static int gram_finite(void *state) {
    const gram *g = state;
    int finite = isfinite(g->c) && isfinite(g->model->b);
    for (size_t j = 0; j < g->pb->m; j++)
        finite &= isfinite(g->alpha[j]) != 0;
    return finite;
}

/* w = c w0 + X alpha / 255, tile by tile: each tile sums its m terms in
 * the order j = 0, 1, ..., then rounds once to float. */
static void gram_finish(void *state) {
    gram *g = state;
    const size_t n_x = g->pb->n_x, m = g->pb->m;
    const size_t n_tiles = (n_x + TILE - 1) / TILE;
    float *w = g->model->w;
    CATLR_OMP(omp parallel for num_threads(g->pb->threads) schedule(static))
    for (size_t t = 0; t < n_tiles; t++) {
        double acc[TILE];
        size_t t0 = t * TILE, len = n_x - t0 < TILE ? n_x - t0 : TILE;
        memset(acc, 0, sizeof acc);
        for (size_t j = 0; j < m; j++)
            catlr_kernel_axpy_u8(acc, g->alpha[j], g->pb->X + j * n_x + t0, len);
        for (size_t i = 0; i < len; i++)
            w[t0 + i] = (float)(g->c * w[t0 + i] + acc[i] / 255.0);
    }
}

static void gram_free(void *state) {
    gram *g = state;
    if (g == NULL)
        return;
    free(g->K_own);
    free(g->Kt_own);
    free(g->z0);
    free(g->z0_test);
    free(g->alpha);
    free(g->u);
    free(g->dz);
    free(g->Kv);
    free(g->z0_val);
    free(g->kept_alpha);
    free(g);
}

/* K = X^T X into K, Kt = X_test^T X into Kt and Kv = X_val^T X into Kv,
 * each skipped when NULL. 0, or -1 when the scratch cannot be allocated. */
static int products(const catlr_problem *pb, int32_t *K, int32_t *Kt, int32_t *Kv) {
    if (K == NULL && Kt == NULL && Kv == NULL)
        return 0;
    const size_t m = pb->m;
    int64_t *sum_x = malloc(m * sizeof *sum_x);
    int64_t *dots = malloc((size_t)pb->threads * 4 * m * sizeof *dots);
    if (sum_x == NULL || dots == NULL) {
        free(sum_x);
        free(dots);
        return -1;
    }
    for (size_t j = 0; j < m; j++)
        sum_x[j] = catlr_kernel_sum_u8(pb->X + j * pb->n_x, pb->n_x);
    const catlr_kernel_columns cols = {.X = pb->X, .n = pb->n_x, .m = m, .sum_x = sum_x};
    if (K != NULL)
        cross_products(pb, &cols, &(cross_block){.A = pb->X, .rows_m = m, .same = 1, .rows = K},
                       dots);
    if (Kt != NULL)
        cross_products(pb, &cols,
                       &(cross_block){.A = pb->test_X, .rows_m = pb->test_m, .rows = Kt}, dots);
    if (Kv != NULL)
        cross_products(pb, &cols,
                       &(cross_block){.A = pb->val_X, .rows_m = pb->val_m, .rows = Kv}, dots);
    free(sum_x);
    free(dots);
    return 0;
}

catlr_status catlr_gram_matrix(const uint8_t *X, size_t n_x, size_t m, int threads,
                               int32_t *K, catlr_error *err) {
    CATLR_ASSERT(X != NULL && K != NULL && threads >= 1 && n_x <= CATLR_GRAM_MAX_FEATURES);
    /* only what the products read; the rest zero */
    catlr_problem pb = {.X = X, .n_x = n_x, .m = m, .threads = threads};
    if (products(&pb, K, NULL, NULL) != 0)
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate the Gram matrix");
    return CATLR_OK;
}

catlr_status catlr_gram_check(size_t n_x, size_t m, size_t held_m, catlr_error *err) {
    if (n_x > CATLR_GRAM_MAX_FEATURES)
        return catlr_fail(err, CATLR_ERR_ARG, NULL,
                          "the Gram solver takes at most %lu features (%lu given); use the "
                          "primal solver",
                          (unsigned long)CATLR_GRAM_MAX_FEATURES, (unsigned long)n_x);
    double bytes = catlr_gram_bytes(m, held_m);
    if (bytes > (double)CATLR_GRAM_MAX_BYTES)
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL,
                          "the Gram solver needs %.0f MiB for %lu examples, over its "
                          "cap of %.0f MiB; use the primal solver",
                          bytes / 1048576.0, (unsigned long)m,
                          (double)CATLR_GRAM_MAX_BYTES / 1048576.0);
    return CATLR_OK;
}

catlr_status catlr_gram_new(const catlr_problem *pb, catlr_model *model,
                            catlr_solver_impl *out, catlr_error *err) {
    const size_t m = pb->m, test_m = pb->test_m, val_m = pb->val_m;
    catlr_status st = catlr_gram_check(pb->n_x, m, test_m + val_m, err);
    if (st != CATLR_OK)
        return st;
    gram *g = calloc(1, sizeof *g);
    if (g == NULL)
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate the solver");
    g->pb = pb;
    g->model = model;
    g->c = 1.0;
    g->K = pb->gram_K != NULL ? pb->gram_K : (g->K_own = malloc(m * m * sizeof *g->K_own));
    g->z0 = malloc(m * sizeof *g->z0);
    g->alpha = calloc(m, sizeof *g->alpha);
    g->u = calloc(m, sizeof *g->u);
    g->dz = malloc(m * sizeof *g->dz);
    int ok = g->K && g->z0 && g->alpha && g->u && g->dz;
    if (ok && test_m > 0) {
        g->Kt = pb->gram_Kt != NULL ? pb->gram_Kt
                                    : (g->Kt_own = malloc(test_m * m * sizeof *g->Kt_own));
        g->z0_test = malloc(test_m * sizeof *g->z0_test);
        ok = g->Kt && g->z0_test;
    }
    if (ok && val_m > 0) {
        g->Kv = malloc(val_m * m * sizeof *g->Kv);
        g->z0_val = malloc(val_m * sizeof *g->z0_val);
        g->kept_alpha = calloc(m, sizeof *g->kept_alpha); /* a checkpoint may copy it unset */
        ok = g->Kv && g->z0_val && g->kept_alpha;
    }
    if (!ok || products(pb, g->K_own, g->Kt_own, g->Kv) != 0) {
        gram_free(g);
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate the Gram matrix");
    }
    start_products(g, pb->X, m, g->z0);
    if (test_m > 0)
        start_products(g, pb->test_X, test_m, g->z0_test);
    if (val_m > 0)
        start_products(g, pb->val_X, val_m, g->z0_val);
    for (size_t i = 0; i < pb->n_x; i++)
        g->w0_norm2 += (double)model->w[i] * model->w[i];
    *out = (catlr_solver_impl){
        .state = g,
        .forward = gram_forward,
        .norm2 = gram_norm2,
        .test_forward = gram_test_forward,
        .reduce = NULL, /* one process only */
        .step = gram_step,
        .finite = gram_finite,
        .finish = gram_finish,
        .free = gram_free,
        .val_forward = gram_val_forward,
        .save = gram_save,
        .restore = gram_restore,
        .state_size = gram_state_size,
        .get_state = gram_get_state,
        .set_state = gram_set_state,
    };
    return CATLR_OK;
}
