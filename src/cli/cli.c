/* cli.c: the table of subcommands and the dispatch from it. */
#include <string.h>

#include "catlr/catlr.h"
#include "cli.h"
#include "comm.h"
#include "common.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv, FILE *out, FILE *errf);
    const char *summary;
    int distributed; /* runs as the processes of an MPI job */
} command;

static const command COMMANDS[] = {
    {"train", catlr_cmd_train, "fit a model on a folder of class folders", 1},
    {"predict", catlr_cmd_predict, "classify images with a saved model", 0},
    {"eval", catlr_cmd_eval, "score a saved model on a folder of class folders", 0},
    {"cv", catlr_cmd_cv, "cross-validate a grid of learning rates and L2 strengths", 0},
    {"info", catlr_cmd_info, "show what a model file holds", 0},
    {"weights", catlr_cmd_weights, "draw a saved model's weights as a picture", 0},
    {"import", catlr_cmd_import, "write the course's .h5 data set as image folders", 0},
    {"pack", catlr_cmd_pack, "write a folder of class folders as one .h5 file", 0},
};

static const size_t N_COMMANDS = sizeof COMMANDS / sizeof COMMANDS[0];

static const char USAGE[] = "Usage: catlr COMMAND [options] ARGS";

/* The commands, one a line, under the usage line. */
static void print_commands(FILE *f) {
    fprintf(f, "%s\n"
               "Train and apply a logistic-regression cat / non-cat image classifier.\n"
               "\n"
               "Commands:\n",
            USAGE);
    for (size_t k = 0; k < N_COMMANDS; k++)
        fprintf(f, "  %-10s %s\n", COMMANDS[k].name, COMMANDS[k].summary);
}

static void print_help(FILE *out) {
    print_commands(out);
    fprintf(out, "  %-10s %s\n", "help", "show this help, or 'help COMMAND' a command's");
    fprintf(out, "\n"
                 "Options:\n"
                 "  -h, --help     show this help and exit\n"
                 "  -V, --version  show the version and the optional parts and exit\n"
                 "\n"
                 "'catlr COMMAND --help' describes a command's options.\n");
}

static const command *find_command(const char *name) {
    for (size_t k = 0; k < N_COMMANDS; k++)
        if (strcmp(name, COMMANDS[k].name) == 0)
            return &COMMANDS[k];
    return NULL;
}

/* "catlr: WHAT 'ARG'", "; did you mean 'X'?" when a candidate is close,
 * the usage line and where to look. */
static int top_level_usage_error(FILE *errf, const char *what, const char *arg,
                                 const char *close) {
    fprintf(errf, "catlr: %s '%s'", what, arg);
    if (close != NULL)
        fprintf(errf, "; did you mean '%s'?", close);
    fprintf(errf, "\n%s\nTry 'catlr --help'.\n", USAGE);
    return CLI_EXIT_USAGE;
}

static int unknown_command(FILE *errf, const char *name) {
    const char *names[sizeof COMMANDS / sizeof COMMANDS[0] + 1];
    for (size_t k = 0; k < N_COMMANDS; k++)
        names[k] = COMMANDS[k].name;
    names[N_COMMANDS] = "help";
    return top_level_usage_error(errf, "unknown command", name,
                                 cli_closest(name, names, N_COMMANDS + 1));
}

static int unknown_option(FILE *errf, const char *arg) {
    static const char *const OPTIONS[] = {"--help", "--version"};
    return top_level_usage_error(errf, "unknown option", arg, cli_closest(arg, OPTIONS, 2));
}

/* catlr --version: the version, then one line per optional part of this
 * build: its version, or "no". */
static void print_version(FILE *out) {
    fprintf(out, "catlr %s\n", CATLR_VERSION);
    char text[256];
    for (int k = 0; k < CATLR_N_PARTS; k++) {
        catlr_part part = (catlr_part)k;
        if (part == CATLR_PART_SIMD) { /* MPI, the program's own part, before the kernels */
            cli_comm_describe(text, sizeof text);
            fprintf(out, "%-13s %s\n", "MPI:", text);
        }
        const char *name = catlr_part_describe(part, text, sizeof text);
        fprintf(out, "%s:%*s %s\n", name, (int)(12 - strlen(name)), "", text);
    }
}

/* Every process of an MPI job would run the whole command and print all of
 * it once each: only train splits its work over the processes. */
static int refuse_distributed(FILE *errf, const char *name) {
    fprintf(errf,
            "catlr: %s: only 'catlr train' runs distributed; this is one of the %ld processes "
            "an MPI launcher started, so run '%s' without mpirun\n",
            name, cli_launched_processes(), name);
    return CLI_EXIT_USAGE;
}

/* catlr help [COMMAND]: the overview, or COMMAND --help. */
static int run_help(int argc, char **argv, FILE *out, FILE *errf) {
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "--help") == 0) {
        print_help(out);
        return CLI_EXIT_OK;
    }
    if (argc > 2)
        return top_level_usage_error(errf, "help: unexpected argument", argv[2], NULL);
    const command *c = find_command(argv[1]);
    if (c == NULL)
        return unknown_command(errf, argv[1]);
    char *help_argv[] = {argv[1], "--help", NULL};
    return c->run(2, help_argv, out, errf);
}

int catlr_cli_run(int argc, char **argv, FILE *out, FILE *errf) {
    if (argc < 2) {
        /* a newcomer's first try: show what there is to run */
        print_commands(errf);
        fprintf(errf, "\n'catlr help COMMAND' describes a command; 'catlr --help' shows more.\n");
        return CLI_EXIT_USAGE;
    }
    const char *first = argv[1];
    if (strcmp(first, "-h") == 0 || strcmp(first, "--help") == 0) {
        print_help(out);
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "-V") == 0 || strcmp(first, "--version") == 0) {
        print_version(out);
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "help") == 0)
        return run_help(argc - 1, argv + 1, out, errf);
    const command *c = find_command(first);
    if (c != NULL && !c->distributed && cli_launched_processes() > 1)
        return refuse_distributed(errf, c->name);
    if (c != NULL)
        return c->run(argc - 1, argv + 1, out, errf);
    if (first[0] == '-')
        return unknown_option(errf, first);
    return unknown_command(errf, first);
}
