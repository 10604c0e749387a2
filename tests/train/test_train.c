/* test_train.c: the gradient-descent loop: options, one step by hand, the
 * cost schedule, reproducibility, warm starts, divergence, the validation
 * set's choice of weights, the accuracies of --eval-every. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>

#include "train/core.h"
#include "catlr/predict.h"
#include "catlr/train.h"
#include "train/train_cache.h"
#include "train/gram_kernel.h"
#include "train/solver.h"
#include "test_util.h"

// ----------------------------------------------------------------------------
// A toy problem: the style guide's n_x = 2, m = 2 example, as a 1x2x1
// "image" model.

static const uint8_t TOY_X[4] = {255, 51, 0, 204};
static const uint8_t TOY_Y[2] = {1, 0};

static const catlr_solver SOLVERS[2] = {CATLR_SOLVER_PRIMAL, CATLR_SOLVER_GRAM};

static void toy_model(catlr_model *model) {
    const catlr_model_shape shape = {
        .height = 1, .width = 2, .channels = 1, .class_names = {"cat", "non-cat"}, .positive = 0};
    assert_int_equal(catlr_model_init(model, &shape, NULL), CATLR_OK);
}

/* A record of the on_step calls: every call, and the costs of the steps
 * that carry them. */
typedef struct cost_log {
    size_t calls;
    size_t n;
    size_t iteration[64];
    double cost[64];
    double test_cost[64];
    double val_cost[64];
    double train_acc[64], val_acc[64], test_acc[64];
} cost_log;

static void record_step(void *user, const catlr_train_step *step) {
    cost_log *log = user;
    assert_int_equal(step->iteration, log->calls); /* every step, in order */
    log->calls++;
    if (!step->has_cost) {
        assert_true(isnan(step->cost) && isnan(step->test_cost) && isnan(step->val_cost));
        assert_true(isnan(step->train_acc) && isnan(step->val_acc) && isnan(step->test_acc));
        return;
    }
    assert_true(log->n < 64);
    log->iteration[log->n] = step->iteration;
    log->cost[log->n] = step->cost;
    log->test_cost[log->n] = step->test_cost;
    log->val_cost[log->n] = step->val_cost;
    log->train_acc[log->n] = step->train_acc;
    log->val_acc[log->n] = step->val_acc;
    log->test_acc[log->n] = step->test_acc;
    log->n++;
}

/* One run as the tests vary it: the data (the training set itself is
 * given to train_on), the settings, the hooks, and the caches only
 * cross-validation gives (train_cache.h). */
typedef struct train_opts {
    catlr_train_problem prob;
    catlr_train_params params;
    catlr_train_hooks hooks;
    catlr_train_cache cache;
} train_opts;

/* The course's defaults, no data, no hooks, no caches. */
static train_opts opts_defaults(void) {
    return (train_opts){.params = catlr_train_defaults()};
}

/* catlr_train (through the cached entry point, the same run when the caches
 * are NULL) of model on the m examples X, y with o. */
static catlr_status train_on(const uint8_t *X, const uint8_t *y, size_t m, const train_opts *o,
                             catlr_model *model, catlr_error *err) {
    catlr_train_problem prob = o->prob;
    prob.X = X;
    prob.y = y;
    prob.m = m;
    if (o->cache.gram_K == NULL && o->cache.gram_Kt == NULL && o->cache.test_z == NULL)
        return catlr_train(&prob, &o->params, &o->hooks, model, err);
    return catlr_train_cached(&prob, &o->params, &o->hooks, &o->cache, model, err);
}

/* catlr_train_check of o's data, settings and hooks. */
static const char *check(const train_opts *o) {
    return catlr_train_check(&o->prob, &o->params, &o->hooks);
}

/* catlr_train_choose_solver for m examples of n_x features with o. */
static catlr_solver choose(size_t n_x, size_t m, const train_opts *o) {
    catlr_train_problem prob = o->prob;
    prob.m = m;
    return catlr_train_choose_solver(n_x, &prob, &o->params, &o->hooks);
}

static train_opts opts_of(double lr, size_t iterations, size_t every, cost_log *log) {
    train_opts opts = opts_defaults();
    opts.params.lr = lr;
    opts.params.iterations = iterations;
    opts.params.report_every = every;
    opts.hooks.on_step = log ? record_step : NULL;
    opts.hooks.user = log;
    /* one thread unless a test says otherwise: thread counts have their own
     * test, and parallel regions on a busy machine only slow the rest */
    opts.params.threads = 1;
    return opts;
}

/* A zero toy model trained with solver, lr, iterations and report interval
 * every into *model, the steps logged in *log; training must succeed. */
static void train_toy(catlr_model *model, catlr_solver solver, double lr, size_t iterations,
                      size_t every, cost_log *log) {
    toy_model(model);
    train_opts opts = opts_of(lr, iterations, every, log);
    opts.params.solver = solver;
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, model, NULL), CATLR_OK);
}

// ----------------------------------------------------------------------------
// Options.

/* Ensure the defaults are the course's: lr 0.005, 2000 iterations, cost
 * every 100, and that they pass the check. */
static void test_defaults(void **state) {
    (void)state;
    train_opts opts = opts_defaults();
    assert_true(opts.params.lr == 0.005);
    assert_int_equal(opts.params.iterations, 2000);
    assert_int_equal(opts.params.report_every, 100);
    assert_null(opts.hooks.on_step);
    assert_null(opts.prob.test.X);
    assert_int_equal(opts.prob.test.m, 0);
    assert_null(opts.prob.val.X);
    assert_int_equal(opts.prob.val.m, 0);
    assert_int_equal(opts.params.eval_every, 0);
    assert_null(check(&opts));
}

/* Ensure the check refuses a learning rate that is zero, negative, NaN or
 * infinite, zero iterations and a zero report interval, each with a reason. */
static void test_check_refuses(void **state) {
    (void)state;
    const double bad_lr[] = {0.0, -0.1, NAN, INFINITY};
    for (size_t k = 0; k < 4; k++) {
        train_opts opts = opts_of(bad_lr[k], 10, 1, NULL);
        assert_non_null(check(&opts));
        assert_non_null(strstr(check(&opts), "learning rate"));
    }
    train_opts opts = opts_of(0.1, 0, 1, NULL);
    assert_non_null(strstr(check(&opts), "iterations"));
    opts = opts_of(0.1, 1, 0, NULL);
    assert_non_null(strstr(check(&opts), "report"));
    opts = opts_of(0.1, 1, 1, NULL);
    opts.prob.test.m = 2; /* and no pixels */
    assert_non_null(strstr(check(&opts), "test set"));
    opts = opts_of(0.1, 1, 1, NULL);
    opts.prob.val.m = 2; /* and no pixels */
    assert_non_null(strstr(check(&opts), "validation set"));
    const double bad[] = {-1e-9, NAN, INFINITY};
    for (size_t k = 0; k < 3; k++) {
        opts = opts_of(0.1, 1, 1, NULL);
        opts.params.l2 = bad[k];
        assert_non_null(strstr(check(&opts), "L2"));
        opts = opts_of(0.1, 1, 1, NULL);
        opts.params.tol = bad[k];
        assert_non_null(strstr(check(&opts), "tolerance"));
    }
    opts = opts_of(0.1, 1, 1, NULL);
    opts.params.solver = (catlr_solver)3;
    assert_non_null(strstr(check(&opts), "solver"));
    opts = opts_of(0.1, 1, 1, NULL);
    opts.params.threads = CATLR_MAX_THREADS + 1;
    assert_non_null(strstr(check(&opts), "thread"));
    opts.params.threads = CATLR_MAX_THREADS;
    opts.params.l2 = 0.5;
    opts.params.tol = 1e-6;
    opts.params.solver = CATLR_SOLVER_GRAM;
    assert_null(check(&opts));
}

/* Ensure auto follows the cost model (solver_cost.h) on two threads: gram
 * for the course's run (n_x = 12288, m = 209, 2000 iterations), primal when
 * the iterations would not repay building K (m = 209, 2 iterations),
 * primal for m = 25000 and above at any length (an epoch of K costs more
 * than one of X), primal when K would pass the memory cap or for more
 * features than int32 entries allow, and
 * that an explicit choice is kept. */
static void test_choose_solver(void **state) {
    (void)state;
    train_opts opts = opts_defaults();
    opts.params.threads = 2;
    assert_int_equal(choose(12288, 209, &opts), CATLR_SOLVER_GRAM);
    opts.params.iterations = 2;
    assert_int_equal(choose(12288, 209, &opts), CATLR_SOLVER_PRIMAL);
    opts.params.iterations = 1000000;
    assert_int_equal(choose(12288, 28000, &opts), CATLR_SOLVER_PRIMAL);
    assert_int_equal(choose(12288, 25000, &opts), CATLR_SOLVER_PRIMAL);
    assert_int_equal(choose(12288, 10450, &opts), CATLR_SOLVER_GRAM);
    /* the most features K allows: Gram is the faster at both sizes, but
     * 24000 images' triangle (1.15 GB) passes the cap and 23000's does not */
    assert_int_equal(choose(CATLR_GRAM_MAX_FEATURES, 23000, &opts), CATLR_SOLVER_GRAM);
    assert_int_equal(choose(CATLR_GRAM_MAX_FEATURES, 24000, &opts), CATLR_SOLVER_PRIMAL);
    assert_int_equal(choose(CATLR_GRAM_MAX_FEATURES + 1, 10, &opts),
                     CATLR_SOLVER_PRIMAL);
    opts.params.iterations = 10;
    opts.params.solver = CATLR_SOLVER_GRAM;
    assert_int_equal(choose(12288, 209, &opts), CATLR_SOLVER_GRAM);
    opts = opts_defaults();
    opts.params.solver = CATLR_SOLVER_PRIMAL;
    assert_int_equal(choose(12288, 209, &opts), CATLR_SOLVER_PRIMAL);
    assert_string_equal(catlr_solver_name(CATLR_SOLVER_GRAM), "gram");
    assert_string_equal(catlr_solver_name(CATLR_SOLVER_PRIMAL), "primal");
    assert_string_equal(catlr_solver_name(CATLR_SOLVER_AUTO), "auto");
}

