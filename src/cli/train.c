/* train.c: `catlr train`: parse, validate, load the folders, train, report,
 * save. stdout carries exactly the course's lines (the cost every K
 * iterations, then the accuracies); everything else goes to errf. */
#include <string.h>

#include "catlr/dataset.h"
#include "catlr/model.h"
#include "catlr/predict.h"
#include "catlr/train.h"
#include "cli.h"
#include "args.h"
#include "common.h"

static const char USAGE[] = "Usage: catlr train [options] TRAIN_DIR";

static void print_help(FILE *out) {
    fprintf(out,
            "%s\n"
            "Fit a logistic-regression classifier on the images in TRAIN_DIR/<class>/*.png\n"
            "(exactly two class folders) and write it to a model file.\n"
            "\n"
            "Options:\n"
            "  -o, --output MODEL     where to write the model (default catlr.model)\n"
            "  -t, --test DIR         also report the accuracy on DIR/<class>/*.png\n"
            "  -r, --lr RATE          learning rate (default %g)\n"
            "  -i, --iterations N     gradient-descent steps (default %d)\n"
            "  -k, --print-every K    print the cost every K iterations (default %d)\n"
            "  -p, --positive NAME    class folder labelled 1 (default cat)\n"
            "      --skip-bad         leave out images that cannot be read or decoded,\n"
            "                         with a warning for each (default: stop at the first)\n"
            "  -q, --quiet            no messages on stderr, only errors\n"
            "  -h, --help             show this help and exit\n"
            "\n"
            "stdout carries only the results: 'Cost after iteration I: C' for I = 0, K,\n"
            "2K, ..., then 'train accuracy: A %%' and, with --test, 'test accuracy: A %%'.\n",
            USAGE, CATLR_DEFAULT_LR, CATLR_DEFAULT_ITERATIONS, CATLR_DEFAULT_REPORT_EVERY);
}

// ----------------------------------------------------------------------------
// The command line.

typedef struct train_args {
    const char *train_dir;
    const char *test_dir; /* NULL: no test set */
    const char *output;
    const char *positive;
    catlr_train_opts opts;
    int quiet;
    int skip_bad;
    int threads; /* 0: all cores */
} train_args;

enum { OPT_OUTPUT = 1, OPT_TEST, OPT_LR, OPT_ITERATIONS, OPT_PRINT_EVERY,
       OPT_POSITIVE, OPT_SKIP_BAD, OPT_QUIET, OPT_HELP };

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
};

static int usage_error(FILE *errf, const char *message, const char *arg) {
    if (arg != NULL)
        return cli_usage_error(errf, "train", USAGE, "%s '%s'", message, arg);
    return cli_usage_error(errf, "train", USAGE, "%s", message);
}

/* Apply one option. -1 to go on, or an exit code. */
static int apply_option(int id, const char *value, train_args *a, FILE *out,
                        FILE *errf) {
    switch (id) {
    case OPT_OUTPUT: a->output = value; break;
    case OPT_TEST: a->test_dir = value; break;
    case OPT_POSITIVE: a->positive = value; break;
    case OPT_QUIET: a->quiet = 1; break;
    case OPT_SKIP_BAD: a->skip_bad = 1; break;
    case OPT_LR:
        if (cli_parse_positive(value, &a->opts.lr) != 0)
            return usage_error(errf, "--lr must be a positive number, got", value);
        break;
    case OPT_ITERATIONS:
        if (cli_parse_count(value, &a->opts.iterations) != 0)
            return usage_error(errf, "--iterations must be a whole number >= 1, got", value);
        break;
    case OPT_PRINT_EVERY:
        if (cli_parse_count(value, &a->opts.report_every) != 0)
            return usage_error(errf, "--print-every must be a whole number >= 1, got", value);
        break;
    case OPT_HELP: print_help(out); return CLI_EXIT_OK;
    }
    return -1;
}

/* Fill *a from argv. -1 to go on, or an exit code (help, usage error). */
static int parse_args(int argc, char **argv, train_args *a, FILE *out, FILE *errf) {
    a->output = "catlr.model";
    a->positive = "cat";
    a->opts = catlr_train_defaults();
    cli_scanner s = cli_scan(argc, argv, OPTIONS, sizeof OPTIONS / sizeof OPTIONS[0]);
    char msg[256];
    const char *value;
    for (int id; (id = cli_next(&s, &value, msg, sizeof msg)) != CLI_END;) {
        if (id == CLI_ERROR)
            return usage_error(errf, msg, NULL);
        if (id == CLI_OPERAND) {
            if (a->train_dir != NULL)
                return usage_error(errf, "unexpected argument", value);
            a->train_dir = value;
            continue;
        }
        int code = apply_option(id, value, a, out, errf);
        if (code >= 0)
            return code;
    }
    if (a->train_dir == NULL)
        return usage_error(errf, "missing TRAIN_DIR", NULL);
    if (a->positive[0] == '\0')
        return usage_error(errf, "--positive must name a class folder", NULL);
    return -1;
}

// ----------------------------------------------------------------------------
// The work.

