/* cmd_train.c: `catlr train`: parse, validate, load the folders, train, report,
 * save. stdout carries exactly the course's lines (the cost every K
 * iterations, then the accuracies); everything else goes to errf.
 * Under mpirun each process loads and trains on its shard of the folders
 * (comm.h), every count is added up over them, and rank 0 alone prints
 * and writes the model. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <math.h>
#include <string.h>
#include <time.h>

#include "catlr/dataset.h"
#include "catlr/metrics.h"
#include "catlr/model.h"
#include "catlr/predict.h"
#include "catlr/split.h"
#include "catlr/train.h"
#include "cli.h"
#include "args.h"
#include "comm.h"
#include "common.h"
#include "train_report.h"
#include "train_setup.h"
#include "train_stop.h"
#include "train_validation.h"

static const char USAGE[] = "Usage: catlr train [options] TRAIN_DIR";

static void print_help(FILE *out) {
    fprintf(out,
            "%s\n"
            "Fit a logistic-regression classifier on the images (PNG or JPEG) in\n"
            "TRAIN_DIR/<class>/ (exactly two class folders), or in an .h5 file in the\n"
            "course's layout, and write it to a model file.\n"
            "\n"
            "Options:\n"
            "  -o, --output MODEL     where to write the model (default catlr.model)\n"
            "  -t, --test DIR         also report the accuracy on DIR/<class>/ (or .h5)\n"
            "  -r, --lr RATE[,RATE]   learning rate (default %g); several rates train\n"
            "                         one model each, compared in a table; the one\n"
            "                         written has the best validation accuracy with\n"
            "                         --val-split, else the lowest training cost\n"
            "                         (--test never chooses)\n"
            "  -i, --iterations N     gradient-descent steps (default %d)\n"
            "  -k, --print-every K    print the cost every K iterations (default %d)\n"
            "  -p, --positive NAME    class folder labelled 1 (default cat)\n"
            "      --curve FILE.csv   write iteration,cost[,test_cost] of every iteration\n"
            "      --plot FILE.png    draw the cost curves as a chart\n"
            "      --l2 LAMBDA        L2 penalty lambda/(2m) ||w||^2 (default 0: none)\n"
            "      --tol T            stop once the cost (with --val-split the validation\n"
            "                         cost) improves by less than T in an iteration\n"
            "                         (default 0: run all N)\n"
            "      --solver NAME      auto, primal or gram (default auto: gram when it is\n"
            "                         cheaper, as for fewer images than pixels)\n"
            "      --threads N        threads to load and train with (default: all cores)\n"
            "      --timings          print load, train and save seconds on stderr\n"
            "      --skip-bad         leave out images that cannot be read or decoded,\n"
            "                         with a warning for each (default: stop at the first)\n"
            "      --class-weight W   weighted cost: 'balanced' (m / (2 m_c) for the m_c\n"
            "                         images of class c) or W_POS,W_NEG, the weights of\n"
            "                         the positive class and the other (default: none)\n"
            "      --augment flip     also train on every image's horizontal mirror,\n"
            "                         doubling the images (default: off)\n"
            "      --init MODEL       start from MODEL's weights instead of zero; it must\n"
            "                         be for the same classes and positive class\n"
            "      --val-split F      hold out a stratified fraction F (0 < F < 1) of\n"
            "                         TRAIN_DIR as a validation set; the model keeps the\n"
            "                         iteration with the lowest validation cost\n"
            "      --seed S           seed of the --val-split shuffle (default %u)\n"
            "      --eval-every K     add the train, validation and test accuracies (and\n"
            "                         the validation cost) of every K-th iteration to\n"
            "                         --curve (then one row every K) and --plot\n"
            "      --pick-threshold   store in the model the threshold with the best F1\n"
            "                         on the validation set (needs --val-split)\n"
            "      --checkpoint FILE  keep the state to go on from in FILE, rewritten\n"
            "                         every --checkpoint-every iterations and on\n"
            "                         SIGINT or SIGTERM (which stop after the current\n"
            "                         iteration; a second one stops at once)\n"
            "      --checkpoint-every N  iterations between checkpoints (default: K of\n"
            "                         --print-every)\n"
            "      --resume FILE      go on from a checkpoint of this very command: the\n"
            "                         lines and the model are those of the whole run\n"
            "  -q, --quiet            no messages or progress on stderr, only errors\n"
            "  -h, --help             show this help and exit\n"
            "\n"
            "stdout carries only the results: 'Cost after iteration I: C' for I = 0, K,\n"
            "2K, ..., then 'train accuracy: A %%', with --val-split 'validation accuracy:\n"
            "A %%' and with --test 'test accuracy: A %%'.\n"
            "\n"
            "Under 'mpirun -np N' (in a build with MPI) each of the N processes loads\n"
            "and trains on 1/N of the images, with the primal solver; rank 0 prints\n"
            "and writes the model. --val-split and --eval-every need one process.\n",
            USAGE, CATLR_DEFAULT_LR, CATLR_DEFAULT_ITERATIONS, CATLR_DEFAULT_REPORT_EVERY,
            CATLR_DEFAULT_SEED);
}

// ----------------------------------------------------------------------------
// The command line.

typedef struct train_args {
    const char *train_dir;
    const char *test_dir; /* NULL: no test set */
    const char *output;
    const char *positive;
    catlr_train_params params;
    int quiet;
    /* what train_report.c shows */
    double rates[TRAIN_REPORT_MAX_RATES];
    size_t n_rates;
    const char *curve; /* NULL: none */
    const char *plot;  /* NULL: none */
    int timings;
    int skip_bad;
    /* train_setup.c's */
    uint32_t augment;  /* CATLR_AUGMENT_* bits of --augment */
    const char *init;  /* --init MODEL, or NULL: start from zero */
    /* the processes of the run: one, or the ranks of an MPI job. Under MPI,
     * out and errf are silent in every rank but 0, and own_errf carries
     * what only this process knows (a file of its shard it could not
     * read); in one process own_errf is errf. */
    const cli_comm *comm;
    FILE *own_errf;
    /* model selection (train_validation.c); params.eval_every too */
    double val_split; /* 0: no validation set */
    uint64_t seed;
    int seed_given;
    int pick_threshold;
    /* checkpoints and resuming (train_stop.c) */
    const char *checkpoint;  /* NULL: none */
    size_t checkpoint_every; /* 0: the print interval */
    const char *resume;      /* NULL: start from the beginning */
    int argc;                /* the command's words, for the resume command */
    char **argv;
} train_args;