/* Ensure catlr_train refuses bad options and an empty training set with
 * CATLR_ERR_ARG, leaving the weights alone. */
static void test_train_refuses(void **state) {
    (void)state;
    catlr_model model;
    toy_model(&model);
    catlr_error err;
    train_opts opts = opts_of(-1, 1, 1, NULL);
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, &err), CATLR_ERR_ARG);
    assert_non_null(strstr(err.reason, "learning rate"));
    opts = opts_of(0.1, 1, 1, NULL);
    assert_int_equal(train_on(TOY_X, TOY_Y, 0, &opts, &model, &err), CATLR_ERR_ARG);
    assert_true(model.w[0] == 0.0f && model.w[1] == 0.0f && model.b == 0.0);
    catlr_model_free(&model);
}

/* Ensure catlr_train writes the whole record of a run: its settings and
 * outcome, and the origin its problem gives as it is; with origin {0} the
 * same values catlr_model_init leaves (no mirrors, no warm start, no
 * split). The toy set: label 1 is folder 0 ("cat", positive 0). */
static void test_train_records_origin(void **state) {
    (void)state;
    catlr_model model;
    toy_model(&model);
    train_opts opts = opts_of(0.5, 3, 1, NULL);
    opts.params.l2 = 0.25;
    opts.prob.origin = (catlr_train_origin){
        .augment = CATLR_AUGMENT_FLIP,
        .warm_start = 1,
        .val_fraction = 0.25,
        .seed = 7,
        .val_count = {2, 3},
    };
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
    assert_true(model.lr == 0.5 && model.l2 == 0.25 && model.tol == 0);
    assert_int_equal(model.iterations, 3);
    assert_int_equal(model.best_iteration, 3);
    assert_int_equal(model.train_count[0], 1);
    assert_int_equal(model.train_count[1], 1);
    assert_int_equal(model.augment, CATLR_AUGMENT_FLIP);
    assert_int_equal(model.warm_start, 1);
    assert_true(model.val_fraction == 0.25);
    assert_int_equal(model.seed, 7);
    assert_int_equal(model.val_count[0], 2);
    assert_int_equal(model.val_count[1], 3);
    assert_true(model.threshold == 0.5 && model.threshold_picked == 0);
    catlr_model_free(&model);
    toy_model(&model);
    opts.prob.origin = (catlr_train_origin){0};
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
    assert_int_equal(model.augment, 0);
    assert_int_equal(model.warm_start, 0);
    assert_true(model.val_fraction == 0);
    assert_int_equal(model.seed, 0);
    assert_int_equal(model.val_count[0] + model.val_count[1], 0);
    catlr_model_free(&model);
}

// ----------------------------------------------------------------------------
// The loop.

/* Ensure one iteration from zero lands where the hand computation says:
 * a = 1/2 for both examples, dz = (-0.5, 0.5), dw = (-0.25, 0.15), db = 0;
 * with lr = 0.5, w = (0.125, -0.075), b = 0. The cost reported for
 * iteration 0 is log 2 (before the update); the final cost is that of the
 * new weights, (softplus(-0.11) + softplus(-0.06)) / 2 = 0.651628015849282,
 * and the model records lr and iterations. */
static void test_one_step_by_hand(void **state) {
    (void)state;
    for (size_t k = 0; k < 2; k++) {
        catlr_model model;
        cost_log log = {0};
        train_toy(&model, SOLVERS[k], 0.5, 1, 1, &log);
        assert_int_equal(model.solver, SOLVERS[k]);
        assert_int_equal(model.stopped_early, 0);
        assert_true(model.w[0] == 0.125f);
        assert_true(model.w[1] == (float)-0.075);
        assert_close(model.b, 0.0, 1e-17);
        assert_int_equal(log.n, 1);
        assert_int_equal(log.iteration[0], 0);
        assert_close(log.cost[0], 0.6931471805599453, 1e-16);
        assert_close(model.final_cost, 0.651628015849282, 1e-8);
        assert_true(model.lr == 0.5);
        assert_int_equal(model.iterations, 1);
        catlr_model_free(&model);
    }
}

/* Ensure one step with L2 lands where the hand computation says, for both
 * solvers, from w = (0.5, -0.25), b = 0, lambda = 1, m = 2, lr = 0.5:
 * z = (0.5*255 - 0.25*51, -0.25*204) / 255 = (0.45, -0.2);
 * cost = (softplus(-0.45) + softplus(-0.2)) / 2 + 1/4 (0.25 + 0.0625)
 *      = 0.5456939076895233 + 0.078125 = 0.6238189076895233;
 * dz = (sigmoid(0.45) - 1, sigmoid(-0.2)) = (-0.389360766, 0.450166003);
 * dw = X dz / 510 + w / 2 = (dz0 / 2 + 0.25, (51 dz0 + 204 dz1) / 510 - 0.125)
 *    = (0.05531961697, 0.01613032447), db = (dz0 + dz1) / 2;
 * w = (0.47234019151269446, -0.25806516223496556), b = -0.01520130915918605
 * (w rounded to float), and the model records lambda. */
static void test_l2_one_step_by_hand(void **state) {
    (void)state;
    for (size_t k = 0; k < 2; k++) {
        catlr_model model;
        toy_model(&model);
        model.w[0] = 0.5f;
        model.w[1] = -0.25f;
        cost_log log = {0};
        train_opts opts = opts_of(0.5, 1, 1, &log);
        opts.params.l2 = 1.0;
        opts.params.solver = SOLVERS[k];
        assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
        assert_close(log.cost[0], 0.6238189076895233, 1e-15);
        assert_true(model.w[0] == (float)0.47234019151269446);
        assert_true(model.w[1] == (float)-0.25806516223496556);
        assert_close(model.b, -0.01520130915918605, 1e-16);
        assert_true(model.l2 == 1.0);
        catlr_model_free(&model);
    }
}

/* Ensure the cost is reported at iterations 0, K, 2K, ... only, and that
 * the cost reported for iteration i is that of the weights before its
 * update: it equals the final cost of a run of exactly i iterations. */
static void test_cost_schedule(void **state) {
    (void)state;
    catlr_model model;
    toy_model(&model);
    cost_log log = {0};
    train_opts opts = opts_of(0.5, 7, 3, &log);
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
    assert_int_equal(log.calls, 7);
    assert_int_equal(log.n, 3);
    assert_int_equal(log.iteration[0], 0);
    assert_int_equal(log.iteration[1], 3);
    assert_int_equal(log.iteration[2], 6);
    assert_true(log.cost[0] > log.cost[1] && log.cost[1] > log.cost[2]);
    catlr_model_free(&model);
    for (size_t k = 1; k < 3; k++) {
        toy_model(&model);
        opts = opts_of(0.5, log.iteration[k], 1000, NULL);
        assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
        assert_true(model.final_cost == log.cost[k]);
        catlr_model_free(&model);
    }
}

/* The test-cost checks of test_test_cost with one solver. */
static void test_test_cost_with(catlr_solver solver) {
    static const uint8_t TEST_Y[2] = {0, 1}; /* the toy set, labels swapped */
    catlr_model model;
    toy_model(&model);
    cost_log same = {0}, swapped = {0}, none = {0};
    train_opts opts = opts_of(0.5, 5, 2, &same);
    opts.params.solver = solver;
    opts.prob.test.X = TOY_X;
    opts.prob.test.y = TOY_Y;
    opts.prob.test.m = 2;
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
    catlr_model_free(&model);
    toy_model(&model);
    opts.prob.test.y = TEST_Y;
    opts.hooks.user = &swapped;
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
    catlr_model_free(&model);
    toy_model(&model);
    opts = opts_of(0.5, 5, 2, &none);
    opts.params.solver = solver;
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
    catlr_model_free(&model);
    assert_int_equal(same.n, 3);
    assert_close(same.test_cost[0], 0.6931471805599453, 1e-16);
    for (size_t k = 0; k < 3; k++) {
        assert_true(same.test_cost[k] == same.cost[k]);
        assert_true(swapped.cost[k] == same.cost[k]);
        assert_true(isnan(none.test_cost[k]));
    }
    /* learning the training labels makes the swapped ones less likely */
    assert_true(swapped.test_cost[2] > swapped.test_cost[1] &&
                swapped.test_cost[1] > swapped.test_cost[0]);
}

/* Ensure, for both solvers, the test set's cost is reported beside the
 * training cost, is the cost of the same weights (the training set given as
 * test set reports its own cost exactly), and is NaN without a test set. */
static void test_test_cost(void **state) {
    (void)state;
    test_test_cost_with(CATLR_SOLVER_PRIMAL);
    test_test_cost_with(CATLR_SOLVER_GRAM);
}

/* Ensure training is deterministic (bit-identical weights twice) for both
 * solvers, and starts from the model's weights: 3 steps then 4 more equal 7
 * steps from zero, up to the float rounding of w between the two runs (both
 * solvers step w in double and round it to float once, at the end). */
