/* eval.c: `catlr eval MODEL DIR`: how well a saved model classifies a
 * labelled folder: accuracy, precision, recall, F1 and the confusion matrix
 * with the class names, as an aligned table or (--json) one JSON object;
 * --misclassified adds every image the model gets wrong. */
#include <stdlib.h>
#include <string.h>

#include "catlr/dataset.h"
#include "catlr/metrics.h"
#include "catlr/model.h"
#include "catlr/predict.h"
#include "cli.h"
#include "args.h"
#include "common.h"
#include "json.h"

static const char USAGE[] = "Usage: catlr eval [options] MODEL DIR";

static void print_help(FILE *out) {
    fprintf(out,
            "%s\n"
            "Score the model in MODEL on the images (.png, .jpg, .jpeg) in DIR/<class>/,\n"
            "whose two class folders must be the model's: accuracy, precision, recall\n"
            "and F1 of the model's positive class, and the confusion matrix (rows:\n"
            "actual class, columns: predicted class).\n"
            "\n"
            "Options:\n"
            "  -m, --misclassified  also list each wrongly classified image:\n"
            "                       IMAGE<TAB>ACTUAL CLASS<TAB>P (P of the positive class)\n"
            "  -j, --json           print one JSON object instead of the table\n"
            "  -h, --help           show this help and exit\n",
            USAGE);
}

typedef struct eval_args {
    const char *model;
    const char *dir;
    int misclassified;
    int json;
} eval_args;

enum { OPT_MISCLASSIFIED = 1, OPT_JSON, OPT_HELP };

static const cli_option OPTIONS[] = {
    {'m', "misclassified", 0, OPT_MISCLASSIFIED},
    {'j', "json", 0, OPT_JSON},
    {'h', "help", 0, OPT_HELP},
};

/* Fill *a from argv. -1 to go on, or an exit code (help, usage error). */
static int parse_args(int argc, char **argv, eval_args *a, FILE *out, FILE *errf) {
    cli_scanner s = cli_scan(argc, argv, OPTIONS, sizeof OPTIONS / sizeof OPTIONS[0]);
    char msg[256];
    const char *value;
    for (int id; (id = cli_next(&s, &value, msg, sizeof msg)) != CLI_END;) {
        switch (id) {
        case CLI_ERROR: return cli_usage_error(errf, "eval", USAGE, "%s", msg);
        case OPT_MISCLASSIFIED: a->misclassified = 1; break;
        case OPT_JSON: a->json = 1; break;
        case OPT_HELP: print_help(out); return CLI_EXIT_OK;
        default: /* CLI_OPERAND */
            if (a->model == NULL)
                a->model = value;
            else if (a->dir == NULL)
                a->dir = value;
            else
                return cli_usage_error(errf, "eval", USAGE, "unexpected argument '%s'", value);
        }
    }
    if (a->model == NULL)
        return cli_usage_error(errf, "eval", USAGE, "missing MODEL");
    if (a->dir == NULL)
        return cli_usage_error(errf, "eval", USAGE, "missing DIR");
    return -1;
}

// ----------------------------------------------------------------------------
// The work.

/* The model, usable on catlr's images, and the folder, labelled by the
 * model's positive class and holding the model's two classes. */
static int load(const eval_args *a, catlr_model *model, catlr_dataset **ds, FILE *errf) {
    if (cli_load_model(a->model, model, errf) != CLI_EXIT_OK)
        return CLI_EXIT_FAIL;
    catlr_error err;
    if (catlr_dataset_load_dir(a->dir, model->class_names[model->positive], ds, &err) !=
        CATLR_OK) {
        cli_print_error(errf, &err);
        return CLI_EXIT_FAIL;
    }
    for (size_t k = 0; k < 2; k++) {
        if (strcmp(catlr_dataset_class_name(*ds, k), model->class_names[k]) != 0) {
            fprintf(errf, "catlr: %s: class folders '%s', '%s' differ from the model's '%s', '%s'\n",
                    a->dir, catlr_dataset_class_name(*ds, 0), catlr_dataset_class_name(*ds, 1),
                    model->class_names[0], model->class_names[1]);
            return CLI_EXIT_FAIL;
        }
    }
    return CLI_EXIT_OK;
}

/* The class names as the matrix orders them: positive first. */
static void matrix_names(const catlr_model *model, const char *names[2]) {
    names[0] = model->class_names[model->positive];
    names[1] = model->class_names[1 - model->positive];
}

static size_t max_size(size_t a, size_t b) {
    return a > b ? a : b;
}

