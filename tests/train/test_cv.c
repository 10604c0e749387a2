/* test_cv.c: k-fold cross-validation: the folds, the grid against separate
 * catlr_train runs (bit for bit, both solvers, any thread count, in one
 * batch or several), failed runs, the summaries and the best setting, the
 * refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "train/core.h"
#include "catlr/cv.h"
#include "catlr/predict.h"
#include "catlr/split.h"
#include "train/cv_batch.h"
#include "train/train_cache.h"
#include "test_util.h"

// ----------------------------------------------------------------------------
// A small problem: M examples of N_X byte features, label 1 for about a
// third, the features of each class drawn around its own level so that the
// runs learn something, and a few examples on the wrong side.

enum { N_X = 7, M = 23, K = 4 };

typedef struct problem {
    uint8_t X[N_X * M];
    uint8_t y[M];
    unsigned fold[M];
} problem;

static void make_problem(problem *p) {
    uint32_t state = 12345; /* an LCG: the same bytes on every machine */
    for (size_t j = 0; j < M; j++) {
        p->y[j] = j % 3 == 0;
        for (size_t i = 0; i < N_X; i++) {
            state = state * 1664525u + 1013904223u;
            unsigned noise = (state >> 24) % 120;
            int high = p->y[j] ^ (j % 7 == 6); /* every 7th on the wrong side */
            p->X[j * N_X + i] = (uint8_t)(high ? 120 + noise : noise + (i % 2) * 10);
        }
    }
    assert_int_equal(catlr_split_folds(p->y, M, K, 7, p->fold, NULL), CATLR_OK);
}

static const catlr_cv_setting SETTINGS[4] = {{0.5, 0}, {0.5, 2}, {2, 0}, {0.05, 0.5}};
enum { N_SETTINGS = 4 };

/* catlr_cv_grid of the n settings on the m examples X, y (n_x features)
 * in k folds with params. */
static catlr_status grid_of(const uint8_t *X, const uint8_t *y, size_t n_x, size_t m,
                            const unsigned *fold, unsigned k, const catlr_cv_setting *settings,
                            size_t n, const catlr_train_params *params, catlr_cv_run *runs,
                            catlr_error *err) {
    const catlr_cv_problem prob = {.X = X, .y = y, .n_x = n_x, .m = m, .fold = fold, .k = k};
    const catlr_cv_params cv = {.settings = settings, .n_settings = n, .train = *params};
    return catlr_cv_grid(&prob, &cv, runs, err);
}

/* catlr_cv_choose_solver for m examples of n_x features, k folds and n
 * settings with params. */
static catlr_solver choose(size_t n_x, size_t m, unsigned k, size_t n,
                           const catlr_train_params *params) {
    const catlr_cv_problem prob = {.n_x = n_x, .m = m, .k = k};
    const catlr_cv_params cv = {.settings = SETTINGS, .n_settings = n, .train = *params};
    return catlr_cv_choose_solver(&prob, &cv);
}

static catlr_train_params grid_opts(catlr_solver solver, unsigned threads) {
    catlr_train_params opts = catlr_train_defaults();
    opts.iterations = 150;
    opts.solver = solver;
    opts.threads = threads;
    return opts;
}

/* Setting s trained with base's other options on every fold but f with
 * catlr_train on its own copy of those columns (in their order in X), the
 * held-out fold as its test set, on one thread; *model keeps the weights. */
