/* cmd_cv.c: `catlr cv`: parse, validate, load the folder once, split it into
 * stratified folds, cross-validate the grid of learning rates x L2
 * strengths, print the table and the best setting; with -o, train the best
 * setting on the whole folder and save it. stdout carries the table and the
 * best setting; everything else goes to errf. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catlr/cv.h"
#include "catlr/dataset.h"
#include "catlr/model.h"
#include "catlr/split.h"
#include "catlr/train.h"
#include "cli.h"
#include "args.h"
#include "common.h"
#include "train_setup.h"

#define CV_MAX_VALUES 16 /* numbers in --lr and in --l2 */
#define CV_DEFAULT_FOLDS 5

static const char USAGE[] = "Usage: catlr cv [options] DIR";

static void print_help(FILE *out) {
    fprintf(out,
            "%s\n"
            "Cross-validate the classifier on the images in DIR/<class>/: split them into\n"
            "K stratified folds, train every setting of the grid --lr x --l2 on K-1 folds\n"
            "and score it on the fold left out, K times. Prints a table and the best\n"
            "setting; with -o, trains the best setting on all of DIR and writes it.\n"
            "\n"
            "Options:\n"
            "  -k, --folds K          number of folds, 2 to %u (default %d)\n"
            "      --seed S           seed of the folds' shuffle (default %u)\n"
            "  -r, --lr RATE[,RATE]   learning rates, 1 to %d (default %g)\n"
            "      --l2 LAMBDA[,...]  L2 strengths, 1 to %d (default 0)\n"
            "  -i, --iterations N     gradient-descent steps per run (default %d)\n"
            "  -o, --output MODEL     train the best setting on all of DIR and write\n"
            "                         the model (default: no model)\n"
            "  -p, --positive NAME    class folder labelled 1 (default cat)\n"
            "      --class-weight W   weighted training cost, as for train: 'balanced'\n"
            "                         (from each run's training folds) or W_POS,W_NEG\n"
            "                         (default: none); validation costs stay unweighted\n"
            "      --solver NAME      auto, primal or gram (default auto: gram, with\n"
            "                         one Gram matrix for every run, when it is cheaper)\n"
            "      --threads N        threads to load and train with (default: all cores)\n"
            "      --skip-bad         leave out images that cannot be read or decoded,\n"
            "                         with a warning for each (default: stop at the first)\n"
            "  -q, --quiet            no messages on stderr, only errors\n"
            "  -h, --help             show this help and exit\n"
            "\n"
            "stdout carries the table (one row per setting: lr, l2, mean and standard\n"
            "deviation of the validation accuracy and cost over the folds, mean training\n"
            "cost) and 'best: lr R, l2 L (why)': the highest mean validation accuracy,\n"
            "on a tie the lower mean validation cost.\n",
            USAGE, CATLR_MAX_FOLDS, CV_DEFAULT_FOLDS, CATLR_DEFAULT_SEED, CV_MAX_VALUES,
            CATLR_DEFAULT_LR, CV_MAX_VALUES, CATLR_DEFAULT_ITERATIONS);
}

// ----------------------------------------------------------------------------
// The command line.

typedef struct cv_args {
    const char *dir;
    const char *output; /* NULL: no model */
    const char *positive;
    unsigned folds;
    uint64_t seed;
    double rates[CV_MAX_VALUES];
    size_t n_rates;
    double l2s[CV_MAX_VALUES];
    size_t n_l2s;
    catlr_train_params params;
    int skip_bad;
    int quiet;
} cv_args;

enum { OPT_FOLDS = 1, OPT_SEED, OPT_LR, OPT_L2, OPT_ITERATIONS, OPT_OUTPUT, OPT_POSITIVE,
       OPT_SOLVER, OPT_THREADS, OPT_SKIP_BAD, OPT_QUIET, OPT_HELP, OPT_CLASS_WEIGHT };

static const cli_option OPTIONS[] = {
    {'k', "folds", 1, OPT_FOLDS},
    {'\0', "seed", 1, OPT_SEED},
    {'r', "lr", 1, OPT_LR},
    {'\0', "l2", 1, OPT_L2},
    {'i', "iterations", 1, OPT_ITERATIONS},
    {'o', "output", 1, OPT_OUTPUT},
    {'p', "positive", 1, OPT_POSITIVE},
    {'\0', "solver", 1, OPT_SOLVER},
    {'\0', "threads", 1, OPT_THREADS},
    {'\0', "skip-bad", 0, OPT_SKIP_BAD},
    {'q', "quiet", 0, OPT_QUIET},
    {'h', "help", 0, OPT_HELP},
    {'\0', "class-weight", 1, OPT_CLASS_WEIGHT},
};

