/* test_solver_cost.c: the cost model behind --solver auto chooses as
 * docs/performance.md ("How auto chooses") shows, and its estimates move
 * the way the work does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "train/solver_cost.h"

/* One training of m course-sized images (12288 bytes) for `epochs`
 * iterations on `threads` threads, without held-out examples. */
static catlr_solver_work course_work(size_t m, double epochs, int threads) {
    catlr_solver_work w = {.n_x = 12288,
                           .gram_m = m,
                           .held_m = 0,
                           .epoch_m = m,
                           .val_m = 0,
                           .epochs = epochs,
                           .threads = threads};
    return w;
}

static int prefers_gram(size_t m, double epochs) {
    const catlr_solver_work w = course_work(m, epochs, 2);
    return catlr_solver_cost_prefers_gram(&w);
}

/* The table of docs/performance.md, two threads: Gram's set-up pays for
 * itself over the course's 209 images at once, over 2,090 and 10,450 only
 * with many epochs, and at 25,000 an epoch of K (m^2 multiply-adds) costs
 * more than one of X (2 n_x m), so primal wins at any length. */
static void test_table(void **state) {
    (void)state;
    assert_true(prefers_gram(209, 20));
    assert_true(prefers_gram(209, 2000));
    assert_false(prefers_gram(2090, 20));
    assert_true(prefers_gram(2090, 2000));
    assert_false(prefers_gram(10450, 20));
    assert_true(prefers_gram(10450, 2000));
    assert_false(prefers_gram(25000, 20));
    assert_false(prefers_gram(25000, 2000));
}

/* A couple of epochs do not repay even the course's small K. */
static void test_few_epochs_take_primal(void **state) {
    (void)state;
    assert_false(prefers_gram(209, 2));
    assert_false(prefers_gram(209, 0));
}

/* Both estimates grow with the epochs, the examples and the features, and
 * fall with a second thread; Gram's set-up is paid once. */
static void test_estimates_follow_the_work(void **state) {
    (void)state;
    catlr_solver_work a = course_work(2090, 100, 2), b = a;
    b.epochs = 200;
    assert_true(catlr_solver_cost_primal(&b) > catlr_solver_cost_primal(&a));
    assert_true(catlr_solver_cost_gram(&b) > catlr_solver_cost_gram(&a));
    /* set-up once: twice the epochs is less than twice the Gram time */
    assert_true(catlr_solver_cost_gram(&b) < 2 * catlr_solver_cost_gram(&a));
    assert_true(catlr_solver_cost_primal(&b) > 1.99 * catlr_solver_cost_primal(&a));
    b = a;
    b.epoch_m = b.gram_m = 4000;
    assert_true(catlr_solver_cost_primal(&b) > catlr_solver_cost_primal(&a));
    assert_true(catlr_solver_cost_gram(&b) > catlr_solver_cost_gram(&a));
    b = a;
    b.n_x = 3 * 64 * 64 * 2;
    assert_true(catlr_solver_cost_primal(&b) > catlr_solver_cost_primal(&a));
    assert_true(catlr_solver_cost_gram(&b) > catlr_solver_cost_gram(&a));
    b = a;
    b.threads = 1;
    assert_true(catlr_solver_cost_primal(&b) > catlr_solver_cost_primal(&a));
    assert_true(catlr_solver_cost_gram(&b) > catlr_solver_cost_gram(&a));
}

/* Held-out examples add to both: rows of K built once, and a forward pass
 * of them every epoch. */
static void test_held_out_rows_cost(void **state) {
    (void)state;
    catlr_solver_work a = course_work(2090, 2000, 2), b = a;
    b.held_m = b.val_m = 500;
    assert_true(catlr_solver_cost_primal(&b) > catlr_solver_cost_primal(&a));
    assert_true(catlr_solver_cost_gram(&b) > catlr_solver_cost_gram(&a));
    b = a;
    b.held_m = 500; /* a test set: built once, not read every epoch */
    assert_true(catlr_solver_cost_primal(&b) == catlr_solver_cost_primal(&a));
    assert_true(catlr_solver_cost_gram(&b) > catlr_solver_cost_gram(&a));
}

/* Cross-validation: K built once over all examples serves every run's
 * epochs on its fold, so many runs tip the choice to Gram. */
static void test_many_runs_share_one_setup(void **state) {
    (void)state;
    catlr_solver_work w = course_work(10450, 20, 2);
    w.epoch_m = 10450 - 10450 / 5;
    assert_false(catlr_solver_cost_prefers_gram(&w));
    w.epochs = 20.0 * 5 * 40; /* 5 folds, 40 settings */
    assert_true(catlr_solver_cost_prefers_gram(&w));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_few_epochs_take_primal),
        cmocka_unit_test(test_estimates_follow_the_work),
        cmocka_unit_test(test_held_out_rows_cost),
        cmocka_unit_test(test_many_runs_share_one_setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
