/* train_stop.h: `catlr train`'s checkpoints and its stop on SIGINT and
 * SIGTERM: the signal handlers, the trainer's should_stop and
 * on_checkpoint hooks (catlr/train.h), and the lines an interrupted run
 * prints. */
#ifndef CATLR_CLI_TRAIN_STOP_H
#define CATLR_CLI_TRAIN_STOP_H

#include <stddef.h>
#include <stdio.h>

#include "catlr/checkpoint.h"
#include "catlr/train.h"

typedef struct train_stop {
    const char *checkpoint; /* --checkpoint FILE, or NULL */
    size_t every;           /* --checkpoint-every (0: the print interval) */
    catlr_checkpoint resume; /* --resume's, state NULL without */
    int writer;             /* this process writes the checkpoint (rank 0) */
    int processes;          /* for the resume command: mpirun -np N */
    FILE *errf;
    int failed;             /* a checkpoint could not be written: stop */
    int written;            /* a checkpoint was written */
} train_stop;

/* Catch SIGINT and SIGTERM until train_stop_release: the first asks the
 * trainer to stop after its current iteration, a second one ends the
 * process at once (the handler resets itself to the default action). */
void train_stop_catch(void);
void train_stop_release(void);

/* The signal caught since train_stop_catch, or 0. */
int train_stop_signal(void);

/* Fill hooks' should_stop, on_checkpoint, ctl, checkpoint_every and resume
 * from s; report_every is the print interval, --checkpoint-every's
 * default. */
void train_stop_hooks(train_stop *s, catlr_train_hooks *hooks, size_t report_every);

/* After catlr_train returned CATLR_ERR_STOPPED having taken `done` of
 * `iterations` steps: say so and how to resume (argv: the train command's
 * words, argv[0] = "train"), and return the exit code: 128 + the signal,
 * 130 in a process of an MPI job that a signal to another one stopped, 1
 * when a checkpoint could not be written. */
int train_stop_report(const train_stop *s, size_t done, size_t iterations, int argc,
                      char **argv);

void train_stop_free(train_stop *s);

#endif /* CATLR_CLI_TRAIN_STOP_H */