static catlr_cv_run separate_run(const problem *p, unsigned f, const catlr_cv_setting *s,
                                 const catlr_train_params *base, catlr_model *model) {
    size_t train_idx[M], val_idx[M], train_m = 0, val_m = 0;
    for (size_t j = 0; j < M; j++) {
        if (p->fold[j] == f)
            val_idx[val_m++] = j;
        else
            train_idx[train_m++] = j;
    }
    uint8_t X[N_X * M], y[M], Xv[N_X * M], yv[M];
    catlr_split_take(p->X, N_X, train_idx, train_m, X);
    catlr_split_take_labels(p->y, train_idx, train_m, y);
    catlr_split_take(p->X, N_X, val_idx, val_m, Xv);
    catlr_split_take_labels(p->y, val_idx, val_m, yv);
    const catlr_model_shape shape = {
        .height = 1, .width = N_X, .channels = 1, .class_names = {"a", "b"}, .positive = 1};
    assert_int_equal(catlr_model_init(model, &shape, NULL), CATLR_OK);
    double z[M];
    catlr_train_params params = *base;
    params.threads = 1;
    params.lr = s->lr;
    params.l2 = s->l2;
    const catlr_train_problem prob = {
        .X = X, .y = y, .m = train_m, .test = {.X = Xv, .y = yv, .m = val_m}};
    const catlr_train_cache cache = {.test_z = z};
    catlr_cv_run run;
    memset(&run, 0, sizeof run);
    run.status = catlr_train_cached(&prob, &params, NULL, &cache, model, &run.err);
    assert_int_equal(run.status, CATLR_OK);
    size_t wrong = 0;
    for (size_t j = 0; j < val_m; j++)
        wrong += catlr_predict_label(catlr_core_sigmoid(z[j])) != yv[j];
    run.train_cost = model->final_cost;
    run.val_cost = catlr_core_cost(z, yv, val_m);
    run.val_accuracy = 100.0 - ((double)wrong / (double)val_m) * 100.0;
    /* the float weights the model keeps classify the fold alike */
    assert_close(catlr_predict_accuracy(model, Xv, yv, val_m), run.val_accuracy, 0);
    return run;
}

static void assert_same_run(const catlr_cv_run *got, const catlr_cv_run *want) {
    assert_int_equal(got->status, want->status);
    /* bit for bit: a tolerance of 0 */
    assert_close(got->train_cost, want->train_cost, 0);
    assert_close(got->val_cost, want->val_cost, 0);
    assert_close(got->val_accuracy, want->val_accuracy, 0);
}

// ----------------------------------------------------------------------------
// The folds.

/* Ensure the folds of hand-made labels (23 examples, 8 of label 1) partition
 * them into 4 folds of 5 or 6 whose label-1 counts are 2 each, the same for
 * the same seed and another for another seed. */
static void test_folds_partition_stratified(void **state) {
    (void)state;
    problem p;
    make_problem(&p);
    size_t size[K] = {0}, positives[K] = {0};
    for (size_t j = 0; j < M; j++) {
        assert_true(p.fold[j] < K); /* every example in exactly one fold */
        size[p.fold[j]]++;
        positives[p.fold[j]] += p.y[j];
    }
    size_t total = 0;
    for (unsigned f = 0; f < K; f++) {
        assert_true(size[f] == 5 || size[f] == 6); /* 23 / 4 */
        assert_int_equal(positives[f], 2);         /* 8 / 4 */
        total += size[f];
    }
    assert_int_equal(total, M);
    unsigned again[M], other[M];
    assert_int_equal(catlr_split_folds(p.y, M, K, 7, again, NULL), CATLR_OK);
    assert_memory_equal(again, p.fold, sizeof again);
    assert_int_equal(catlr_split_folds(p.y, M, K, 8, other, NULL), CATLR_OK);
    assert_memory_not_equal(other, p.fold, sizeof other);
}

// ----------------------------------------------------------------------------
// The grid against separate runs.

/* The grid with opts, at most max_batch folds at once, against separate
 * runs. */