static void test_reproducible_and_resumable_with(catlr_solver solver) {
    catlr_model a, again, b;
    toy_model(&a);
    toy_model(&again);
    toy_model(&b);
    train_opts seven = opts_of(0.3, 7, 100, NULL);
    train_opts three = opts_of(0.3, 3, 100, NULL);
    train_opts four = opts_of(0.3, 4, 100, NULL);
    seven.params.solver = three.params.solver = four.params.solver = solver;
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &seven, &a, NULL), CATLR_OK);
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &seven, &again, NULL), CATLR_OK);
    assert_memory_equal(a.w, again.w, 2 * sizeof(float));
    assert_memory_equal(&a.b, &again.b, sizeof(double));
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &three, &b, NULL), CATLR_OK);
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &four, &b, NULL), CATLR_OK);
    for (size_t i = 0; i < 2; i++)
        assert_close(b.w[i], a.w[i], 1e-6 * fabs(a.w[i]));
    assert_close(b.b, a.b, 1e-6 * fabs(a.b) + 1e-12);
    catlr_model_free(&a);
    catlr_model_free(&again);
    catlr_model_free(&b);
}

static void test_reproducible_and_resumable(void **state) {
    (void)state;
    test_reproducible_and_resumable_with(CATLR_SOLVER_PRIMAL);
    test_reproducible_and_resumable_with(CATLR_SOLVER_GRAM);
}

/* The toy problem's cost after `steps` steps of gradient descent at rate
 * lr, all in double: the float64 arithmetic of the course's NumPy code. */
static double toy_cost_in_double(double lr, size_t steps) {
    double w[2] = {0, 0}, b = 0, cost = 0;
    for (size_t t = 0; t <= steps; t++) {
        double dw[2] = {0, 0}, db = 0;
        cost = 0;
        for (size_t j = 0; j < 2; j++) {
            double z = (w[0] * TOY_X[2 * j] + w[1] * TOY_X[2 * j + 1]) / 255.0 + b;
            double a = 1 / (1 + exp(-z));
            cost -= TOY_Y[j] ? log(a) : log(1 - a);
            dw[0] += (a - TOY_Y[j]) * TOY_X[2 * j] / 255.0;
            dw[1] += (a - TOY_Y[j]) * TOY_X[2 * j + 1] / 255.0;
            db += a - TOY_Y[j];
        }
        cost /= 2;
        w[0] -= lr * dw[0] / 2;
        w[1] -= lr * dw[1] / 2;
        b -= lr * db / 2;
    }
    return cost;
}

/* Ensure both solvers step w in double, as the course's float64 code does:
 * after 60 large steps the reported cost matches a double computation to
 * 1e-12, where rounding w to float after every step is off by about 1e-8
 * (the drift that showed in the 6th decimal of the course data's cost at
 * lr = 0.01). */
static void test_steps_in_double(void **state) {
    (void)state;
    for (size_t k = 0; k < 2; k++) {
        catlr_model model;
        cost_log log = {0};
        train_toy(&model, SOLVERS[k], 3.0, 61, 30, &log);
        assert_int_equal(log.n, 3);
        assert_int_equal(log.iteration[2], 60);
        assert_close(log.cost[2], toy_cost_in_double(3.0, 60), 1e-12);
        catlr_model_free(&model);
    }
}

/* Ensure a far too large learning rate never reports NaN or infinity while
 * the weights are finite: with lr = 1000 the toy weights reach hundreds, z
 * reaches hundreds, a = sigmoid(z) rounds to 0 or 1, and the naive
 * -log(a) would be infinite; the reported costs stay finite. */
static void test_large_rate_finite_cost(void **state) {
    (void)state;
    static const uint8_t X[4] = {255, 0, 0, 255};
    static const uint8_t y[2] = {0, 1}; /* separable: weights grow without bound */
    catlr_model model;
    toy_model(&model);
    cost_log log = {0};
    train_opts opts = opts_of(1000, 60, 1, &log);
    assert_int_equal(train_on(X, y, 2, &opts, &model, NULL), CATLR_OK);
    assert_int_equal(log.n, 60);
    for (size_t k = 0; k < log.n; k++)
        assert_true(isfinite(log.cost[k]));
    catlr_model_free(&model);
}

/* Ensure weights that overflow float stop training with CATLR_ERR_NUMERIC
 * and a reason that says so: the first step moves w_0 by lr * 0.25, which
 * with lr = 1e300 is far beyond the largest float (3.4e38). */
static void test_divergence_is_an_error(void **state) {
    (void)state;
    catlr_model model;
    toy_model(&model);
    catlr_error err;
    train_opts opts = opts_of(1e300, 100, 1, NULL);
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, &err), CATLR_ERR_NUMERIC);
    assert_non_null(strstr(err.reason, "finite"));
    assert_string_equal(err.path, "");
    catlr_model_free(&model);
}

/* Ensure the Gram solver, asked for explicitly, refuses what it cannot
 * hold: 3 x 11009 x 1 = 33027 features (K's entries could pass int32) with
 * CATLR_ERR_ARG, and 23043 one-pixel images (K's packed triangle would take
 * just over 1 GiB; 23042 fit) with CATLR_ERR_NOMEM before allocating; auto trains both with
 * the primal solver. */
static void test_gram_limits(void **state) {
    (void)state;
    const size_t m = 23043;
    uint8_t *X = calloc(m, 3 * 11009), *y = calloc(m, 1); /* 2 wide or m narrow images */
    assert_true(X && y);
    y[0] = 1;
    catlr_model model;
    catlr_error err;
    const catlr_model_shape shape = {
        .height = 3, .width = 11009, .channels = 1, .class_names = {"a", "b"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape, NULL), CATLR_OK);
    train_opts opts = opts_of(0.1, 2, 1, NULL);
    opts.params.solver = CATLR_SOLVER_GRAM;
    assert_int_equal(train_on(X, y, 2, &opts, &model, &err), CATLR_ERR_ARG);
    assert_non_null(strstr(err.reason, "features"));
    opts.params.solver = CATLR_SOLVER_AUTO;
    assert_int_equal(train_on(X, y, 2, &opts, &model, &err), CATLR_OK);
    assert_int_equal(model.solver, CATLR_SOLVER_PRIMAL);
    catlr_model_free(&model);

    const catlr_model_shape shape2 = {
        .height = 1, .width = 1, .channels = 1, .class_names = {"a", "b"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape2, NULL), CATLR_OK);
    opts.params.solver = CATLR_SOLVER_GRAM;
    assert_int_equal(train_on(X, y, m, &opts, &model, &err), CATLR_ERR_NOMEM);
    assert_non_null(strstr(err.reason, "MiB"));
    opts.params.solver = CATLR_SOLVER_AUTO;
    assert_int_equal(train_on(X, y, m, &opts, &model, &err), CATLR_OK);
    assert_int_equal(model.solver, CATLR_SOLVER_PRIMAL);
    catlr_model_free(&model);
    free(X);
    free(y);
}

// ----------------------------------------------------------------------------
// Random problems: the two solvers against each other, the tolerance, the
// thread count.

/* 5x5x3 images (n_x = 75, not a multiple of the kernels' 32 lanes), m = 150
 * training examples (three primal slots of 50) and 40 test examples, pixels
 * and labels from a fixed LCG. The label depends on the mean of the first
 * channel, so there is something to learn. */
enum { RH = 5, RW = 5, RC = 3, RN = RH * RW * RC, RM = 150, RT = 40 };

typedef struct random_problem {
    uint8_t X[RN * RM], y[RM], test_X[RN * RT], test_y[RT];
} random_problem;

static void random_examples(uint32_t *seed, uint8_t *X, uint8_t *y, size_t m) {
    for (size_t j = 0; j < m; j++) {
        unsigned sum = 0;
        for (size_t i = 0; i < RN; i++) {
            *seed = *seed * 1664525u + 1013904223u;
            X[j * RN + i] = (uint8_t)(*seed >> 24);
            sum += i < RH * RW ? X[j * RN + i] : 0;
        }
        y[j] = sum > 128u * RH * RW;
    }
}

static void random_problem_make(random_problem *p) {
    uint32_t seed = 12345;
    random_examples(&seed, p->X, p->y, RM);
    random_examples(&seed, p->test_X, p->test_y, RT);
}

/* Train a fresh RH x RW x RC model (w starting at w0 when not NULL) on p
 * with opts and its test set, recording the reported costs in log. */
static void train_random(const random_problem *p, train_opts opts, const float *w0,
                         catlr_model *model, cost_log *log) {
    const catlr_model_shape shape = {
        .height = RH, .width = RW, .channels = RC, .class_names = {"cat", "non-cat"},
        .positive = 0};
    assert_int_equal(catlr_model_init(model, &shape, NULL), CATLR_OK);
    if (w0 != NULL)
        memcpy(model->w, w0, RN * sizeof *w0);
    opts.hooks.on_step = record_step;
    opts.hooks.user = log;
    opts.prob.test.X = p->test_X;
    opts.prob.test.y = p->test_y;
    opts.prob.test.m = RT;
    assert_int_equal(train_on(p->X, p->y, RM, &opts, model, NULL), CATLR_OK);
}

/* Fail unless the gram and primal runs agree: every reported training and
 * test cost within 1e-8 (they differ by the primal solver's rounding of w
 * to float after each step, about 6e-8 relative on w; measured: 1.3e-9),
 * the weights within 1e-5 relative, and the same label for every
 * example. */
