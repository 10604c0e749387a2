/* test_train.c: the gradient-descent loop: options, one step by hand, the
 * cost schedule, reproducibility, warm starts, divergence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "catlr/train.h"
#include "test_util.h"

// ----------------------------------------------------------------------------
// A toy problem: the style guide's n_x = 2, m = 2 example, as a 1x2x1
// "image" model.

static const uint8_t TOY_X[4] = {255, 51, 0, 204};
static const uint8_t TOY_Y[2] = {1, 0};

static void toy_model(catlr_model *model) {
    assert_int_equal(catlr_model_init(model, 1, 2, 1, "cat", "non-cat", 0, NULL), CATLR_OK);
}

/* A record of the on_step calls: every call, and the costs of the steps
 * that carry them. */
typedef struct cost_log {
    size_t calls;
    size_t n;
    size_t iteration[64];
    double cost[64];
    double test_cost[64];
} cost_log;

static void record_step(void *user, const catlr_train_step *step) {
    cost_log *log = user;
    assert_int_equal(step->iteration, log->calls); /* every step, in order */
    log->calls++;
    if (!step->has_cost) {
        assert_true(isnan(step->cost) && isnan(step->test_cost));
        return;
    }
    assert_true(log->n < 64);
    log->iteration[log->n] = step->iteration;
    log->cost[log->n] = step->cost;
    log->test_cost[log->n] = step->test_cost;
    log->n++;
}

static catlr_train_opts opts_of(double lr, size_t iterations, size_t every, cost_log *log) {
    catlr_train_opts opts = catlr_train_defaults();
    opts.lr = lr;
    opts.iterations = iterations;
    opts.report_every = every;
    opts.on_step = log ? record_step : NULL;
    opts.user = log;
    return opts;
}

// ----------------------------------------------------------------------------
// Options.

/* Ensure the defaults are the course's: lr 0.005, 2000 iterations, cost
 * every 100, and that they pass the check. */
static void test_defaults(void **state) {
    (void)state;
    catlr_train_opts opts = catlr_train_defaults();
    assert_true(opts.lr == 0.005);
    assert_int_equal(opts.iterations, 2000);
    assert_int_equal(opts.report_every, 100);
    assert_null(opts.on_step);
    assert_null(opts.test_X);
    assert_int_equal(opts.test_m, 0);
    assert_null(catlr_train_check(&opts));
}

/* Ensure the check refuses a learning rate that is zero, negative, NaN or
 * infinite, zero iterations and a zero report interval, each with a reason. */
static void test_check_refuses(void **state) {
    (void)state;
    const double bad_lr[] = {0.0, -0.1, NAN, INFINITY};
    for (size_t k = 0; k < 4; k++) {
        catlr_train_opts opts = opts_of(bad_lr[k], 10, 1, NULL);
        assert_non_null(catlr_train_check(&opts));
        assert_non_null(strstr(catlr_train_check(&opts), "learning rate"));
    }
    catlr_train_opts opts = opts_of(0.1, 0, 1, NULL);
    assert_non_null(strstr(catlr_train_check(&opts), "iterations"));
    opts = opts_of(0.1, 1, 0, NULL);
    assert_non_null(strstr(catlr_train_check(&opts), "report"));
    opts = opts_of(0.1, 1, 1, NULL);
    opts.test_m = 2; /* and no pixels */
    assert_non_null(strstr(catlr_train_check(&opts), "test set"));
}

/* Ensure catlr_train refuses bad options and an empty training set with
 * CATLR_ERR_ARG, leaving the weights alone. */