static void grid_equals_separate_opts(const catlr_train_params *opts, unsigned max_batch) {
    problem p;
    make_problem(&p);
    catlr_cv_run runs[N_SETTINGS * K];
    const catlr_cv_problem prob = {.X = p.X, .y = p.y, .n_x = N_X, .m = M, .fold = p.fold, .k = K};
    const catlr_cv_params cv = {.settings = SETTINGS, .n_settings = N_SETTINGS, .train = *opts};
    assert_int_equal(catlr_cv_grid_batched(&prob, &cv, runs, max_batch, NULL), CATLR_OK);
    for (size_t s = 0; s < N_SETTINGS; s++)
        for (unsigned f = 0; f < K; f++) {
            catlr_model model;
            catlr_cv_run want = separate_run(&p, f, &SETTINGS[s], opts, &model);
            assert_int_equal(model.solver, opts->solver);
            assert_same_run(&runs[s * K + f], &want);
            catlr_model_free(&model);
        }
}

static void grid_equals_separate_with(catlr_solver solver, unsigned threads,
                                      unsigned max_batch) {
    catlr_train_params opts = grid_opts(solver, threads);
    grid_equals_separate_opts(&opts, max_batch);
}

/* Ensure every run of the Gram solver's grid (sub-matrices of one K) gives
 * the very training cost, validation cost and accuracy of catlr_train on
 * that fold's own copy, which computes its own K. */
static void test_grid_equals_separate_gram(void **state) {
    (void)state;
    grid_equals_separate_with(CATLR_SOLVER_GRAM, 1, K);
}

/* Ensure the same for the primal solver. */
static void test_grid_equals_separate_primal(void **state) {
    (void)state;
    grid_equals_separate_with(CATLR_SOLVER_PRIMAL, 1, K);
}

/* Ensure the same on 3 threads, and with the folds prepared one or three
 * at a time (batches of 1 and of 3 + 1). */
static void test_grid_threads_and_batches(void **state) {
    (void)state;
    grid_equals_separate_with(CATLR_SOLVER_GRAM, 3, 1);
    grid_equals_separate_with(CATLR_SOLVER_GRAM, 2, 3);
    grid_equals_separate_with(CATLR_SOLVER_PRIMAL, 3, 1);
}

/* Ensure class weights reach every run: with weights 0.5, 3 and with
 * "balanced" (from each run's training folds) the grid still equals the
 * separate runs, for both solvers, and the weights change the results. */
static void test_grid_class_weights(void **state) {
    (void)state;
    for (int solver = CATLR_SOLVER_PRIMAL; solver <= CATLR_SOLVER_GRAM; solver++) {
        catlr_train_params opts = grid_opts((catlr_solver)solver, 2);
        opts.class_weight[0] = 0.5;
        opts.class_weight[1] = 3;
        grid_equals_separate_opts(&opts, K);
        opts.class_weight[0] = opts.class_weight[1] = 0;
        opts.class_weight_balanced = 1;
        grid_equals_separate_opts(&opts, K);
    }
    problem p;
    make_problem(&p);
    catlr_cv_run plain[K], weighted[K];
    catlr_train_params opts = grid_opts(CATLR_SOLVER_GRAM, 1);
    assert_int_equal(
        grid_of(p.X, p.y, N_X, M, p.fold, K, SETTINGS, 1, &opts, plain, NULL), CATLR_OK);
    opts.class_weight_balanced = 1;
    assert_int_equal(
        grid_of(p.X, p.y, N_X, M, p.fold, K, SETTINGS, 1, &opts, weighted, NULL),
        CATLR_OK);
    assert_true(plain[0].train_cost != weighted[0].train_cost);
}

/* Ensure the accuracies asked for in the grid's parameters are ignored:
 * nothing is reported, so both solvers' runs are bit for bit those of
 * parameters without them. */
