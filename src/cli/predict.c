/* predict.c: `catlr predict MODEL IMAGE...`: one line per image on stdout,
 * IMAGE<TAB>CLASS<TAB>P, P the probability of the positive class. An image
 * that cannot be read is reported on errf and the others still run; the
 * exit code is then 1. */
#include <stdlib.h>

#include "catlr/image.h"
#include "catlr/model.h"
#include "catlr/predict.h"
#include "cli.h"
#include "args.h"
#include "common.h"
#include "json.h"

static const char USAGE[] = "Usage: catlr predict [options] MODEL IMAGE...";

static void print_help(FILE *out) {
    fprintf(out,
            "%s\n"
            "Classify each IMAGE (a PNG or JPEG of any size and colour type) with the\n"
            "model in MODEL. One line per image on stdout:\n"
            "  IMAGE<TAB>CLASS<TAB>P\n"
            "CLASS is the predicted class folder's name (the positive class when P > 0.5)\n"
            "and P the probability of the positive class, with 4 decimals.\n"
            "\n"
            "Options:\n"
            "  -j, --json   one JSON object per image instead:\n"
            "               {\"path\":IMAGE,\"class\":CLASS,\"p\":P}, P in full precision\n"
            "  -h, --help   show this help and exit\n",
            USAGE);
}

enum { OPT_HELP = 1, OPT_JSON };

static const cli_option OPTIONS[] = {
    {'h', "help", 0, OPT_HELP},
    {'j', "json", 0, OPT_JSON},
};

/* Collect the operands in order into operands[] (room for argc): the model
 * path first, then the images. -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, const char **operands, int *count,
                      int *json, FILE *out, FILE *errf) {
    cli_scanner s = cli_scan(argc, argv, OPTIONS, sizeof OPTIONS / sizeof OPTIONS[0]);
    char msg[256];
    const char *value;
    *count = 0;
    for (int id; (id = cli_next(&s, &value, msg, sizeof msg)) != CLI_END;) {
        if (id == CLI_ERROR)
            return cli_usage_error(errf, "predict", USAGE, "%s", msg);
        if (id == OPT_HELP) {
            print_help(out);
            return CLI_EXIT_OK;
        }
        if (id == OPT_JSON) {
            *json = 1;
            continue;
        }
        operands[(*count)++] = value;
    }
    if (*count < 1)
        return cli_usage_error(errf, "predict", USAGE, "missing MODEL");
    if (*count < 2)
        return cli_usage_error(errf, "predict", USAGE, "missing IMAGE");
    return -1;
}

/* Classify one image; 0 on success, -1 after reporting why not. */
static int predict_one(const catlr_model *model, const char *path, int json, FILE *out,
                       FILE *errf) {
    uint8_t px[CATLR_N_X];
    catlr_error err;
    if (catlr_image_load(path, px, &err) != CATLR_OK) {
        cli_print_error(errf, &err);
        return -1;
    }
    double p;
    catlr_predict_proba(model, px, 1, &p);
    const char *cls = catlr_model_class_of_label(model, catlr_predict_label(p));
    if (!json) {
        fprintf(out, "%s\t%s\t%.4f\n", path, cls, p);
        return 0;
    }
    fputs("{\"path\":", out);
    cli_json_string(out, path);
    fputs(",\"class\":", out);
    cli_json_string(out, cls);
    fputs(",\"p\":", out);
    cli_json_number(out, p);
    fputs("}\n", out);
    return 0;
}

/* Load the model, then classify every image. */
static int run(const char **operands, int count, int json, FILE *out, FILE *errf) {
    catlr_model model;
    int code = cli_load_model(operands[0], &model, errf);
    if (code != CLI_EXIT_OK)
        return code;
    for (int k = 1; k < count; k++)
        if (predict_one(&model, operands[k], json, out, errf) != 0)
            code = CLI_EXIT_FAIL;
    catlr_model_free(&model);
    return code;
}

int catlr_cmd_predict(int argc, char **argv, FILE *out, FILE *errf) {
    const char **operands = malloc((size_t)argc * sizeof *operands);
    if (operands == NULL) {
        fprintf(errf, "catlr: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    int count, json = 0;
    int code = parse_args(argc, argv, operands, &count, &json, out, errf);
    if (code < 0)
        code = run(operands, count, json, out, errf);
    free(operands);
    return code;
}
