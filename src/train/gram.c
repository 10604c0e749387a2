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
 * of a double, which is what an epoch reads; it converts to double exactly.
 * K is symmetric, so only its upper triangle of tiles is kept, packed
 * (gram_kernel.h), and an epoch reads each entry of the triangle once,
 * using an entry off the diagonal for both of the products it stands in
 * (the diagonal tiles are held whole, their lower halves unread). The test set
 * gets the same treatment with Kt = X_test^T X (test_m x m), the validation
 * set with Kv (val_m x m), both rectangular (they are small). w is formed
 * once, at the end. K (packed) and Kt may also come from the caller
 * (catlr_problem's gram_K, gram_Kt: cross-validation's folds gather theirs
 * from one K), borrowed, not freed.
 * Every sum runs in an order fixed by m, whatever the thread count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train/core.h"
#include "catlr/train.h"
#include "base/internal.h"
#include "base/large_alloc.h"
#include "crew.h"
#include "gram_kernel.h"
#include "kernel.h"
#include "solver.h"

static const double PIXEL_MAX2 = 255.0 * 255.0;

enum {
    TILE = 1024,         /* features per tile when forming w: 8 KB of doubles */
    PARALLEL_MIN = 1 << 18, /* multiply-adds in an epoch worth a parallel region */
    STRIP = 32,          /* rows of one block of cross products */
    SUM_CHUNK = 1024     /* entries of u one thread adds up at a time */
};

/* The ways a small epoch may use the crew, timed against each other. */
enum { EPOCH_ALONE, EPOCH_PRODUCT, EPOCH_BOTH, EPOCH_MODES };

typedef struct gram {
    const catlr_problem *pb;
    catlr_model *model;
    const int32_t *K;  /* packed (gram_kernel.h): K_own or pb->gram_K */
    catlr_gram_plan plan; /* the parts of K alpha */
    double *u_parts;  /* (plan.parts, m): each part's share of K alpha */
    const int32_t *Kt; /* (test_m, m), row k at Kt + k*m: Kt_own or
                          pb->gram_Kt; NULL without test set */
    double *z0;       /* (m): w0^T X / 255 */
    double *z0_test;  /* (test_m): w0^T X_test / 255 */
    double w0_norm2;  /* ||w0||^2 */
    double *alpha;    /* (m) */
    double *u;        /* (m): K alpha, then / 255^2, of the last forward */
    double *dz;       /* (m) */
    double c;
    int32_t *K_own, *Kt_own; /* the products computed here, NULL when given */
    int32_t *Kv;      /* (val_m, m), row k at Kv + k*m; NULL without one */
    double *z0_val;   /* (val_m): w0^T X_val / 255 */
    double *kept_alpha; /* (m): alpha, c and b kept by save, with Kv */
    double kept_c, kept_b;
    catlr_crew *crew; /* for epochs below PARALLEL_MIN on 2+ threads, else NULL */
    catlr_crew_choice choice; /* how epochs use the crew: */
    unsigned mode; /* EPOCH_ALONE, EPOCH_PRODUCT (on the crew), EPOCH_BOTH (and the step) */
    int finite;    /* c, b and every alpha finite after the last step */
} gram;

double catlr_gram_bytes(size_t m, size_t held_m) {
    return 4.0 * ((double)catlr_gram_packed_count(m) + (double)m * (double)held_m);
}

/* What one block of cross products computes: rows of A (rows_m, n_x)
 * against the training columns, into out (row stride ld). */
typedef struct cross_block {
    const uint8_t *A;
    size_t rows_m;
    int32_t *out;
    size_t ld;
} cross_block;

/* Block q of the products with the training set (X and its column sums
 * sum_x): a strip of STRIP rows by one tile's columns. For the packed K
 * (blk->A == NULL): the strips of the tiles in packed order, STRIPS_PER_TILE
 * numbers a tile, those past its rows doing nothing; a diagonal tile's
 * strip starts at its own first row (the rest is mirrored after). For a
 * rectangle (held-out rows A): strip q / nt, tile column q % nt. */