/* on_skip with --skip-bad: a warning line per image left out, counted. */
typedef struct skip_report {
    FILE *errf;
    size_t count;
} skip_report;

static void warn_skip(void *user, const catlr_error *err) {
    skip_report *r = user;
    fprintf(r->errf, "catlr: warning: %s: %s (skipped)\n", err->path, err->reason);
    r->count++;
}

/* Load dir; say what was found on errf unless quiet. Skipped images are
 * warned about even when quiet: they change what the model learns from. */
static int load(const char *dir, const train_args *a, catlr_dataset **ds, FILE *errf) {
    catlr_error err;
    skip_report skipped = {errf, 0};
    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.positive = a->positive;
    opts.skip_bad = a->skip_bad;
    opts.threads = a->threads;
    opts.on_skip = warn_skip;
    opts.user = &skipped;
    if (catlr_dataset_load(dir, &opts, ds, &err) != CATLR_OK) {
        cli_print_error(errf, &err);
        return CLI_EXIT_FAIL;
    }
    if (skipped.count > 0)
        fprintf(errf, "catlr: warning: %s: skipped %zu image%s that could not be read\n", dir,
                skipped.count, skipped.count == 1 ? "" : "s");
    if (!a->quiet)
        fprintf(errf, "%s: %zu images (%s: %zu, %s: %zu)\n", dir,
                catlr_dataset_count(*ds), catlr_dataset_class_name(*ds, 0),
                catlr_dataset_class_count(*ds, 0), catlr_dataset_class_name(*ds, 1),
                catlr_dataset_class_count(*ds, 1));
    return CLI_EXIT_OK;
}

/* The test folder must hold the same two classes as the training folder. */
static int check_same_classes(const catlr_dataset *train, const catlr_dataset *test,
                              const char *test_dir, FILE *errf) {
    for (size_t k = 0; k < 2; k++) {
        if (strcmp(catlr_dataset_class_name(train, k), catlr_dataset_class_name(test, k)) != 0) {
            fprintf(errf,
                    "catlr: %s: class folders '%s', '%s' differ from the training "
                    "folder's '%s', '%s'\n",
                    test_dir, catlr_dataset_class_name(test, 0),
                    catlr_dataset_class_name(test, 1), catlr_dataset_class_name(train, 0),
                    catlr_dataset_class_name(train, 1));
            return CLI_EXIT_FAIL;
        }
    }
    return CLI_EXIT_OK;
}

/* on_step: the course's line, flushed so that a pipe sees it at once. */
static void print_cost(void *user, const catlr_train_step *step) {
    FILE *out = user;
    if (!step->has_cost)
        return;
    fprintf(out, "Cost after iteration %zu: %f\n", step->iteration, step->cost);
    fflush(out);
}

/* A zero model for the training set's classes, trained on it. */
static int fit(const catlr_dataset *train, const train_args *a, catlr_model *model,
               FILE *out, FILE *errf) {
    catlr_error err;
    catlr_status st = catlr_model_init(
        model, CATLR_HEIGHT, CATLR_WIDTH, CATLR_CHANNELS, catlr_dataset_class_name(train, 0),
        catlr_dataset_class_name(train, 1), (uint32_t)catlr_dataset_positive(train), &err);
    if (st == CATLR_OK) {
        catlr_train_opts opts = a->opts;
        opts.on_step = print_cost;
        opts.user = out;
        st = catlr_train(catlr_dataset_pixels(train), catlr_dataset_labels(train),
                         catlr_dataset_count(train), &opts, model, &err);
    }
    if (st != CATLR_OK) {
        cli_print_error(errf, &err);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

static void print_accuracy(FILE *out, const char *which, const catlr_model *model,
                           const catlr_dataset *ds) {
    double acc = catlr_predict_accuracy(model, catlr_dataset_pixels(ds),
                                        catlr_dataset_labels(ds), catlr_dataset_count(ds));
    fprintf(out, "%s accuracy: %.2f %%\n", which, acc);
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

/* Both folders are read before training starts, so that a bad test folder
 * fails at once rather than after the training. */
static int run(const train_args *a, FILE *out, FILE *errf) {
    catlr_dataset *train = NULL, *test = NULL;
    catlr_model model = {0};
    int code = load(a->train_dir, a, &train, errf);
    if (code == CLI_EXIT_OK && a->test_dir != NULL) {
        code = load(a->test_dir, a, &test, errf);
        if (code == CLI_EXIT_OK)
            code = check_same_classes(train, test, a->test_dir, errf);
    }
    if (code == CLI_EXIT_OK)
        code = fit(train, a, &model, out, errf);
    if (code == CLI_EXIT_OK) {
        print_accuracy(out, "train", &model, train);
        if (test != NULL)
            print_accuracy(out, "test", &model, test);
        code = save(&model, a, errf);
    }
    catlr_model_free(&model);
    catlr_dataset_free(test);
    catlr_dataset_free(train);
    return code;
}

int catlr_cmd_train(int argc, char **argv, FILE *out, FILE *errf) {
    train_args a = {0};
    int code = parse_args(argc, argv, &a, out, errf);
    if (code >= 0)
        return code;
    return run(&a, out, errf);
}
