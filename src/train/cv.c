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
#include "solver.h"

catlr_solver catlr_cv_choose_solver(size_t n_x, size_t m, unsigned k, size_t n_settings,
                                    const catlr_train_opts *opts) {
    CATLR_ASSERT(opts != NULL && k >= 1);
    if (opts->solver != CATLR_SOLVER_AUTO)
        return opts->solver;
    if (catlr_gram_bytes(m, 0) > (double)CATLR_GRAM_MAX_BYTES ||
        n_x > CATLR_GRAM_MAX_FEATURES)
        return CATLR_SOLVER_PRIMAL;
    const double n = (double)n_x, md = (double)m, train_m = md * (k - 1) / k;
    const double epochs = (double)opts->iterations * (double)k * (double)n_settings;
    double gram = n * md * md / 2 + epochs * train_m * train_m;
    double primal = epochs * 2 * n * train_m;
    return gram < primal ? CATLR_SOLVER_GRAM : CATLR_SOLVER_PRIMAL;
}

// ----------------------------------------------------------------------------
// The folds' copies.

/* What the runs on one held-out fold read. */
typedef struct fold_data {
    size_t train_m, val_m;
    uint8_t *X;  /* (n_x, m): the training columns in their order in X,
                    then the held-out ones */
    uint8_t *y;  /* (m), in the same order */
    int32_t *K;  /* Gram solver: (train_m, train_m), K on the training rows
                    and columns; else NULL */
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

/* Copy fold f's data out of X, y and (when not NULL) the whole K (m, m).
 * idx: (m) scratch. 0, or -1 when out of memory. */
static int fold_prepare(const uint8_t *X, const uint8_t *y, size_t n_x, size_t m,
                        const unsigned *fold, unsigned f, const int32_t *K, size_t *idx,
                        fold_data *fd) {
    size_t t = 0;
    for (size_t j = 0; j < m; j++)
        if (fold[j] != f)
            idx[t++] = j;
    fd->train_m = t;
    for (size_t j = 0; j < m; j++)
        if (fold[j] == f)
            idx[t++] = j;
    fd->val_m = m - fd->train_m;
    fd->X = malloc(n_x * m);
    fd->y = malloc(m);
    if (fd->X == NULL || fd->y == NULL)
        return -1;
    catlr_split_take(X, y, n_x, idx, m, fd->X, fd->y);
    if (K == NULL)
        return 0;
    const size_t tm = fd->train_m;
    fd->K = malloc(tm * tm * sizeof *fd->K);
    fd->Kv = malloc(fd->val_m * tm * sizeof *fd->Kv);
    if (fd->K == NULL || fd->Kv == NULL)
        return -1;
    /* row r of the fold's order is row idx[r] of K; the training rows come
     * first, so K and Kv are one gather of m rows by tm columns */
    for (size_t r = 0; r < m; r++) {
        int32_t *row = r < tm ? fd->K + r * tm : fd->Kv + (r - tm) * tm;
        const int32_t *from = K + idx[r] * m;
        for (size_t c = 0; c < tm; c++)
            row[c] = from[idx[c]];
    }
    return 0;
}

/* Bytes one fold's copies take. */
static double fold_bytes(size_t n_x, size_t m, size_t train_m, int gram) {
    return (double)(n_x + 1) * (double)m + (gram ? 4.0 * (double)train_m * (double)m : 0.0);
}

// ----------------------------------------------------------------------------
// One run.

/* The options of setting s's runs: opts with s's rate and L2, and without
 * what belongs to one run of catlr_train alone (a test set and its z, a
 * validation set, reports, Gram products): run_one gives each run its own
 * held-out fold, and nothing else. */
static catlr_train_opts setting_opts(const catlr_train_opts *opts, const catlr_cv_setting *s) {
    catlr_train_opts o = *opts;
    o.lr = s->lr;
    o.l2 = s->l2;
    o.test_X = NULL;
    o.test_y = NULL;
    o.test_m = 0;
    o.test_z = NULL;
    o.on_step = NULL;
    o.user = NULL;
    o.eval_every = 0;
    o.val_X = NULL;
    o.val_y = NULL;
    o.val_m = 0;
    o.gram_K = NULL;
    o.gram_Kt = NULL;
    return o;
}

/* Train setting s on fold fd's training columns and measure the held-out
 * ones into *run. opts: the grid's, with solver and threads fixed. */
static void run_one(const fold_data *fd, size_t n_x, const catlr_cv_setting *s,
                    const catlr_train_opts *opts, catlr_cv_run *run) {
    catlr_model model;
    memset(run, 0, sizeof *run);
    run->train_cost = run->val_cost = run->val_accuracy = NAN;
    /* the model's geometry only gives catlr_train n_x; its names are never
     * seen */
    run->status = catlr_model_init(&model, 1, (uint32_t)n_x, 1, "0", "1", 1, &run->err);
    if (run->status != CATLR_OK)
        return;
    double *z = malloc(fd->val_m * sizeof *z);
    if (z == NULL) {
        run->status = catlr_fail(&run->err, CATLR_ERR_NOMEM, NULL,
                                 "cannot allocate a fold's scores");
        catlr_model_free(&model);
        return;
    }
    catlr_train_opts o = setting_opts(opts, s);
    o.test_X = fd->X + fd->train_m * n_x;
    o.test_y = fd->y + fd->train_m;
    o.test_m = fd->val_m;
    o.test_z = z;
    o.gram_K = fd->K;
    o.gram_Kt = fd->Kv;
    run->status = catlr_train(fd->X, fd->y, fd->train_m, &o, &model, &run->err);
    if (run->status == CATLR_OK) {
        run->train_cost = model.final_cost;
        run->val_cost = catlr_core_cost(z, o.test_y, fd->val_m);
        run->val_accuracy = catlr_solver_accuracy(z, o.test_y, fd->val_m);
    }
    free(z);
    catlr_model_free(&model);
}

// ----------------------------------------------------------------------------
// The grid.

/* Why the grid cannot run, or NULL. counts: (k) scratch for fold sizes;
 * k is 2 to CATLR_MAX_FOLDS. */
static const char *check_grid(const unsigned *fold, size_t m, unsigned k, size_t *counts,
                              const catlr_cv_setting *settings, size_t n_settings,
                              const catlr_train_opts *opts) {
    if (n_settings == 0)
        return "no settings to cross-validate";
    /* every run trains on a fold of this process's examples */
    if (opts->reducer.allreduce_sum != NULL)
        return "cross-validation runs in one process: no reducer";
    for (size_t s = 0; s < n_settings; s++) {
        catlr_train_opts o = setting_opts(opts, &settings[s]);
        const char *why = catlr_train_check(&o);
        if (why != NULL)
            return why;
    }
    memset(counts, 0, k * sizeof *counts);
    for (size_t j = 0; j < m; j++) {
        if (fold[j] >= k)
            return "a fold number is not below the fold count";
        counts[fold[j]]++;
    }
    for (unsigned f = 0; f < k; f++)
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
    *K = malloc(m * m * sizeof **K);
    if (*K == NULL)
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate the Gram matrix");
    st = catlr_gram_matrix(X, n_x, m, threads, *K, err);
    if (st != CATLR_OK) {
        free(*K);
        *K = NULL;
    }
    return st;
}

/* The folds first .. first+count-1: prepare them, run every setting on
 * each (all count * n_settings runs in parallel), free them. */
static catlr_status run_batch(const uint8_t *X, const uint8_t *y, size_t n_x, size_t m,
                              const unsigned *fold, unsigned k, unsigned first,
                              unsigned count, const int32_t *K,
                              const catlr_cv_setting *settings, size_t n_settings,
                              const catlr_train_opts *opts, int threads, fold_data *fds,
                              size_t *idx, catlr_cv_run *runs, catlr_error *err) {
    catlr_status st = CATLR_OK;
    for (unsigned b = 0; b < count && st == CATLR_OK; b++)
        if (fold_prepare(X, y, n_x, m, fold, first + b, K, idx, &fds[b]) != 0)
            st = catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate a fold's copy");
    const size_t n_runs = (size_t)count * n_settings;
    /* one thread a run, none waiting on another; with fewer runs than
     * threads (a batch of one fold, few settings) each run gets a share
     * for its own parallel loops, which OpenMP uses when the outer team is
     * of one thread (nested teams are off by default). The results are
     * the same for any count. */
    const int outer = n_runs < (size_t)threads ? (int)n_runs : threads;
    catlr_train_opts o = *opts;
    o.threads = (unsigned)(threads / outer);
    if (st == CATLR_OK) {
        CATLR_OMP(omp parallel for num_threads(outer) schedule(dynamic, 1))
        for (size_t t = 0; t < n_runs; t++) {
            const size_t b = t / n_settings, s = t % n_settings;
            run_one(&fds[b], n_x, &settings[s], &o, &runs[s * k + first + b]);
        }
    }
    for (unsigned b = 0; b < count; b++)
        fold_free(&fds[b]);
    return st;
}

catlr_status catlr_cv_grid(const uint8_t *X, const uint8_t *y, size_t n_x, size_t m,
                           const unsigned *fold, unsigned k,
                           const catlr_cv_setting *settings, size_t n_settings,
                           const catlr_train_opts *opts, catlr_cv_run *runs,
                           catlr_error *err) {
    return catlr_cv_grid_batched(X, y, n_x, m, fold, k, settings, n_settings, opts, runs,
                                 CATLR_MAX_FOLDS, err);
}

catlr_status catlr_cv_grid_batched(const uint8_t *X, const uint8_t *y, size_t n_x, size_t m,
                                   const unsigned *fold, unsigned k,
                                   const catlr_cv_setting *settings, size_t n_settings,
                                   const catlr_train_opts *opts, catlr_cv_run *runs,
                                   unsigned max_batch, catlr_error *err) {
    CATLR_ASSERT(X != NULL && y != NULL && fold != NULL && settings != NULL &&
                 opts != NULL && runs != NULL);
    if (k < 2 || k > CATLR_MAX_FOLDS)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "the fold count must be 2 to %u, not %u",
                          CATLR_MAX_FOLDS, k);
    if (n_x == 0 || n_x > CATLR_MODEL_MAX_SIDE)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "examples of %lu features: not 1 to %lu",
                          (unsigned long)n_x, (unsigned long)CATLR_MODEL_MAX_SIDE);
    size_t *counts = malloc(k * sizeof *counts);
    if (counts == NULL)
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate the folds");
    const char *why = check_grid(fold, m, k, counts, settings, n_settings, opts);
    size_t smallest = m;
    for (unsigned f = 0; why == NULL && f < k; f++)
        smallest = counts[f] < smallest ? counts[f] : smallest;
    free(counts);
    if (why != NULL)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "%s", why);

    const catlr_solver solver = catlr_cv_choose_solver(n_x, m, k, n_settings, opts);
    const int threads = catlr_thread_count((int)opts->threads);
    int32_t *K = NULL;
    if (solver == CATLR_SOLVER_GRAM) {
        catlr_status st = whole_gram(X, n_x, m, threads, &K, err);
        if (st != CATLR_OK)
            return st;
    }
    /* as many folds at once as their copies fit, so that the runs of
     * several folds fill the threads */
    const double per_fold = fold_bytes(n_x, m, m - smallest, K != NULL);
    double fit = floor((double)CATLR_CV_BATCH_BYTES / per_fold);
    fit = fit > max_batch ? max_batch : fit;
    const unsigned batch = fit < 1 ? 1 : fit > k ? k : (unsigned)fit;
    fold_data *fds = calloc(batch, sizeof *fds);
    size_t *idx = malloc(m * sizeof *idx);
    catlr_status st = CATLR_OK;
    if (fds == NULL || idx == NULL)
        st = catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate the folds");
    catlr_train_opts o = *opts;
    o.solver = solver;
    for (unsigned first = 0; first < k && st == CATLR_OK; first += batch) {
        unsigned count = k - first < batch ? k - first : batch;
        st = run_batch(X, y, n_x, m, fold, k, first, count, K, settings, n_settings, &o,
                       threads, fds, idx, runs, err);
    }
    /* a failed run is the data's answer to its setting, except when memory
     * ran out: that ends the grid */
    for (size_t t = 0; st == CATLR_OK && t < n_settings * k; t++)
        if (runs[t].status == CATLR_ERR_NOMEM) {
            st = runs[t].status;
            if (err != NULL)
                *err = runs[t].err;
        }
    free(idx);
    free(fds);
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
    catlr_cv_summary s = {0, NAN, NAN, NAN, NAN, NAN};
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