static int usage_error(FILE *errf, const char *message, const char *arg) {
    if (arg != NULL)
        return cli_usage_error(errf, "cv", USAGE, "%s '%s'", message, arg);
    return cli_usage_error(errf, "cv", USAGE, "%s", message);
}

/* The options that take a number. -1 to go on, or an exit code. */
static int apply_number(int id, const char *value, cv_args *a, FILE *errf) {
    size_t count;
    char message[64];
    switch (id) {
    case OPT_FOLDS:
        if (cli_parse_count(value, &count) != 0 || count < 2 || count > CATLR_MAX_FOLDS) {
            /* CATLR_MAX_FOLDS is unsigned (1000u): not for CLI_STR */
            snprintf(message, sizeof message, "--folds must be a whole number from 2 to %u, got",
                     CATLR_MAX_FOLDS);
            return usage_error(errf, message, value);
        }
        a->folds = (unsigned)count;
        break;
    case OPT_SEED: return cli_option_seed(value, &a->seed, "cv", USAGE, errf);
    case OPT_LR:
        return cli_option_rates(
            value, &(const cli_list){.values = a->rates, .max = CV_MAX_VALUES, .n = &a->n_rates},
            "cv", USAGE, errf);
    case OPT_L2:
        return cli_option_l2s(
            value, &(const cli_list){.values = a->l2s, .max = CV_MAX_VALUES, .n = &a->n_l2s},
            "cv", USAGE, errf);
    case OPT_ITERATIONS:
        if (cli_parse_count(value, &a->params.iterations) != 0)
            return usage_error(errf, "--iterations must be a whole number >= 1, got", value);
        break;
    case OPT_THREADS: return cli_option_threads(value, &a->params.threads, "cv", USAGE, errf);
    }
    return -1;
}

/* Apply one option. -1 to go on, or an exit code. */
static int apply_option(int id, const char *value, cv_args *a, FILE *out, FILE *errf) {
    switch (id) {
    case OPT_OUTPUT: a->output = value; break;
    case OPT_POSITIVE: a->positive = value; break;
    case OPT_SKIP_BAD: a->skip_bad = 1; break;
    case OPT_QUIET: a->quiet = 1; break;
    case OPT_SOLVER: return cli_option_solver(value, &a->params.solver, "cv", USAGE, errf);
    case OPT_CLASS_WEIGHT:
        return train_setup_option_class_weight(value, &a->params, "cv", USAGE, errf);
    case OPT_HELP: print_help(out); return CLI_EXIT_OK;
    default: return apply_number(id, value, a, errf);
    }
    return -1;
}

/* apply_option for cli_scan_one_operand. */
static int apply_one(void *a, int id, const char *value, FILE *out, FILE *errf) {
    return apply_option(id, value, a, out, errf);
}

/* Fill *a from argv. -1 to go on, or an exit code (help, usage error). */
static int parse_args(int argc, char **argv, cv_args *a, FILE *out, FILE *errf) {
    a->positive = "cat";
    a->folds = CV_DEFAULT_FOLDS;
    a->seed = CATLR_DEFAULT_SEED;
    a->params = catlr_train_defaults();
    const cli_one_operand command = {
        .cmd = "cv",
        .usage = USAGE,
        .options = OPTIONS,
        .n_options = sizeof OPTIONS / sizeof OPTIONS[0],
        .operand_name = "DIR",
        .operand = &a->dir,
        .second_operand_hint = "cv tests on folds of DIR itself; to test a model on another "
                               "folder, use catlr eval",
        .apply = apply_one,
        .ctx = a,
    };
    int code = cli_scan_one_operand(argc, argv, &command, out, errf);
    if (code >= 0)
        return code;
    const cli_path paths[] = {{"DIR", a->dir}, {"--output", a->output}};
    code = cli_check_paths(paths, sizeof paths / sizeof paths[0], "cv", USAGE, errf);
    if (code >= 0)
        return code;
    if (a->positive[0] == '\0')
        return usage_error(errf, "--positive must name a class folder", NULL);
    if (a->n_rates == 0) {
        a->rates[0] = CATLR_DEFAULT_LR;
        a->n_rates = 1;
    }
    if (a->n_l2s == 0) {
        a->l2s[0] = 0;
        a->n_l2s = 1;
    }
    return -1;
}

// ----------------------------------------------------------------------------
// The work.