/* The trainer's tuning options come last: apply_option hands every id from
 * OPT_L2 on to apply_trainer_option. */
enum { OPT_OUTPUT = 1, OPT_TEST, OPT_LR, OPT_ITERATIONS, OPT_PRINT_EVERY,
       OPT_POSITIVE, OPT_SKIP_BAD, OPT_QUIET, OPT_HELP, OPT_CURVE, OPT_PLOT, OPT_L2,
       OPT_TOL, OPT_SOLVER, OPT_THREADS, OPT_TIMINGS, OPT_CLASS_WEIGHT, OPT_AUGMENT,
       OPT_INIT, OPT_VAL_SPLIT, OPT_SEED, OPT_EVAL_EVERY, OPT_PICK_THRESHOLD,
       OPT_CHECKPOINT, OPT_CHECKPOINT_EVERY, OPT_RESUME };

static const cli_option OPTIONS[] = {
    {'o', "output", 1, OPT_OUTPUT},
    {'t', "test", 1, OPT_TEST},
    {'r', "lr", 1, OPT_LR},
    {'i', "iterations", 1, OPT_ITERATIONS},
    {'k', "print-every", 1, OPT_PRINT_EVERY},
    {'p', "positive", 1, OPT_POSITIVE},
    {'\0', "skip-bad", 0, OPT_SKIP_BAD},
    {'q', "quiet", 0, OPT_QUIET},
    {'h', "help", 0, OPT_HELP},
    {'\0', "curve", 1, OPT_CURVE},
    {'\0', "plot", 1, OPT_PLOT},
    {'\0', "l2", 1, OPT_L2},
    {'\0', "tol", 1, OPT_TOL},
    {'\0', "solver", 1, OPT_SOLVER},
    {'\0', "threads", 1, OPT_THREADS},
    {'\0', "timings", 0, OPT_TIMINGS},
    {'\0', "class-weight", 1, OPT_CLASS_WEIGHT},
    {'\0', "augment", 1, OPT_AUGMENT},
    {'\0', "init", 1, OPT_INIT},
    {'\0', "val-split", 1, OPT_VAL_SPLIT},
    {'\0', "seed", 1, OPT_SEED},
    {'\0', "eval-every", 1, OPT_EVAL_EVERY},
    {'\0', "pick-threshold", 0, OPT_PICK_THRESHOLD},
    {'\0', "checkpoint", 1, OPT_CHECKPOINT},
    {'\0', "checkpoint-every", 1, OPT_CHECKPOINT_EVERY},
    {'\0', "resume", 1, OPT_RESUME},
};

