/* test_checkpoint.c: the checkpoint file (save, load, the refusals of a
 * damaged one) and catlr_train's checkpoints: a run stopped and resumed
 * ends with the very weights of the run that was not, for both solvers,
 * with a validation set and class weights; a resume with other data or
 * other settings is refused with the setting named. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "catlr/checkpoint.h"
#include "catlr/train.h"
#include "test_util.h"

enum { N_X = 9, M = 31, VAL_M = 7, ITERATIONS = 120 };

typedef struct data {
    uint8_t X[N_X * M], y[M];
    uint8_t val_X[N_X * VAL_M], val_y[VAL_M];
} data;

/* Bytes that an LCG draws, the same on every machine; label 1 for about a
 * third, on the high side but for a few. */
static void make_data(data *d) {
    uint32_t s = 777;
    for (size_t j = 0; j < M + VAL_M; j++) {
        uint8_t *x = j < M ? d->X + j * N_X : d->val_X + (j - M) * N_X;
        uint8_t *y = j < M ? d->y + j : d->val_y + (j - M);
        *y = j % 3 == 0;
        for (size_t i = 0; i < N_X; i++) {
            s = s * 1664525u + 1013904223u;
            unsigned noise = (s >> 24) % 140;
            x[i] = (uint8_t)((*y ^ (j % 8 == 5)) ? 100 + noise : noise);
        }
    }
}

static catlr_checkpoint sample(double *state) {
    for (size_t k = 0; k < 5; k++)
        state[k] = 0.1 * (double)k - 1.0 / 3.0;
    return (catlr_checkpoint){
        .iteration = 40, .iterations = 100, .solver = CATLR_SOLVER_PRIMAL, .lr = 0.005,
        .l2 = 0.5, .tol = 0, .class_weight = {1, 2.5}, .start_crc = 0xdeadbeef, .m = 209,
        .count = {137, 72}, .processes = 2, .data_sum = 123456789012ull, .val_m = 0,
        .val_crc = 0, .previous = NAN, .best_iteration = 3, .best_cost = 0.25,
        .best_val_cost = INFINITY, .n_state = 5, .state = state,
    };
}

/* Ensure a checkpoint reads back field for field, bit for bit, and leaves
 * no temporary file beside it. */
static void test_round_trip(void **state) {
    char *path = test_path(*state, "a.ckpt");
    double s[5];
    catlr_checkpoint ck = sample(s), back;
    assert_int_equal(catlr_checkpoint_save(&ck, path, NULL), CATLR_OK);
    assert_int_equal(catlr_checkpoint_load(path, &back, NULL), CATLR_OK);
    assert_int_equal(back.iteration, 40);
    assert_int_equal(back.data_sum, 123456789012ull);
    assert_true(isnan(back.previous) && isinf(back.best_val_cost));
    assert_int_equal(back.n_state, 5);
    assert_memory_equal(back.state, s, sizeof s);
    char buf[200];
    assert_null(catlr_checkpoint_mismatch(&ck, &back, buf, sizeof buf));
    catlr_checkpoint_free(&back);
    free(path);
}

/* The file at path with byte k changed, or cut to size bytes. */
static void damage(const char *path, long k, size_t cut) {
    size_t size;
    unsigned char *bytes = test_read_file(path, &size);
    if (k >= 0)
        bytes[k] ^= 0x10;
    test_write_file(path, bytes, cut > 0 && cut < size ? cut : size);
    free(bytes);
}

/* catlr_checkpoint_load of a damaged copy of the sample: its status, and
 * the reason in want. */
static void assert_refused(const char *dir, long k, size_t cut, const char *want) {
    char *path = test_path(dir, "d.ckpt");
    double s[5];
    catlr_checkpoint ck = sample(s), back;
    assert_int_equal(catlr_checkpoint_save(&ck, path, NULL), CATLR_OK);
    damage(path, k, cut);
    catlr_error err;
    assert_int_equal(catlr_checkpoint_load(path, &back, &err), CATLR_ERR_FORMAT);
    assert_non_null(strstr(err.reason, want));
    assert_null(back.state);
    free(path);
}

