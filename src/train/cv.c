/* cv.c: k-fold cross-validation over a grid of settings, every run a
 * catlr_train call on its fold's copy of the data, the Gram solver's runs
 * on sub-matrices of one shared K (see cv.h for why that is exact). Owns
 * the folds' copies, K and each run's scratch; reports only through the
 * runs it fills. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train/core.h"
#include "catlr/cv.h"
#include "catlr/split.h"
#include "cv_batch.h"
#include "base/internal.h"
#include "base/large_alloc.h"
#include "gram_kernel.h"
#include "solver.h"
#include "solver_cost.h"
#include "train_cache.h"

catlr_solver catlr_cv_choose_solver(const catlr_cv_problem *prob, const catlr_cv_params *params) {
    CATLR_ASSERT(prob != NULL && params != NULL && prob->k >= 1);
    const size_t n_x = prob->n_x, m = prob->m;
    const unsigned k = prob->k;
    if (params->train.solver != CATLR_SOLVER_AUTO)
        return params->train.solver;
    if (catlr_gram_bytes(m, 0) > (double)CATLR_GRAM_MAX_BYTES ||
        n_x > CATLR_GRAM_MAX_FEATURES)
        return CATLR_SOLVER_PRIMAL;
    /* K is built once on all m examples; each run's epochs train on its
     * fold's m - m/k and evaluate none (the held-out fold is scored once) */
    const size_t train_m = k > 1 ? m - m / k : m;
    const catlr_solver_work work = {
        .n_x = n_x,
        .gram_m = m,
        .held_m = 0,
        .epoch_m = train_m,
        .val_m = 0,
        .epochs = (double)params->train.iterations * (double)k * (double)params->n_settings,
        .threads = catlr_thread_count((int)params->train.threads),
    };
    return catlr_solver_cost_prefers_gram(&work) ? CATLR_SOLVER_GRAM : CATLR_SOLVER_PRIMAL;
}

// ----------------------------------------------------------------------------
// The folds' copies.

/* What the runs on one held-out fold read. */
typedef struct fold_data {
    size_t train_m, val_m;
    uint8_t *X;  /* (n_x, m): the training columns in their order in X,
                    then the held-out ones */
    uint8_t *y;  /* (m), in the same order */
    int32_t *K;  /* Gram solver: K on the training rows and columns,
                    packed (gram_kernel.h); else NULL */
    int32_t *Kv; /* Gram solver: (val_m, train_m), the held-out rows of K
                    on the training columns; else NULL */
} fold_data;

static void fold_free(fold_data *fd) {
    free(fd->X);
    free(fd->y);
    free(fd->K);
    free(fd->Kv);
    memset(fd, 0, sizeof *fd);
}

/* The fold's packed K (train_m examples, the first train_m of idx) from
 * the packed K of all m: its entry (a, b) is K's (idx[a], idx[b]). */
static void gather_packed(const int32_t *K, size_t m, const size_t *idx, size_t train_m,
                          int32_t *out) {
    const size_t T = CATLR_GRAM_TILE, nt = (train_m + T - 1) / T;
    for (size_t I = 0; I < nt; I++)
        for (size_t J = I; J < nt; J++) {
            const size_t h = I + 1 < nt ? T : train_m - I * T;
            const size_t c = J + 1 < nt ? T : train_m - J * T;
            int32_t *tile = out + catlr_gram_tile_offset(train_m, I, J);
            for (size_t a = 0; a < h; a++)
                for (size_t b = 0; b < c; b++)
                    tile[a * c + b] = catlr_gram_at(K, m, idx[I * T + a], idx[J * T + b]);
        }
}

/* Copy fold f's data out of prob's X, y and (when not NULL) the whole
 * packed K of all m examples. idx: (m) scratch. 0, or -1 when out of
 * memory. */
