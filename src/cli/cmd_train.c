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
#include "train_validation.h"

static const char USAGE[] = "Usage: catlr train [options] TRAIN_DIR";

static void print_help(FILE *out) {
    fprintf(out,
            "%s\n"
            "Fit a logistic-regression classifier on the images (PNG or JPEG) in\n"
            "TRAIN_DIR/<class>/ (exactly two class folders) and write it to a model file.\n"
            "\n"
            "Options:\n"
            "  -o, --output MODEL     where to write the model (default catlr.model)\n"
            "  -t, --test DIR         also report the accuracy on DIR/<class>/\n"
            "  -r, --lr RATE[,RATE]   learning rate (default %g); several rates train\n"
            "                         one model each, compared in a table, and the\n"
            "                         best is written\n"
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
    /* the processes adding up their sums (catlr_train_hooks.reducer);
     * {0}: one process */
    catlr_train_reducer reducer;
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
} train_args;

/* The trainer's tuning options come last: apply_option hands every id from
 * OPT_L2 on to apply_trainer_option. */
enum { OPT_OUTPUT = 1, OPT_TEST, OPT_LR, OPT_ITERATIONS, OPT_PRINT_EVERY,
       OPT_POSITIVE, OPT_SKIP_BAD, OPT_QUIET, OPT_HELP, OPT_CURVE, OPT_PLOT, OPT_L2,
       OPT_TOL, OPT_SOLVER, OPT_THREADS, OPT_TIMINGS, OPT_CLASS_WEIGHT, OPT_AUGMENT,
       OPT_INIT, OPT_VAL_SPLIT, OPT_SEED, OPT_EVAL_EVERY, OPT_PICK_THRESHOLD };

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
};

static int usage_error(FILE *errf, const char *message, const char *arg) {
    if (arg != NULL)
        return cli_usage_error(errf, "train", USAGE, "%s '%s'", message, arg);
    return cli_usage_error(errf, "train", USAGE, "%s", message);
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
    case OPT_LR:
        return cli_option_rates(value, a->rates, TRAIN_REPORT_MAX_RATES, &a->n_rates, "train",
                                USAGE, errf);
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
    int code = cli_scan_one_operand(argc, argv, OPTIONS, sizeof OPTIONS / sizeof OPTIONS[0],
                                    "train", USAGE, "TRAIN_DIR", &a->train_dir, apply_one, a, out, errf);
    if (code >= 0)
        return code;
    const cli_path paths[] = {{"TRAIN_DIR", a->train_dir}, {"--output", a->output},
                              {"--test", a->test_dir},     {"--curve", a->curve},
                              {"--plot", a->plot},         {"--init", a->init}};
    code = cli_check_paths(paths, sizeof paths / sizeof paths[0], "train", USAGE, errf);
    if (code >= 0)
        return code;
    /* the curve and the chart are opened first; the model is written
     * beside its path and renamed, after --init is read, so -o may be it */
    const cli_path outputs[] = {{"--curve", a->curve}, {"--plot", a->plot}, {"--output", a->output}};
    const cli_path init = {"the --init model", a->init};
    code = cli_check_outputs(outputs, 2, &init, "train", USAGE, errf);
    if (code < 0)
        code = cli_check_distinct(outputs, 3, "train", USAGE, errf);
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
    return -1;
}

// ----------------------------------------------------------------------------
// The work.

/* v (n) summed over the processes. n is a handful, and only more than
 * INT_MAX doubles could fail. */
static void sum_counts(const cli_comm *comm, double *v, size_t n) {
    (void)cli_comm_sum((void *)comm, v, n, NULL);
}

/* A folder's load, added up over the processes: how many failed (and
 * whether rank 0 did), images skipped, and images of each class kept. */
enum { LOAD_FAILED, LOAD_RANK0_FAILED, LOAD_SKIPPED, LOAD_CLASS0, LOAD_CLASS1, LOAD_N };

/* With --skip-bad in several processes, a class of which no process kept
 * an image is an error, as the library makes it in one process. */