static void assert_solvers_agree(const random_problem *p, train_opts opts,
                                 const float *w0) {
    catlr_model primal, gram;
    cost_log lp = {0}, lg = {0};
    opts.params.solver = CATLR_SOLVER_PRIMAL;
    train_random(p, opts, w0, &primal, &lp);
    opts.params.solver = CATLR_SOLVER_GRAM;
    train_random(p, opts, w0, &gram, &lg);
    assert_int_equal(primal.solver, CATLR_SOLVER_PRIMAL);
    assert_int_equal(gram.solver, CATLR_SOLVER_GRAM);
    assert_int_equal(lp.n, lg.n);
    assert_true(lp.cost[lp.n - 1] < lp.cost[0] - 0.01); /* it learned something */
    for (size_t k = 0; k < lp.n; k++) {
        assert_close(lg.cost[k], lp.cost[k], 1e-8);
        assert_close(lg.test_cost[k], lp.test_cost[k], 1e-8);
    }
    assert_close(gram.final_cost, primal.final_cost, 1e-8);
    assert_close(gram.b, primal.b, 1e-8);
    for (size_t i = 0; i < RN; i++)
        assert_close(gram.w[i], primal.w[i], 1e-5 * fabs(primal.w[i]) + 1e-9);
    double zp[RM], zg[RM];
    catlr_predict_proba(&primal, p->X, RM, zp);
    catlr_predict_proba(&gram, p->X, RM, zg);
    for (size_t j = 0; j < RM; j++)
        assert_int_equal(catlr_predict_label(zp[j]), catlr_predict_label(zg[j]));
    catlr_model_free(&primal);
    catlr_model_free(&gram);
}

/* Ensure the Gram solver takes the primal solver's steps on a random
 * problem: 300 iterations from zero, same costs (training and test) to
 * 1e-8, same predictions. */
static void test_gram_matches_primal(void **state) {
    (void)state;
    random_problem *p = malloc(sizeof *p);
    assert_non_null(p);
    random_problem_make(p);
    assert_solvers_agree(p, opts_of(0.01, 300, 10, NULL), NULL);
    free(p);
}

/* Ensure the same with L2 (lambda = 5, large enough to change the weights
 * visibly) and from non-zero starting weights, which the Gram solver
 * carries as c w0 beside X alpha. */
static void test_gram_matches_primal_l2(void **state) {
    (void)state;
    random_problem *p = malloc(sizeof *p);
    assert_non_null(p);
    random_problem_make(p);
    train_opts opts = opts_of(0.01, 300, 10, NULL);
    opts.params.l2 = 5.0;
    float w0[RN];
    for (size_t i = 0; i < RN; i++)
        w0[i] = (float)((double)(i % 7) - 3.0) * 0.01f;
    assert_solvers_agree(p, opts, w0);
    assert_solvers_agree(p, opts, NULL);
    /* and the penalty matters: without it the weights end elsewhere */
    catlr_model with, without;
    cost_log l1 = {0}, l2 = {0};
    train_random(p, opts, NULL, &with, &l1);
    opts.params.l2 = 0;
    train_random(p, opts, NULL, &without, &l2);
    assert_true(fabs(with.w[0] - without.w[0]) > 1e-4);
    catlr_model_free(&with);
    catlr_model_free(&without);
    free(p);
}

/* Ensure --tol stops, for both solvers, at the first iteration i whose cost
 * improved on iteration i-1's by less than tol: the model says it stopped
 * early after i steps, its final cost is cost(i), and runs of exactly i-1
 * and i-2 steps (without tol) show cost(i-1) - cost(i) < tol <=
 * cost(i-2) - cost(i-1). tol = 0 runs every iteration; a tol larger than
 * any improvement stops after 1 step. */
static void test_tol_stops_early(void **state) {
    (void)state;
    random_problem *p = malloc(sizeof *p);
    assert_non_null(p);
    random_problem_make(p);
    const double tol = 1e-4;
    for (size_t k = 0; k < 2; k++) {
        catlr_model model, at[3];
        cost_log log = {0};
        train_opts opts = opts_of(0.01, 100000, 1000, NULL);
        opts.params.solver = SOLVERS[k];
        opts.params.tol = tol;
        train_random(p, opts, NULL, &model, &log);
        size_t i = (size_t)model.iterations;
        assert_int_equal(model.stopped_early, 1);
        assert_true(model.tol == tol);
        assert_true(i > 2 && i < 100000);
        for (size_t d = 0; d < 3; d++) {
            cost_log l = {0};
            train_opts exact = opts_of(0.01, i - d, 100000, NULL);
            exact.params.solver = SOLVERS[k];
            train_random(p, exact, NULL, &at[d], &l);
            assert_int_equal(at[d].stopped_early, 0);
        }
        assert_close(model.final_cost, at[0].final_cost, 1e-12);
        assert_true(at[1].final_cost - at[0].final_cost < tol);
        assert_true(at[2].final_cost - at[1].final_cost >= tol);
        for (size_t d = 0; d < 3; d++)
            catlr_model_free(&at[d]);
        catlr_model_free(&model);

        cost_log all = {0};
        opts = opts_of(0.01, 50, 10, NULL);
        opts.params.solver = SOLVERS[k];
        train_random(p, opts, NULL, &model, &all);
        assert_int_equal(model.iterations, 50);
        assert_int_equal(model.stopped_early, 0);
        catlr_model_free(&model);
        cost_log one = {0};
        opts.params.tol = 10.0;
        train_random(p, opts, NULL, &model, &one);
        assert_int_equal(model.iterations, 1);
        assert_int_equal(model.stopped_early, 1);
        catlr_model_free(&model);
    }
    free(p);
}

/* Ensure the result does not depend on the thread count: for both solvers,
 * with and without L2, 1, 2 and 3 threads give bit-identical weights, bias
 * and costs (sums run in an order fixed by m). */
static void test_threads_identical(void **state) {
    (void)state;
    random_problem *p = malloc(sizeof *p);
    assert_non_null(p);
    random_problem_make(p);
    for (size_t k = 0; k < 4; k++) {
        catlr_model one, other;
        cost_log l1 = {0};
        train_opts opts = opts_of(0.01, 60, 10, NULL);
        opts.params.solver = SOLVERS[k % 2];
        opts.params.l2 = k < 2 ? 0.0 : 2.0;
        opts.params.threads = 1;
        train_random(p, opts, NULL, &one, &l1);
        for (unsigned t = 2; t <= 3; t++) {
            cost_log lt = {0};
            opts.params.threads = t;
            train_random(p, opts, NULL, &other, &lt);
            assert_memory_equal(one.w, other.w, RN * sizeof *one.w);
            assert_memory_equal(&one.b, &other.b, sizeof one.b);
            assert_memory_equal(l1.cost, lt.cost, l1.n * sizeof *l1.cost);
            assert_memory_equal(l1.test_cost, lt.test_cost, l1.n * sizeof *l1.test_cost);
            catlr_model_free(&other);
        }
        catlr_model_free(&one);
    }
    free(p);
}

// ----------------------------------------------------------------------------
// Class weights.

/* Ensure the check takes no weights ({0, 0}), positive finite ones and
 * "balanced" alone, and refuses a zero, negative, NaN or infinite weight,
 * "balanced" beside given weights, and a balanced flag other than 0 or 1. */
static void test_class_weight_check(void **state) {
    (void)state;
    train_opts opts = opts_of(0.1, 1, 1, NULL);
    assert_true(opts.params.class_weight[0] == 0 && opts.params.class_weight[1] == 0);
    assert_int_equal(opts.params.class_weight_balanced, 0);
    opts.params.class_weight[0] = 0.5;
    opts.params.class_weight[1] = 3;
    assert_null(check(&opts));
    const double bad[][2] = {{0, 1}, {1, 0}, {-1, 2}, {NAN, 1}, {1, INFINITY}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        opts.params.class_weight[0] = bad[k][0];
        opts.params.class_weight[1] = bad[k][1];
        assert_non_null(strstr(check(&opts), "class weights"));
    }
    opts.params.class_weight[0] = opts.params.class_weight[1] = 0;
    opts.params.class_weight_balanced = 1;
    assert_null(check(&opts));
    opts.params.class_weight[1] = 2;
    assert_non_null(strstr(check(&opts), "balanced"));
    opts.params.class_weight[1] = 0;
    opts.params.class_weight_balanced = 2;
    assert_non_null(strstr(check(&opts), "balanced"));
}

/* Ensure the weights a run uses: 1, 1 without any; the given ones by
 * label; and "balanced" m / (2 m_c): for 80 positives and 120 negatives
 * (the demo set's cats and non-cats), 200/160 = 1.25 for label 1 and
 * 200/240 for label 0; a label with no example fails with CATLR_ERR_ARG. */
static void test_class_weights_resolved(void **state) {
    (void)state;
    uint8_t y[200];
    for (size_t j = 0; j < 200; j++)
        y[j] = j % 5 < 2; /* 80 ones */
    double w[2];
    train_opts opts = opts_of(0.1, 1, 1, NULL);
    assert_int_equal(catlr_train_class_weights(&opts.params, y, 200, w, NULL), CATLR_OK);
    assert_true(w[0] == 1.0 && w[1] == 1.0);
    opts.params.class_weight[0] = 0.5;
    opts.params.class_weight[1] = 3;
    assert_int_equal(catlr_train_class_weights(&opts.params, y, 200, w, NULL), CATLR_OK);
    assert_true(w[0] == 0.5 && w[1] == 3.0);
    opts.params.class_weight[0] = opts.params.class_weight[1] = 0;
    opts.params.class_weight_balanced = 1;
    assert_int_equal(catlr_train_class_weights(&opts.params, y, 200, w, NULL), CATLR_OK);
    assert_true(w[1] == 1.25);
    assert_true(w[0] == 200.0 / 240.0);
    catlr_error err;
    assert_int_equal(catlr_train_class_weights(&opts.params, y, 2, w, &err), CATLR_ERR_ARG);
    assert_non_null(strstr(err.reason, "label 0 has none")); /* y = 1, 1 */
    opts.params.class_weight_balanced = 3;
    assert_int_equal(catlr_train_class_weights(&opts.params, y, 200, w, &err), CATLR_ERR_ARG);
}