static void test_grid_ignores_eval_every(void **state) {
    (void)state;
    problem p;
    make_problem(&p);
    for (int solver = CATLR_SOLVER_PRIMAL; solver <= CATLR_SOLVER_GRAM; solver++) {
        catlr_train_params opts = grid_opts((catlr_solver)solver, 1);
        catlr_cv_run plain[N_SETTINGS * K], evaluated[N_SETTINGS * K];
        assert_int_equal(grid_of(p.X, p.y, N_X, M, p.fold, K, SETTINGS, N_SETTINGS, &opts,
                                 plain, NULL),
                         CATLR_OK);
        opts.eval_every = 3;
        assert_int_equal(grid_of(p.X, p.y, N_X, M, p.fold, K, SETTINGS, N_SETTINGS, &opts,
                                 evaluated, NULL),
                         CATLR_OK);
        for (size_t t = 0; t < N_SETTINGS * K; t++)
            assert_same_run(&evaluated[t], &plain[t]);
    }
}

/* Ensure the two solvers' grids agree to 1e-12 (they take the same steps,
 * rounded differently). */
static void test_grid_solvers_agree(void **state) {
    (void)state;
    problem p;
    make_problem(&p);
    catlr_cv_run gram[N_SETTINGS * K], primal[N_SETTINGS * K];
    catlr_train_params opts = grid_opts(CATLR_SOLVER_GRAM, 1);
    assert_int_equal(grid_of(p.X, p.y, N_X, M, p.fold, K, SETTINGS, N_SETTINGS, &opts,
                                   gram, NULL),
                     CATLR_OK);
    opts.solver = CATLR_SOLVER_PRIMAL;
    assert_int_equal(grid_of(p.X, p.y, N_X, M, p.fold, K, SETTINGS, N_SETTINGS, &opts,
                                   primal, NULL),
                     CATLR_OK);
    for (size_t t = 0; t < N_SETTINGS * K; t++) {
        assert_close(gram[t].train_cost, primal[t].train_cost, 1e-12);
        assert_close(gram[t].val_cost, primal[t].val_cost, 1e-12);
        assert_close(gram[t].val_accuracy, primal[t].val_accuracy, 0);
    }
}

/* Ensure a setting whose training diverges is recorded as failed in each
 * of its runs, with catlr_train's reason, while the others complete. */
static void test_failed_runs_recorded(void **state) {
    (void)state;
    problem p;
    make_problem(&p);
    const catlr_cv_setting settings[2] = {{1e300, 0}, {0.5, 0}};
    catlr_cv_run runs[2 * K];
    catlr_train_params opts = grid_opts(CATLR_SOLVER_GRAM, 1);
    assert_int_equal(
        grid_of(p.X, p.y, N_X, M, p.fold, K, settings, 2, &opts, runs, NULL), CATLR_OK);
    for (unsigned f = 0; f < K; f++) {
        assert_int_equal(runs[f].status, CATLR_ERR_NUMERIC);
        assert_non_null(strstr(runs[f].err.reason, "stopped being finite"));
        assert_int_equal(runs[K + f].status, CATLR_OK);
    }
    catlr_cv_summary s[2] = {catlr_cv_summarise(runs, K), catlr_cv_summarise(runs + K, K)};
    assert_int_equal(s[0].failed, K);
    assert_true(isnan(s[0].val_accuracy_mean) && isnan(s[0].val_cost_mean));
    assert_int_equal(s[1].failed, 0);
    assert_int_equal(catlr_cv_best(s, 2), 1);
    assert_int_equal(catlr_cv_best(s, 1), 1); /* every setting failed: n */
}

