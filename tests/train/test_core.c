/* test_core.c: sigmoid, forward, cost, dz, backward and update against
 * values worked by hand, against finite differences, and in their limits;
 * and both solvers of catlr_train against a loop over these functions, the
 * float64 reference their fused kernels stand in for. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "catlr/model.h"
#include "catlr/train.h"
#include "train/core.h"
#include "test_util.h"

static const double LOG2 = 0.6931471805599453;

// ----------------------------------------------------------------------------
// Sigmoid.

/* Ensure sigmoid(0) is exactly 1/2 and known values hold:
 * sigmoid(1) = 1/(1+e^-1) = 0.7310585786300049, sigmoid(-1) = 0.2689414213699951. */
static void test_sigmoid_values(void **state) {
    (void)state;
    assert_true(catlr_core_sigmoid(0.0) == 0.5);
    assert_close(catlr_core_sigmoid(1.0), 0.7310585786300049, 1e-16);
    assert_close(catlr_core_sigmoid(-1.0), 0.2689414213699951, 1e-16);
    assert_close(catlr_core_sigmoid(2.0), 0.8807970779778823, 1e-16);
}

/* Ensure sigmoid(z) + sigmoid(-z) = 1 and the result stays in [0, 1]. */
static void test_sigmoid_symmetry(void **state) {
    (void)state;
    for (double z = -30; z <= 30; z += 0.37) {
        double s = catlr_core_sigmoid(z);
        assert_true(s >= 0 && s <= 1);
        assert_close(s + catlr_core_sigmoid(-z), 1.0, 1e-15);
    }
}

/* Ensure the tails neither overflow nor produce NaN: e^-z overflows for
 * z < -709, where the naive 1/(1+exp(-z)) raises an overflow and e^z/(1+e^z)
 * for large z gives inf/inf = NaN. sigmoid(-800) underflows to exactly 0 and
 * sigmoid(800) is 1. */
static void test_sigmoid_limits(void **state) {
    (void)state;
    assert_true(catlr_core_sigmoid(800.0) == 1.0);
    assert_true(catlr_core_sigmoid(-800.0) == 0.0);
    assert_close_rel(catlr_core_sigmoid(-700.0), 9.85967654375977e-305, 1e-12);
    assert_true(catlr_core_sigmoid(INFINITY) == 1.0);
    assert_true(catlr_core_sigmoid(-INFINITY) == 0.0);
    /* the negative branch is accurate far into the tail: sigmoid(-40) =
     * e^-40 / (1 + e^-40) = 4.248354255291589e-18, where 1 - sigmoid(40)
     * would round to 0 */
    assert_close_rel(catlr_core_sigmoid(-40.0), 4.248354255291589e-18, 1e-15);
}

// ----------------------------------------------------------------------------
// Forward.

/* Ensure z = w^T x / 255 + b on a case worked by hand. n_x = 2, m = 2:
 * X columns (255, 0) and (51, 102); w = (0.5, -2), b = 0.25.
 * z0 = (0.5*255 + -2*0)/255 + 0.25 = 0.5 + 0.25 = 0.75
 * z1 = (0.5*51 - 2*102)/255 + 0.25 = (25.5 - 204)/255 + 0.25 = -0.7 + 0.25 = -0.45 */
static void test_forward_by_hand(void **state) {
    (void)state;
    const uint8_t X[4] = {255, 0, 51, 102};
    const float w[2] = {0.5f, -2.0f};
    double z[2];
    catlr_core_forward(X, 2, 2, w, 0.25, z);
    assert_close(z[0], 0.75, 1e-15);
    assert_close(z[1], -0.45, 1e-15);
}

/* Ensure the forward pass handles lengths that are not a multiple of its
 * 8-way unrolling, and long vectors: n_x = 12288 + 5 with w = 1, x = 255
 * gives z = n_x exactly; n_x = 13 with w_i = i, x_i = 255 gives 78. */