/* Ensure one weighted step from zero lands where the hand computation says,
 * for both solvers, with weight 0.5 for label 0 and 3 for label 1, lr 0.5:
 * a = 1/2 for both, dz = (3 (0.5 - 1), 0.5 (0.5 - 0)) = (-1.5, 0.25),
 * dw = X dz / 510 = (-382.5 / 510, (-76.5 + 51) / 510) = (-0.75, -0.05),
 * db = (-1.5 + 0.25) / 2 = -0.625; so w = (0.375, 0.025), b = 0.3125.
 * The cost of iteration 0 is (3 + 0.5) log 2 / 2 = 1.2130075659799042
 * (divided by m, not by the weights' sum); the final cost, from
 * z = (0.375 + 0.005 + 0.3125, 0.02 + 0.3125) = (0.6925, 0.3325), is
 * (3 softplus(-0.6925) + 0.5 softplus(0.3325)) / 2 = 0.8268097015775537.
 * The model records the weights and both class folders' counts. */
static void test_weighted_step_by_hand(void **state) {
    (void)state;
    for (size_t k = 0; k < 2; k++) {
        catlr_model model;
        toy_model(&model);
        cost_log log = {0};
        train_opts opts = opts_of(0.5, 1, 1, &log);
        opts.params.solver = SOLVERS[k];
        opts.params.class_weight[0] = 0.5;
        opts.params.class_weight[1] = 3.0;
        assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
        assert_close(log.cost[0], 1.2130075659799042, 1e-15);
        assert_true(model.w[0] == 0.375f);
        assert_true(model.w[1] == 0.025f);
        assert_close(model.b, 0.3125, 1e-16);
        assert_close(model.final_cost, 0.8268097015775537, 1e-12);
        assert_true(model.class_weight[0] == 0.5 && model.class_weight[1] == 3.0);
        assert_int_equal(model.class_weight_balanced, 0);
        assert_int_equal(model.train_count[0], 1); /* "cat", positive, label 1 */
        assert_int_equal(model.train_count[1], 1);
        catlr_model_free(&model);
    }
}

/* Ensure the weighted cost is the plain one with weights 1, 1, and that a
 * weight scales its label's terms: weights 2, 0 (not a valid option, but
 * the sum's) give twice the label-0 terms alone. */
static void test_weighted_cost(void **state) {
    (void)state;
    const double z[3] = {0.3, -1.2, 2.5};
    const uint8_t y[3] = {1, 0, 0};
    const double ones[2] = {1, 1}, twice0[2] = {2, 0};
    assert_true(catlr_core_cost_sum_weighted(z, y, 3, ones) == catlr_core_cost_sum(z, y, 3));
    double label0 = catlr_core_cost(z + 1, y + 1, 2) * 2.0 / 3.0; /* its terms over m = 3 */
    assert_close(catlr_core_cost_sum_weighted(z, y, 3, twice0) / 3, 2.0 * label0, 1e-15);
}

/* Ensure weights 1, 1 give the run without weights bit for bit (weights,
 * bias, every reported cost), for both solvers, with L2 and a test set;
 * and that the test set's cost is the unweighted cross-entropy: weights
 * that change the training costs leave the first test cost (of the same
 * zero weights) at log 2. */
static void test_unit_weights_identical(void **state) {
    (void)state;
    random_problem *p = malloc(sizeof *p);
    assert_non_null(p);
    random_problem_make(p);
    for (size_t k = 0; k < 2; k++) {
        catlr_model plain, ones, heavy;
        cost_log lp = {0}, l1 = {0}, lh = {0};
        train_opts opts = opts_of(0.01, 40, 10, NULL);
        opts.params.solver = SOLVERS[k];
        opts.params.l2 = 1.0;
        train_random(p, opts, NULL, &plain, &lp);
        opts.params.class_weight[0] = opts.params.class_weight[1] = 1.0;
        train_random(p, opts, NULL, &ones, &l1);
        assert_memory_equal(plain.w, ones.w, RN * sizeof *plain.w);
        assert_memory_equal(&plain.b, &ones.b, sizeof plain.b);
        assert_memory_equal(&plain.final_cost, &ones.final_cost, sizeof plain.final_cost);
        assert_memory_equal(lp.cost, l1.cost, lp.n * sizeof *lp.cost);
        assert_memory_equal(lp.test_cost, l1.test_cost, lp.n * sizeof *lp.test_cost);
        opts.params.class_weight[1] = 4.0;
        train_random(p, opts, NULL, &heavy, &lh);
        assert_true(lh.cost[0] > lp.cost[0] + 0.1);
        assert_close(lh.test_cost[0], 0.6931471805599453, 1e-15);
        assert_true(lh.test_cost[1] != lp.test_cost[1]); /* other weights after steps */
        catlr_model_free(&plain);
        catlr_model_free(&ones);
        catlr_model_free(&heavy);
    }
    free(p);
}

/* Ensure the two solvers take the same weighted steps on the random
 * problem, with given weights from non-zero starting weights (with L2) and
 * with "balanced", which records its weights and the flag. */
static void test_gram_matches_primal_weighted(void **state) {
    (void)state;
    random_problem *p = malloc(sizeof *p);
    assert_non_null(p);
    random_problem_make(p);
    train_opts opts = opts_of(0.01, 300, 10, NULL);
    opts.params.class_weight[0] = 0.7;
    opts.params.class_weight[1] = 2.5;
    opts.params.l2 = 2.0;
    float w0[RN];
    for (size_t i = 0; i < RN; i++)
        w0[i] = (float)((double)(i % 5) - 2.0) * 0.02f;
    assert_solvers_agree(p, opts, w0);
    opts.params.class_weight[0] = opts.params.class_weight[1] = 0;
    opts.params.class_weight_balanced = 1;
    opts.params.l2 = 0;
    assert_solvers_agree(p, opts, NULL);
    size_t positives = 0;
    for (size_t j = 0; j < RM; j++)
        positives += p->y[j];
    catlr_model model;
    cost_log log = {0};
    train_random(p, opts, NULL, &model, &log);
    assert_int_equal(model.class_weight_balanced, 1);
    assert_close(model.class_weight[1], RM / (2.0 * (double)positives), 1e-15);
    assert_close(model.class_weight[0], RM / (2.0 * (double)(RM - positives)), 1e-15);
    assert_int_equal(model.train_count[0], positives); /* folder 0 is positive */
    assert_int_equal(model.train_count[1], RM - positives);
    catlr_model_free(&model);
    free(p);
}

// ----------------------------------------------------------------------------
// The validation set.

/* The toy problem's validation set: its second example twice and its first
 * with the other label, all labelled 0. Training on the toy set (lr = 0.5)
 * first lowers the validation cost (the two copies of the second example
 * gain more than the first loses), then raises it once their cost is small
 * and the first's keeps growing. In double (the course's arithmetic):
 *   iteration  0: 0.6931471805599453     9: 0.679896813872848
 *             10: 0.6798255429571305    11: 0.6802052248503535
 * the lowest at 10, an improvement of 7.1e-5 over 9, where 8 -> 9 improved
 * by 5.3e-4. */
static const uint8_t VAL_X[6] = {0, 204, 0, 204, 255, 51};
static const uint8_t VAL_Y[3] = {0, 0, 0};
enum { VAL_BEST = 10 };

/* Train a zero toy model with the validation set, every step's costs in
 * *log (up to 64 steps), and return the model. */
static void train_toy_validated(catlr_model *model, catlr_solver solver, size_t iterations,
                                double tol, cost_log *log) {
    toy_model(model);
    train_opts opts = opts_of(0.5, iterations, 1, log);
    opts.params.solver = solver;
    opts.params.tol = tol;
    opts.prob.val.X = VAL_X;
    opts.prob.val.y = VAL_Y;
    opts.prob.val.m = 3;
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, model, NULL), CATLR_OK);
}

/* Fail unless model holds the weights, bias and training cost of a plain
 * run (no validation set) of exactly `steps` iterations, bit for bit. */
static void assert_weights_of_step(const catlr_model *model, catlr_solver solver,
                                   size_t steps) {
    catlr_model plain;
    train_toy(&plain, solver, 0.5, steps, 1000, NULL);
    assert_memory_equal(model->w, plain.w, 2 * sizeof *plain.w);
    assert_memory_equal(&model->b, &plain.b, sizeof plain.b);
    assert_true(model->final_cost == plain.final_cost);
    assert_int_equal(plain.best_iteration, steps); /* no validation set */
    assert_true(isnan(plain.final_val_cost));
    catlr_model_free(&plain);
}

/* Ensure, for both solvers, that with a validation set the model keeps the
 * weights of the iteration with the lowest validation cost: 30 steps, the
 * validation cost lowest at step 10 and rising after it, leave the weights
 * of a plain 10-step run (bit for bit), best_iteration 10, its validation
 * cost as final_val_cost and its training cost as final_cost, while
 * iterations says 30 were taken. The validation cost is reported on every
 * step. */