static int fold_prepare(const catlr_cv_problem *prob, unsigned f, const int32_t *K,
                        size_t *idx, fold_data *fd) {
    const size_t n_x = prob->n_x, m = prob->m;
    const unsigned *fold = prob->fold;
    size_t t = 0;
    for (size_t j = 0; j < m; j++)
        if (fold[j] != f)
            idx[t++] = j;
    fd->train_m = t;
    for (size_t j = 0; j < m; j++)
        if (fold[j] == f)
            idx[t++] = j;
    fd->val_m = m - fd->train_m;
    fd->X = catlr_alloc_large(n_x * m);
    fd->y = malloc(m);
    if (fd->X == NULL || fd->y == NULL)
        return -1;
    catlr_split_take(prob->X, n_x, idx, m, fd->X);
    catlr_split_take_labels(prob->y, idx, m, fd->y);
    if (K == NULL)
        return 0;
    const size_t tm = fd->train_m;
    fd->K = catlr_alloc_large(catlr_gram_packed_count(tm) * sizeof *fd->K);
    fd->Kv = malloc(fd->val_m * tm * sizeof *fd->Kv);
    if (fd->K == NULL || (fd->Kv == NULL && fd->val_m > 0))
        return -1;
    gather_packed(K, m, idx, tm, fd->K);
    /* row r of Kv is held-out example idx[tm + r] against the training
     * columns */
    for (size_t r = 0; r < fd->val_m; r++)
        for (size_t c = 0; c < tm; c++)
            fd->Kv[r * tm + c] = catlr_gram_at(K, m, idx[tm + r], idx[c]);
    return 0;
}

/* Bytes one fold's copies take. */
static double fold_bytes(size_t n_x, size_t m, size_t train_m, int gram) {
    return (double)(n_x + 1) * (double)m +
           (gram ? catlr_gram_bytes(train_m, m - train_m) : 0.0);
}

// ----------------------------------------------------------------------------
// One run.

/* The settings of setting s's runs: the grid's, with s's rate and L2 and
 * no accuracies (a run reports nothing). */
static catlr_train_params setting_params(const catlr_train_params *grid_params,
                                         const catlr_cv_setting *s) {
    catlr_train_params params = *grid_params;
    params.lr = s->lr;
    params.l2 = s->l2;
    params.eval_every = 0;
    return params;
}

/* Train setting s on fold fd's training columns and measure the held-out
 * ones into *run. grid_params: the grid's, with solver and threads fixed. */
static void run_one(const fold_data *fd, size_t n_x, const catlr_cv_setting *s,
                    const catlr_train_params *grid_params, catlr_cv_run *run) {
    catlr_model model;
    memset(run, 0, sizeof *run);
    run->train_cost = run->val_cost = run->val_accuracy = NAN;
    /* the model's geometry only gives catlr_train n_x; its names are never
     * seen */
    run->status = catlr_model_init(&model,
                                   &(catlr_model_shape){.height = 1,
                                                        .width = (uint32_t)n_x,
                                                        .channels = 1,
                                                        .class_names = {"0", "1"},
                                                        .positive = 1},
                                   &run->err);
    if (run->status != CATLR_OK)
        return;
    double *z = malloc(fd->val_m * sizeof *z);
    if (z == NULL) {
        run->status = catlr_fail(&run->err, CATLR_ERR_NOMEM, NULL,
                                 "cannot allocate a fold's scores");
        catlr_model_free(&model);
        return;
    }
    const catlr_train_params params = setting_params(grid_params, s);
    const catlr_train_problem prob = {
        .X = fd->X,
        .y = fd->y,
        .m = fd->train_m,
        .test = {.X = fd->X + fd->train_m * n_x, .y = fd->y + fd->train_m, .m = fd->val_m},
    };
    const catlr_train_cache cache = {.gram_K = fd->K, .gram_Kt = fd->Kv, .test_z = z};
    run->status = catlr_train_cached(&prob, &params, NULL, &cache, &model, &run->err);
    if (run->status == CATLR_OK) {
        run->train_cost = model.final_cost;
        run->val_cost = catlr_core_cost(z, prob.test.y, fd->val_m);
        run->val_accuracy = catlr_solver_accuracy(z, prob.test.y, fd->val_m);
    }
    free(z);
    catlr_model_free(&model);
}

// ----------------------------------------------------------------------------
// The grid.

/* Why the grid cannot run, or NULL. counts: (k) scratch for fold sizes;
 * k is 2 to CATLR_MAX_FOLDS. */
static const char *check_grid(const catlr_cv_problem *prob, const catlr_cv_params *params,
                              size_t *counts) {
    if (params->n_settings == 0)
        return "no settings to cross-validate";
    for (size_t s = 0; s < params->n_settings; s++) {
        catlr_train_params p = setting_params(&params->train, &params->settings[s]);
        const char *why = catlr_train_check(NULL, &p, NULL);
        if (why != NULL)
            return why;
    }
    memset(counts, 0, prob->k * sizeof *counts);
    for (size_t j = 0; j < prob->m; j++) {
        if (prob->fold[j] >= prob->k)
            return "a fold number is not below the fold count";
        counts[prob->fold[j]]++;
    }
    for (unsigned f = 0; f < prob->k; f++)
        if (counts[f] == 0)
            return "a fold holds no example";
    return NULL;
}

