/* cmd_weights.c: `catlr weights MODEL OUT.png`: the model's weights drawn as the
 * picture they are, one panel per colour channel and a combined view. */
#include "catlr/model.h"
#include "catlr/plot.h"
#include "cli.h"
#include "args.h"
#include "common.h"

static const char USAGE[] = "Usage: catlr weights [options] MODEL OUT.png";

#define DEFAULT_ZOOM 4

static void print_help(FILE *out) {
    fprintf(out,
            "%s\n"
            "Draw the weights of the model in MODEL as a PNG: each of the three colour\n"
            "channels as a 64x64 picture in a diverging colour map (red: the pixel's\n"
            "value pushes towards the positive class, blue: away from it, white: no\n"
            "effect), and the three together as one colour picture (grey: no effect).\n"
            "\n"
            "Options:\n"
            "  -z, --zoom N   scale each weight up to N x N pixels, 1 to 16 (default %d)\n"
            "  -h, --help     show this help and exit\n",
            USAGE, DEFAULT_ZOOM);
}

enum { OPT_ZOOM = 1, OPT_HELP };

static const cli_option OPTIONS[] = {
    {'z', "zoom", 1, OPT_ZOOM},
    {'h', "help", 0, OPT_HELP},
};

typedef struct weights_args {
    const char *model;
    const char *output;
    int zoom;
} weights_args;

/* Fill *a from argv. -1 to go on, or an exit code (help, usage error). */
static int parse_args(int argc, char **argv, weights_args *a, FILE *out, FILE *errf) {
    cli_scanner s = cli_scan(argc, argv, OPTIONS, sizeof OPTIONS / sizeof OPTIONS[0]);
    char msg[256];
    const char *value;
    size_t zoom;
    for (int id; (id = cli_next(&s, &value, msg, sizeof msg)) != CLI_END;) {
        switch (id) {
        case CLI_ERROR: return cli_usage_error(errf, "weights", USAGE, "%s", msg);
        case OPT_HELP: print_help(out); return CLI_EXIT_OK;
        case OPT_ZOOM:
            if (cli_parse_count(value, &zoom) != 0 || zoom > 16)
                return cli_usage_error(errf, "weights", USAGE,
                                       "--zoom must be a whole number from 1 to 16, got '%s'",
                                       value);
            a->zoom = (int)zoom;
            break;
        default: /* CLI_OPERAND */
            if (a->model == NULL)
                a->model = value;
            else if (a->output == NULL)
                a->output = value;
            else
                return cli_usage_error(errf, "weights", USAGE, "unexpected argument '%s'",
                                       value);
        }
    }
    if (a->model == NULL)
        return cli_usage_error(errf, "weights", USAGE, "missing MODEL");
    if (a->output == NULL)
        return cli_usage_error(errf, "weights", USAGE, "missing OUT.png");
    const cli_path paths[] = {{"MODEL", a->model}, {"OUT.png", a->output}};
    return cli_check_paths(paths, sizeof paths / sizeof paths[0], "weights", USAGE, errf);
}

int catlr_cmd_weights(int argc, char **argv, FILE *out, FILE *errf) {
    weights_args a = {NULL, NULL, DEFAULT_ZOOM};
    int code = parse_args(argc, argv, &a, out, errf);
    if (code >= 0)
        return code;
    catlr_model model;
    catlr_error err;
    catlr_status st = catlr_model_load(a.model, &model, &err);
    if (st != CATLR_OK) {
        cli_print_model_error(errf, &err);
        return CLI_EXIT_FAIL;
    }
    st = catlr_plot_weights(&model, a.zoom, a.output, &err);
    catlr_model_free(&model);
    if (st != CATLR_OK) {
        cli_print_error(errf, &err);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}
