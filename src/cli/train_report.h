/* train_report.h: what `catlr train` shows besides the model: the course's
 * cost lines, the cost at every iteration as CSV (--curve) and as a chart
 * (--plot), the live progress line on a terminal, and the comparison of
 * several learning rates (--lr 0.01,0.001). cmd_train.c parses the options and
 * trains; this file watches the training and reports. */
#ifndef CATLR_CLI_TRAIN_REPORT_H
#define CATLR_CLI_TRAIN_REPORT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "catlr/model.h"
#include "catlr/train.h"

#define TRAIN_REPORT_MAX_RATES 16


/* What the progress line shows of the iteration being run. */
typedef struct train_progress {
    size_t rate_index, n_rates; /* run R of N: shown when n_rates > 1 */
    size_t iteration, iterations;
    double cost;            /* the last cost computed, */
    size_t cost_iteration;  /* at this iteration (costs are computed only
                               every print interval unless a curve needs
                               every one) */
    double elapsed;         /* seconds since the run began */
    int colour;             /* the cost in colour */
} train_progress;

/* The progress line for an iteration, written to buf (NUL-terminated):
 * "[rate R/N] iteration I/T  cost C @J  S it/s  M:SS left", where C is the
 * cost at iteration J. Returns the visible width (escapes not counted). */
size_t train_report_progress_line(char *buf, size_t size, const train_progress *p);

/* The accuracies of a finished run, in percent; NAN for a set not given. */
typedef struct train_run_scores {
    double train, validation, test;
} train_run_scores;

/* Everything the report needs to know before training starts. */
typedef struct train_report_config {
    const char *curve;     /* CSV path, or NULL */
    const char *plot;      /* PNG path, or NULL */
    const double *rates;   /* (n_rates) the learning rates, in order */
    size_t n_rates;        /* 1 .. TRAIN_REPORT_MAX_RATES */
    size_t iterations;     /* per rate */
    size_t print_every;    /* K of the course's lines */
    int has_test;          /* a test set is given: test_cost is recorded */
    int quiet;             /* no progress line, no messages on errf */
    size_t eval_every;     /* --eval-every: accuracies every K iterations
                              into the curve and the chart; 0: none */
    int has_val;           /* a validation set is given: val_cost is
                              recorded, and picks the best rate */
} train_report_config;

typedef struct train_report {
    train_report_config cfg;
    FILE *out, *errf;
    FILE *curve_fp, *plot_fp; /* opened at the start, so a bad path fails
                                 before the training rather than after it */
    double *costs;      /* (n_rates, iterations) with --plot, else NULL */
    double *test_costs; /* the same for the test set, or NULL */
    double *val_costs;  /* the same for the validation set, or NULL */
    /* With --plot and --eval-every: (n_rates, iterations) accuracies of
     * the training, validation and test sets, joined by straight lines
     * between the evaluated iterations (as the chart draws them); NULL for
     * a set that is not given */
    double *accuracies[3];
    size_t evaluated[TRAIN_REPORT_MAX_RATES]; /* accuracies stored for the
                                                 chart: iterations 0 .. n-1 */
    size_t rate_index;  /* the run being watched */
    /* per run, for the table */
    double final_cost[TRAIN_REPORT_MAX_RATES];
    double train_accuracy[TRAIN_REPORT_MAX_RATES];
    double test_accuracy[TRAIN_REPORT_MAX_RATES];
    double val_cost[TRAIN_REPORT_MAX_RATES];
    double val_accuracy[TRAIN_REPORT_MAX_RATES];
    int failed[TRAIN_REPORT_MAX_RATES];      /* the run's training failed */
    size_t recorded[TRAIN_REPORT_MAX_RATES]; /* finite costs stored for the
                                                chart: iterations 0 .. n-1 */
    size_t best;        /* index of the best run so far */
    int have_best;      /* some run succeeded */
    /* the progress line */
    int progress;       /* errf is a terminal and not quiet */
    int colour;         /* and NO_COLOR is unset or empty */
    struct timespec run_start, last_draw;
    size_t shown;       /* visible width of the line on screen, 0 if none */
    double last_cost;
    size_t last_cost_iteration;
} train_report;

/* Check and open what the report writes, and see whether errf is a
 * terminal that gets the progress line. Returns -1 to go on, or an exit
 * code after printing why not (a --plot in a build without cairo, an output
 * that cannot be created, no memory). */
int train_report_open(train_report *r, const train_report_config *cfg, FILE *out,
                      FILE *errf);

/* Before run k (rate cfg.rates[k]): set params' rate, reporting interval
 * (1 when the curve is recorded) and accuracies, and hooks' step callback,
 * and with several rates print the run's heading line. */
void train_report_start_run(train_report *r, size_t k, catlr_train_params *params,
                            catlr_train_hooks *hooks);

/* After run k trained: clear the progress line and record the run's
 * results. Returns 1 when run k is the best so far: with a validation set
 * the highest validation accuracy (the lower validation cost on a tie),
 * else the lowest final training cost. The test set never chooses: a
 * choice made on it would make the test accuracy reported for the chosen
 * model an optimistic one. */
int train_report_end_run(train_report *r, const catlr_model *model,
                         const train_run_scores *scores);

/* After run k failed, before its error line: clear the progress line,
 * and mark it "failed" in the table; it cannot be the best. */
void train_report_fail_run(train_report *r);

/* 1 when some run succeeded, so there is a best model. */
int train_report_has_best(const train_report *r);

/* After the last run, with ok = 1 when every run succeeded: the table of
 * rates (several rates), the best rate on errf, the chart, and close the
 * files. With ok = 0, clear the progress line and remove the half-written
 * outputs. Frees everything; returns CLI_EXIT_OK or CLI_EXIT_FAIL. */
int train_report_close(train_report *r, int ok);

#endif /* CATLR_CLI_TRAIN_REPORT_H */