/* Ensure the grid refuses what it cannot run, with CATLR_ERR_ARG. */
static void test_grid_refuses(void **state) {
    (void)state;
    problem p;
    make_problem(&p);
    catlr_cv_run runs[N_SETTINGS * K];
    catlr_train_params opts = grid_opts(CATLR_SOLVER_AUTO, 1);
    catlr_error err;
    assert_int_equal(grid_of(p.X, p.y, N_X, M, p.fold, 1, SETTINGS, 1, &opts, runs, &err),
                     CATLR_ERR_ARG);
    assert_string_equal(err.reason, "the fold count must be 2 to 1000, not 1");
    assert_int_equal(grid_of(p.X, p.y, N_X, M, p.fold, 3, SETTINGS, 1, &opts, runs, &err),
                     CATLR_ERR_ARG); /* fold 3 is not below 3 */
    assert_string_equal(err.reason, "a fold number is not below the fold count");
    assert_int_equal(grid_of(p.X, p.y, N_X, M, p.fold, 5, SETTINGS, 1, &opts, runs, &err),
                     CATLR_ERR_ARG); /* fold 4 is empty */
    assert_string_equal(err.reason, "a fold holds no example");
    assert_int_equal(grid_of(p.X, p.y, N_X, M, p.fold, K, SETTINGS, 0, &opts, runs, &err),
                     CATLR_ERR_ARG);
    const catlr_cv_setting bad[2] = {{0.1, 0}, {0.1, -1}};
    assert_int_equal(grid_of(p.X, p.y, N_X, M, p.fold, K, bad, 2, &opts, runs, &err),
                     CATLR_ERR_ARG);
    assert_string_equal(err.reason, "L2 lambda must be a finite number >= 0");
    assert_int_equal(grid_of(p.X, p.y, 0, M, p.fold, K, SETTINGS, 1, &opts, runs, &err),
                     CATLR_ERR_ARG);
}

/* Ensure the Gram solver asked for explicitly is refused, before any run,
 * where its matrix would not fit: CATLR_ERR_NOMEM with catlr_train's
 * reason for 23043 examples (K's packed triangle just over the 1 GiB cap),
 * while auto takes the primal solver there. */
static void test_grid_gram_limits(void **state) {
    (void)state;
    enum { MANY = 23043 };
    uint8_t *X = calloc(MANY, 1), *y = calloc(MANY, 1);
    unsigned *fold = calloc(MANY, sizeof *fold);
    assert_non_null(X);
    assert_non_null(y);
    assert_non_null(fold);
    for (size_t j = 0; j < MANY; j++) {
        y[j] = j % 2;
        fold[j] = (unsigned)(j / 2 % 2);
    }
    catlr_cv_run runs[2];
    catlr_train_params opts = grid_opts(CATLR_SOLVER_GRAM, 1);
    opts.iterations = 1;
    catlr_error err;
    assert_int_equal(grid_of(X, y, 1, MANY, fold, 2, SETTINGS, 1, &opts, runs, &err),
                     CATLR_ERR_NOMEM);
    assert_string_equal(err.reason, "the Gram solver needs 1024 MiB for 23043 examples, over "
                                    "its cap of 1024 MiB; use the primal solver");
    opts.solver = CATLR_SOLVER_AUTO;
    assert_int_equal(grid_of(X, y, 1, MANY, fold, 2, SETTINGS, 1, &opts, runs, &err),
                     CATLR_OK);
    assert_int_equal(runs[0].status, CATLR_OK);
    assert_int_equal(runs[1].status, CATLR_OK);
    free(X);
    free(y);
    free(fold);
}

// ----------------------------------------------------------------------------
// Summaries, the best setting, the solver.

/* Ensure the summary of three hand-made runs: accuracies 50, 100, 75 have
 * mean 75 and population std sqrt(((-25)^2 + 25^2 + 0) / 3) = 20.412...;
 * costs 0.2, 0.4, 0.6 mean 0.4, std sqrt(0.08 / 3); training costs 0.1,
 * 0.2, 0.3 mean 0.2. */
