/* crew.h: the threads of one parallel region that lasts a whole training
 * loop, sharing epochs too short for a parallel region each.
 *
 * An epoch of the Gram solver on the course's 209 images takes about 4 us
 * on one core, and starting an OpenMP region costs a good part of that
 * every time. So the loop runs on thread 0 of one region opened around it
 * (train_loop.c), the region's other threads serve the crew, and
 * catlr_crew_run hands them a job through an atomic counter for a few
 * hundred nanoseconds. Which member does which share is fixed by the job,
 * never by timing, so results do not depend on the crew.
 *
 * Use: catlr_crew_new; then in the region, thread 0 calls catlr_crew_open
 * with the team's size, runs the loop (catlr_crew_run...), and calls
 * catlr_crew_close, while threads 1 .. members-1 call catlr_crew_serve,
 * which returns at the close; catlr_crew_free after the region. Outside
 * that window (or in a team smaller than asked) a run is done by the
 * caller alone.
 * Internal to the library. */
#ifndef CATLR_CREW_H
#define CATLR_CREW_H

#include <stddef.h>

#include "catlr/catlr.h"

typedef struct catlr_crew catlr_crew;

/* One job: member k (0 .. members-1) does its share of arg's work. */
typedef void catlr_crew_job(void *arg, size_t member, size_t members);

/* A crew of `members` >= 2 threads (thread 0 included) into *out;
 * CATLR_ERR_NOMEM, *out NULL, when it cannot be allocated. */
catlr_status catlr_crew_new(size_t members, catlr_crew **out);

/* The threads the region asks for: catlr_crew_new's members. */
size_t catlr_crew_members(const catlr_crew *crew);

/* Thread 0, in the region, before its first run: the team has `team`
 * threads; with fewer than the members, every run stays on thread 0. */
void catlr_crew_open(catlr_crew *crew, size_t team);

/* Thread `member` (1 .. members-1) of the region: runs the jobs handed out
 * until catlr_crew_close. */
void catlr_crew_serve(catlr_crew *crew, size_t member);

/* Thread 0, after its last run: ends every catlr_crew_serve. */
void catlr_crew_close(catlr_crew *crew);

/* job(arg, k, members) on every member k at once, returning when all are
 * done (what they wrote is then visible here, and what the caller wrote
 * before was visible to them); job(arg, 0, 1) when the crew is not open. */
void catlr_crew_run(catlr_crew *crew, catlr_crew_job *job, void *arg);

/* How a loop of short repetitions (epochs) uses the crew: in `modes` ways,
 * mode 0 on thread 0 alone, the others using the crew more or less (the
 * caller says which phases go to the crew in each). A hand-off costs 0.2
 * to 1 us on one machine, depending on how far apart the cores the
 * threads landed on are and on what else runs there, against a few
 * microseconds of work, and the cache lines the members pass each other
 * cost more than the hand-off itself. So whole repetitions are timed, a
 * block of CATLR_CREW_TRIALS in a row in each mode (the first of a block
 * not counted: it pays for the lines the mode before left behind); the
 * fastest mode by its best time is kept for the next CATLR_CREW_KEEP,
 * then they are timed again. Zero it to start. */
enum { CATLR_CREW_MODES_MAX = 4, CATLR_CREW_TRIALS = 8, CATLR_CREW_KEEP = 1024 };
_Static_assert(CATLR_CREW_TRIALS >= 3, "a block needs a repetition past its first to time");

typedef struct catlr_crew_choice {
    unsigned calls;   /* repetitions since the last timing began */
    unsigned mode;    /* of the repetition under way */
    int decided;      /* 1: mode is kept, else the modes are being timed */
    double started;   /* when the repetition under way began, seconds */
    double best[CATLR_CREW_MODES_MAX]; /* best seconds of a repetition in each mode */
} catlr_crew_choice;

/* At the start of each repetition: the mode (0 .. modes-1, modes <=
 * CATLR_CREW_MODES_MAX) to run it in; 0 when crew is NULL or not open. */
unsigned catlr_crew_pick(catlr_crew *crew, catlr_crew_choice *choice, unsigned modes);

/* Frees crew (after the region); NULL is ignored. */
void catlr_crew_free(catlr_crew *crew);

#endif /* CATLR_CREW_H */
