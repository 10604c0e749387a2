/* cmd_pack.c: `catlr pack DIR OUT.h5`: a folder of class folders, decoded
 * as train decodes it (same resizing, same order), written once as an HDF5
 * file in the course's layout, which train, eval and cv then read at memory
 * speed instead of decoding every image again. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catlr/dataset.h"
#include "catlr/h5.h"
#include "cli.h"
#include "args.h"
#include "common.h"

static const char USAGE[] = "Usage: catlr pack [options] DIR OUT.h5";

static void print_help(FILE *out) {
    fprintf(out,
            "%s\n"
            "Decode the images of DIR/<class>/ (exactly two class folders) as train\n"
            "does and write them to the new HDF5 file OUT.h5 in the course's layout:\n"
            "NAME_set_x (m x 64 x 64 x 3 bytes), NAME_set_y (1 for the positive\n"
            "class) and list_classes. train, eval, cv and predict read\n"
            "OUT.h5 wherever they read a folder, without decoding anything; h5py and\n"
            "the course's load_dataset() read it too. OUT.h5 must not exist.\n"
            "\n"
            "Options:\n"
            "      --name NAME       name the datasets NAME_set_x, NAME_set_y (default\n"
            "                        train)\n"
            "  -p, --positive NAME   class folder labelled 1 (default cat)\n"
            "      --skip-bad        leave out images that cannot be read, with a\n"
            "                        warning each, instead of failing\n"
            "      --threads N       threads to decode with (default: all cores)\n"
            "  -q, --quiet           no messages on stderr, only errors\n"
            "  -h, --help            show this help and exit\n",
            USAGE);
}

enum { OPT_HELP = 1, OPT_NAME, OPT_POSITIVE, OPT_SKIP_BAD, OPT_THREADS, OPT_QUIET };

static const cli_option OPTIONS[] = {
    {'h', "help", 0, OPT_HELP},
    {'\0', "name", 1, OPT_NAME},
    {'p', "positive", 1, OPT_POSITIVE},
    {'\0', "skip-bad", 0, OPT_SKIP_BAD},
    {'\0', "threads", 1, OPT_THREADS},
    {'q', "quiet", 0, OPT_QUIET},
};

typedef struct pack_args {
    const char *dir, *output, *name, *positive;
    int skip_bad, quiet;
    unsigned threads; /* 0: all cores */
} pack_args;

/* Apply one option. -1 to go on, or an exit code. */
static int apply_option(int id, const char *value, pack_args *a, FILE *errf) {
    switch (id) {
    case OPT_NAME: a->name = value; break;
    case OPT_POSITIVE: a->positive = value; break;
    case OPT_SKIP_BAD: a->skip_bad = 1; break;
    case OPT_QUIET: a->quiet = 1; break;
    case OPT_THREADS: return cli_option_threads(value, &a->threads, "pack", USAGE, errf);
    }
    return -1;
}

/* -1 to go on, or an exit code (help, usage error). */
static int parse_args(int argc, char **argv, pack_args *a, FILE *out, FILE *errf) {
    cli_scanner s = cli_scan(argc, argv, OPTIONS, sizeof OPTIONS / sizeof OPTIONS[0]);
    char msg[256];
    const char *value;
    for (int id; (id = cli_next(&s, &value, msg, sizeof msg)) != CLI_END;) {
        if (id == CLI_ERROR)
            return cli_usage_error(errf, "pack", USAGE, "%s", msg);
        if (id == OPT_HELP) {
            print_help(out);
            return CLI_EXIT_OK;
        }
        if (id != CLI_OPERAND) {
            int code = apply_option(id, value, a, errf);
            if (code >= 0)
                return code;
        } else if (a->dir == NULL) {
            a->dir = value;
        } else if (a->output == NULL) {
            a->output = value;
        } else {
            return cli_usage_error(errf, "pack", USAGE, "unexpected argument '%s'", value);
        }
    }
    if (a->dir == NULL)
        return cli_usage_error(errf, "pack", USAGE, "missing DIR");
    if (a->output == NULL)
        return cli_usage_error(errf, "pack", USAGE, "missing OUT.h5");
    if (a->name[0] == '\0' || strlen(a->name) > CATLR_H5_NAME_MAX ||
        strchr(a->name, '/') != NULL || a->name[0] == '.')
        return cli_usage_error(errf, "pack", USAGE,
                               "--name must be 1 to " CLI_STR(CATLR_H5_NAME_MAX)
                               " characters, without '/', not starting with '.', got '%s'",
                               a->name);
    const cli_path paths[] = {{"DIR", a->dir}, {"OUT.h5", a->output}};
    int code = cli_check_paths(paths, 2, "pack", USAGE, errf);
    const cli_path input = {"DIR", a->dir}, output = {"OUT.h5", a->output};
    if (code < 0)
        code = cli_check_outputs(&output, 1, &input, "pack", USAGE, errf);
    return code;
}

int catlr_cmd_pack(int argc, char **argv, FILE *out, FILE *errf) {
    pack_args a = {.name = "train", .positive = "cat"};
    int code = parse_args(argc, argv, &a, out, errf);
    if (code >= 0)
        return code;
    /* refused before the decoding rather than after it; the writer checks
     * again, in one step with naming the file */
    struct stat sb;
    if (lstat(a.output, &sb) == 0) {
        fprintf(errf, "catlr: %s: already exists; catlr does not overwrite it\n", a.output);
        return CLI_EXIT_FAIL;
    }
    const cli_load load = {
        .dir = a.dir,
        .positive = a.positive,
        .skip_bad = a.skip_bad,
        .threads = a.threads,
        .quiet = a.quiet,
    };
    catlr_dataset *ds = NULL;
    code = cli_load_dataset(&load, &ds, NULL, errf);
    if (code != CLI_EXIT_OK)
        return code;
    catlr_error err;
    if (catlr_h5_save(a.output, a.name, ds, &err) != CATLR_OK) {
        cli_print_error(errf, &err);
        code = CLI_EXIT_FAIL;
    } else if (!a.quiet) {
        fprintf(errf, "%zu images written to %s (%s_set_x, %s_set_y, list_classes)\n",
                catlr_dataset_count(ds), a.output, a.name, a.name);
    }
    catlr_dataset_free(ds);
    return code;
}