static void test_train_refuses(void **state) {
    (void)state;
    catlr_model model;
    toy_model(&model);
    catlr_error err;
    catlr_train_opts opts = opts_of(-1, 1, 1, NULL);
    assert_int_equal(catlr_train(TOY_X, TOY_Y, 2, &opts, &model, &err), CATLR_ERR_ARG);
    assert_non_null(strstr(err.reason, "learning rate"));
    opts = opts_of(0.1, 1, 1, NULL);
    assert_int_equal(catlr_train(TOY_X, TOY_Y, 0, &opts, &model, &err), CATLR_ERR_ARG);
    assert_true(model.w[0] == 0.0f && model.w[1] == 0.0f && model.b == 0.0);
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
    catlr_model model;
    toy_model(&model);
    cost_log log = {0};
    catlr_train_opts opts = opts_of(0.5, 1, 1, &log);
    assert_int_equal(catlr_train(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
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

/* Ensure the cost is reported at iterations 0, K, 2K, ... only, and that
 * the cost reported for iteration i is that of the weights before its
 * update: it equals the final cost of a run of exactly i iterations. */
static void test_cost_schedule(void **state) {
    (void)state;
    catlr_model model;
    toy_model(&model);
    cost_log log = {0};
    catlr_train_opts opts = opts_of(0.5, 7, 3, &log);
    assert_int_equal(catlr_train(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
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
        assert_int_equal(catlr_train(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
        assert_true(model.final_cost == log.cost[k]);
        catlr_model_free(&model);
    }
}

/* Ensure the test set's cost is reported beside the training cost, is the
 * cost of the same weights (the training set given as test set reports its
 * own cost exactly), and is NaN without a test set. */
static void test_test_cost(void **state) {
    (void)state;
    static const uint8_t TEST_Y[2] = {0, 1}; /* the toy set, labels swapped */
    catlr_model model;
    toy_model(&model);
    cost_log same = {0}, swapped = {0}, none = {0};
    catlr_train_opts opts = opts_of(0.5, 5, 2, &same);
    opts.test_X = TOY_X;
    opts.test_y = TOY_Y;
    opts.test_m = 2;
    assert_int_equal(catlr_train(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
    catlr_model_free(&model);
    toy_model(&model);
    opts.test_y = TEST_Y;
    opts.user = &swapped;
    assert_int_equal(catlr_train(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
    catlr_model_free(&model);
    toy_model(&model);
    opts = opts_of(0.5, 5, 2, &none);
    assert_int_equal(catlr_train(TOY_X, TOY_Y, 2, &opts, &model, NULL), CATLR_OK);
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

/* Ensure training is deterministic (bit-identical weights twice) and starts
 * from the model's weights: 3 steps then 4 more equal 7 steps from zero. */
static void test_reproducible_and_resumable(void **state) {
    (void)state;
    catlr_model a, b;
    toy_model(&a);
    toy_model(&b);
    catlr_train_opts seven = opts_of(0.3, 7, 100, NULL);
    catlr_train_opts three = opts_of(0.3, 3, 100, NULL);
    catlr_train_opts four = opts_of(0.3, 4, 100, NULL);
    assert_int_equal(catlr_train(TOY_X, TOY_Y, 2, &seven, &a, NULL), CATLR_OK);
    assert_int_equal(catlr_train(TOY_X, TOY_Y, 2, &three, &b, NULL), CATLR_OK);
    assert_int_equal(catlr_train(TOY_X, TOY_Y, 2, &four, &b, NULL), CATLR_OK);
    assert_memory_equal(a.w, b.w, 2 * sizeof(float));
    assert_memory_equal(&a.b, &b.b, sizeof(double));
    catlr_model_free(&a);
    catlr_model_free(&b);
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
    catlr_train_opts opts = opts_of(1000, 60, 1, &log);
    assert_int_equal(catlr_train(X, y, 2, &opts, &model, NULL), CATLR_OK);
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
    catlr_train_opts opts = opts_of(1e300, 100, 1, NULL);
    assert_int_equal(catlr_train(TOY_X, TOY_Y, 2, &opts, &model, &err), CATLR_ERR_NUMERIC);
    assert_non_null(strstr(err.reason, "finite"));
    assert_string_equal(err.path, "");
    catlr_model_free(&model);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_check_refuses),
        cmocka_unit_test(test_train_refuses),
        cmocka_unit_test(test_one_step_by_hand),
        cmocka_unit_test(test_cost_schedule),
        cmocka_unit_test(test_test_cost),
        cmocka_unit_test(test_reproducible_and_resumable),
        cmocka_unit_test(test_large_rate_finite_cost),
        cmocka_unit_test(test_divergence_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