static void test_forward_lengths(void **state) {
    (void)state;
    enum { N = 12288 + 5 };
    static uint8_t X[N];
    static float w[N];
    for (size_t i = 0; i < N; i++) {
        X[i] = 255;
        w[i] = 1.0f;
    }
    double z;
    catlr_core_forward(X, N, 1, w, 0.0, &z);
    assert_true(z == (double)N);
    for (size_t i = 0; i < 13; i++)
        w[i] = (float)i;
    catlr_core_forward(X, 13, 1, w, -1.0, &z);
    assert_true(z == 77.0); /* 0 + 1 + ... + 12 = 78, b = -1 */
}

// ----------------------------------------------------------------------------
// Cost.

/* Ensure the cost at z = 0 is log 2 whatever the labels: a = 1/2 for all
 * examples, so each loss is -log(1/2) = 0.6931471805599453. */
static void test_cost_at_zero(void **state) {
    (void)state;
    const double z[4] = {0, 0, 0, 0};
    const uint8_t y[4] = {1, 0, 0, 1};
    assert_close(catlr_core_cost(z, y, 4), LOG2, 1e-16);
}

/* Ensure the cost on a case worked by hand: z = (2, -1), y = (1, 1):
 * a = (0.8807970779778823, 0.2689414213699951),
 * J = -(log 0.8807970779778823 + log 0.2689414213699951) / 2
 *   = (0.12692801104297263 + 1.3132616875182228) / 2 = 0.7200948492805977. */
static void test_cost_by_hand(void **state) {
    (void)state;
    const double z[2] = {2, -1};
    const uint8_t y[2] = {1, 1};
    assert_close(catlr_core_cost(z, y, 2), 0.7200948492805977, 1e-15);
    /* and with y = (0, 1): -(log(1 - 0.8807970779778823) + log 0.2689...)/2
     * = (2.1269280110429714 + 1.3132616875182228) / 2 = 1.720094849280597 */
    const uint8_t y2[2] = {0, 1};
    assert_close(catlr_core_cost(z, y2, 2), 1.720094849280597, 1e-15);
}

/* Ensure the cost's sum is the sum of the per-example terms of the case
 * above (0.12692801104297263 + 1.3132616875182228 = 1.4401896985611955),
 * that a sum split in two adds up to it, and that no examples sum to 0. */
static void test_cost_sum(void **state) {
    (void)state;
    const double z[2] = {2, -1};
    const uint8_t y[2] = {1, 1};
    assert_close(catlr_core_cost_sum(z, y, 2), 1.4401896985611955, 1e-15);
    assert_close(catlr_core_cost_sum(z, y, 1) + catlr_core_cost_sum(z + 1, y + 1, 1),
                 1.4401896985611955, 1e-15);
    assert_true(catlr_core_cost_sum(z, y, 0) == 0.0);
    assert_true(catlr_core_cost(z, y, 2) == catlr_core_cost_sum(z, y, 2) / 2);
}

/* Ensure the cost is finite and accurate where log(a) or log(1-a) of the
 * naive formula is log(0): a wrong label at z = 800 costs exactly 800 (the
 * softplus of 800), a right one costs e^-800, which is 0 in double. */
static void test_cost_never_infinite(void **state) {
    (void)state;
    const double z[2] = {800, -800};
    const uint8_t wrong[2] = {0, 1}, right[2] = {1, 0};
    assert_close(catlr_core_cost(z, wrong, 2), 800.0, 1e-12);
    assert_true(catlr_core_cost(z, right, 2) == 0.0);
    /* z = 40, y = 1: loss log(1 + e^-40) = 4.248354255291589e-18, not the
     * 0 that 1 - sigmoid(40) gives */
    const double z40[1] = {40};
    const uint8_t one[1] = {1};
    assert_close_rel(catlr_core_cost(z40, one, 1), 4.248354255291589e-18, 1e-12);
}

// ----------------------------------------------------------------------------
// Backward.

/* Ensure the gradient at w = 0, b = 0 matches the hand computation of the
 * style guide: n_x = 2, m = 2, a = 1/2 everywhere, so dz = (0.5 - y) and
 * dw_i = mean(dz * x_i / 255). X columns (255, 51) y=1 and (0, 204) y=0:
 * dz = (-0.5, 0.5); dw_0 = (-0.5*1 + 0.5*0)/2 = -0.25;
 * dw_1 = (-0.5*0.2 + 0.5*0.8)/2 = 0.15; db = 0. */
