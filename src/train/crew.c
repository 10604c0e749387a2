/* crew.c: handing jobs to the other threads of one parallel region
 * (crew.h).
 *
 * Hand-off. Thread 0 stores the job, then bumps `posted` (sequentially
 * consistent, so a release of the job); a member that sees the new count
 * (an acquire) runs the job and stores the count in its own `done`
 * (release), which thread 0 waits for (acquire). Each counter is on a
 * cache line of its own, so that one member's spinning reads do not slow
 * another's writes.
 *
 * Waiting. Jobs come microseconds apart while a loop lasts, so a member
 * first spins (with the CPU's pause hint), then yields its core for a
 * while, and only then sleeps on the condition variable: a loop that
 * pauses (a report, a checkpoint, an epoch kept on thread 0) holds no busy
 * core for long, and a core shared with another program (or valgrind,
 * which runs one thread at a time) is given up soon. The sleep cannot miss
 * a job: the member counts itself in `sleepers` before it looks at
 * `posted` for the last time, under the lock, and thread 0 looks at
 * `sleepers` after it bumps `posted`; in the single order of sequentially
 * consistent operations one of the two sees the other, and a thread 0
 * that sees a sleeper takes the lock (held by the sleeper until it waits)
 * to wake it. Thread 0 waits for `done` spinning, then yielding: the
 * members are working by then, not asleep. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "crew.h"

#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "base/internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define crew_pause() _mm_pause()
#else
#define crew_pause() ((void)0)
#endif

enum {
    LINE = 64,    /* bytes of a cache line */
    SPINS = 2000, /* pause hints before yielding: tens of microseconds */
    YIELDS = 200, /* sched_yield calls before a member sleeps */
};

typedef struct member_line {
    alignas(LINE) atomic_size_t done; /* the count of the last job it finished */
} member_line;

struct catlr_crew {
    alignas(LINE) atomic_size_t posted; /* jobs handed out so far */
    alignas(LINE) atomic_int sleepers;  /* members asleep, or about to be */
    catlr_crew_job *job;                /* NULL: serve returns */
    void *arg;
    size_t members;
    int open; /* thread 0 hands out jobs (between open and close) */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    member_line *done; /* (members): [k] for member k >= 1 */
};

catlr_status catlr_crew_new(size_t members, catlr_crew **out) {
    CATLR_ASSERT(members >= 2 && out != NULL);
    /* sizeof of a type with a 64-byte member is a multiple of 64, as
     * aligned_alloc asks */
    catlr_crew *crew = aligned_alloc(LINE, sizeof *crew);
    member_line *done = aligned_alloc(LINE, members * sizeof *done);
    if (crew == NULL || done == NULL) {
        free(crew);
        free(done);
        *out = NULL;
        return CATLR_ERR_NOMEM;
    }
    atomic_init(&crew->posted, 0);
    atomic_init(&crew->sleepers, 0);
    crew->job = NULL;
    crew->arg = NULL;
    crew->members = members;
    crew->open = 0;
    pthread_mutex_init(&crew->lock, NULL);
    pthread_cond_init(&crew->wake, NULL);
    for (size_t k = 0; k < members; k++)
        atomic_init(&done[k].done, 0);
    crew->done = done;
    *out = crew;
    return CATLR_OK;
}

size_t catlr_crew_members(const catlr_crew *crew) {
    return crew->members;
}

/* Waits until `posted` differs from seen and returns it. */
static size_t wait_posted(catlr_crew *crew, size_t seen) {
    size_t now;
    for (size_t k = 0; k < SPINS; k++) {
        if ((now = atomic_load_explicit(&crew->posted, memory_order_acquire)) != seen)
            return now;
        crew_pause();
    }
    for (size_t k = 0; k < YIELDS; k++) {
        if ((now = atomic_load_explicit(&crew->posted, memory_order_acquire)) != seen)
            return now;
        sched_yield();
    }
    pthread_mutex_lock(&crew->lock);
    atomic_fetch_add(&crew->sleepers, 1);
    while ((now = atomic_load(&crew->posted)) == seen)
        pthread_cond_wait(&crew->wake, &crew->lock);
    atomic_fetch_sub(&crew->sleepers, 1);
    pthread_mutex_unlock(&crew->lock);
    return now;
}