/* K of all m examples for the Gram solver, checked against its limits. */
static catlr_status whole_gram(const uint8_t *X, size_t n_x, size_t m, int threads,
                               int32_t **K, catlr_error *err) {
    catlr_status st = catlr_gram_check(n_x, m, 0, err);
    if (st != CATLR_OK)
        return st;
    *K = catlr_alloc_large(catlr_gram_packed_count(m) * sizeof **K);
    if (*K == NULL)
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate the Gram matrix");
    st = catlr_gram_matrix(X, n_x, m, threads, *K, err);
    if (st != CATLR_OK) {
        free(*K);
        *K = NULL;
    }
    return st;
}

/* What every batch of a grid shares. */
typedef struct grid_run {
    const catlr_cv_problem *prob;
    const catlr_cv_params *params;
    catlr_train_params train; /* params->train with the solver fixed */
    const int32_t *K;         /* packed, with the Gram solver, else NULL */
    int threads;              /* >= 1 */
    fold_data *fds;           /* (batch) */
    size_t *idx;              /* (m) scratch */
    catlr_cv_run *runs;       /* (n_settings, k) */
} grid_run;

/* The folds first .. first+count-1: prepare them, run every setting on
 * each (all count * n_settings runs in parallel), free them. */
static catlr_status run_batch(const grid_run *g, unsigned first, unsigned count,
                              catlr_error *err) {
    const size_t n_settings = g->params->n_settings;
    catlr_status st = CATLR_OK;
    for (unsigned b = 0; b < count && st == CATLR_OK; b++)
        if (fold_prepare(g->prob, first + b, g->K, g->idx, &g->fds[b]) != 0)
            st = catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate a fold's copy");
    const size_t n_runs = (size_t)count * n_settings;
    /* one thread a run, none waiting on another; with fewer runs than
     * threads (a batch of one fold, few settings) each run gets a share
     * for its own parallel loops, which OpenMP uses when the outer team is
     * of one thread (nested teams are off by default). The results are
     * the same for any count. */
    const int outer = n_runs < (size_t)g->threads ? (int)n_runs : g->threads;
    catlr_train_params params = g->train;
    params.threads = (unsigned)(g->threads / outer);
    if (st == CATLR_OK) {
        CATLR_OMP(omp parallel for num_threads(outer) schedule(dynamic, 1))
        for (size_t t = 0; t < n_runs; t++) {
            const size_t b = t / n_settings, s = t % n_settings;
            run_one(&g->fds[b], g->prob->n_x, &g->params->settings[s], &params,
                    &g->runs[s * g->prob->k + first + b]);
        }
    }
    for (unsigned b = 0; b < count; b++)
        fold_free(&g->fds[b]);
    return st;
}

catlr_status catlr_cv_grid(const catlr_cv_problem *prob, const catlr_cv_params *params,
                           catlr_cv_run *runs, catlr_error *err) {
    return catlr_cv_grid_batched(prob, params, runs, CATLR_MAX_FOLDS, err);
}

/* The folds' batch size: as many folds at once as their copies fit (the
 * smallest fold held out gives the largest training part), so that the runs
 * of several folds fill the threads; 1 to max_batch and k. */
static unsigned batch_size(const catlr_cv_problem *prob, size_t smallest, int gram,
                           unsigned max_batch) {
    const double per_fold = fold_bytes(prob->n_x, prob->m, prob->m - smallest, gram);
    double fit = floor((double)CATLR_CV_BATCH_BYTES / per_fold);
    fit = fit > max_batch ? max_batch : fit;
    return fit < 1 ? 1 : fit > prob->k ? prob->k : (unsigned)fit;
}

/* Check the grid, and find the size of its smallest fold. */
static catlr_status smallest_fold(const catlr_cv_problem *prob, const catlr_cv_params *params,
                                  size_t *smallest, catlr_error *err) {
    size_t *counts = malloc(prob->k * sizeof *counts);
    if (counts == NULL)
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate the folds");
    const char *why = check_grid(prob, params, counts);
    *smallest = prob->m;
    for (unsigned f = 0; why == NULL && f < prob->k; f++)
        *smallest = counts[f] < *smallest ? counts[f] : *smallest;
    free(counts);
    if (why != NULL)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "%s", why);
    return CATLR_OK;
}

