/* test_crew.c: the crew hands every job to every member once, shows each
 * what the others wrote, survives its members falling asleep, falls back
 * to the caller alone when it is not open, and keeps the mode that timed
 * fastest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "base/internal.h" /* CATLR_OMP, <omp.h> */
#include "train/crew.h"
#include "train/solver.h"  /* catlr_thread_index, catlr_team_size */

enum { MEMBERS = 2, RUNS = 2000, N = 64 };

/* What the jobs below share: in run r, member k writes r into its own
 * slots of parity r % 2 and reads the other member's slots of parity
 * (r - 1) % 2, written in the run before (so no slot is read and written
 * in the same run). Every field is written by one member only. */
typedef struct shared {
    size_t calls[MEMBERS];        /* jobs each member ran */
    size_t members_seen[MEMBERS]; /* the members count each was given */
    long seen_bad[MEMBERS];       /* reads that missed a write of the run before */
    long slot[MEMBERS][2][N];
    size_t run;                   /* the run under way, set by the caller */
} shared;

static void count_job(void *arg, size_t member, size_t members) {
    shared *s = arg;
    s->calls[member]++;
    s->members_seen[member] = members;
    if (members > 1) {
        const long *other = s->slot[1 - member][(s->run - 1) % 2];
        for (size_t i = 0; i < N; i++)
            s->seen_bad[member] += other[i] != (long)(s->run - 1) && s->run > 1;
    }
    for (size_t i = 0; i < N; i++)
        s->slot[member][s->run % 2][i] = (long)s->run;
}

static void sleep_ms(long ms) {
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Runs body(crew, arg) on thread 0 of a region of MEMBERS threads, the
 * other serving: as train_loop.c does. Returns the team's size. */
static size_t in_region(catlr_crew *crew, void (*body)(catlr_crew *, void *), void *arg) {
    size_t team = 1;
    CATLR_OMP(omp parallel num_threads(MEMBERS))
    {
        const size_t member = (size_t)catlr_thread_index();
        if (member == 0) {
            team = (size_t)catlr_team_size();
            catlr_crew_open(crew, team);
            body(crew, arg);
            catlr_crew_close(crew);
        } else {
            catlr_crew_serve(crew, member);
        }
    }
    return team;
}

static void many_runs(catlr_crew *crew, void *arg) {
    shared *s = arg;
    for (s->run = 1; s->run <= RUNS; s->run++) {
        if (s->run % 500 == 0)
            sleep_ms(20); /* long enough for the member to go to sleep */
        catlr_crew_run(crew, count_job, s);
    }
}

/* Ensure every run reaches every member exactly once, each with the
 * crew's size, and each sees all the other's writes of the run before,
 * also after the member slept between runs. */
static void test_runs_reach_every_member(void **state) {
    (void)state;
    catlr_crew *crew = NULL;
    assert_int_equal(catlr_crew_new(MEMBERS, &crew), CATLR_OK);
    assert_int_equal(catlr_crew_members(crew), MEMBERS);
    shared s;
    memset(&s, 0, sizeof s);
    size_t team = in_region(crew, many_runs, &s);
    catlr_crew_free(crew);
    if (team < MEMBERS) { /* a build without OpenMP: thread 0 alone */
        assert_int_equal(s.calls[0], RUNS);
        assert_int_equal(s.members_seen[0], 1);
        return;
    }
    for (size_t k = 0; k < MEMBERS; k++) {
        assert_int_equal(s.calls[k], RUNS);
        assert_int_equal(s.members_seen[k], MEMBERS);
        assert_int_equal(s.seen_bad[k], 0);
    }
}

/* Ensure a crew that is not open, or open in a team smaller than its
 * members, runs the job on the caller alone, as member 0 of 1. */
static void test_alone_when_not_open(void **state) {
    (void)state;
    catlr_crew *crew = NULL;
    assert_int_equal(catlr_crew_new(MEMBERS, &crew), CATLR_OK);
    shared s;
    memset(&s, 0, sizeof s);
    s.run = 1;
    catlr_crew_run(crew, count_job, &s);
    assert_int_equal(s.calls[0], 1);
    assert_int_equal(s.members_seen[0], 1);
    catlr_crew_open(crew, 1); /* a team of one: nobody serves */
    catlr_crew_run(crew, count_job, &s);
    assert_int_equal(s.calls[0], 2);
    assert_int_equal(s.calls[1], 0);
    assert_int_equal(s.members_seen[0], 1);
    catlr_crew_close(crew);
    catlr_crew_run(NULL, count_job, &s);
    assert_int_equal(s.calls[0], 3);
    catlr_crew_free(crew);
    catlr_crew_free(NULL);
}

/* A loop whose repetitions in mode `slow` take a millisecond longer. */
typedef struct picks {
    unsigned slow, modes;
    unsigned first[3 * CATLR_CREW_TRIALS]; /* the modes of the timed repetitions */
    unsigned kept, kept_again;             /* after the first and second timing */
    int steady;                            /* the kept mode held for KEEP calls */
} picks;

static void timed_loop(catlr_crew *crew, void *arg) {
    picks *p = arg;
    catlr_crew_choice choice = {0};
    const unsigned timed = p->modes * CATLR_CREW_TRIALS;
    p->steady = 1;
    for (unsigned i = 0; i < timed + CATLR_CREW_KEEP + timed + 1; i++) {
        unsigned mode = catlr_crew_pick(crew, &choice, p->modes);
        if (i < timed)
            p->first[i] = mode;
        else if (i == timed)
            p->kept = mode;
        else if (i < timed + CATLR_CREW_KEEP)
            p->steady &= mode == p->kept;
        else if (i == timed + CATLR_CREW_KEEP + timed)
            p->kept_again = mode;
        if (mode == p->slow && i < timed + CATLR_CREW_KEEP + timed)
            sleep_ms(1);
    }
}

/* Ensure the modes are timed in blocks, in order, and the fastest is kept
 * for CATLR_CREW_KEEP repetitions and chosen again at the next timing:
 * whichever mode is made slow, another is kept. */
static void test_pick_keeps_the_fastest(void **state) {
    (void)state;
    for (unsigned slow = 0; slow < 3; slow++) {
        catlr_crew *crew = NULL;
        assert_int_equal(catlr_crew_new(MEMBERS, &crew), CATLR_OK);
        picks p = {.slow = slow, .modes = 3};
        size_t team = in_region(crew, timed_loop, &p);
        catlr_crew_free(crew);
        if (team < MEMBERS) { /* not open: always mode 0 */
            assert_int_equal(p.kept, 0);
            continue;
        }
        for (unsigned i = 0; i < 3 * CATLR_CREW_TRIALS; i++)
            assert_int_equal(p.first[i], i / CATLR_CREW_TRIALS);
        assert_int_not_equal(p.kept, slow);
        assert_true(p.kept < 3);
        assert_true(p.steady);
        assert_int_not_equal(p.kept_again, slow);
    }
    catlr_crew_choice choice = {0};
    assert_int_equal(catlr_crew_pick(NULL, &choice, 3), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_reach_every_member),
        cmocka_unit_test(test_alone_when_not_open),
        cmocka_unit_test(test_pick_keeps_the_fastest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