/* Ensure a file that is not a checkpoint, one with a flipped byte and one
 * cut short are refused, each with its own reason. */
static void test_damaged(void **state) {
    assert_refused(*state, 0, 0, "bad magic");
    assert_refused(*state, 60, 0, "checksum mismatch");
    assert_refused(*state, -1, 100, "cut short");
    assert_refused(*state, -1, 20, "cut short");
}

/* Ensure another data set or other settings are named as the reason. */
static void test_mismatch(void **state) {
    (void)state;
    double s[5];
    catlr_checkpoint a = sample(s), b = a;
    char buf[200];
    b.data_sum++;
    assert_non_null(catlr_checkpoint_mismatch(&a, &b, buf, sizeof buf));
    assert_non_null(strstr(buf, "training data"));
    b = a;
    b.m = 208;
    catlr_checkpoint_mismatch(&a, &b, buf, sizeof buf);
    assert_non_null(strstr(buf, "number of training images differs: 209"));
    b = a;
    b.lr = 0.01;
    catlr_checkpoint_mismatch(&a, &b, buf, sizeof buf);
    assert_non_null(strstr(buf, "--lr differs"));
    b = a;
    b.class_weight[1] = 1;
    catlr_checkpoint_mismatch(&a, &b, buf, sizeof buf);
    assert_non_null(strstr(buf, "--class-weight"));
    b = a;
    b.solver = CATLR_SOLVER_GRAM;
    catlr_checkpoint_mismatch(&a, &b, buf, sizeof buf);
    assert_non_null(strstr(buf, "--solver differs: primal in the checkpoint, gram now"));
}

// ----------------------------------------------------------------------------
// Stopping and resuming catlr_train.

/* What the hooks below share: stop once `stop_at` steps are taken, and the
 * last checkpoint handed over (a copy). */
typedef struct control {
    size_t polls, stop_at;
    catlr_checkpoint last;
} control;

static int stop_when(void *ctl) {
    control *c = ctl;
    return ++c->polls > c->stop_at;
}

static catlr_status keep(void *ctl, const catlr_checkpoint *ck, catlr_error *err) {
    (void)err;
    control *c = ctl;
    catlr_checkpoint_free(&c->last);
    c->last = *ck;
    c->last.state = malloc(ck->n_state * sizeof *ck->state);
    assert_non_null(c->last.state);
    memcpy(c->last.state, ck->state, ck->n_state * sizeof *ck->state);
    return CATLR_OK;
}

static catlr_train_problem problem_of(const data *d, int with_val) {
    catlr_train_problem prob = {.X = d->X, .y = d->y, .m = M};
    if (with_val)
        prob.val = (catlr_train_set){.X = d->val_X, .y = d->val_y, .m = VAL_M};
    return prob;
}

static void new_model(catlr_model *model) {
    const catlr_model_shape shape = {
        .height = 1, .width = N_X, .channels = 1, .class_names = {"a", "b"}, .positive = 1};
    assert_int_equal(catlr_model_init(model, &shape, NULL), CATLR_OK);
}

/* A run stopped after `stop_at` steps with a checkpoint every `every`,
 * then resumed from its last checkpoint through a file, against the run
 * that was never stopped: the same weights, bias and record. */