static int usage_error(FILE *errf, const char *message, const char *arg) {
    if (arg != NULL)
        return cli_usage_error(errf, "train", USAGE, "%s '%s'", message, arg);
    return cli_usage_error(errf, "train", USAGE, "%s", message);
}

/* Apply one of the checkpoint options. -1 to go on, or an exit code. */
static int apply_checkpoint_option(int id, const char *value, train_args *a, FILE *errf) {
    switch (id) {
    case OPT_CHECKPOINT: a->checkpoint = value; break;
    case OPT_RESUME: a->resume = value; break;
    case OPT_CHECKPOINT_EVERY:
        if (cli_parse_count(value, &a->checkpoint_every) != 0)
            return usage_error(errf, "--checkpoint-every must be a whole number >= 1, got",
                               value);
        break;
    }
    return -1;
}

/* The checkpoint options that need another one or rule one out. -1 when
 * they fit, or the usage error's exit code. */
static int check_checkpoint_options(const train_args *a, FILE *errf) {
    if (a->checkpoint_every > 0 && a->checkpoint == NULL)
        return usage_error(errf, "--checkpoint-every needs --checkpoint", NULL);
    if ((a->checkpoint != NULL || a->resume != NULL) && a->n_rates > 1)
        return usage_error(errf, "--checkpoint and --resume take one learning rate", NULL);
    /* the curve and the chart would miss the iterations before the resume */
    if (a->resume != NULL && (a->curve != NULL || a->plot != NULL))
        return usage_error(errf, "--resume cannot write --curve or --plot", NULL);
    return -1;
}

/* Apply one of the model-selection options. -1 to go on, or an exit code. */
static int apply_selection_option(int id, const char *value, train_args *a, FILE *errf) {
    switch (id) {
    case OPT_VAL_SPLIT:
        if (train_parse_fraction(value, &a->val_split) != 0)
            return usage_error(errf, "--val-split must be a number between 0 and 1 (both "
                                     "excluded), got", value);
        break;
    case OPT_SEED:
        a->seed_given = 1;
        return cli_option_seed(value, &a->seed, "train", USAGE, errf);
    case OPT_EVAL_EVERY:
        if (cli_parse_count(value, &a->params.eval_every) != 0)
            return usage_error(errf, "--eval-every must be a whole number >= 1, got", value);
        break;
    case OPT_PICK_THRESHOLD: a->pick_threshold = 1; break;
    }
    return -1;
}

/* The model-selection options that need another one. -1 when they have
 * it, or the usage error's exit code. */
static int check_selection_options(const train_args *a, FILE *errf) {
    if (a->pick_threshold && a->val_split == 0)
        return usage_error(errf, "--pick-threshold needs --val-split", NULL);
    if (a->seed_given && a->val_split == 0)
        return usage_error(errf, "--seed needs --val-split", NULL);
    if (a->params.eval_every > 0 && a->curve == NULL && a->plot == NULL)
        return usage_error(errf, "--eval-every needs --curve or --plot", NULL);
    return -1;
}

/* Apply one of the trainer's tuning options. -1 to go on, or an exit code. */
static int apply_trainer_option(int id, const char *value, train_args *a, FILE *errf) {
    if (id >= OPT_CHECKPOINT)
        return apply_checkpoint_option(id, value, a, errf);
    if (id >= OPT_VAL_SPLIT)
        return apply_selection_option(id, value, a, errf);
    switch (id) {
    case OPT_L2:
        if (cli_parse_nonnegative(value, &a->params.l2) != 0)
            return usage_error(errf, "--l2 must be a number >= 0, got", value);
        break;
    case OPT_TOL:
        if (cli_parse_nonnegative(value, &a->params.tol) != 0)
            return usage_error(errf, "--tol must be a number >= 0, got", value);
        break;
    case OPT_SOLVER: return cli_option_solver(value, &a->params.solver, "train", USAGE, errf);
    case OPT_THREADS:
        return cli_option_threads(value, &a->params.threads, "train", USAGE, errf);
    case OPT_TIMINGS: a->timings = 1; break;
    case OPT_CLASS_WEIGHT:
        return train_setup_option_class_weight(value, &a->params, "train", USAGE, errf);
    case OPT_AUGMENT:
        if (train_setup_parse_augment(value, &a->augment) != 0)
            return usage_error(errf, "--augment must be flip, got", value);
        break;
    case OPT_INIT: a->init = value; break;
    }
    return -1;
}