static void test_summarise_by_hand(void **state) {
    (void)state;
    catlr_cv_run runs[3];
    memset(runs, 0, sizeof runs);
    const double acc[3] = {50, 100, 75}, val[3] = {0.2, 0.4, 0.6}, train[3] = {0.1, 0.2, 0.3};
    for (int f = 0; f < 3; f++) {
        runs[f].val_accuracy = acc[f];
        runs[f].val_cost = val[f];
        runs[f].train_cost = train[f];
    }
    catlr_cv_summary s = catlr_cv_summarise(runs, 3);
    assert_int_equal(s.failed, 0);
    assert_close(s.val_accuracy_mean, 75, 1e-12);
    assert_close(s.val_accuracy_std, sqrt(1250.0 / 3), 1e-12);
    assert_close(s.val_cost_mean, 0.4, 1e-15);
    assert_close(s.val_cost_std, sqrt(0.08 / 3), 1e-15);
    assert_close(s.train_cost_mean, 0.2, 1e-15);
    runs[1].status = CATLR_ERR_NUMERIC;
    s = catlr_cv_summarise(runs, 3);
    assert_int_equal(s.failed, 1);
    assert_true(isnan(s.val_accuracy_mean) && isnan(s.train_cost_mean));
}

/* Ensure the best setting is the highest mean accuracy, a tie goes to the
 * lower mean cost, a tie of both to the first, and failed settings never
 * win. */
static void test_best(void **state) {
    (void)state;
    catlr_cv_summary s[4] = {
        {0, 80, 1, 0.5, 0, 0.4},
        {0, 90, 1, 0.6, 0, 0.4},
        {0, 90, 1, 0.4, 0, 0.4}, /* ties 1 on accuracy, lower cost */
        {2, NAN, NAN, NAN, NAN, NAN},
    };
    assert_int_equal(catlr_cv_best(s, 4), 2);
    assert_int_equal(catlr_cv_best(s, 2), 1);
    s[1].val_cost_mean = 0.4; /* a tie of both: the first */
    assert_int_equal(catlr_cv_best(s, 4), 1);
    assert_int_equal(catlr_cv_best(s + 3, 1), 1); /* only a failed one */
    assert_int_equal(catlr_cv_best(s, 0), 0);
}

/* Ensure auto follows the cost model (solver_cost.h) on two threads:
 * gram for the course's grid (209 images, 5 folds, 9 settings of 2000
 * iterations: one K against 90,000 epochs), primal for 2 folds of 25,000
 * images (K over the memory cap) and for 2 examples of more features than
 * the Gram solver takes, and for one iteration on 2,000 images (K costs
 * more than the epochs save); an explicit solver is kept. */
static void test_choose_solver(void **state) {
    (void)state;
    catlr_train_params opts = catlr_train_defaults();
    opts.threads = 2;
    assert_int_equal(choose(CATLR_N_X, 209, 5, 9, &opts), CATLR_SOLVER_GRAM);
    assert_int_equal(choose(CATLR_N_X, 25000, 2, 1, &opts),
                     CATLR_SOLVER_PRIMAL);
    assert_int_equal(choose(CATLR_GRAM_MAX_FEATURES + 1, 2, 2, 1, &opts),
                     CATLR_SOLVER_PRIMAL);
    opts.iterations = 1;
    assert_int_equal(choose(CATLR_N_X, 2000, 2, 1, &opts),
                     CATLR_SOLVER_PRIMAL);
    opts.solver = CATLR_SOLVER_GRAM;
    assert_int_equal(choose(CATLR_N_X, 2000, 2, 1, &opts), CATLR_SOLVER_GRAM);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folds_partition_stratified),
        cmocka_unit_test(test_grid_equals_separate_gram),
        cmocka_unit_test(test_grid_equals_separate_primal),
        cmocka_unit_test(test_grid_threads_and_batches),
        cmocka_unit_test(test_grid_class_weights),
        cmocka_unit_test(test_grid_ignores_eval_every),
        cmocka_unit_test(test_grid_solvers_agree),
        cmocka_unit_test(test_failed_runs_recorded),
        cmocka_unit_test(test_grid_refuses),
        cmocka_unit_test(test_grid_gram_limits),
        cmocka_unit_test(test_summarise_by_hand),
        cmocka_unit_test(test_best),
        cmocka_unit_test(test_choose_solver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