static void test_backward_by_hand(void **state) {
    (void)state;
    const uint8_t X[4] = {255, 51, 0, 204};
    const uint8_t y[2] = {1, 0};
    const double z[2] = {0, 0};
    double dw[2], db;
    db = catlr_core_backward(X, 2, 2, z, y, dw);
    assert_close(dw[0], -0.25, 1e-16);
    assert_close(dw[1], 0.15, 1e-16);
    assert_close(db, 0.0, 1e-16);
}

/* Ensure dz = c (a - y) holds by hand: z = (0, 0, log 3) gives
 * a = (1/2, 1/2, 3/4), so with y = (1, 0, 1) dz = (-1/2, 1/2, -1/4), sum
 * -1/4; with class weights (2, 4) (label 0, label 1) dz = (-2, 1, -1), sum
 * -2. All exact in binary but a(log 3), within one rounding of 3/4. */
static void test_dz_by_hand(void **state) {
    (void)state;
    const double z[3] = {0, 0, log(3.0)};
    const uint8_t y[3] = {1, 0, 1};
    const double weight[2] = {2, 4};
    double dz[3];
    assert_close(catlr_core_dz(z, y, 3, NULL, dz), -0.25, 1e-15);
    assert_true(dz[0] == -0.5 && dz[1] == 0.5);
    assert_close(dz[2], -0.25, 1e-15);
    assert_close(catlr_core_dz(z, y, 3, weight, dz), -2.0, 1e-15);
    assert_true(dz[0] == -2.0 && dz[1] == 1.0);
    assert_close(dz[2], -1.0, 1e-15);
    assert_true(catlr_core_dz(z, y, 0, NULL, dz) == 0.0);
}

/* J(w, b) on the toy set, for the finite differences below. */
static double cost_at(const uint8_t *X, size_t n_x, size_t m, const float *w, double b,
                      const uint8_t *y) {
    double z[8];
    catlr_core_forward(X, n_x, m, w, b, z);
    return catlr_core_cost(z, y, m);
}

/* Ensure backward is the gradient of cost: on a 3-feature, 5-example set at
 * a non-trivial point, each dJ/dw_i and dJ/db agrees with centred finite
 * differences (h = 1e-6, relative tolerance 1e-7). A float weight cannot
 * move by 1e-6 exactly, so a step of w_i is taken through its effect on z,
 * z_j +- h x_ij / 255; the step of b goes through the forward pass. */
static void test_backward_finite_differences(void **state) {
    (void)state;
    enum { N_X = 3, M = 5 };
    const uint8_t X[N_X * M] = {10, 200, 30, 255, 0, 128, 64, 64, 64, 1, 2, 250, 90, 180, 45};
    const uint8_t y[M] = {1, 0, 1, 0, 1};
    const float w[N_X] = {0.75f, -1.5f, 2.25f};
    const double b = -0.125;
    double z[M], dw[N_X], db;
    catlr_core_forward(X, N_X, M, w, b, z);
    db = catlr_core_backward(X, N_X, M, z, y, dw);

    const double h = 1e-6;
    for (size_t i = 0; i < N_X; i++) {
        double zp[M], zm[M];
        for (size_t j = 0; j < M; j++) {
            zp[j] = z[j] + h * X[j * N_X + i] / 255.0;
            zm[j] = z[j] - h * X[j * N_X + i] / 255.0;
        }
        double fd = (catlr_core_cost(zp, y, M) - catlr_core_cost(zm, y, M)) / (2 * h);
        assert_close_rel(dw[i], fd, 1e-7);
    }
    double fd_b = (cost_at(X, N_X, M, w, b + h, y) - cost_at(X, N_X, M, w, b - h, y)) / (2 * h);
    assert_close_rel(db, fd_b, 1e-7);
}