static void stop_and_resume(const char *dir, catlr_solver solver, int with_val,
                            int weighted, size_t stop_at, size_t every) {
    data d;
    make_data(&d);
    const catlr_train_problem prob = problem_of(&d, with_val);
    catlr_train_params params = catlr_train_defaults();
    params.lr = 0.01;
    params.iterations = ITERATIONS;
    params.solver = solver;
    params.l2 = 0.3;
    if (weighted)
        params.class_weight_balanced = 1;
    catlr_model whole, part, resumed;
    new_model(&whole);
    assert_int_equal(catlr_train(&prob, &params, NULL, &whole, NULL), CATLR_OK);

    control c = {.stop_at = stop_at};
    catlr_train_hooks hooks = {
        .should_stop = stop_when, .on_checkpoint = keep, .ctl = &c, .checkpoint_every = every};
    new_model(&part);
    catlr_error err;
    assert_int_equal(catlr_train(&prob, &params, &hooks, &part, &err), CATLR_ERR_STOPPED);
    assert_int_equal(part.iterations, stop_at + 1);
    assert_int_equal(c.last.iteration, stop_at + 1);
    char *path = test_path(dir, "run.ckpt");
    assert_int_equal(catlr_checkpoint_save(&c.last, path, NULL), CATLR_OK);
    catlr_checkpoint from;
    assert_int_equal(catlr_checkpoint_load(path, &from, NULL), CATLR_OK);

    const catlr_train_hooks again = {.resume = &from};
    new_model(&resumed);
    assert_int_equal(catlr_train(&prob, &params, &again, &resumed, NULL), CATLR_OK);
    assert_memory_equal(resumed.w, whole.w, N_X * sizeof *whole.w);
    assert_memory_equal(&resumed.b, &whole.b, sizeof whole.b);
    assert_memory_equal(&resumed.final_cost, &whole.final_cost, sizeof whole.final_cost);
    assert_int_equal(resumed.best_iteration, whole.best_iteration);

    /* other settings, other data: refused, the setting named */
    catlr_model other;
    new_model(&other);
    params.lr = 0.02;
    assert_int_equal(catlr_train(&prob, &params, &again, &other, &err), CATLR_ERR_ARG);
    assert_non_null(strstr(err.reason, "--lr differs"));
    params.lr = 0.01;
    catlr_train_problem fewer = prob;
    fewer.m = M - 1;
    assert_int_equal(catlr_train(&fewer, &params, &again, &other, &err), CATLR_ERR_ARG);
    assert_non_null(strstr(err.reason, "number of training images"));
    d.X[5] ^= 1; /* one pixel */
    assert_int_equal(catlr_train(&prob, &params, &again, &other, &err), CATLR_ERR_ARG);
    assert_non_null(strstr(err.reason, "the training data differs"));

    catlr_model_free(&other);
    catlr_checkpoint_free(&from);
    catlr_checkpoint_free(&c.last);
    free(path);
    catlr_model_free(&whole);
    catlr_model_free(&part);
    catlr_model_free(&resumed);
}

/* Ensure a stopped and resumed primal run ends bit for bit as the whole
 * one, plain, with a validation set and with class weights. */
static void test_resume_primal(void **state) {
    stop_and_resume(*state, CATLR_SOLVER_PRIMAL, 0, 0, 37, 10);
    stop_and_resume(*state, CATLR_SOLVER_PRIMAL, 1, 0, 1, 0);
    stop_and_resume(*state, CATLR_SOLVER_PRIMAL, 1, 1, 90, 7);
}

/* Ensure the same for the Gram solver (alpha, c and b). */
static void test_resume_gram(void **state) {
    stop_and_resume(*state, CATLR_SOLVER_GRAM, 0, 0, 37, 10);
    stop_and_resume(*state, CATLR_SOLVER_GRAM, 1, 0, 5, 0);
    stop_and_resume(*state, CATLR_SOLVER_GRAM, 1, 1, 100, 3);
}

/* Ensure a stop asked during the last iteration lets the run end. */
static void test_stop_on_last_iteration(void **state) {
    (void)state;
    data d;
    make_data(&d);
    const catlr_train_problem prob = problem_of(&d, 0);
    catlr_train_params params = catlr_train_defaults();
    params.iterations = ITERATIONS;
    control c = {.stop_at = ITERATIONS - 1};
    const catlr_train_hooks hooks = {.should_stop = stop_when, .on_checkpoint = keep, .ctl = &c};
    catlr_model model;
    new_model(&model);
    assert_int_equal(catlr_train(&prob, &params, &hooks, &model, NULL), CATLR_OK);
    assert_int_equal(model.iterations, ITERATIONS);
    assert_null(c.last.state); /* no checkpoint after the last step */
    catlr_model_free(&model);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_mismatch),
        cmocka_unit_test(test_resume_primal),
        cmocka_unit_test(test_resume_gram),
        cmocka_unit_test(test_stop_on_last_iteration),
    };
    return cmocka_run_group_tests(tests, test_tempdir_setup, test_tempdir_teardown);
}