static int check_classes_kept(const char *dir, const catlr_dataset *ds, const double *sums,
                              FILE *errf) {
    for (size_t k = 0; k < 2; k++) {
        if (sums[LOAD_CLASS0 + k] > 0)
            continue;
        size_t n = strlen(dir);
        fprintf(errf, "catlr: %s%s%s: none of its %zu images could be read\n", dir,
                n > 0 && dir[n - 1] == '/' ? "" : "/", catlr_dataset_class_name(ds, k),
                catlr_dataset_folder_count(ds, k));
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* Load this process's shard of dir (the whole of it in one process), and
 * go on only if every process loaded its own; *total gets the images of
 * all of them. Say what was found on errf unless quiet. Skipped images are
 * warned about even when quiet: they change what the model learns from. */
static int load(const char *dir, const train_args *a, catlr_dataset **ds, size_t *total,
                FILE *errf) {
    const cli_comm *comm = a->comm;
    catlr_error err;
    cli_skip_report skipped = {a->own_errf, 0};
    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.positive = a->positive;
    opts.skip_bad = a->skip_bad;
    opts.threads = (int)a->params.threads; /* --threads: loading and training */
    opts.on_skip = cli_warn_skip;
    opts.user = &skipped;
    opts.shard_index = (size_t)comm->rank;
    opts.shard_count = (size_t)comm->size;
    catlr_status st = catlr_dataset_load(dir, &opts, ds, &err);
    int failed = st != CATLR_OK;
    double sums[LOAD_N] = {failed, failed && comm->rank == 0, (double)skipped.count,
                           failed ? 0 : (double)catlr_dataset_class_count(*ds, 0),
                           failed ? 0 : (double)catlr_dataset_class_count(*ds, 1)};
    sum_counts(comm, sums, LOAD_N);
    /* a failure every process shares (a folder that is not there) is
     * reported once, by rank 0 */
    if (failed && (comm->rank == 0 || sums[LOAD_RANK0_FAILED] == 0))
        cli_print_error(a->own_errf, &err);
    if (sums[LOAD_FAILED] > 0)
        return CLI_EXIT_FAIL; /* the caller frees *ds */
    if (sums[LOAD_SKIPPED] > 0)
        fprintf(errf, "catlr: warning: %s: skipped %.0f image%s that could not be read\n", dir,
                sums[LOAD_SKIPPED], sums[LOAD_SKIPPED] == 1 ? "" : "s");
    if (comm->size > 1 && a->skip_bad && check_classes_kept(dir, *ds, sums, errf) != CLI_EXIT_OK)
        return CLI_EXIT_FAIL;
    *total = (size_t)(sums[LOAD_CLASS0] + sums[LOAD_CLASS1]);
    if (!a->quiet)
        fprintf(errf, "%s: %zu images (%s: %.0f, %s: %.0f)\n", dir, *total,
                catlr_dataset_class_name(*ds, 0), sums[LOAD_CLASS0],
                catlr_dataset_class_name(*ds, 1), sums[LOAD_CLASS1]);
    return CLI_EXIT_OK;
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
 * init's weights, trained on set (the folder's images not held out for
 * validation in sets, with --augment their mirrors) with run k's rate,
 * watched by the report. */
static int fit(const catlr_dataset *train, const train_sets *sets, const train_set *set,
               const catlr_model *init, const catlr_dataset *test, const train_args *a,
               size_t k, train_report *rep, catlr_model *model, double *seconds, FILE *errf) {
    catlr_error err;
    catlr_status st = catlr_model_init(
        model, CATLR_HEIGHT, CATLR_WIDTH, CATLR_CHANNELS, catlr_dataset_class_name(train, 0),
        catlr_dataset_class_name(train, 1), (uint32_t)catlr_dataset_positive(train), &err);
    if (st == CATLR_OK) {
        train_setup_start(model, init, a->augment);
        catlr_train_params params = a->params;
        catlr_train_hooks hooks = {.reducer = a->reducer};
        catlr_train_problem prob = {
            .X = set->X,
            .y = set->y,
            .m = set->m,
            .val = {.X = sets->val_X, .y = sets->val_y, .m = sets->val_m},
        };
        if (test != NULL)
            prob.test = (catlr_train_heldout){
                .X = catlr_dataset_pixels(test),
                .y = catlr_dataset_labels(test),
                .m = catlr_dataset_count(test),
            };
        train_report_start_run(rep, k, &params, &hooks);
        double t0 = now();
        st = catlr_train(&prob, &params, &hooks, model, &err);
        *seconds += now() - t0;
        train_sets_record(sets, model);
    }
    if (st != CATLR_OK) {
        train_report_fail_run(rep); /* wipes the progress line before the error */
        cli_print_error(errf, &err);
        return CLI_EXIT_FAIL;
    }
    report_early_stop(model, a, errf);
    if (!a->quiet)
        train_sets_report_kept(sets, model, errf);
    return CLI_EXIT_OK;
}

/* The accuracy line of the m examples X (n_x, m), y (m) of every process
 * (the confusion matrices added up, scored by the course's formula, as
 * eval does); returns the accuracy. */
static double print_accuracy(FILE *out, const char *which, const catlr_model *model,
                             const uint8_t *X, const uint8_t *y, size_t m,
                             const cli_comm *comm) {
    enum { CHUNK = 64 };
    double counts[4] = {0, 0, 0, 0};
    for (size_t j0 = 0; j0 < m; j0 += CHUNK) {
        size_t n = m - j0 < CHUNK ? m - j0 : CHUNK;
        double p[CHUNK];
        catlr_predict_proba(model, X + j0 * CATLR_N_X, n, p);
        catlr_confusion c = catlr_metrics_confusion(y + j0, p, n);
        counts[0] += (double)c.tp;
        counts[1] += (double)c.fn;
        counts[2] += (double)c.fp;
        counts[3] += (double)c.tn;
    }
    sum_counts(comm, counts, 4);
    catlr_confusion all = {(size_t)counts[0], (size_t)counts[1], (size_t)counts[2],
                           (size_t)counts[3]};
    double acc = catlr_metrics_scores(&all).accuracy;
    fprintf(out, "%s accuracy: %.2f %%\n", which, acc);
    return acc;
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

/* Train once per learning rate, keeping the best model; *seconds adds up
 * the time spent in the trainer. With several rates a run that fails (a
 * rate so large the weights overflow) is reported and marked in the table,
 * and the others still compare. */
static int fit_rates(const catlr_dataset *train, const train_sets *sets, const train_set *set,
                     const catlr_model *init, const catlr_dataset *test,
                     const train_args *a, train_report *rep, catlr_model *best,
                     double *seconds, FILE *out, FILE *errf) {
    int code = CLI_EXIT_OK;
    for (size_t k = 0; k < a->n_rates && code == CLI_EXIT_OK; k++) {
        catlr_model model = {0};
        code = fit(train, sets, set, init, test, a, k, rep, &model, seconds, errf);
        if (code != CLI_EXIT_OK && a->n_rates > 1) {
            code = CLI_EXIT_OK; /* marked failed in the table; the others go on */
        } else if (code == CLI_EXIT_OK) {
            /* the folder's images trained on, without mirrors */
            double train_acc =
                print_accuracy(out, "train", &model, sets->X, sets->y, sets->m, a->comm);
            if (sets->val_m > 0)
                print_accuracy(out, "validation", &model, sets->val_X, sets->val_y,
                               sets->val_m, a->comm);
            double test_acc = test != NULL ? print_accuracy(out, "test", &model,
                                                            catlr_dataset_pixels(test),
                                                            catlr_dataset_labels(test),
                                                            catlr_dataset_count(test), a->comm)
                                           : NAN;
            if (train_report_end_run(rep, &model, train_acc, test_acc)) {
                catlr_model_free(best);
                *best = model; /* moved: best owns the weights now */
                model.w = NULL;
            }
        }
        catlr_model_free(&model);
    }
    if (code == CLI_EXIT_OK && !train_report_has_best(rep)) {
        fprintf(errf, "catlr: training failed with every learning rate\n");
        code = CLI_EXIT_FAIL;
    }
    return code;
}

/* Both folders are read before training starts, so that a bad test folder
 * fails at once rather than after the training. */
static int run(const train_args *a, FILE *out, FILE *errf) {
    catlr_dataset *train = NULL, *test = NULL;
    catlr_model model = {0}, init = {0};
    train_sets sets = {0};
    train_set set = {0};
    train_report rep;
    /* every process computes the costs that rank 0's report needs, so the
     * others keep its outputs, writing them nowhere */
    const int silent = a->comm->rank > 0;
    train_report_config cfg = {a->curve != NULL && silent ? "/dev/null" : a->curve,
                               a->plot != NULL && silent ? "/dev/null" : a->plot,
                               a->rates, a->n_rates, a->params.iterations,
                               a->params.report_every, a->test_dir != NULL, a->quiet,
                               a->params.eval_every, a->val_split > 0};
    int code = train_report_open(&rep, &cfg, out, errf);
    /* and -o's folder, before hours of training could end in a failed save */
    if (code < 0 && !silent && cli_check_model_output(a->output, errf) != CLI_EXIT_OK)
        code = train_report_close(&rep, 0);
    double opened = code < 0; /* rank 0 alone may fail to create its outputs */
    sum_counts(a->comm, &opened, 1);
    if (code >= 0)
        return code;
    if (opened < a->comm->size)
        return train_report_close(&rep, 0);
    double t_load = now();
    size_t m_total = 0, test_m_total = 0;
    /* --init's file first: a missing or damaged one fails before the
     * folders are decoded */
    code = a->init != NULL ? cli_load_model(a->init, &init, errf) : CLI_EXIT_OK;
    if (code == CLI_EXIT_OK)
        code = load(a->train_dir, a, &train, &m_total, errf);
    if (code == CLI_EXIT_OK && a->test_dir != NULL) {
        code = load(a->test_dir, a, &test, &test_m_total, errf);
        /* the test folder must hold the training folder's two classes */
        const char *const train_names[2] = {catlr_dataset_class_name(train, 0),
                                            catlr_dataset_class_name(train, 1)};
        if (code == CLI_EXIT_OK)
            code = cli_check_classes(test, a->test_dir, train_names, "the training folder's",
                                     errf);
    }
    if (code == CLI_EXIT_OK && a->init != NULL)
        code = train_setup_check_init(a->init, &init, train, errf);
    /* --val-split: one process (catlr_cmd_train) */
    if (code == CLI_EXIT_OK)
        code = train_sets_make(&sets, train, a->train_dir, a->val_split, a->seed, a->quiet, errf);
    if (code == CLI_EXIT_OK && a->pick_threshold)
        code = train_threshold_check(&sets, train, a->train_dir, errf);
    if (code == CLI_EXIT_OK) { /* every process gets here, or none */
        /* the mirrors of the images trained on only: the validation set
         * stays the folder's own images */
        code = train_setup_make_set(&set, sets.X, sets.y, sets.m, a->augment,
                                    a->val_split > 0 ? sets.m : m_total, a->quiet, errf);
        double failed = code != CLI_EXIT_OK; /* out of memory in one process */
        sum_counts(a->comm, &failed, 1);
        code = failed > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    }
    t_load = now() - t_load;
    double t_train = 0, t_save = 0;
    train_args split = *a; /* with the totals known, the trainer's reducer */
    if (a->comm->size > 1)
        split.reducer = (catlr_train_reducer){
            .allreduce_sum = cli_comm_sum,
            .ctx = (void *)a->comm,
            /* every process mirrors its own shard */
            .m_total = (a->augment & CATLR_AUGMENT_FLIP) ? 2 * m_total : m_total,
            .test_m_total = test_m_total,
        };
    if (code == CLI_EXIT_OK)
        code = fit_rates(train, &sets, &set, init.w != NULL ? &init : NULL, test, &split, &rep,
                         &model, &t_train, out, errf);
    if (code == CLI_EXIT_OK && !a->quiet)
        train_setup_print_weights(&model, errf);
    code = train_report_close(&rep, code == CLI_EXIT_OK);
    if (code == CLI_EXIT_OK && a->pick_threshold)
        code = train_pick_threshold(&sets, &model, a->quiet, errf);
    if (code == CLI_EXIT_OK && !silent) {
        t_save = now();
        code = save(&model, a, errf);
        t_save = now() - t_save;
    }
    /* train is the time inside the trainer only: not the accuracies, the
     * curve file or the chart */
    if (code == CLI_EXIT_OK && a->timings)
        fprintf(errf, "timings: load=%.3f train=%.3f save=%.3f solver=%s\n", t_load, t_train,
                t_save, catlr_solver_name((catlr_solver)model.solver));
    catlr_model_free(&model);
    catlr_model_free(&init);
    train_setup_free_set(&set);
    train_sets_free(&sets);
    catlr_dataset_free(test);
    catlr_dataset_free(train);
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
    train_args a = {0};
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
