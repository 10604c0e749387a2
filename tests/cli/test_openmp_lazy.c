/* test_openmp_lazy.c: src/cli/openmp_lazy.c, linked as the catlr program
 * links it (GCC builds only): the OpenMP runtime is not loaded before the
 * first OpenMP construct, is loaded by it, and every kind of construct the
 * library uses, or may, gives what it gives with the runtime linked: loops
 * of each schedule over long and size_t variables, reductions, critical
 * sections named and not, atomics, barriers, single, sections, tasks,
 * ordered, and the omp_* functions. */
#include <dlfcn.h>
#include <omp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

enum { THREADS = 3, N = 1000 };

/* Ensure the runtime is not loaded before the first construct (so the
 * program does not need it), and is after it, with the team asked for.
 * Must run first. */
static void test_loaded_on_first_use(void **state) {
    (void)state;
    assert_null(dlopen(CATLR_OPENMP_LIBRARY, RTLD_LAZY | RTLD_NOLOAD));
    int team = 0;
#pragma omp parallel num_threads(THREADS)
    {
#pragma omp single
        team = omp_get_num_threads();
    }
    assert_int_equal(team, THREADS);
    void *handle = dlopen(CATLR_OPENMP_LIBRARY, RTLD_LAZY | RTLD_NOLOAD);
    assert_non_null(handle);
    dlclose(handle);
}

/* Ensure loops of every schedule, over long and over size_t (GCC's
 * unsigned long long entry points), visit each index once, and reduce. */
static void test_loops(void **state) {
    (void)state;
    int seen[N] = {0};
    long sum = 0;
#pragma omp parallel for num_threads(THREADS) schedule(static) reduction(+ : sum)
    for (long i = 0; i < N; i++)
        sum += i, seen[i]++;
#pragma omp parallel for num_threads(THREADS) schedule(static, 7)
    for (long i = 0; i < N; i++)
        seen[i]++;
#pragma omp parallel for num_threads(THREADS) schedule(dynamic, 4)
    for (size_t i = 0; i < N; i++)
        seen[i]++;
#pragma omp parallel for num_threads(THREADS) schedule(dynamic)
    for (long i = 0; i < N; i++)
        seen[i]++;
#pragma omp parallel for num_threads(THREADS) schedule(guided)
    for (size_t i = 0; i < N; i++)
        seen[i]++;
#pragma omp parallel for num_threads(THREADS) schedule(runtime)
    for (long i = 0; i < N; i++)
        seen[i]++;
#pragma omp parallel num_threads(THREADS)
    {
#pragma omp for schedule(static) nowait
        for (size_t i = 0; i < N; i++)
            seen[i]++;
#pragma omp barrier
#pragma omp for schedule(dynamic, 8)
        for (long i = 0; i < N; i++)
            seen[i]++;
    }
    assert_int_equal(sum, (long)N * (N - 1) / 2);
    for (int i = 0; i < N; i++)
        assert_int_equal(seen[i], 8);
}

/* Ensure critical sections (plain and named), atomics (on a double, and
 * on a long double, which takes GOMP_atomic_start) and a double reduction
 * give the serial sums. */
static void test_critical_and_atomic(void **state) {
    (void)state;
    long plain = 0, named = 0;
    double atomic = 0, reduced = 0;
    long double wide = 0;
#pragma omp parallel for num_threads(THREADS) reduction(+ : reduced)
    for (long i = 0; i < N; i++) {
#pragma omp critical
        plain += i;
#pragma omp critical(catlr_test_named)
        named += 2 * i;
#pragma omp atomic
        atomic += 1.0;
#pragma omp atomic
        wide += 1.0L;
        reduced += 0.5;
    }
    assert_int_equal(plain, (long)N * (N - 1) / 2);
    assert_int_equal(named, (long)N * (N - 1));
    assert_true(atomic == N && wide == N && reduced == N / 2.0);
}

/* Ensure single, sections, tasks and ordered run each piece once (ordered
 * in order), and the omp_* functions answer inside and outside a team. */
static void test_single_sections_tasks(void **state) {
    (void)state;
    int singles = 0, a = 0, b = 0, tasks = 0, next = 0, in_order = 1;
    int inside = 0, ids = 0;
#pragma omp parallel num_threads(THREADS) reduction(+ : ids)
    {
        ids += omp_get_thread_num();
        if (omp_in_parallel() && omp_get_level() == 1)
#pragma omp atomic
            inside++;
#pragma omp single
        singles++;
#pragma omp sections
        {
#pragma omp section
            a++;
#pragma omp section
            b++;
        }
#pragma omp single
        {
            for (int k = 0; k < 10; k++) {
#pragma omp task shared(tasks)
                {
#pragma omp atomic
                    tasks++;
                }
            }
#pragma omp taskwait
        }
#pragma omp for ordered schedule(dynamic)
        for (int i = 0; i < 50; i++) {
#pragma omp ordered
            {
                in_order &= next == i;
                next++;
            }
        }
    }
    assert_int_equal(singles, 1);
    assert_int_equal(a + b, 2);
    assert_int_equal(tasks, 10);
    assert_true(in_order && next == 50);
    assert_int_equal(inside, THREADS);
    assert_int_equal(ids, THREADS * (THREADS - 1) / 2);
    assert_int_equal(omp_get_thread_num(), 0);
    assert_int_equal(omp_get_num_threads(), 1);
    assert_false(omp_in_parallel());
    assert_true(omp_get_num_procs() >= 1);
    int before = omp_get_max_threads();
    omp_set_num_threads(2);
    assert_int_equal(omp_get_max_threads(), 2);
    omp_set_num_threads(before);
    double t0 = omp_get_wtime(), t1 = omp_get_wtime();
    assert_true(t1 >= t0 && t0 > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loaded_on_first_use),
        cmocka_unit_test(test_loops),
        cmocka_unit_test(test_critical_and_atomic),
        cmocka_unit_test(test_single_sections_tasks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