/* Apply one option. -1 to go on, or an exit code. */
static int apply_option(int id, const char *value, train_args *a, FILE *out,
                        FILE *errf) {
    if (id >= OPT_L2)
        return apply_trainer_option(id, value, a, errf);
    switch (id) {
    case OPT_OUTPUT: a->output = value; break;
    case OPT_TEST: a->test_dir = value; break;
    case OPT_POSITIVE: a->positive = value; break;
    case OPT_QUIET: a->quiet = 1; break;
    case OPT_CURVE: a->curve = value; break;
    case OPT_PLOT: a->plot = value; break;
    case OPT_SKIP_BAD: a->skip_bad = 1; break;
    case OPT_LR: {
        const cli_list rates = {.values = a->rates, .max = TRAIN_REPORT_MAX_RATES, .n = &a->n_rates};
        return cli_option_rates(value, &rates, "train", USAGE, errf);
    }
    case OPT_ITERATIONS:
        if (cli_parse_count(value, &a->params.iterations) != 0)
            return usage_error(errf, "--iterations must be a whole number >= 1, got", value);
        break;
    case OPT_PRINT_EVERY:
        if (cli_parse_count(value, &a->params.report_every) != 0)
            return usage_error(errf, "--print-every must be a whole number >= 1, got", value);
        break;
    case OPT_HELP: print_help(out); return CLI_EXIT_OK;
    }
    return -1;
}

/* apply_option for cli_scan_one_operand. */
static int apply_one(void *a, int id, const char *value, FILE *out, FILE *errf) {
    return apply_option(id, value, a, out, errf);
}

/* Fill *a from argv. -1 to go on, or an exit code (help, usage error). */
static int parse_args(int argc, char **argv, train_args *a, FILE *out, FILE *errf) {
    a->output = "catlr.model";
    a->positive = "cat";
    a->params = catlr_train_defaults();
    a->seed = CATLR_DEFAULT_SEED;
    const cli_one_operand command = {
        .cmd = "train",
        .usage = USAGE,
        .options = OPTIONS,
        .n_options = sizeof OPTIONS / sizeof OPTIONS[0],
        .operand_name = "TRAIN_DIR",
        .operand = &a->train_dir,
        .second_operand_hint = "to evaluate on it, use --test DIR",
        .apply = apply_one,
        .ctx = a,
    };
    int code = cli_scan_one_operand(argc, argv, &command, out, errf);
    if (code >= 0)
        return code;
    const cli_path paths[] = {{"TRAIN_DIR", a->train_dir},   {"--output", a->output},
                              {"--test", a->test_dir},       {"--curve", a->curve},
                              {"--plot", a->plot},           {"--init", a->init},
                              {"--checkpoint", a->checkpoint}, {"--resume", a->resume}};
    code = cli_check_paths(paths, sizeof paths / sizeof paths[0], "train", USAGE, errf);
    if (code >= 0)
        return code;
    /* the curve and the chart are opened first; the model is written
     * beside its path and renamed, after --init is read, so -o may be it */
    const cli_path outputs[] = {{"--curve", a->curve},
                                {"--plot", a->plot},
                                {"--output", a->output},
                                {"--checkpoint", a->checkpoint}};
    const cli_path init = {"the --init model", a->init};
    code = cli_check_outputs(outputs, 2, &init, "train", USAGE, errf);
    if (code < 0)
        code = cli_check_distinct(outputs, 4, "train", USAGE, errf);
    if (code >= 0)
        return code;
    if (a->positive[0] == '\0')
        return usage_error(errf, "--positive must name a class folder", NULL);
    code = check_selection_options(a, errf);
    if (code >= 0)
        return code;
    if (a->n_rates == 0) { /* no --lr: the default rate alone */
        a->rates[0] = a->params.lr;
        a->n_rates = 1;
    }
    return check_checkpoint_options(a, errf);
}