/* Ensure the course's computation graph for one example with two features
 * holds through the core: z = w1 x1 + w2 x2 + b, a = sigmoid(z),
 * L = -(y log a + (1-y) log(1-a)); backwards da = -y/a + (1-y)/(1-a),
 * dz = dL/da * da/dz = da * a(1-a) = a - y, dw1 = x1 dz, dw2 = x2 dz,
 * db = dz. With x = (1, 0.4) (pixels 255, 102), w = (0.5, -1), b = 0.1,
 * y = 1: z = 0.5 - 0.4 + 0.1 = 0.2, a = 0.549833997312478,
 * L = -log a = 0.5981388693815918, dz = a - 1 = -0.45016600268752205,
 * dw = (-0.45016600268752205, -0.18006640107500882), db = dz. */
static void test_computation_graph_one_example(void **state) {
    (void)state;
    const uint8_t X[2] = {255, 102};
    const float w[2] = {0.5f, -1.0f};
    const uint8_t y[1] = {1};
    double z, dw[2], db;
    catlr_core_forward(X, 2, 1, w, 0.1, &z);
    assert_close(z, 0.2, 1e-15);
    double a = catlr_core_sigmoid(z);
    assert_close(a, 0.549833997312478, 1e-15);
    assert_close(catlr_core_cost(&z, y, 1), 0.5981388693815918, 1e-15);
    /* the chain rule, written out as the course does, agrees with dz = a - y */
    double da = -1.0 / a, dz_chain = da * a * (1 - a);
    db = catlr_core_backward(X, 2, 1, &z, y, dw);
    assert_close(db, dz_chain, 1e-15);
    assert_close(db, -0.45016600268752205, 1e-15);
    assert_close(dw[0], -0.45016600268752205, 1e-15);
    assert_close(dw[1], -0.18006640107500882, 1e-15);
}

// ----------------------------------------------------------------------------
// Update.

/* Ensure one gradient-descent step moves w and b by -lr times the gradient,
 * rounding w to float: w = (1, 0.5), dw = (0.25, -2), b = 1, db = 0.5,
 * lr = 0.1: w = (0.975, 0.7) as floats, b = 0.95. */
static void test_update_step(void **state) {
    (void)state;
    float w[2] = {1.0f, 0.5f};
    double b = 1.0;
    const double dw[2] = {0.25, -2.0};
    catlr_core_update(w, &b, dw, 0.5, 2, 0.1);
    assert_true(w[0] == (float)0.975);
    assert_true(w[1] == (float)0.7);
    assert_close(b, 0.95, 1e-16);
}

/* Ensure a full step from zero on the style guide's two-feature example
 * lands where the hand computation says: dw = (-0.25, 0.15), db = 0 (see
 * test_backward_by_hand); with lr = 0.5, w = (0.125, -0.075), b = 0; the
 * new z = (0.125*1 - 0.075*0.2, -0.075*0.8) = (0.11, -0.06), and the cost
 * drops from log 2 to (softplus(-0.11) + softplus(-0.06)) / 2 =
 * (0.639658918622423 + 0.6635971130761409) / 2 = 0.651628015849282. */
static void test_one_descent_step(void **state) {
    (void)state;
    const uint8_t X[4] = {255, 51, 0, 204};
    const uint8_t y[2] = {1, 0};
    float w[2] = {0, 0};
    double b = 0, z[2], dw[2], db;
    catlr_core_forward(X, 2, 2, w, b, z);
    assert_close(catlr_core_cost(z, y, 2), LOG2, 1e-16);
    db = catlr_core_backward(X, 2, 2, z, y, dw);
    catlr_core_update(w, &b, dw, db, 2, 0.5);
    assert_true(w[0] == 0.125f);
    assert_true(w[1] == (float)-0.075);
    assert_close(b, 0.0, 1e-17);
    catlr_core_forward(X, 2, 2, w, b, z);
    assert_close(z[0], 0.11, 1e-8); /* w[1] is the float nearest -0.075 */
    assert_close(z[1], -0.06, 1e-8);
    assert_close(catlr_core_cost(z, y, 2), 0.651628015849282, 1e-8);
}