/* The grid and what it measured. */
typedef struct grid {
    size_t n;                   /* settings: n_rates x n_l2s, rate-major */
    catlr_cv_setting *settings; /* (n) */
    catlr_cv_run *runs;         /* (n, folds) */
    catlr_cv_summary *summary;  /* (n) */
} grid;

static void grid_free(grid *g) {
    free(g->settings);
    free(g->runs);
    free(g->summary);
}

/* "DIR: K folds (seed S) of A to B images, N settings: R runs, solver X"
 * ("of A images" when the folds are all of one size). */
static void describe(const cv_args *a, const catlr_cv_problem *prob,
                     const catlr_cv_params *params, FILE *errf) {
    const size_t m = prob->m, n_settings = params->n_settings;
    const unsigned *fold = prob->fold;
    size_t lo = m, hi = 0;
    for (unsigned f = 0; f < a->folds; f++) {
        size_t count = 0;
        for (size_t j = 0; j < m; j++)
            count += fold[j] == f;
        lo = count < lo ? count : lo;
        hi = count > hi ? count : hi;
    }
    catlr_solver solver = catlr_cv_choose_solver(prob, params);
    char sizes[64];
    if (lo == hi)
        snprintf(sizes, sizeof sizes, "%zu image%s", lo, lo == 1 ? "" : "s");
    else
        snprintf(sizes, sizeof sizes, "%zu to %zu images", lo, hi);
    fprintf(errf, "%s: %u folds (seed %llu) of %s, %zu setting%s: %zu runs, solver %s\n",
            a->dir, a->folds, (unsigned long long)a->seed, sizes, n_settings,
            n_settings == 1 ? "" : "s", n_settings * a->folds, catlr_solver_name(solver));
}

/* Split ds into folds and run the grid. CLI_EXIT_OK or CLI_EXIT_FAIL. */
static int cross_validate(const cv_args *a, const catlr_dataset *ds, grid *g, FILE *errf) {
    const size_t m = catlr_dataset_count(ds);
    g->n = a->n_rates * a->n_l2s;
    g->settings = malloc(g->n * sizeof *g->settings);
    g->runs = malloc(g->n * a->folds * sizeof *g->runs);
    g->summary = malloc(g->n * sizeof *g->summary);
    unsigned *fold = malloc(m * sizeof *fold);
    catlr_error err = {{0}, {0}};
    catlr_status st = CATLR_OK;
    if (g->settings == NULL || g->runs == NULL || g->summary == NULL || fold == NULL) {
        fprintf(errf, "catlr: cannot allocate the grid\n");
        free(fold);
        return CLI_EXIT_FAIL;
    }
    for (size_t r = 0; r < a->n_rates; r++)
        for (size_t l = 0; l < a->n_l2s; l++)
            g->settings[r * a->n_l2s + l] = (catlr_cv_setting){a->rates[r], a->l2s[l]};
    st = catlr_split_folds(catlr_dataset_labels(ds), m, a->folds, a->seed, fold, &err);
    if (st == CATLR_OK) {
        const catlr_cv_problem prob = {
            .X = catlr_dataset_pixels(ds),
            .y = catlr_dataset_labels(ds),
            .n_x = CATLR_N_X,
            .m = m,
            .fold = fold,
            .k = a->folds,
        };
        const catlr_cv_params params = {
            .settings = g->settings,
            .n_settings = g->n,
            .train = a->params,
        };
        if (!a->quiet)
            describe(a, &prob, &params, errf);
        st = catlr_cv_grid(&prob, &params, g->runs, &err);
    }
    free(fold);
    if (st != CATLR_OK) {
        /* the folder is what the folds could not be made of */
        fprintf(errf, "catlr: %s: %s\n", a->dir, err.reason);
        return CLI_EXIT_FAIL;
    }
    for (size_t s = 0; s < g->n; s++)
        g->summary[s] = catlr_cv_summarise(g->runs + s * a->folds, a->folds);
    return CLI_EXIT_OK;
}

/* A failed setting's first failed run, on errf. */
static void report_failure(const cv_args *a, const grid *g, size_t s, FILE *errf) {
    for (unsigned f = 0; f < a->folds; f++) {
        const catlr_cv_run *run = &g->runs[s * a->folds + f];
        if (run->status != CATLR_OK) {
            fprintf(errf, "catlr: lr %g, l2 %g, fold %u: %s\n", g->settings[s].lr,
                    g->settings[s].l2, f + 1, run->err.reason);
            return;
        }
    }
}

/* The table and the best line on out; the failed settings' errors on errf.
 * Returns the best setting's index, or g->n when every setting failed. */