// ----------------------------------------------------------------------------
// The work.

/* What the steps of one `catlr train` share: the command line, the streams,
 * what was loaded, the report and the results. */
typedef struct train_job {
    const train_args *a;
    FILE *out, *errf;
    int silent;                  /* a rank other than 0: writes nothing */
    catlr_model init;            /* --init's model; w NULL without */
    catlr_dataset *train, *test; /* test NULL without --test */
    size_t m_total, test_m_total; /* images of every process */
    train_sets sets;             /* trained on, and held out by --val-split */
    train_set set;               /* trained on, with --augment's mirrors */
    catlr_train_reducer reducer; /* {0} in one process */
    train_report rep;
    train_stop stop;             /* --checkpoint, --resume and signals */
    catlr_model best;            /* the best rate's model */
    double t_load, t_train, t_save; /* seconds */
} train_job;

/* v (n) summed over the processes. n is a handful, and only more than
 * INT_MAX doubles could fail. */
static void sum_counts(const cli_comm *comm, double *v, size_t n) {
    (void)cli_comm_sum((void *)comm, v, n, NULL);
}

/* Load this process's shard of dir (the whole of it in one process) into
 * *ds, *total getting the images of every process. */
static int load(const train_job *job, const char *dir, catlr_dataset **ds, size_t *total) {
    const train_args *a = job->a;
    const cli_load load = {
        .dir = dir,
        .positive = a->positive,
        .skip_bad = a->skip_bad,
        .has_skip_bad = 1,
        .threads = a->params.threads, /* --threads: loading and training */
        .quiet = a->quiet,
        .comm = a->comm,
        .own_errf = a->own_errf,
    };
    return cli_load_dataset(&load, ds, total, job->errf);
}

/* Seconds on a clock that only goes forward. */
static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Say on errf (unless quiet) that --tol ended the run early. */
static void report_early_stop(const catlr_model *model, const train_args *a, FILE *errf) {
    if (model->stopped_early && !a->quiet)
        fprintf(errf,
                "stopped after %llu of %zu iterations: the %scost improved by less than "
                "--tol %g\n",
                (unsigned long long)model->iterations, a->params.iterations,
                a->val_split > 0 ? "validation " : "", a->params.tol);
}

/* A model for the training set's classes, starting from zero or from
 * --init's weights, trained on job->set (the folder's images not held out
 * for validation, with --augment their mirrors) with run k's rate, watched
 * by the report. */
static int fit(train_job *job, size_t k, catlr_model *model) {
    const train_args *a = job->a;
    catlr_error err;
    catlr_status st = catlr_model_init(
        model,
        &(catlr_model_shape){.height = CATLR_HEIGHT,
                             .width = CATLR_WIDTH,
                             .channels = CATLR_CHANNELS,
                             .class_names = {catlr_dataset_class_name(job->train, 0),
                                             catlr_dataset_class_name(job->train, 1)},
                             .positive = (uint32_t)catlr_dataset_positive(job->train)},
        &err);
    if (st == CATLR_OK) {
        const int warm = job->init.w != NULL;
        train_setup_start(model, warm ? &job->init : NULL);
        catlr_train_params params = a->params;
        catlr_train_hooks hooks = {.reducer = job->reducer};
        catlr_train_problem prob = {
            .X = job->set.X,
            .y = job->set.y,
            .m = job->set.m,
            .val = {.X = job->sets.val_X, .y = job->sets.val_y, .m = job->sets.val_m},
            .origin = train_sets_origin(&job->sets),
        };
        prob.origin.augment = a->augment;
        prob.origin.warm_start = (uint32_t)warm;
        if (job->test != NULL)
            prob.test = (catlr_train_set){
                .X = catlr_dataset_pixels(job->test),
                .y = catlr_dataset_labels(job->test),
                .m = catlr_dataset_count(job->test),
            };
        train_report_start_run(&job->rep, k, &params, &hooks);
        train_stop_hooks(&job->stop, &hooks, a->params.report_every);
        double t0 = now();
        train_stop_catch();
        st = catlr_train(&prob, &params, &hooks, model, &err);
        train_stop_release();
        job->t_train += now() - t0;
    }
    if (st == CATLR_ERR_STOPPED) {
        train_report_fail_run(&job->rep);
        return train_stop_report(&job->stop, (size_t)model->iterations, a->params.iterations,
                                 a->argc, a->argv);
    }
    if (st != CATLR_OK) {
        train_report_fail_run(&job->rep); /* wipes the progress line before the error */
        cli_print_error(job->errf, &err);
        return CLI_EXIT_FAIL;
    }
    report_early_stop(model, a, job->errf);
    if (!a->quiet)
        train_sets_report_kept(&job->sets, model, job->errf);
    return CLI_EXIT_OK;
}