static void test_validation_keeps_best(void **state) {
    (void)state;
    for (size_t k = 0; k < 2; k++) {
        catlr_model model;
        cost_log log = {0};
        train_toy_validated(&model, SOLVERS[k], 30, 0, &log);
        assert_int_equal(model.iterations, 30);
        assert_int_equal(model.stopped_early, 0);
        assert_int_equal(model.best_iteration, VAL_BEST);
        assert_int_equal(log.n, 30);
        assert_close(log.val_cost[0], 0.6931471805599453, 1e-16);
        assert_close(log.val_cost[VAL_BEST], 0.6798255429571305, 1e-12);
        for (size_t i = 0; i < 30; i++)
            if (i != VAL_BEST)
                assert_true(log.val_cost[i] > log.val_cost[VAL_BEST]);
        assert_true(log.val_cost[29] > log.val_cost[0]); /* it did rise */
        assert_true(model.final_val_cost == log.val_cost[VAL_BEST]);
        assert_true(model.final_cost == log.cost[VAL_BEST]);
        assert_weights_of_step(&model, SOLVERS[k], VAL_BEST);
        catlr_model_free(&model);
    }
}

/* Ensure that when the last weights are the best (5 steps, the validation
 * cost still falling) they are the ones left, for both solvers. */
static void test_validation_last_is_best(void **state) {
    (void)state;
    for (size_t k = 0; k < 2; k++) {
        catlr_model model;
        cost_log log = {0};
        train_toy_validated(&model, SOLVERS[k], 5, 0, &log);
        assert_int_equal(model.best_iteration, 5);
        assert_true(model.final_val_cost < log.val_cost[4]);
        assert_weights_of_step(&model, SOLVERS[k], 5);
        catlr_model_free(&model);
    }
}

/* Ensure, for both solvers, that with a validation set tol watches the
 * validation cost: tol = 1e-4 stops at iteration 10 (improved by 7.1e-5 <
 * 1e-4 on 9, after 5.3e-4 from 8 to 9) with those weights, the best; a tol
 * of 1e-12 stops at 11, the first rise, and keeps the weights of 10. The
 * training cost falls by more than 1e-4 all along, so it would not have
 * stopped either run. */
static void test_validation_tol(void **state) {
    (void)state;
    for (size_t k = 0; k < 2; k++) {
        catlr_model model;
        cost_log log = {0};
        train_toy_validated(&model, SOLVERS[k], 60, 1e-4, &log);
        assert_int_equal(model.stopped_early, 1);
        assert_int_equal(model.iterations, VAL_BEST);
        assert_int_equal(model.best_iteration, VAL_BEST);
        assert_int_equal(log.n, VAL_BEST); /* the stopping step is not reported */
        assert_true(log.cost[VAL_BEST - 1] - model.final_cost > 1e-4);
        assert_weights_of_step(&model, SOLVERS[k], VAL_BEST);
        catlr_model_free(&model);

        cost_log rise = {0};
        train_toy_validated(&model, SOLVERS[k], 60, 1e-12, &rise);
        assert_int_equal(model.stopped_early, 1);
        assert_int_equal(model.iterations, VAL_BEST + 1);
        assert_int_equal(model.best_iteration, VAL_BEST);
        assert_weights_of_step(&model, SOLVERS[k], VAL_BEST);
        catlr_model_free(&model);
    }
}

/* Ensure, for both solvers, that eval_every = 3 over 7 steps reports the
 * costs on steps 0, 3 and 6 (report_every is 100) with the accuracies:
 * from zero weights every p is 1/2, not above the threshold, so every
 * prediction is 0: train 50 % (labels 1, 0), validation 100 % (all 0);
 * after a step the toy set is learnt, 100 %, and the validation set's
 * third example is predicted 1, 66.67 %. The test set is the toy set with
 * its labels swapped: 100 - the training accuracy. Other steps carry no
 * accuracy (record_step checks), nor do reported steps with eval_every 0. */
static void test_eval_every(void **state) {
    (void)state;
    static const uint8_t SWAPPED[2] = {0, 1};
    for (size_t k = 0; k < 2; k++) {
        catlr_model model;
        cost_log log = {0};
        toy_model(&model);
        train_opts opts = opts_of(0.5, 7, 100, &log);
        opts.params.solver = SOLVERS[k];
        opts.params.eval_every = 3;
        opts.prob.val.X = VAL_X;
        opts.prob.val.y = VAL_Y;
        opts.prob.val.m = 3;
        opts.prob.test.X = TOY_X;
        opts.prob.test.y = SWAPPED;
        opts.prob.test.m = 2;
        assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
        assert_int_equal(log.n, 3);
        const double train[3] = {50, 100, 100}, val[3] = {100, 100 - 100.0 / 3, 100 - 100.0 / 3};
        for (size_t r = 0; r < 3; r++) {
            assert_int_equal(log.iteration[r], 3 * r);
            assert_true(log.train_acc[r] == train[r]);
            assert_true(log.test_acc[r] == 100 - train[r]);
            assert_close(log.val_acc[r], val[r], 1e-12);
            assert_true(isfinite(log.val_cost[r]) && isfinite(log.test_cost[r]));
        }
        catlr_model_free(&model);

        cost_log plain = {0};
        toy_model(&model);
        opts = opts_of(0.5, 7, 3, &plain);
        opts.params.solver = SOLVERS[k];
        assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
        assert_int_equal(plain.n, 3);
        for (size_t r = 0; r < 3; r++) {
            assert_true(plain.cost[r] == log.cost[r]); /* the same steps */
            assert_true(isnan(plain.train_acc[r]) && isnan(plain.val_cost[r]));
        }
        catlr_model_free(&model);
    }
}

static catlr_status never_sum(void *ctx, double *buf, size_t n, catlr_error *err) {
    (void)ctx, (void)buf, (void)n, (void)err;
    fail_msg("a refused run called its reducer");
    return CATLR_ERR_ARG;
}

/* Ensure a validation set and accuracies are refused with a reducer (each
 * process would choose on its own examples), and that catlr_train says so
 * before calling it. */
static void test_validation_one_process(void **state) {
    (void)state;
    for (int k = 0; k < 2; k++) {
        train_opts opts = opts_of(0.1, 1, 1, NULL);
        opts.hooks.reducer = (catlr_train_reducer){never_sum, NULL, 2, 0};
        assert_null(check(&opts));
        if (k == 0) {
            opts.prob.val.X = VAL_X;
            opts.prob.val.y = VAL_Y;
            opts.prob.val.m = 3;
        } else {
            opts.params.eval_every = 1;
        }
        assert_non_null(strstr(check(&opts), "one process"));
        catlr_model model;
        toy_model(&model);
        catlr_error err;
        assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, &err), CATLR_ERR_ARG);
        assert_non_null(strstr(err.reason, "one process"));
        catlr_model_free(&model);
    }
}

/* Ensure the validation set's choice does not depend on the thread count:
 * for both solvers, 1 and 3 threads keep the same iteration with the same
 * weights, bias and costs bit for bit, on the random problem validated on
 * its test images with every third label flipped (so that the validation
 * cost turns up before the end: the kept iteration is not the last). */
static void test_validation_threads_identical(void **state) {
    (void)state;
    random_problem *p = malloc(sizeof *p);
    assert_non_null(p);
    random_problem_make(p);
    uint8_t val_y[RT];
    for (size_t j = 0; j < RT; j++)
        val_y[j] = j % 3 == 0 ? !p->test_y[j] : p->test_y[j];
    for (size_t k = 0; k < 2; k++) {
        catlr_model one, three;
        cost_log l1 = {0}, l3 = {0};
        train_opts opts = opts_of(0.05, 400, 100, NULL);
        opts.params.solver = SOLVERS[k];
        opts.prob.val.X = p->test_X;
        opts.prob.val.y = val_y;
        opts.prob.val.m = RT;
        opts.params.threads = 1;
        train_random(p, opts, NULL, &one, &l1);
        opts.params.threads = 3;
        train_random(p, opts, NULL, &three, &l3);
        assert_true(one.best_iteration < 400);
        assert_int_equal(one.best_iteration, three.best_iteration);
        assert_memory_equal(one.w, three.w, RN * sizeof *one.w);
        assert_memory_equal(&one.b, &three.b, sizeof one.b);
        assert_memory_equal(&one.final_val_cost, &three.final_val_cost, sizeof(double));
        assert_memory_equal(&one.final_cost, &three.final_cost, sizeof(double));
        catlr_model_free(&one);
        catlr_model_free(&three);
    }
    free(p);
}

/* m random RN-feature examples (random_examples) with a test set of RT,
 * trained 100 steps at lr 0.01 with solver on threads, K given when not
 * NULL; the costs logged every 10. */
static void train_sized(size_t m, catlr_solver solver, unsigned threads, const int32_t *K,
                        catlr_model *model, cost_log *log) {
    uint32_t seed = 99;
    uint8_t *X = malloc(m * RN), *y = malloc(m), test_X[RN * RT], test_y[RT];
    assert_true(X && y);
    random_examples(&seed, X, y, m);
    random_examples(&seed, test_X, test_y, RT);
    const catlr_model_shape shape = {
        .height = RH, .width = RW, .channels = RC, .class_names = {"cat", "non-cat"},
        .positive = 0};
    assert_int_equal(catlr_model_init(model, &shape, NULL), CATLR_OK);
    train_opts opts = opts_of(0.01, 100, 10, log);
    opts.params.solver = solver;
    opts.params.threads = threads;
    opts.prob.test.X = test_X;
    opts.prob.test.y = test_y;
    opts.prob.test.m = RT;
    opts.cache.gram_K = K;
    assert_int_equal(train_on(X, y, m, &opts, model, NULL), CATLR_OK);
    free(X);
    free(y);
}

/* Ensure, at m = 300, 1000 and 3000 (one to twelve tiles of K, one to
 * sixteen parts of its product), that the Gram solver's costs are the
 * primal solver's to 1e-8; that it gives the same bits on one and two
 * threads; and that a K given by the caller (catlr_gram_matrix's packed
 * one) gives the same bits as the K it computes. */