static void print_table(const catlr_model *model, const catlr_confusion *c, FILE *out) {
    catlr_scores s = catlr_metrics_scores(c);
    fprintf(out, "%-11s%.2f %%\n%-11s%.4f\n%-11s%.4f\n%-11s%.4f\n\n", "accuracy:", s.accuracy,
            "precision:", s.precision, "recall:", s.recall, "F1:", s.f1);
    const char *names[2];
    matrix_names(model, names);
    const size_t counts[2][2] = {{c->tp, c->fn}, {c->fp, c->tn}};
    /* widths from the names: "actual NAME" and "predicted NAME" */
    size_t w0 = 7 + max_size(strlen(names[0]), strlen(names[1]));
    size_t w[2] = {10 + strlen(names[0]), 10 + strlen(names[1])};
    fprintf(out, "%-*s", (int)w0, "");
    for (int k = 0; k < 2; k++)
        fprintf(out, "  predicted %s", names[k]);
    fputc('\n', out);
    for (int row = 0; row < 2; row++) {
        fprintf(out, "actual %-*s", (int)(w0 - 7), names[row]);
        for (int col = 0; col < 2; col++)
            fprintf(out, "  %*zu", (int)w[col], counts[row][col]);
        fputc('\n', out);
    }
}

/* The wrongly classified images: the confusion matrix's fp + fn. */
static void print_misclassified(const catlr_model *model, const catlr_dataset *ds,
                                const double *p, const catlr_confusion *c, FILE *out) {
    const uint8_t *y = catlr_dataset_labels(ds);
    size_t m = catlr_dataset_count(ds);
    fprintf(out, "\nmisclassified: %zu\n", c->fp + c->fn);
    for (size_t j = 0; j < m; j++)
        if (catlr_predict_label(p[j]) != y[j])
            fprintf(out, "%s\t%s\t%.4f\n", catlr_dataset_path(ds, j),
                    catlr_model_class_of_label(model, y[j]), p[j]);
}

static void print_json(const eval_args *a, const catlr_model *model, const catlr_dataset *ds,
                       const double *p, const catlr_confusion *c, FILE *out) {
    catlr_scores s = catlr_metrics_scores(c);
    const char *names[2];
    matrix_names(model, names);
    fputs("{\"model\":", out);
    cli_json_string(out, a->model);
    fputs(",\"dir\":", out);
    cli_json_string(out, a->dir);
    fprintf(out, ",\"images\":%zu,\"positive\":", catlr_dataset_count(ds));
    cli_json_string(out, names[0]);
    fputs(",\"accuracy\":", out);
    cli_json_number(out, s.accuracy);
    fputs(",\"precision\":", out);
    cli_json_number(out, s.precision);
    fputs(",\"recall\":", out);
    cli_json_number(out, s.recall);
    fputs(",\"f1\":", out);
    cli_json_number(out, s.f1);
    fputs(",\"confusion\":{\"classes\":[", out);
    cli_json_string(out, names[0]);
    fputc(',', out);
    cli_json_string(out, names[1]);
    fprintf(out, "],\"matrix\":[[%zu,%zu],[%zu,%zu]]}", c->tp, c->fn, c->fp, c->tn);
    if (a->misclassified) {
        const uint8_t *y = catlr_dataset_labels(ds);
        fputs(",\"misclassified\":[", out);
        for (size_t j = 0, n = 0; j < catlr_dataset_count(ds); j++) {
            if (catlr_predict_label(p[j]) == y[j])
                continue;
            fputs(n++ > 0 ? ",{\"path\":" : "{\"path\":", out);
            cli_json_string(out, catlr_dataset_path(ds, j));
            fputs(",\"actual\":", out);
            cli_json_string(out, catlr_model_class_of_label(model, y[j]));
            fputs(",\"p\":", out);
            cli_json_number(out, p[j]);
            fputc('}', out);
        }
        fputc(']', out);
    }
    fputs("}\n", out);
}

static int run(const eval_args *a, FILE *out, FILE *errf) {
    catlr_model model = {0};
    catlr_dataset *ds = NULL;
    int code = load(a, &model, &ds, errf);
    double *p = NULL;
    if (code == CLI_EXIT_OK) {
        size_t m = catlr_dataset_count(ds);
        p = malloc(m * sizeof *p);
        if (p == NULL) {
            fprintf(errf, "catlr: out of memory\n");
            code = CLI_EXIT_FAIL;
        }
    }
    if (code == CLI_EXIT_OK) {
        size_t m = catlr_dataset_count(ds);
        catlr_predict_proba(&model, catlr_dataset_pixels(ds), m, p);
        catlr_confusion c = catlr_metrics_confusion(catlr_dataset_labels(ds), p, m);
        if (a->json) {
            print_json(a, &model, ds, p, &c, out);
        } else {
            print_table(&model, &c, out);
            if (a->misclassified)
                print_misclassified(&model, ds, p, &c, out);
        }
    }
    free(p);
    catlr_dataset_free(ds);
    catlr_model_free(&model);
    return code;
}

int catlr_cmd_eval(int argc, char **argv, FILE *out, FILE *errf) {
    eval_args a = {0};
    int code = parse_args(argc, argv, &a, out, errf);
    if (code >= 0)
        return code;
    return run(&a, out, errf);
}