/* The accuracy line of the examples of set in every process (the
 * confusion matrices added up, scored by the course's formula, as eval
 * does); returns the accuracy. */
static double print_accuracy(const train_job *job, const char *which, const catlr_model *model,
                             const catlr_train_set *set) {
    enum { CHUNK = 64 };
    double counts[4] = {0, 0, 0, 0};
    for (size_t j0 = 0; j0 < set->m; j0 += CHUNK) {
        size_t n = set->m - j0 < CHUNK ? set->m - j0 : CHUNK;
        double p[CHUNK];
        catlr_predict_proba(model, set->X + j0 * CATLR_N_X, n, p);
        catlr_confusion c = catlr_metrics_confusion(set->y + j0, p, n);
        counts[0] += (double)c.tp;
        counts[1] += (double)c.fn;
        counts[2] += (double)c.fp;
        counts[3] += (double)c.tn;
    }
    sum_counts(job->a->comm, counts, 4);
    catlr_confusion all = {
        .tp = (size_t)counts[0],
        .fn = (size_t)counts[1],
        .fp = (size_t)counts[2],
        .tn = (size_t)counts[3],
    };
    double acc = catlr_metrics_scores(&all).accuracy;
    fprintf(job->out, "%s accuracy: %.2f %%\n", which, acc);
    return acc;
}

/* The accuracy lines of model: the folder's images trained on (without
 * mirrors), the validation set's and the test set's; 1 when run k is the
 * best so far (train_report_end_run). */
static int print_accuracies(train_job *job, const catlr_model *model) {
    train_run_scores scores = {.train = NAN, .validation = NAN, .test = NAN};
    const catlr_train_set trained = {.X = job->sets.X, .y = job->sets.y, .m = job->sets.m};
    scores.train = print_accuracy(job, "train", model, &trained);
    if (job->sets.val_m > 0) {
        const catlr_train_set val = {
            .X = job->sets.val_X, .y = job->sets.val_y, .m = job->sets.val_m};
        scores.validation = print_accuracy(job, "validation", model, &val);
    }
    if (job->test != NULL) {
        const catlr_train_set test = {
            .X = catlr_dataset_pixels(job->test),
            .y = catlr_dataset_labels(job->test),
            .m = catlr_dataset_count(job->test),
        };
        scores.test = print_accuracy(job, "test", model, &test);
    }
    return train_report_end_run(&job->rep, model, &scores);
}

static int save(const catlr_model *model, const train_args *a, FILE *errf) {
    catlr_error err;
    if (catlr_model_save(model, a->output, &err) != CATLR_OK) {
        cli_print_error(errf, &err);
        return CLI_EXIT_FAIL;
    }
    if (!a->quiet)
        fprintf(errf, "model written to %s\n", a->output);
    return CLI_EXIT_OK;
}

/* Train once per learning rate, keeping the best model in job->best. With
 * several rates a run that fails (a rate so large the weights overflow) is
 * reported and marked in the table, and the others still compare. */
static int fit_rates(train_job *job) {
    const train_args *a = job->a;
    int code = CLI_EXIT_OK;
    for (size_t k = 0; k < a->n_rates && code == CLI_EXIT_OK; k++) {
        catlr_model model = {0};
        code = fit(job, k, &model);
        if (code == CLI_EXIT_FAIL && a->n_rates > 1) {
            code = CLI_EXIT_OK; /* marked failed in the table; the others go on */
        } else if (code == CLI_EXIT_OK && print_accuracies(job, &model)) {
            catlr_model_free(&job->best);
            job->best = model; /* moved: best owns the weights now */
            model.w = NULL;
        }
        catlr_model_free(&model);
    }
    if (code == CLI_EXIT_OK && !train_report_has_best(&job->rep)) {
        fprintf(job->errf, "catlr: training failed with every learning rate\n");
        code = CLI_EXIT_FAIL;
    }
    return code;
}