static void test_gram_sizes(void **state) {
    (void)state;
    const size_t ms[] = {300, 1000, 3000};
    for (size_t s = 0; s < 3; s++) {
        const size_t m = ms[s];
        catlr_model primal, one, two, given;
        cost_log lp = {0}, l1 = {0}, l2 = {0}, lg = {0};
        train_sized(m, CATLR_SOLVER_PRIMAL, 1, NULL, &primal, &lp);
        train_sized(m, CATLR_SOLVER_GRAM, 1, NULL, &one, &l1);
        train_sized(m, CATLR_SOLVER_GRAM, 2, NULL, &two, &l2);
        uint32_t seed = 99;
        uint8_t *X = malloc(m * RN), *y = malloc(m);
        int32_t *K = malloc(catlr_gram_packed_count(m) * sizeof *K);
        assert_true(X && y && K);
        random_examples(&seed, X, y, m);
        assert_int_equal(catlr_gram_matrix(X, RN, m, 2, K, NULL), CATLR_OK);
        train_sized(m, CATLR_SOLVER_GRAM, 1, K, &given, &lg);
        assert_int_equal(lp.n, l1.n);
        for (size_t k = 0; k < lp.n; k++) {
            assert_close(l1.cost[k], lp.cost[k], 1e-8);
            assert_close(l1.test_cost[k], lp.test_cost[k], 1e-8);
        }
        assert_true(l1.cost[l1.n - 1] < l1.cost[0] - 0.001); /* it learned something */
        assert_close(one.final_cost, primal.final_cost, 1e-8);
        const catlr_model *same[2] = {&two, &given};
        const cost_log *same_log[2] = {&l2, &lg};
        for (size_t k = 0; k < 2; k++) {
            assert_memory_equal(one.w, same[k]->w, RN * sizeof *one.w);
            assert_memory_equal(&one.b, &same[k]->b, sizeof one.b);
            assert_memory_equal(&one.final_cost, &same[k]->final_cost, sizeof(double));
            assert_memory_equal(l1.cost, same_log[k]->cost, l1.n * sizeof *l1.cost);
        }
        catlr_model *all[4] = {&primal, &one, &two, &given};
        for (size_t k = 0; k < 4; k++)
            catlr_model_free(all[k]);
        free(X);
        free(y);
        free(K);
    }
}

// ----------------------------------------------------------------------------
// Gram products given by the caller (cross-validation).

/* The toy set trained 30 steps at lr 0.5 with solver, the toy set also its
 * test set, K and Kt given (or NULL); *model keeps the weights and z the
 * final weights' z on the test set. */
static void train_given(catlr_model *model, catlr_solver solver, const int32_t *K,
                        double z[2]) {
    toy_model(model);
    train_opts opts = opts_of(0.5, 30, 10, NULL);
    opts.params.solver = solver;
    opts.prob.test.X = TOY_X;
    opts.prob.test.y = TOY_Y;
    opts.prob.test.m = 2;
    opts.cache.gram_K = K;
    opts.cache.gram_Kt = K;
    opts.cache.test_z = z;
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, model, NULL), CATLR_OK);
}

/* Ensure the Gram solver steps with a K given in gram_K and gram_Kt (the
 * toy set's by hand: X_0 = (255, 51), X_1 = (0, 204), so K = [[255^2 +
 * 51^2, 51 * 204], [51 * 204, 204^2]]): the same weights and z, bit for
 * bit, as when it computes K itself, and other weights from a wrong K.
 * test_z is the final weights' z on the test set (without on_step), in
 * double: close to the float model's, and the primal solver's to 1e-12. */
static void test_given_gram_and_test_z(void **state) {
    (void)state;
    static const int32_t K[4] = {67626, 10404, 10404, 41616};
    static const int32_t WRONG[4] = {67626, 0, 0, 41616};
    catlr_model own, given, wrong, primal;
    double z_own[2] = {NAN, NAN}, z_given[2], z_wrong[2], z_primal[2];
    train_given(&own, CATLR_SOLVER_GRAM, NULL, z_own);
    train_given(&given, CATLR_SOLVER_GRAM, K, z_given);
    train_given(&wrong, CATLR_SOLVER_GRAM, WRONG, z_wrong);
    train_given(&primal, CATLR_SOLVER_PRIMAL, K, z_primal); /* primal ignores K */
    assert_memory_equal(own.w, given.w, 2 * sizeof *own.w);
    assert_true(own.b == given.b && own.final_cost == given.final_cost);
    assert_memory_equal(z_own, z_given, sizeof z_own);
    assert_true(own.w[1] != wrong.w[1] || own.b != wrong.b);
    for (size_t j = 0; j < 2; j++) {
        double from_model = (own.w[0] * TOY_X[2 * j] + own.w[1] * TOY_X[2 * j + 1]) / 255.0 + own.b;
        assert_close(z_own[j], from_model, 1e-5);
        assert_close(z_primal[j], z_own[j], 1e-12);
    }
    assert_true(z_own[0] > 0 && z_own[1] < 0); /* learnt: label 1, then 0 */
    catlr_model *all[4] = {&own, &given, &wrong, &primal};
    for (size_t k = 0; k < 4; k++)
        catlr_model_free(all[k]);
}

// ----------------------------------------------------------------------------
// Training split across processes, simulated in-process: each "process" is
// a thread that trains on its shard of the random problem, and the reducer
// adds up the threads' buffers between two barriers, in rank order, so all
// of them get the same bits. No cmocka assertion runs in a thread: the
// threads record, the main thread checks.

enum { TEAM_MAX = 4 };

typedef struct team {
    pthread_barrier_t barrier;
    size_t size;
    double *bufs[TEAM_MAX];
    size_t lengths[TEAM_MAX];
    int mismatch; /* the members passed different lengths */
} team;

typedef struct member {
    team *t;
    size_t rank;
    size_t lo, hi, test_lo, test_hi; /* its shards of X and test_X */
    const random_problem *p;
    train_opts opts;
    catlr_model model;
    catlr_error err;
    catlr_status st;
    size_t calls;   /* reducer calls */
    size_t longest; /* the largest n it was called with */
    size_t n_costs;
    double cost[64], test_cost[64];
} member;

static catlr_status team_sum(void *ctx, double *buf, size_t n, catlr_error *err) {
    (void)err;
    member *me = ctx;
    team *t = me->t;
    me->calls++;
    me->longest = n > me->longest ? n : me->longest;
    t->bufs[me->rank] = buf;
    t->lengths[me->rank] = n;
    pthread_barrier_wait(&t->barrier);
    double *total = calloc(n, sizeof *total);
    for (size_t r = 0; r < t->size; r++) {
        if (t->lengths[r] != n || total == NULL) {
            t->mismatch = 1;
            continue;
        }
        for (size_t i = 0; i < n; i++)
            total[i] += t->bufs[r][i];
    }
    pthread_barrier_wait(&t->barrier); /* every one has read every buf */
    if (total != NULL)
        memcpy(buf, total, n * sizeof *buf);
    free(total);
    return CATLR_OK;
}

static void member_step(void *user, const catlr_train_step *step) {
    member *me = user;
    if (step->has_cost && me->n_costs < 64) {
        me->cost[me->n_costs] = step->cost;
        me->test_cost[me->n_costs++] = step->test_cost;
    }
}

static void *member_run(void *arg) {
    member *me = arg;
    const random_problem *p = me->p;
    train_opts opts = me->opts;
    opts.hooks.on_step = member_step;
    opts.hooks.user = me;
    opts.prob.test.X = p->test_X + me->test_lo * RN;
    opts.prob.test.y = p->test_y + me->test_lo;
    opts.prob.test.m = me->test_hi - me->test_lo;
    opts.hooks.reducer = (catlr_train_reducer){team_sum, me, RM, RT};
    size_t m = me->hi - me->lo;
    me->st = train_on(m > 0 ? p->X + me->lo * RN : NULL, m > 0 ? p->y + me->lo : NULL, m,
                      &opts, &me->model, &me->err);
    return NULL;
}

/* Train p with opts on size threads, member k holding examples
 * [cuts[k], cuts[k+1]) and test examples [test_cuts[k], test_cuts[k+1]). */
static void team_train(const random_problem *p, train_opts opts, size_t size,
                       const size_t *cuts, const size_t *test_cuts, member *members) {
    team t = {.size = size};
    assert_int_equal(pthread_barrier_init(&t.barrier, NULL, (unsigned)size), 0);
    pthread_t threads[TEAM_MAX];
    for (size_t k = 0; k < size; k++) {
        member *me = &members[k];
        *me = (member){.t = &t, .rank = k, .lo = cuts[k], .hi = cuts[k + 1],
                       .test_lo = test_cuts[k], .test_hi = test_cuts[k + 1], .p = p,
                       .opts = opts};
        const catlr_model_shape shape = {
            .height = RH, .width = RW, .channels = RC, .class_names = {"cat", "non-cat"},
            .positive = 0};
        assert_int_equal(catlr_model_init(&me->model, &shape, NULL), CATLR_OK);
        assert_int_equal(pthread_create(&threads[k], NULL, member_run, me), 0);
    }
    for (size_t k = 0; k < size; k++)
        assert_int_equal(pthread_join(threads[k], NULL), 0);
    pthread_barrier_destroy(&t.barrier);
    assert_false(t.mismatch);
}

/* The random problem, and room for a team's members; both to free. */
static random_problem *team_problem(member **members) {
    random_problem *p = malloc(sizeof *p);
    *members = malloc(TEAM_MAX * sizeof **members);
    assert_non_null(p);
    assert_non_null(*members);
    random_problem_make(p);
    return p;
}