catlr_status catlr_cv_grid_batched(const catlr_cv_problem *prob, const catlr_cv_params *params,
                                   catlr_cv_run *runs, unsigned max_batch, catlr_error *err) {
    CATLR_ASSERT(prob != NULL && params != NULL && prob->X != NULL && prob->y != NULL &&
                 prob->fold != NULL && params->settings != NULL &&
                 runs != NULL);
    const unsigned k = prob->k;
    const size_t n_x = prob->n_x, m = prob->m;
    if (k < 2 || k > CATLR_MAX_FOLDS)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "the fold count must be 2 to %u, not %u",
                          CATLR_MAX_FOLDS, k);
    if (n_x == 0 || n_x > CATLR_MODEL_MAX_SIDE)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "examples of %lu features: not 1 to %lu",
                          (unsigned long)n_x, (unsigned long)CATLR_MODEL_MAX_SIDE);
    size_t smallest = m;
    catlr_status checked = smallest_fold(prob, params, &smallest, err);
    if (checked != CATLR_OK)
        return checked;
    grid_run g = {
        .prob = prob,
        .params = params,
        .train = params->train,
        .K = NULL,
        .threads = catlr_thread_count((int)params->train.threads),
        .runs = runs,
    };
    g.train.solver = catlr_cv_choose_solver(prob, params);
    int32_t *K = NULL;
    if (g.train.solver == CATLR_SOLVER_GRAM) {
        catlr_status st = whole_gram(prob->X, n_x, m, g.threads, &K, err);
        if (st != CATLR_OK)
            return st;
        g.K = K;
    }
    const unsigned batch = batch_size(prob, smallest, K != NULL, max_batch);
    g.fds = calloc(batch, sizeof *g.fds);
    g.idx = malloc(m * sizeof *g.idx);
    catlr_status st = CATLR_OK;
    if (g.fds == NULL || g.idx == NULL)
        st = catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate the folds");
    for (unsigned first = 0; first < k && st == CATLR_OK; first += batch) {
        unsigned count = k - first < batch ? k - first : batch;
        st = run_batch(&g, first, count, err);
    }
    /* a failed run is the data's answer to its setting, except when memory
     * ran out: that ends the grid */
    for (size_t t = 0; st == CATLR_OK && t < params->n_settings * k; t++)
        if (runs[t].status == CATLR_ERR_NOMEM) {
            st = runs[t].status;
            if (err != NULL)
                *err = runs[t].err;
        }
    free(g.idx);
    free(g.fds);
    free(K);
    return st;
}

// ----------------------------------------------------------------------------
// Summaries.

/* Mean and population standard deviation (two passes: no cancellation) of
 * v (k); std may be NULL. */
static void mean_std(const double *v, unsigned k, double *mean, double *std) {
    double sum = 0, squares = 0;
    for (unsigned f = 0; f < k; f++)
        sum += v[f];
    *mean = sum / k;
    for (unsigned f = 0; f < k; f++)
        squares += (v[f] - *mean) * (v[f] - *mean);
    if (std != NULL)
        *std = sqrt(squares / k);
}

catlr_cv_summary catlr_cv_summarise(const catlr_cv_run *runs, unsigned k) {
    CATLR_ASSERT(runs != NULL && k >= 1);
    catlr_cv_summary s = {.failed = 0,
                          .val_accuracy_mean = NAN, .val_accuracy_std = NAN,
                          .val_cost_mean = NAN, .val_cost_std = NAN,
                          .train_cost_mean = NAN};
    for (unsigned f = 0; f < k; f++)
        s.failed += runs[f].status != CATLR_OK;
    if (s.failed > 0)
        return s;
    double acc[CATLR_MAX_FOLDS], val[CATLR_MAX_FOLDS], train[CATLR_MAX_FOLDS];
    CATLR_ASSERT(k <= CATLR_MAX_FOLDS);
    for (unsigned f = 0; f < k; f++) {
        acc[f] = runs[f].val_accuracy;
        val[f] = runs[f].val_cost;
        train[f] = runs[f].train_cost;
    }
    mean_std(acc, k, &s.val_accuracy_mean, &s.val_accuracy_std);
    mean_std(val, k, &s.val_cost_mean, &s.val_cost_std);
    mean_std(train, k, &s.train_cost_mean, NULL);
    return s;
}

size_t catlr_cv_best(const catlr_cv_summary *summaries, size_t n) {
    CATLR_ASSERT(summaries != NULL || n == 0);
    size_t best = n;
    for (size_t s = 0; s < n; s++) {
        const catlr_cv_summary *c = &summaries[s];
        if (c->failed > 0)
            continue;
        if (best == n || c->val_accuracy_mean > summaries[best].val_accuracy_mean ||
            (c->val_accuracy_mean == summaries[best].val_accuracy_mean &&
             c->val_cost_mean < summaries[best].val_cost_mean))
            best = s;
    }
    return best;
}