enum { STRIPS_PER_TILE = CATLR_GRAM_TILE / STRIP };
static void cross_job(const catlr_problem *pb, const int64_t *sum_x, const cross_block *blk,
                      size_t q) {
    const size_t n = pb->n_x, m = pb->m, T = CATLR_GRAM_TILE, nt = (m + T - 1) / T;
    size_t I, J, r0, c0, rows, cols, ld;
    const uint8_t *A;
    int32_t *out;
    if (blk->A == NULL) {
        size_t t = q / STRIPS_PER_TILE;
        for (I = 0; t >= nt - I; I++)
            t -= nt - I;
        J = I + t;
        r0 = I * T + q % STRIPS_PER_TILE * STRIP;
        const size_t h = I + 1 < nt ? T : m - I * T, c = J + 1 < nt ? T : m - J * T;
        if (r0 >= I * T + h)
            return;
        c0 = I == J ? r0 : J * T;
        rows = I * T + h - r0 < STRIP ? I * T + h - r0 : STRIP;
        cols = J * T + c - c0;
        ld = c;
        A = pb->X;
        out = blk->out + catlr_gram_tile_offset(m, I, J) + (r0 - I * T) * c + (c0 - J * T);
    } else {
        r0 = q / nt * STRIP;
        c0 = q % nt * T;
        rows = blk->rows_m - r0 < STRIP ? blk->rows_m - r0 : STRIP;
        cols = m - c0 < T ? m - c0 : T;
        ld = blk->ld;
        A = blk->A;
        out = blk->out + r0 * ld + c0;
    }
    catlr_kernel_cross_u8(A + r0 * n, rows, pb->X + c0 * n, sum_x + c0, cols, n, out, ld);
}

/* The lower halves of K's diagonal tiles, which cross_job leaves out
 * below each strip, from their upper halves. */
static void mirror_diagonal(size_t m, int32_t *K) {
    const size_t T = CATLR_GRAM_TILE, nt = (m + T - 1) / T;
    for (size_t I = 0; I < nt; I++) {
        const size_t h = I + 1 < nt ? T : m - I * T;
        int32_t *tile = K + catlr_gram_tile_offset(m, I, I);
        for (size_t r = STRIP; r < h; r++)
            for (size_t c = 0; c < r / STRIP * STRIP; c++)
                tile[r * h + c] = tile[c * h + r];
    }
}

/* K = X^T X packed (blk->A NULL) or the rectangle of blk->A's rows against
 * the training columns, all blocks in parallel: they write apart. */
static void cross_products(const catlr_problem *pb, const int64_t *sum_x, const cross_block *blk) {
    const size_t m = pb->m, nt = (m + CATLR_GRAM_TILE - 1) / CATLR_GRAM_TILE;
    const size_t jobs = blk->A == NULL ? nt * (nt + 1) / 2 * STRIPS_PER_TILE
                                       : (blk->rows_m + STRIP - 1) / STRIP * nt;
    CATLR_OMP(omp parallel for num_threads(pb->threads) schedule(dynamic, 1))
    for (size_t q = 0; q < jobs; q++)
        cross_job(pb, sum_x, blk, q);
    if (blk->A == NULL)
        mirror_diagonal(m, blk->out);
}

/* Whether every starting weight is zero (+0 or -0), as they are unless
 * training starts from a model. */
static int start_is_zero(const gram *g) {
    const float *w = g->model->w;
    for (size_t i = 0; i < g->pb->n_x; i++)
        if (w[i] != 0)
            return 0;
    return 1;
}

/* z0[j] = w0^T A_j / 255 for j < count; zero: every weight of w0 is 0
 * (start_is_zero). From zero weights each is +0 (the kernel's lanes start
 * at +0, and +0 + -0 = +0), so the n_x count multiply-adds are skipped: a
 * fifth of the set-up for the course. */
static void start_products(const gram *g, int zero, const uint8_t *A, size_t count, double *z0) {
    const size_t n_x = g->pb->n_x;
    if (zero) {
        for (size_t j = 0; j < count; j++)
            z0[j] = 0.0;
        return;
    }
    CATLR_OMP(omp parallel for num_threads(g->pb->threads) schedule(static))
    for (size_t j = 0; j < count; j++)
        z0[j] = catlr_kernel_dot_f32_u8(g->model->w, A + j * n_x, n_x) / 255.0;
}

/* u = K alpha / 255^2 and z for u's entries lo .. hi-1, once every part's
 * share is in u_parts. */
static void forward_sum(gram *g, size_t lo, size_t hi, double *z) {
    catlr_gram_forward_z(g->u_parts, g->plan.parts, g->pb->m, lo, hi, PIXEL_MAX2, g->c, g->z0,
                         g->model->b, g->u, z);
}

/* Member k's share of an epoch's product: the parts k, k + members, ...
 * (each into its own vector, so the shares write apart). */
static void product_job(void *arg, size_t member, size_t members) {
    gram *g = arg;
    for (size_t p = member; p < g->plan.parts; p += members)
        catlr_gram_part_product(g->K, &g->plan, p, g->alpha, g->u_parts + p * g->pb->m);
}