/* Open what the report writes, and check -o's folder, before hours of
 * training could end in a failed save. -1 to go on (in every process), or
 * an exit code. */
static int open_outputs(train_job *job) {
    const train_args *a = job->a;
    /* every process computes the costs that rank 0's report needs, so the
     * others keep its outputs, writing them nowhere */
    const train_report_config cfg = {
        .curve = a->curve != NULL && job->silent ? "/dev/null" : a->curve,
        .plot = a->plot != NULL && job->silent ? "/dev/null" : a->plot,
        .rates = a->rates,
        .n_rates = a->n_rates,
        .iterations = a->params.iterations,
        .print_every = a->params.report_every,
        .has_test = a->test_dir != NULL,
        .quiet = a->quiet,
        .eval_every = a->params.eval_every,
        .has_val = a->val_split > 0,
    };
    int code = train_report_open(&job->rep, &cfg, job->out, job->errf);
    if (code < 0 && !job->silent && cli_check_model_output(a->output, job->errf) != CLI_EXIT_OK)
        code = train_report_close(&job->rep, 0);
    double opened = code < 0; /* rank 0 alone may fail to create its outputs */
    sum_counts(a->comm, &opened, 1);
    if (code >= 0)
        return code;
    if (opened < a->comm->size)
        return train_report_close(&job->rep, 0);
    return -1;
}

/* --resume's checkpoint into *ck. CLI_EXIT_OK, or CLI_EXIT_FAIL after the
 * error line. */