static size_t print_table(const cv_args *a, const grid *g, FILE *out, FILE *errf) {
    fprintf(out, "%-10s  %-10s  %-12s  %-5s  %-8s  %-8s  %s\n", "lr", "l2", "val accuracy",
            "std", "val cost", "std", "train cost");
    for (size_t s = 0; s < g->n; s++) {
        const catlr_cv_summary *c = &g->summary[s];
        if (c->failed > 0) {
            fprintf(out, "%-10g  %-10g  failed\n", g->settings[s].lr, g->settings[s].l2);
            report_failure(a, g, s, errf);
            continue;
        }
        char acc[32];
        snprintf(acc, sizeof acc, "%.2f %%", c->val_accuracy_mean);
        fprintf(out, "%-10g  %-10g  %-12s  %-5.2f  %-8f  %-8f  %f\n", g->settings[s].lr,
                g->settings[s].l2, acc, c->val_accuracy_std, c->val_cost_mean,
                c->val_cost_std, c->train_cost_mean);
    }
    size_t best = catlr_cv_best(g->summary, g->n);
    if (best == g->n)
        return best;
    /* say what decided: the accuracy alone, or the cost between equals */
    int tie = 0;
    for (size_t s = 0; s < g->n; s++)
        tie |= s != best && g->summary[s].failed == 0 &&
               g->summary[s].val_accuracy_mean == g->summary[best].val_accuracy_mean;
    fprintf(out, "best: lr %g, l2 %g (highest mean validation accuracy%s)\n",
            g->settings[best].lr, g->settings[best].l2,
            tie ? ", then lowest mean validation cost" : "");
    return best;
}

/* Train setting s on all of ds, as `catlr train` would, and save it. */
static int train_best(const cv_args *a, const catlr_dataset *ds, const catlr_cv_setting *s,
                      FILE *errf) {
    catlr_model model;
    catlr_error err;
    catlr_status st =
        catlr_model_init(&model,
                         &(catlr_model_shape){.height = CATLR_HEIGHT,
                                              .width = CATLR_WIDTH,
                                              .channels = CATLR_CHANNELS,
                                              .class_names = {catlr_dataset_class_name(ds, 0),
                                                              catlr_dataset_class_name(ds, 1)},
                                              .positive = (uint32_t)catlr_dataset_positive(ds)},
                         &err);
    if (st == CATLR_OK) {
        catlr_train_params params = a->params;
        params.lr = s->lr;
        params.l2 = s->l2;
        const catlr_train_problem prob = {
            .X = catlr_dataset_pixels(ds),
            .y = catlr_dataset_labels(ds),
            .m = catlr_dataset_count(ds),
        };
        st = catlr_train(&prob, &params, NULL, &model, &err);
        if (st == CATLR_OK)
            st = catlr_model_save(&model, a->output, &err);
        catlr_model_free(&model);
    }
    if (st != CATLR_OK) {
        cli_print_error(errf, &err);
        return CLI_EXIT_FAIL;
    }
    if (!a->quiet)
        fprintf(errf, "model written to %s (lr %g, l2 %g, trained on all of %s)\n", a->output,
                s->lr, s->l2, a->dir);
    return CLI_EXIT_OK;
}

static int run(const cv_args *a, FILE *out, FILE *errf) {
    catlr_dataset *ds = NULL;
    grid g = {0, NULL, NULL, NULL};
    /* -o's folder before the folds are decoded and trained */
    int code = cli_check_model_output(a->output, errf);
    if (code == CLI_EXIT_OK)
        code = cli_load_dataset(&(const cli_load){.dir = a->dir,
                                                  .positive = a->positive,
                                                  .skip_bad = a->skip_bad,
                                                  .has_skip_bad = 1,
                                                  .threads = a->params.threads,
                                                  .quiet = a->quiet},
                                &ds, NULL, errf);
    if (code == CLI_EXIT_OK)
        code = cross_validate(a, ds, &g, errf);
    if (code == CLI_EXIT_OK) {
        size_t best = print_table(a, &g, out, errf);
        if (best == g.n) {
            fprintf(errf, "catlr: training failed with every setting\n");
            code = CLI_EXIT_FAIL;
        } else if (a->output != NULL) {
            code = train_best(a, ds, &g.settings[best], errf);
        }
    }
    grid_free(&g);
    catlr_dataset_free(ds);
    return code;
}

int catlr_cmd_cv(int argc, char **argv, FILE *out, FILE *errf) {
    cv_args a;
    memset(&a, 0, sizeof a);
    int code = parse_args(argc, argv, &a, out, errf);
    if (code >= 0)
        return code;
    return run(&a, out, errf);
}