/* Ensure a training set split across 1 to 4 processes trains as one
 * process does: every process ends with the same bits (weights, bias,
 * reported costs), the reported training and test costs agree with one
 * process's to 1e-12 and the weights to 1e-9 relative (the sums group the
 * examples by shard), one process is bit for bit the unsplit run, shards
 * may be uneven or empty (4 processes: 0, 1, 60 and 89 examples; the test
 * set all in one), and the reducer is called once per iteration with
 * n_x + 3 doubles, plus twice before (the label counts, set-up) and once
 * after (final cost). */
static void test_split_across_processes(void **state) {
    (void)state;
    member *members;
    random_problem *p = team_problem(&members);
    train_opts opts = opts_of(0.01, 50, 10, NULL);
    opts.params.l2 = 0.5;
    catlr_model whole;
    cost_log log = {0};
    opts.params.solver = CATLR_SOLVER_PRIMAL;
    train_random(p, opts, NULL, &whole, &log);
    opts.params.solver = CATLR_SOLVER_AUTO; /* primal, with a reducer */
    const size_t cuts[4][TEAM_MAX + 1] = {
        {0, RM}, {0, 75, RM}, {0, 50, 101, RM}, {0, 0, 1, 61, RM}};
    const size_t test_cuts[4][TEAM_MAX + 1] = {
        {0, RT}, {0, 13, RT}, {0, 0, 40, RT}, {0, RT, RT, RT, RT}};
    for (size_t size = 1; size <= TEAM_MAX; size++) {
        team_train(p, opts, size, cuts[size - 1], test_cuts[size - 1], members);
        for (size_t k = 0; k < size; k++) {
            const member *me = &members[k];
            assert_int_equal(me->st, CATLR_OK);
            assert_int_equal(me->model.solver, CATLR_SOLVER_PRIMAL);
            assert_int_equal(me->calls, 50 + 3);
            assert_int_equal(me->longest, RN + 3);
            assert_int_equal(me->n_costs, log.n);
            assert_memory_equal(me->model.w, members[0].model.w, RN * sizeof *whole.w);
            assert_memory_equal(&me->model.b, &members[0].model.b, sizeof whole.b);
            assert_memory_equal(me->cost, members[0].cost, log.n * sizeof *log.cost);
            for (size_t c = 0; c < log.n; c++) {
                assert_close(me->cost[c], log.cost[c], 1e-12);
                assert_close(me->test_cost[c], log.test_cost[c], 1e-12);
            }
            assert_close(me->model.final_cost, whole.final_cost, 1e-12);
            for (size_t i = 0; i < RN; i++)
                assert_close(me->model.w[i], whole.w[i], 1e-9 * fabs(whole.w[i]) + 1e-12);
        }
        if (size == 1) {
            assert_memory_equal(members[0].model.w, whole.w, RN * sizeof *whole.w);
            assert_memory_equal(members[0].cost, log.cost, log.n * sizeof *log.cost);
        }
        for (size_t k = 0; k < size; k++)
            catlr_model_free(&members[k].model);
    }
    catlr_model_free(&whole);
    free(members);
    free(p);
}

/* Ensure a process that cannot set up (here: m over m_total, as a
 * miscounted shard would be) fails with its own error, and the others,
 * instead of waiting for it, with CATLR_ERR_IO saying one other process
 * could not set up; the weights are left alone. */
static void test_split_setup_failure(void **state) {
    (void)state;
    member *members;
    random_problem *p = team_problem(&members);
    const size_t cuts[4] = {0, 50, 100, 2 * RM}, test_cuts[4] = {0, 0, 0, 0};
    /* member 2 holds 100 examples of p's and of what follows it in memory
     * (the test set): catlr_train refuses it before reading any */
    team_train(p, opts_of(0.01, 5, 1, NULL), 3, cuts, test_cuts, members);
    assert_int_equal(members[2].st, CATLR_ERR_ARG);
    assert_non_null(strstr(members[2].err.reason, "m_total"));
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(members[k].st, CATLR_ERR_IO);
        assert_string_equal(members[k].err.reason, "1 other process could not set up training");
        assert_int_equal(members[k].calls, 2); /* the label counts, set-up */
    }
    for (size_t k = 0; k < 3; k++) {
        assert_true(members[k].model.w[0] == 0.0f && members[k].model.b == 0.0);
        catlr_model_free(&members[k].model);
    }
    free(members);
    free(p);
}

/* A reducer that fails on its third call, as a broken link would. */
static catlr_status failing_sum(void *ctx, double *buf, size_t n, catlr_error *err) {
    (void)buf;
    (void)n;
    size_t *calls = ctx;
    if (++*calls < 3)
        return CATLR_OK;
    snprintf(err->path, sizeof err->path, "peer");
    snprintf(err->reason, sizeof err->reason, "connection lost");
    return CATLR_ERR_IO;
}

/* Ensure the reducer's failure ends training with its status and error,
 * on the iteration where it happened (one process summing with itself:
 * call 1 sums the label counts, call 2 is the set-up, call 3 the first
 * iteration's). */
static void test_split_reducer_fails(void **state) {
    (void)state;
    catlr_model model;
    toy_model(&model);
    size_t calls = 0;
    catlr_error err = {{0}, {0}};
    train_opts opts = opts_of(0.1, 10, 1, NULL);
    opts.hooks.reducer = (catlr_train_reducer){failing_sum, &calls, 2, 0};
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, &err), CATLR_ERR_IO);
    assert_int_equal(calls, 3);
    assert_string_equal(err.path, "peer");
    assert_string_equal(err.reason, "connection lost");
    catlr_model_free(&model);
}

/* Ensure a process whose shard is larger than the reducer's m_total (2 of
 * 1) fails with CATLR_ERR_ARG, after taking part in the label counts' and
 * the set-up's sums (calls 1 and 2), so that the other processes learn of
 * it instead of waiting for it; failing_sum would fail a third call. */
static void test_split_shard_over_total(void **state) {
    (void)state;
    catlr_model model;
    toy_model(&model);
    size_t calls = 0;
    train_opts opts = opts_of(0.1, 1, 1, NULL);
    opts.hooks.reducer = (catlr_train_reducer){failing_sum, &calls, 1, 0};
    catlr_error err;
    assert_int_equal(train_on(TOY_X, TOY_Y, 2, &opts, &model, &err), CATLR_ERR_ARG);
    assert_non_null(strstr(err.reason, "m_total"));
    assert_int_equal(calls, 2);
    catlr_model_free(&model);
}

/* Ensure the check refuses, with a reducer, m_total = 0, a test_m_total
 * below test_m, and the Gram solver; and that auto then picks primal even
 * where it would pick gram alone (the course's run). */
static void test_split_check(void **state) {
    (void)state;
    size_t calls = 0;
    train_opts opts = opts_of(0.1, 1, 1, NULL);
    opts.hooks.reducer = (catlr_train_reducer){failing_sum, &calls, 0, 0};
    assert_non_null(strstr(check(&opts), "m_total"));
    opts.hooks.reducer.m_total = 10;
    opts.prob.test.X = TOY_X;
    opts.prob.test.y = TOY_Y;
    opts.prob.test.m = 2;
    assert_non_null(strstr(check(&opts), "test_m_total"));
    opts.hooks.reducer.test_m_total = 2;
    assert_null(check(&opts));
    opts.params.solver = CATLR_SOLVER_GRAM;
    assert_non_null(strstr(check(&opts), "one process"));
    opts = opts_defaults();
    opts.hooks.reducer = (catlr_train_reducer){failing_sum, &calls, 209, 0};
    assert_int_equal(choose(12288, 209, &opts), CATLR_SOLVER_PRIMAL);
    assert_int_equal(calls, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_check_refuses),
        cmocka_unit_test(test_train_refuses),
        cmocka_unit_test(test_train_records_origin),
        cmocka_unit_test(test_choose_solver),
        cmocka_unit_test(test_one_step_by_hand),
        cmocka_unit_test(test_l2_one_step_by_hand),
        cmocka_unit_test(test_cost_schedule),
        cmocka_unit_test(test_test_cost),
        cmocka_unit_test(test_reproducible_and_resumable),
        cmocka_unit_test(test_steps_in_double),
        cmocka_unit_test(test_large_rate_finite_cost),
        cmocka_unit_test(test_divergence_is_an_error),
        cmocka_unit_test(test_gram_limits),
        cmocka_unit_test(test_gram_matches_primal),
        cmocka_unit_test(test_gram_matches_primal_l2),
        cmocka_unit_test(test_tol_stops_early),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_class_weight_check),
        cmocka_unit_test(test_class_weights_resolved),
        cmocka_unit_test(test_weighted_step_by_hand),
        cmocka_unit_test(test_weighted_cost),
        cmocka_unit_test(test_unit_weights_identical),
        cmocka_unit_test(test_gram_matches_primal_weighted),
        cmocka_unit_test(test_given_gram_and_test_z),
        cmocka_unit_test(test_gram_sizes),
        cmocka_unit_test(test_split_across_processes),
        cmocka_unit_test(test_split_setup_failure),
        cmocka_unit_test(test_split_reducer_fails),
        cmocka_unit_test(test_split_shard_over_total),
        cmocka_unit_test(test_split_check),
        cmocka_unit_test(test_validation_keeps_best),
        cmocka_unit_test(test_validation_last_is_best),
        cmocka_unit_test(test_validation_tol),
        cmocka_unit_test(test_eval_every),
        cmocka_unit_test(test_validation_threads_identical),
        cmocka_unit_test(test_validation_one_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