static int load_checkpoint(const char *path, catlr_checkpoint *ck, FILE *errf) {
    catlr_error err;
    if (catlr_checkpoint_load(path, ck, &err) != CATLR_OK) {
        cli_print_error(errf, &err);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* --init's model, the folders, the validation split and the mirrors. Both
 * folders are read before training starts, so that a bad test folder
 * fails at once rather than after the training. */
static int load_data(train_job *job) {
    const train_args *a = job->a;
    /* every input first, --test's folder, --init's file and --resume's
     * checkpoint (a missing or damaged one), so that a misspelled one fails
     * before the training folder is decoded */
    int code = cli_check_input_folder(a->test_dir, a->comm, job->errf);
    if (code == CLI_EXIT_OK && a->init != NULL)
        code = cli_load_model(a->init, &job->init, job->errf);
    if (code == CLI_EXIT_OK && a->resume != NULL)
        code = load_checkpoint(a->resume, &job->stop.resume, job->errf);
    if (code == CLI_EXIT_OK)
        code = load(job, a->train_dir, &job->train, &job->m_total);
    if (code == CLI_EXIT_OK && a->test_dir != NULL) {
        code = load(job, a->test_dir, &job->test, &job->test_m_total);
        /* the test folder must hold the training folder's two classes */
        const char *const train_names[2] = {catlr_dataset_class_name(job->train, 0),
                                            catlr_dataset_class_name(job->train, 1)};
        if (code == CLI_EXIT_OK)
            code = cli_check_classes(job->test, a->test_dir, train_names,
                                     "the training folder's", job->errf);
    }
    if (code == CLI_EXIT_OK && a->init != NULL)
        code = train_setup_check_init(a->init, &job->init, job->train, job->errf);
    /* --val-split: one process (catlr_cmd_train) */
    const train_split split = {.fraction = a->val_split, .seed = a->seed, .quiet = a->quiet};
    if (code == CLI_EXIT_OK)
        code = train_sets_make(&job->sets, job->train, a->train_dir, &split, job->errf);
    if (code == CLI_EXIT_OK && a->pick_threshold)
        code = train_threshold_check(&job->sets, job->train, a->train_dir, job->errf);
    if (code == CLI_EXIT_OK) { /* every process gets here, or none */
        /* the mirrors of the images trained on only: the validation set
         * stays the folder's own images */
        const catlr_train_set from = {.X = job->sets.X, .y = job->sets.y, .m = job->sets.m};
        code = train_setup_make_set(&job->set, &from, a->augment,
                                    a->val_split > 0 ? job->sets.m : job->m_total, a->quiet,
                                    job->errf);
        double failed = code != CLI_EXIT_OK; /* out of memory in one process */
        sum_counts(a->comm, &failed, 1);
        code = failed > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    }
    if (a->comm->size > 1) /* with the totals known, the trainer's reducer */
        job->reducer = (catlr_train_reducer){
            .allreduce_sum = cli_comm_sum,
            .ctx = (void *)a->comm,
            /* every process mirrors its own shard */
            .m_total = (a->augment & CATLR_AUGMENT_FLIP) ? 2 * job->m_total : job->m_total,
            .test_m_total = job->test_m_total,
        };
    return code;
}

/* Train, report, pick the threshold and save. */
static int train_and_save(train_job *job) {
    const train_args *a = job->a;
    int code = fit_rates(job);
    if (code == CLI_EXIT_OK && !a->quiet)
        train_setup_print_weights(&job->best, job->errf);
    /* an interrupted run keeps its own exit code */
    int closed = train_report_close(&job->rep, code == CLI_EXIT_OK);
    code = code == CLI_EXIT_OK ? closed : code;
    if (code == CLI_EXIT_OK && a->pick_threshold)
        code = train_pick_threshold(&job->sets, &job->best, a->quiet, job->errf);
    if (code == CLI_EXIT_OK && !job->silent) {
        job->t_save = now();
        code = save(&job->best, a, job->errf);
        job->t_save = now() - job->t_save;
    }
    return code;
}

static void job_free(train_job *job) {
    catlr_model_free(&job->best);
    catlr_model_free(&job->init);
    train_stop_free(&job->stop);
    train_setup_free_set(&job->set);
    train_sets_free(&job->sets);
    catlr_dataset_free(job->test);
    catlr_dataset_free(job->train);
}

static int run(const train_args *a, FILE *out, FILE *errf) {
    train_job job = {
        .a = a,
        .out = out,
        .errf = errf,
        .silent = a->comm->rank > 0,
        .stop = {.checkpoint = a->checkpoint,
                 .every = a->checkpoint_every,
                 .writer = a->comm->rank == 0,
                 .processes = a->comm->size,
                 .errf = errf},
    };
    int code = open_outputs(&job);
    if (code >= 0)
        return code;
    job.t_load = now();
    code = load_data(&job);
    job.t_load = now() - job.t_load;
    if (code == CLI_EXIT_OK)
        code = train_and_save(&job);
    else
        code = train_report_close(&job.rep, 0);
    /* train is the time inside the trainer only: not the accuracies, the
     * curve file or the chart */
    if (code == CLI_EXIT_OK && a->timings)
        fprintf(errf, "timings: load=%.4f train=%.4f save=%.4f solver=%s\n", job.t_load,
                job.t_train, job.t_save, catlr_solver_name((catlr_solver)job.best.solver));
    job_free(&job);
    return code;
}

int catlr_cmd_train(int argc, char **argv, FILE *out, FILE *errf) {
    cli_comm comm;
    if (cli_comm_join(&comm, errf) != CLI_EXIT_OK)
        return CLI_EXIT_FAIL;
    /* under mpirun rank 0 speaks for every process, and the others say only
     * what they alone know (should /dev/null not open, they repeat it) */
    FILE *own_errf = errf, *silent = comm.rank > 0 ? fopen("/dev/null", "w") : NULL;
    if (silent != NULL)
        out = errf = silent;
    train_args a = {.argc = argc, .argv = argv};
    int code = parse_args(argc, argv, &a, out, errf);
    if (code < 0 && comm.size > 1 && a.params.solver == CATLR_SOLVER_GRAM)
        code = usage_error(errf, "--solver gram trains in one process only; use primal or "
                                 "auto with mpirun", NULL);
    /* the split and the accuracies are of one process's examples */
    if (code < 0 && comm.size > 1 && (a.val_split > 0 || a.params.eval_every > 0))
        code = usage_error(errf, "--val-split and --eval-every train in one process only",
                           NULL);
    if (code < 0) {
        a.comm = &comm;
        a.own_errf = own_errf;
        code = run(&a, out, errf);
    }
    if (silent != NULL)
        fclose(silent);
    cli_comm_leave(&comm);
    return code;
}
