/* openmp_lazy.c: GCC's OpenMP runtime, libgomp, loaded at the first
 * OpenMP call rather than at every start. In the catlr program only, and
 * only where GCC compiled the OpenMP code (CMake adds this file then).
 *
 * GCC turns each OpenMP construct into calls of libgomp's GOMP_* entry
 * points (GOMP_parallel, GOMP_loop_*...), and the library calls a few
 * omp_* functions. This file defines every one of them that the library
 * uses or may soon use, as a forwarder that loads libgomp on first use and
 * calls the function of the same name there. The program's objects bind to
 * these definitions at link time, so the program no longer needs libgomp
 * (it is linked with --as-needed), and a command that never reaches an
 * OpenMP construct, such as `catlr predict` on one image or `--version`,
 * never maps it: that was a tenth of a millisecond and 30 page faults of
 * every start. Should the library ever call an entry point missing here,
 * the link takes it from libgomp, which the program then needs again: the
 * startup_libraries test names the symbol.
 *
 * The loaded library is the one process-wide state here, and it cannot be
 * otherwise: the compiler's calls carry no context to hand it in, and
 * OpenMP's runtime is one per process by design (its thread pool, its
 * locks for critical sections). It is written once, under pthread_once,
 * by whichever thread calls first, and only read after; libgomp is never
 * unloaded, since its threads outlive any call. The first call always
 * comes from code outside any parallel region (a region is entered
 * through GOMP_parallel, which loads the library first), but pthread_once
 * makes the load safe from any number of threads of the caller's own. */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Every function forwarded: X(return type, name, (parameters), (arguments)),
 * with the prototypes of GCC's libgomp_g.h and omp.h (their parameter
 * lists are libgomp's ABI, hence a few over six). Grouped as libgomp's
 * sources are: barriers, critical sections and atomics, loops with long and
 * with unsigned long long iteration variables (size_t loops take the
 * latter), parallel regions, single, ordered, sections, tasks; then the
 * omp_* functions. */
typedef unsigned long long ull;
typedef void *void_ptr; /* one token, for LAZY_RETURN_##ret below */
typedef void (*gomp_fn)(void *);
typedef void (*gomp_copy_fn)(void *, void *);

#define GOMP_SYNC(X)                                                           \
    X(void, GOMP_barrier, (void), ())                                          \
    X(void, GOMP_critical_start, (void), ())                                   \
    X(void, GOMP_critical_end, (void), ())                                     \
    X(void, GOMP_critical_name_start, (void **p), (p))                         \
    X(void, GOMP_critical_name_end, (void **p), (p))                           \
    X(void, GOMP_atomic_start, (void), ())                                     \
    X(void, GOMP_atomic_end, (void), ())

