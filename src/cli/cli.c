/* cli.c: the table of subcommands and the dispatch from it. */
#include <string.h>

#include "catlr/catlr.h"
#include "cli.h"
#include "common.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv, FILE *out, FILE *errf);
    const char *summary;
} command;

static const command COMMANDS[] = {
    {"train", catlr_cmd_train, "fit a model on a folder of class folders"},
    {"predict", catlr_cmd_predict, "classify images with a saved model"},
    {"eval", catlr_cmd_eval, "score a saved model on a folder of class folders"},
    {"cv", catlr_cmd_cv, "cross-validate a grid of learning rates and L2 strengths"},
    {"info", catlr_cmd_info, "show what a model file holds"},
    {"weights", catlr_cmd_weights, "draw a saved model's weights as a picture"},
    {"import", catlr_cmd_import, "write the course's .h5 data set as image folders"},
};

static const size_t N_COMMANDS = sizeof COMMANDS / sizeof COMMANDS[0];

static const char USAGE[] = "Usage: catlr COMMAND [options] ARGS";

static void print_help(FILE *out) {
    fprintf(out,
            "%s\n"
            "Train and apply a logistic-regression cat / non-cat image classifier.\n"
            "\n"
            "Commands:\n",
            USAGE);
    for (size_t k = 0; k < N_COMMANDS; k++)
        fprintf(out, "  %-10s %s\n", COMMANDS[k].name, COMMANDS[k].summary);
    fprintf(out, "\n"
                 "Options:\n"
                 "  -h, --help     show this help and exit\n"
                 "  -V, --version  show the version and exit\n"
                 "\n"
                 "'catlr COMMAND --help' describes a command's options.\n");
}

/* "catlr: WHAT 'ARG'" (or just WHAT), the usage line and where to look. */
static int top_level_usage_error(FILE *errf, const char *what, const char *arg) {
    if (arg != NULL)
        fprintf(errf, "catlr: %s '%s'\n", what, arg);
    else
        fprintf(errf, "catlr: %s\n", what);
    fprintf(errf, "%s\nTry 'catlr --help'.\n", USAGE);
    return CLI_EXIT_USAGE;
}

int catlr_cli_run(int argc, char **argv, FILE *out, FILE *errf) {
    if (argc < 2)
        return top_level_usage_error(errf, "missing command", NULL);
    const char *first = argv[1];
    if (strcmp(first, "-h") == 0 || strcmp(first, "--help") == 0) {
        print_help(out);
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "-V") == 0 || strcmp(first, "--version") == 0) {
        fprintf(out, "catlr %s\n", CATLR_VERSION);
        return CLI_EXIT_OK;
    }
    for (size_t k = 0; k < N_COMMANDS; k++)
        if (strcmp(first, COMMANDS[k].name) == 0)
            return COMMANDS[k].run(argc - 1, argv + 1, out, errf);
    if (first[0] == '-')
        return top_level_usage_error(errf, "unknown option", first);
    return top_level_usage_error(errf, "unknown command", first);
}