static void gram_forward(void *state, double *z, int gradient) {
    (void)gradient; /* step needs only z */
    gram *g = state;
    const size_t m = g->pb->m, parts = g->plan.parts;
    /* a parallel region costs microseconds (far more while other programs
     * keep the cores busy), as much as a whole epoch for a few hundred
     * images: epochs of fewer than PARALLEL_MIN multiply-adds go to the
     * crew of the region the whole loop runs in (crew.h), where timing
     * shows that it pays, else to this thread alone. Even a region with an
     * if() that is false goes through libgomp's team set-up, about a tenth
     * of an epoch for m = 209. The parts and their order are the same
     * every way, so are the bits. */
    if (m * m < PARALLEL_MIN || g->pb->threads == 1) {
        g->mode = catlr_crew_pick(g->crew, &g->choice, EPOCH_MODES);
        if (g->mode >= EPOCH_PRODUCT)
            catlr_crew_run(g->crew, product_job, g);
        else
            product_job(g, 0, 1);
        forward_sum(g, 0, m, z);
        return;
    }
    const size_t chunks = (m + SUM_CHUNK - 1) / SUM_CHUNK;
    CATLR_OMP(omp parallel num_threads(g->pb->threads))
    {
        CATLR_OMP(omp for schedule(dynamic, 1))
        for (size_t p = 0; p < parts; p++)
            catlr_gram_part_product(g->K, &g->plan, p, g->alpha, g->u_parts + p * m);
        CATLR_OMP(omp for schedule(static))
        for (size_t t = 0; t < chunks; t++)
            forward_sum(g, t * SUM_CHUNK, t * SUM_CHUNK + SUM_CHUNK < m ? t * SUM_CHUNK + SUM_CHUNK : m, z);
    }
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

/* What step takes from forward (z, and r = 1 - lr l2 / m) and what its
 * members give back: the sum of dz when one member took every example,
 * and whether each member's alpha stayed finite. */
typedef struct step_args {
    gram *g;
    const double *z;
    double r;
    double dz_sum;
    size_t members; /* how many took a share (member 0 says) */
    int finite[CATLR_GRAM_PARTS_MAX]; /* by member; a crew has at most parts members */
} step_args;

/* Member k's share of a step: dz and alpha for the k-th of `members`
 * contiguous runs of examples (each entry on its own, so the bits do not
 * depend on the runs). */
static void step_job(void *arg, size_t member, size_t members) {
    step_args *a = arg;
    gram *g = a->g;
    const catlr_problem *pb = g->pb;
    const size_t m = pb->m, lo = m * member / members, hi = m * (member + 1) / members;
    const double md = (double)m;
    const double sum = catlr_core_dz(a->z + lo, pb->y + lo, hi - lo, pb->class_weight, g->dz + lo);
    if (member == 0)
        a->members = members;
    if (members == 1)
        a->dz_sum = sum;
    a->finite[member] = catlr_gram_alpha_step(g->alpha + lo, g->dz + lo, hi - lo, a->r, pb->lr, md);
}

static void gram_step(void *state, const double *z) {
    gram *g = state;
    const catlr_problem *pb = g->pb;
    const double md = (double)pb->m;
    step_args a = {.g = g, .z = z, .r = 1.0 - pb->lr * pb->l2 / md};
    if (g->mode == EPOCH_BOTH)
        catlr_crew_run(g->crew, step_job, &a);
    else
        step_job(&a, 0, 1);
    if (a.members > 1) {
        /* db's sum in the order j = 0, 1, ..., as catlr_core_dz adds it
         * when one member takes every example */
        a.dz_sum = 0;
        for (size_t j = 0; j < pb->m; j++)
            a.dz_sum += g->dz[j];
    }
    g->c *= a.r;
    g->model->b -= pb->lr * (a.dz_sum / md);
    g->finite = isfinite(g->c) && isfinite(g->model->b);
    for (size_t k = 0; k < a.members; k++)
        g->finite &= a.finite[k];
}

/* Whether c, b and alpha are finite, as the last step found them. */
static int gram_finite(void *state) {
    const gram *g = state;
    return g->finite;
}

/* Tile t of w = c w0 + X alpha / 255: its m terms summed in the order
 * j = 0, 1, ..., then rounded once to float. */
static void finish_tile(gram *g, size_t t) {
    const size_t n_x = g->pb->n_x, m = g->pb->m;
    float *w = g->model->w;
    double acc[TILE];
    size_t t0 = t * TILE, len = n_x - t0 < TILE ? n_x - t0 : TILE;
    memset(acc, 0, sizeof acc);
    for (size_t j = 0; j < m; j++)
        catlr_kernel_axpy_u8(acc, g->alpha[j], g->pb->X + j * n_x + t0, len);
    for (size_t i = 0; i < len; i++)
        w[t0 + i] = (float)(g->c * w[t0 + i] + acc[i] / 255.0);
}

/* Member k's tiles: k, k + members, ... */
static void finish_job(void *arg, size_t member, size_t members) {
    gram *g = arg;
    for (size_t t = member; t < (g->pb->n_x + TILE - 1) / TILE; t += members)
        finish_tile(g, t);
}

/* w tile by tile, on the crew inside the loop's region (where a region of
 * its own would run on one thread), else in a region. */
static void gram_finish(void *state) {
    gram *g = state;
    if (g->crew != NULL) {
        catlr_crew_run(g->crew, finish_job, g);
        return;
    }
    const size_t n_tiles = (g->pb->n_x + TILE - 1) / TILE;
    CATLR_OMP(omp parallel for num_threads(g->pb->threads) schedule(static))
    for (size_t t = 0; t < n_tiles; t++)
        finish_tile(g, t);
}

static void gram_free(void *state) {
    gram *g = state;
    if (g == NULL)
        return;
    catlr_crew_free(g->crew);
    free(g->K_own);
    free(g->u_parts);
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

/* K = X^T X packed into K, Kt = X_test^T X into Kt and Kv = X_val^T X into
 * Kv, each skipped when NULL. 0, or -1 when the scratch cannot be
 * allocated. */
static int products(const catlr_problem *pb, int32_t *K, int32_t *Kt, int32_t *Kv) {
    if (K == NULL && Kt == NULL && Kv == NULL)
        return 0;
    const size_t m = pb->m;
    int64_t *sum_x = malloc((m > 0 ? m : 1) * sizeof *sum_x);
    if (sum_x == NULL)
        return -1;
    for (size_t j = 0; j < m; j++)
        sum_x[j] = catlr_kernel_sum_u8(pb->X + j * pb->n_x, pb->n_x);
    if (K != NULL)
        cross_products(pb, sum_x, &(cross_block){.A = NULL, .out = K});
    if (Kt != NULL)
        cross_products(pb, sum_x,
                       &(cross_block){.A = pb->test_X, .rows_m = pb->test_m, .out = Kt, .ld = m});
    if (Kv != NULL)
        cross_products(pb, sum_x,
                       &(cross_block){.A = pb->val_X, .rows_m = pb->val_m, .out = Kv, .ld = m});
    free(sum_x);
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

/* A crew for epochs too small for a parallel region of their own, when
 * there are threads and parts to share; without one (or when it cannot be
 * had) this thread does them alone, with the same bits. */
static catlr_crew *epoch_crew(const gram *g) {
    const size_t m = g->pb->m, threads = (size_t)g->pb->threads;
    const size_t members = threads < g->plan.parts ? threads : g->plan.parts;
    catlr_crew *crew = NULL;
    if (m * m < PARALLEL_MIN && members >= 2 && catlr_crew_new(members, &crew) != CATLR_OK)
        crew = NULL;
    return crew;
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
    g->finite = 1;
    g->K = pb->gram_K != NULL
               ? pb->gram_K
               : (g->K_own = catlr_alloc_large(catlr_gram_packed_count(m) * sizeof *g->K_own));
    catlr_gram_plan_make(m, &g->plan);
    g->u_parts = malloc(g->plan.parts * m * sizeof *g->u_parts);
    g->z0 = malloc(m * sizeof *g->z0);
    g->alpha = calloc(m, sizeof *g->alpha);
    g->u = calloc(m, sizeof *g->u);
    g->dz = malloc(m * sizeof *g->dz);
    int ok = g->K && g->u_parts && g->z0 && g->alpha && g->u && g->dz;
    if (ok && test_m > 0) {
        g->Kt = pb->gram_Kt != NULL ? pb->gram_Kt
                                    : (g->Kt_own = catlr_alloc_large(test_m * m * sizeof *g->Kt_own));
        g->z0_test = malloc(test_m * sizeof *g->z0_test);
        ok = g->Kt && g->z0_test;
    }
    if (ok && val_m > 0) {
        g->Kv = catlr_alloc_large(val_m * m * sizeof *g->Kv);
        g->z0_val = malloc(val_m * sizeof *g->z0_val);
        g->kept_alpha = calloc(m, sizeof *g->kept_alpha); /* a checkpoint may copy it unset */
        ok = g->Kv && g->z0_val && g->kept_alpha;
    }
    if (!ok || products(pb, g->K_own, g->Kt_own, g->Kv) != 0) {
        gram_free(g);
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate the Gram matrix");
    }
    const int zero = start_is_zero(g);
    start_products(g, zero, pb->X, m, g->z0);
    if (test_m > 0)
        start_products(g, zero, pb->test_X, test_m, g->z0_test);
    if (val_m > 0)
        start_products(g, zero, pb->val_X, val_m, g->z0_val);
    for (size_t i = 0; i < pb->n_x; i++)
        g->w0_norm2 += (double)model->w[i] * model->w[i];
    g->crew = epoch_crew(g);
    *out = (catlr_solver_impl){
        .state = g,
        .crew = g->crew,
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