#define LOOP_START(X, kind)                                                    \
    X(_Bool, GOMP_loop_##kind##_start, (long s, long e, long i, long c, long *a, long *b), \
      (s, e, i, c, a, b))                                                      \
    X(_Bool, GOMP_loop_##kind##_next, (long *a, long *b), (a, b))              \
    X(_Bool, GOMP_loop_ull_##kind##_start,                                     \
      (_Bool u, ull s, ull e, ull i, ull c, ull *a, ull *b), (u, s, e, i, c, a, b)) \
    X(_Bool, GOMP_loop_ull_##kind##_next, (ull *a, ull *b), (a, b))
#define LOOP_RUNTIME(X, kind)                                                  \
    X(_Bool, GOMP_loop_##kind##_start, (long s, long e, long i, long *a, long *b), \
      (s, e, i, a, b))                                                         \
    X(_Bool, GOMP_loop_##kind##_next, (long *a, long *b), (a, b))              \
    X(_Bool, GOMP_loop_ull_##kind##_start, (_Bool u, ull s, ull e, ull i, ull *a, ull *b), \
      (u, s, e, i, a, b))                                                      \
    X(_Bool, GOMP_loop_ull_##kind##_next, (ull *a, ull *b), (a, b))
/* a parallel region that is one loop, in one call */
#define PARALLEL_LOOP(X, kind)                                                 \
    X(void, GOMP_parallel_loop_##kind,                                         \
      (gomp_fn f, void *d, unsigned n, long s, long e, long i, long c, unsigned fl), \
      (f, d, n, s, e, i, c, fl))
#define PARALLEL_LOOP_RUNTIME(X, kind)                                         \
    X(void, GOMP_parallel_loop_##kind,                                         \
      (gomp_fn f, void *d, unsigned n, long s, long e, long i, unsigned fl),  \
      (f, d, n, s, e, i, fl))

#define GOMP_LOOPS(X)                                                          \
    LOOP_START(X, static) PARALLEL_LOOP(X, static)                             \
    LOOP_START(X, dynamic) PARALLEL_LOOP(X, dynamic)                           \
    LOOP_START(X, guided) PARALLEL_LOOP(X, guided)                             \
    LOOP_START(X, nonmonotonic_dynamic) PARALLEL_LOOP(X, nonmonotonic_dynamic) \
    LOOP_START(X, nonmonotonic_guided) PARALLEL_LOOP(X, nonmonotonic_guided)   \
    LOOP_RUNTIME(X, runtime) PARALLEL_LOOP_RUNTIME(X, runtime)                 \
    LOOP_RUNTIME(X, nonmonotonic_runtime) PARALLEL_LOOP_RUNTIME(X, nonmonotonic_runtime) \
    LOOP_RUNTIME(X, maybe_nonmonotonic_runtime)                                \
    PARALLEL_LOOP_RUNTIME(X, maybe_nonmonotonic_runtime)                       \
    LOOP_START(X, ordered_static)                                              \
    LOOP_START(X, ordered_dynamic)                                             \
    LOOP_START(X, ordered_guided)                                              \
    LOOP_RUNTIME(X, ordered_runtime)                                           \
    X(_Bool, GOMP_loop_start,                                                   \
      (long s, long e, long i, long k, long c, long *a, long *b, uintptr_t *r, void **m), \
      (s, e, i, k, c, a, b, r, m))                                             \
    X(_Bool, GOMP_loop_ull_start,                                               \
      (_Bool u, ull s, ull e, ull i, long k, ull c, ull *a, ull *b, uintptr_t *r, void **m), \
      (u, s, e, i, k, c, a, b, r, m))                                          \
    X(void, GOMP_loop_end, (void), ())                                         \
    X(void, GOMP_loop_end_nowait, (void), ())

#define GOMP_REGIONS(X)                                                        \
    X(void, GOMP_parallel, (gomp_fn f, void *d, unsigned n, unsigned fl), (f, d, n, fl)) \
    X(unsigned, GOMP_parallel_reductions, (gomp_fn f, void *d, unsigned n, unsigned fl), \
      (f, d, n, fl))                                                           \
    X(_Bool, GOMP_single_start, (void), ())                                     \
    X(void_ptr, GOMP_single_copy_start, (void), ())                              \
    X(void, GOMP_single_copy_end, (void *p), (p))                              \
    X(void, GOMP_ordered_start, (void), ())                                    \
    X(void, GOMP_ordered_end, (void), ())                                      \
    X(unsigned, GOMP_sections_start, (unsigned n), (n))                        \
    X(unsigned, GOMP_sections_next, (void), ())                                \
    X(void, GOMP_sections_end, (void), ())                                     \
    X(void, GOMP_sections_end_nowait, (void), ())                              \
    X(void, GOMP_parallel_sections,                                            \
      (gomp_fn f, void *d, unsigned n, unsigned c, unsigned fl), (f, d, n, c, fl)) \
    X(void, GOMP_task,                                                         \
      (gomp_fn f, void *d, gomp_copy_fn cp, long sz, long al, _Bool ifc, unsigned fl, \
       void **dep, int pri),                                                   \
      (f, d, cp, sz, al, ifc, fl, dep, pri))                                   \
    X(void, GOMP_taskwait, (void), ())                                         \
    X(void, GOMP_taskgroup_start, (void), ())                                  \
    X(void, GOMP_taskgroup_end, (void), ())                                    \
    X(void, GOMP_workshare_task_reduction_unregister, (_Bool c), (c))

#define OMP_FUNCTIONS(X)                                                       \
    X(int, omp_get_thread_num, (void), ())                                     \
    X(int, omp_get_num_threads, (void), ())                                    \
    X(int, omp_get_max_threads, (void), ())                                    \
    X(void, omp_set_num_threads, (int n), (n))                                 \
    X(int, omp_get_num_procs, (void), ())                                      \
    X(int, omp_in_parallel, (void), ())                                        \
    X(int, omp_get_level, (void), ())                                          \
    X(double, omp_get_wtime, (void), ())

#define LAZY_FUNCTIONS(X) GOMP_SYNC(X) GOMP_LOOPS(X) GOMP_REGIONS(X) OMP_FUNCTIONS(X)

/* Declared here, since neither header may be included: omp.h's
 * declarations would do, but libgomp_g.h is not installed. */
#define LAZY_PROTOTYPE(ret, name, params, args) ret name params;
LAZY_FUNCTIONS(LAZY_PROTOTYPE)
#undef LAZY_PROTOTYPE

// ----------------------------------------------------------------------------
// The library, loaded once.

typedef struct gomp_runtime {
    void *handle; /* from dlopen; never closed */
#define LAZY_MEMBER(ret, name, params, args) ret(*name) params;
    LAZY_FUNCTIONS(LAZY_MEMBER)
#undef LAZY_MEMBER
} gomp_runtime;

static gomp_runtime runtime;             /* set once by load(), then only read */
static pthread_once_t loaded = PTHREAD_ONCE_INIT;

/* name's address in handle into *slot, a function pointer (ISO C has no
 * cast from void *; POSIX makes them the same size and copyable); 0 and
 * the reason in why when there is none. */
static int look_up(void *handle, const char *name, void *slot, size_t size,
                   const char **why) {
    dlerror();
    void *address = dlsym(handle, name);
    if (address == NULL) {
        *why = dlerror();
        return 0;
    }
    if (size != sizeof address)
        abort(); /* a platform where function and data pointers differ */
    memcpy(slot, &address, sizeof address);
    return 1;
}

/* Without its runtime no OpenMP code can run, and the compiler's calls
 * have no way to report a failure: the program stops, saying why. */
static void cannot_load(const char *what, const char *why) {
    fprintf(stderr, "catlr: cannot load the OpenMP runtime %s: %s\n", what,
            why != NULL ? why : "unknown error");
    fflush(NULL);
    _Exit(EXIT_FAILURE);
}

static void load(void) {
    gomp_runtime r = {.handle = dlopen(CATLR_OPENMP_LIBRARY, RTLD_NOW | RTLD_LOCAL)};
    if (r.handle == NULL)
        cannot_load(CATLR_OPENMP_LIBRARY, dlerror());
    const char *why = NULL;
#define LAZY_LOOK_UP(ret, name, params, args)                                  \
    if (!look_up(r.handle, #name, &r.name, sizeof r.name, &why))               \
        cannot_load(CATLR_OPENMP_LIBRARY, why);
    LAZY_FUNCTIONS(LAZY_LOOK_UP)
#undef LAZY_LOOK_UP
    runtime = r;
}

static const gomp_runtime *gomp(void) {
    pthread_once(&loaded, load);
    return &runtime;
}

// ----------------------------------------------------------------------------
// The forwarders.

/* A void function's call is a statement, the others' are returned (ISO C
 * allows no `return` of a void expression). */
#define LAZY_RETURN_void(call) call;
#define LAZY_RETURN__Bool(call) return call;
#define LAZY_RETURN_int(call) return call;
#define LAZY_RETURN_unsigned(call) return call;
#define LAZY_RETURN_double(call) return call;
#define LAZY_RETURN_void_ptr(call) return call;
#define LAZY_FORWARD(ret, name, params, args)                                  \
    ret name params {                                                          \
        LAZY_RETURN_##ret(gomp()->name args)                                   \
    }
LAZY_FUNCTIONS(LAZY_FORWARD)
#undef LAZY_FORWARD