void catlr_crew_serve(catlr_crew *crew, size_t member) {
    CATLR_ASSERT(crew != NULL && member >= 1 && member < crew->members);
    size_t seen = atomic_load_explicit(&crew->done[member].done, memory_order_relaxed);
    for (;;) {
        seen = wait_posted(crew, seen);
        if (crew->job == NULL) { /* the close: counted, for a later region */
            atomic_store_explicit(&crew->done[member].done, seen, memory_order_relaxed);
            return;
        }
        crew->job(crew->arg, member, crew->members);
        atomic_store_explicit(&crew->done[member].done, seen, memory_order_release);
    }
}

/* Hands the members job (NULL: serve returns) and wakes any that sleep;
 * returns the job's count. */
static size_t post(catlr_crew *crew, catlr_crew_job *job, void *arg) {
    crew->job = job;
    crew->arg = arg;
    size_t count = atomic_fetch_add(&crew->posted, 1) + 1;
    if (atomic_load(&crew->sleepers) > 0) {
        pthread_mutex_lock(&crew->lock);
        pthread_cond_broadcast(&crew->wake);
        pthread_mutex_unlock(&crew->lock);
    }
    return count;
}

void catlr_crew_open(catlr_crew *crew, size_t team) {
    crew->open = team >= crew->members;
}

void catlr_crew_close(catlr_crew *crew) {
    /* the members of a smaller team serve too, and return here */
    crew->open = 0;
    post(crew, NULL, NULL);
}

static void wait_done(const member_line *line, size_t count) {
    for (size_t k = 0; atomic_load_explicit(&line->done, memory_order_acquire) != count; k++) {
        if (k < SPINS)
            crew_pause();
        else
            sched_yield();
    }
}

void catlr_crew_run(catlr_crew *crew, catlr_crew_job *job, void *arg) {
    CATLR_ASSERT(job != NULL);
    if (crew == NULL || !crew->open) {
        job(arg, 0, 1);
        return;
    }
    size_t count = post(crew, job, arg);
    job(arg, 0, crew->members);
    for (size_t k = 1; k < crew->members; k++)
        wait_done(&crew->done[k], count);
}

static double seconds_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

unsigned catlr_crew_pick(catlr_crew *crew, catlr_crew_choice *choice, unsigned modes) {
    CATLR_ASSERT(choice != NULL && modes >= 1 && modes <= CATLR_CREW_MODES_MAX);
    if (crew == NULL || !crew->open)
        return 0;
    if (choice->decided) {
        if (++choice->calls < CATLR_CREW_KEEP)
            return choice->mode;
        *choice = (catlr_crew_choice){0}; /* time them again */
    }
    const double now = seconds_now();
    /* the repetition that ends here, unless it was the first of its mode's
     * block: that one paid for the cache lines the other mode left */
    if (choice->calls > 0 && choice->calls % CATLR_CREW_TRIALS != 1) {
        const double dt = now - choice->started;
        const unsigned k = choice->mode;
        /* the best of each: an interrupt or a preemption only adds time */
        if (choice->calls % CATLR_CREW_TRIALS == 2 || dt < choice->best[k])
            choice->best[k] = dt;
    }
    if (choice->calls == modes * CATLR_CREW_TRIALS) {
        unsigned fastest = 0;
        for (unsigned k = 1; k < modes; k++)
            if (choice->best[k] < choice->best[fastest])
                fastest = k;
        *choice = (catlr_crew_choice){.decided = 1, .mode = fastest};
        return fastest;
    }
    choice->mode = choice->calls / CATLR_CREW_TRIALS;
    choice->calls++;
    choice->started = now;
    return choice->mode;
}

void catlr_crew_free(catlr_crew *crew) {
    if (crew == NULL)
        return;
    pthread_cond_destroy(&crew->wake);
    pthread_mutex_destroy(&crew->lock);
    free(crew->done);
    free(crew);
}