// ----------------------------------------------------------------------------
// The solvers against the reference.

enum { REF_SIDE = 2, REF_N_X = REF_SIDE * REF_SIDE * 3, REF_M = 40, REF_STEPS = 5 };

/* A fixed set of REF_M examples of REF_N_X pixels, label 1 for about half
 * of them, with pixels that lean to the label so that the steps move. */
static void reference_set(uint8_t X[REF_N_X * REF_M], uint8_t y[REF_M]) {
    for (size_t j = 0; j < REF_M; j++) {
        y[j] = (uint8_t)((j * 7 + 3) % 5 < 2);
        for (size_t i = 0; i < REF_N_X; i++)
            X[j * REF_N_X + i] = (uint8_t)((j * 37 + i * 101 + (y[j] ? 60 : 0)) % 256);
    }
}

/* Ensure each solver's fused kernels take the steps of the float64
 * reference, REF_STEPS steps of catlr_core_forward, catlr_core_backward
 * and catlr_core_update: the same weights, bias and final cost, to
 * rounding (the solvers keep w in double and add in their own orders). */
static void test_solvers_follow_reference(void **state) {
    (void)state;
    uint8_t X[REF_N_X * REF_M], y[REF_M];
    reference_set(X, y);
    const double lr = 0.5;
    float w[REF_N_X] = {0};
    double b = 0, z[REF_M], dw[REF_N_X], db;
    for (size_t it = 0; it < REF_STEPS; it++) {
        catlr_core_forward(X, REF_N_X, REF_M, w, b, z);
        db = catlr_core_backward(X, REF_N_X, REF_M, z, y, dw);
        catlr_core_update(w, &b, dw, db, REF_N_X, lr);
    }
    catlr_core_forward(X, REF_N_X, REF_M, w, b, z);
    const double cost = catlr_core_cost(z, y, REF_M);
    assert_true(fabs(b) > 1e-3 && fabs(w[0]) > 1e-3); /* the steps moved */
    const catlr_solver solvers[] = {CATLR_SOLVER_PRIMAL, CATLR_SOLVER_GRAM};
    for (size_t s = 0; s < sizeof solvers / sizeof *solvers; s++) {
        catlr_model model;
        const catlr_model_shape shape = {
            .height = REF_SIDE, .width = REF_SIDE, .channels = 3, .class_names = {"a", "b"},
            .positive = 1};
        assert_int_equal(catlr_model_init(&model, &shape, NULL), CATLR_OK);
        catlr_train_params params = catlr_train_defaults();
        params.lr = lr;
        params.iterations = REF_STEPS;
        params.solver = solvers[s];
        params.threads = 1;
        const catlr_train_problem prob = {.X = X, .y = y, .m = REF_M};
        assert_int_equal(catlr_train(&prob, &params, NULL, &model, NULL), CATLR_OK);
        assert_int_equal(model.solver, solvers[s]);
        for (size_t i = 0; i < REF_N_X; i++)
            assert_close(model.w[i], w[i], 1e-7);
        assert_close(model.b, b, 1e-7);
        assert_close(model.final_cost, cost, 1e-7);
        catlr_model_free(&model);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigmoid_values),
        cmocka_unit_test(test_sigmoid_symmetry),
        cmocka_unit_test(test_sigmoid_limits),
        cmocka_unit_test(test_forward_by_hand),
        cmocka_unit_test(test_forward_lengths),
        cmocka_unit_test(test_cost_at_zero),
        cmocka_unit_test(test_cost_by_hand),
        cmocka_unit_test(test_cost_sum),
        cmocka_unit_test(test_cost_never_infinite),
        cmocka_unit_test(test_dz_by_hand),
        cmocka_unit_test(test_backward_by_hand),
        cmocka_unit_test(test_backward_finite_differences),
        cmocka_unit_test(test_computation_graph_one_example),
        cmocka_unit_test(test_update_step),
        cmocka_unit_test(test_one_descent_step),
        cmocka_unit_test(test_solvers_follow_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
