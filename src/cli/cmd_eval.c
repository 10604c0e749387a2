/* cmd_eval.c: `catlr eval MODEL DIR`: how well a saved model classifies a
 * labelled folder: accuracy, precision, recall, F1 and the confusion matrix
 * with the class names at one threshold, the areas under the ROC and
 * precision-recall curves and the thresholds that would do best, as an
 * aligned table or (--json) one JSON object; --misclassified adds every
 * image the model gets wrong, --per-file every image, --roc writes the
 * curve. */
#include <stdlib.h>
#include <string.h>

#include "catlr/dataset.h"
#include "catlr/metrics.h"
#include "catlr/model.h"
#include "catlr/predict.h"
#include "cli.h"
#include "args.h"
#include "common.h"
#include "eval_roc.h"
#include "json.h"

static const char USAGE[] = "Usage: catlr eval [options] MODEL DIR";

static void print_help(FILE *out) {
    fprintf(out,
            "%s\n"
            "Score the model in MODEL on the images (.png, .jpg, .jpeg) in DIR/<class>/,\n"
            "whose two class folders must be the model's: accuracy, precision, recall\n"
            "and F1 of the model's positive class, and the confusion matrix (rows:\n"
            "actual class, columns: predicted class), at the threshold; then the areas\n"
            "under the ROC and precision-recall curves, and the thresholds with the\n"
            "best F1 and the best Youden's J on DIR, with their scores.\n"
            "\n"
            "Options:\n"
            "  -m, --misclassified  also list each wrongly classified image, under a\n"
            "                       header: IMAGE<TAB>ACTUAL<TAB>PREDICTED<TAB>P (P of\n"
            "                       the positive class)\n"
            "      --per-file       also list every image, the same way\n"
            "      --threshold T    positive when P > T, T from 0 to 1 (default: the\n"
            "                       model's threshold, 0.5 unless training picked one)\n"
            "      --roc FILE.csv   write the ROC curve: threshold,fpr,tpr,precision,\n"
            "                       recall,tp,fp,tn,fn, one row per threshold\n"
            "  -j, --json           print one JSON object instead of the table\n"
            "  -h, --help           show this help and exit\n",
            USAGE);
}

typedef struct eval_args {
    const char *model;
    const char *dir;
    int misclassified;
    int per_file;
    int json;
    int has_threshold;
    double threshold;
    const char *roc; /* --roc FILE.csv, or NULL */
} eval_args;

enum { OPT_MISCLASSIFIED = 1, OPT_JSON, OPT_HELP, OPT_PER_FILE, OPT_THRESHOLD, OPT_ROC };

static const cli_option OPTIONS[] = {
    {'m', "misclassified", 0, OPT_MISCLASSIFIED},
    {'j', "json", 0, OPT_JSON},
    {'h', "help", 0, OPT_HELP},
    {'\0', "per-file", 0, OPT_PER_FILE},
    {'\0', "threshold", 1, OPT_THRESHOLD},
    {'\0', "roc", 1, OPT_ROC},
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
        case OPT_PER_FILE: a->per_file = 1; break;
        case OPT_ROC: a->roc = value; break;
        case OPT_THRESHOLD:
            if (cli_parse_threshold(value, &a->threshold) != 0)
                return cli_usage_error(errf, "eval", USAGE,
                                       "--threshold must be a number from 0 to 1, got '%s'",
                                       value);
            a->has_threshold = 1;
            break;
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
    const cli_path paths[] = {{"MODEL", a->model}, {"DIR", a->dir}, {"--roc", a->roc}};
    int code = cli_check_paths(paths, sizeof paths / sizeof paths[0], "eval", USAGE, errf);
    if (code >= 0)
        return code;
    const cli_path model = {"MODEL", a->model};
    return cli_check_outputs(&paths[2], 1, &model, "eval", USAGE, errf);
}

// ----------------------------------------------------------------------------
// The work.

/* The model, usable on catlr's images, and the folder, labelled by the
 * model's positive class and holding the model's two classes. */
static int load(const eval_args *a, catlr_model *model, catlr_dataset **ds, FILE *errf) {
    if (cli_load_model(a->model, model, errf) != CLI_EXIT_OK)
        return CLI_EXIT_FAIL;
    /* every image must be read, on every core; the folder is not
     * described (the report is) */
    const cli_load load = {
        .dir = a->dir,
        .positive = model->class_names[model->positive],
        .quiet = 1,
    };
    if (cli_load_dataset(&load, ds, NULL, errf) != CLI_EXIT_OK)
        return CLI_EXIT_FAIL;
    const char *const names[2] = {model->class_names[0], model->class_names[1]};
    return cli_check_classes(*ds, a->dir, names, "the model's", errf);
}

/* What the model made of the folder. */
typedef struct scored {
    const catlr_model *model;
    const catlr_dataset *ds;
    const double *p;   /* (m) probabilities of the positive class */
    double threshold;  /* positive when p > threshold */
    catlr_confusion c; /* at that threshold */
    eval_roc roc;      /* over every threshold */
} scored;

/* Is image j classified wrongly at the threshold? */
static int wrong(const scored *e, size_t j) {
    return catlr_predict_label_at(e->p[j], e->threshold) != catlr_dataset_labels(e->ds)[j];
}

/* The class names as the matrix orders them: positive first. */
static void matrix_names(const catlr_model *model, const char *names[2]) {
    names[0] = model->class_names[model->positive];
    names[1] = model->class_names[1 - model->positive];
}

static size_t max_size(size_t a, size_t b) {
    return a > b ? a : b;
}

static void print_matrix(const catlr_model *model, const catlr_confusion *c, FILE *out) {
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

static void print_table(const scored *e, FILE *out) {
    catlr_scores s = catlr_metrics_scores(&e->c);
    fprintf(out, "%-11s%.2f %%\n%-11s%.4f\n%-11s%.4f\n%-11s%.4f\n%-11s", "accuracy:", s.accuracy,
            "precision:", s.precision, "recall:", s.recall, "F1:", s.f1, "threshold:");
    cli_json_number(out, e->threshold);
    fputc('\n', out);
    eval_roc_print_areas(&e->roc, out);
    fputc('\n', out);
    print_matrix(e->model, &e->c, out);
    fputc('\n', out);
    eval_roc_print_best(&e->roc, out);
}

/* The images, all or the wrongly classified ones, one a line under a
 * header that names the columns: IMAGE<TAB>ACTUAL<TAB>PREDICTED<TAB>P
 * (the predicted class too, so that no column means one thing here and
 * another in predict's IMAGE<TAB>CLASS<TAB>P). */
static void print_images(const scored *e, int only_wrong, FILE *out) {
    const uint8_t *y = catlr_dataset_labels(e->ds);
    size_t m = catlr_dataset_count(e->ds);
    if (only_wrong)
        fprintf(out, "\nmisclassified: %zu\n", e->c.fp + e->c.fn);
    else
        fprintf(out, "\nimages: %zu\n", m);
    fputs("path\tactual\tpredicted\tp\n", out);
    for (size_t j = 0; j < m; j++) {
        if (only_wrong && !wrong(e, j))
            continue;
        fprintf(out, "%s\t%s\t%s\t%.4f\n", catlr_dataset_path(e->ds, j),
                catlr_model_class_of_label(e->model, y[j]),
                catlr_model_class_of_label(e->model,
                                           catlr_predict_label_at(e->p[j], e->threshold)),
                e->p[j]);
    }
}

/* The same as a JSON member ,"misclassified":[...] or ,"files":[...]. */
static void json_images(const scored *e, int only_wrong, FILE *out) {
    const uint8_t *y = catlr_dataset_labels(e->ds);
    fputs(only_wrong ? ",\"misclassified\":[" : ",\"files\":[", out);
    for (size_t j = 0, n = 0; j < catlr_dataset_count(e->ds); j++) {
        if (only_wrong && !wrong(e, j))
            continue;
        fputs(n++ > 0 ? ",{\"path\":" : "{\"path\":", out);
        cli_json_string(out, catlr_dataset_path(e->ds, j));
        fputs(",\"actual\":", out);
        cli_json_string(out, catlr_model_class_of_label(e->model, y[j]));
        if (!only_wrong) {
            fputs(",\"class\":", out);
            cli_json_string(out, catlr_model_class_of_label(
                                     e->model, catlr_predict_label_at(e->p[j], e->threshold)));
        }
        fputs(",\"p\":", out);
        cli_json_number(out, e->p[j]);
        fputc('}', out);
    }
    fputc(']', out);
}

static void print_json(const eval_args *a, const scored *e, FILE *out) {
    catlr_scores s = catlr_metrics_scores(&e->c);
    const char *names[2];
    matrix_names(e->model, names);
    fputs("{\"model\":", out);
    cli_json_string(out, a->model);
    fputs(",\"dir\":", out);
    cli_json_string(out, a->dir);
    fprintf(out, ",\"images\":%zu,\"positive\":", catlr_dataset_count(e->ds));
    cli_json_string(out, names[0]);
    fputs(",\"accuracy\":", out);
    cli_json_number(out, s.accuracy);
    fputs(",\"precision\":", out);
    cli_json_number(out, s.precision);
    fputs(",\"recall\":", out);
    cli_json_number(out, s.recall);
    fputs(",\"f1\":", out);
    cli_json_number(out, s.f1);
    fputs(",\"threshold\":", out);
    cli_json_number(out, e->threshold);
    fputs(",\"confusion\":{\"classes\":[", out);
    cli_json_string(out, names[0]);
    fputc(',', out);
    cli_json_string(out, names[1]);
    fprintf(out, "],\"matrix\":[[%zu,%zu],[%zu,%zu]]}", e->c.tp, e->c.fn, e->c.fp, e->c.tn);
    eval_roc_print_json(&e->roc, out);
    if (a->misclassified)
        json_images(e, 1, out);
    if (a->per_file)
        json_images(e, 0, out);
    fputs("}\n", out);
}

/* Score the loaded folder and print the report; the ROC curve to roc_fp
 * when asked. */
static int report(const eval_args *a, const catlr_model *model, const catlr_dataset *ds,
                  FILE *roc_fp, FILE *out, FILE *errf) {
    size_t m = catlr_dataset_count(ds);
    double *p = malloc(m * sizeof *p);
    if (p == NULL) {
        fprintf(errf, "catlr: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    /* the same call predict makes on its decoded images, so an image gets
     * the same p through either command */
    catlr_predict_proba(model, catlr_dataset_pixels(ds), m, p);
    const uint8_t *y = catlr_dataset_labels(ds);
    scored e = {
        .model = model,
        .ds = ds,
        .p = p,
        .threshold = a->has_threshold ? a->threshold : model->threshold,
    };
    e.c = catlr_metrics_confusion_at(y, p, m, e.threshold);
    if (eval_roc_compute(&e.roc, y, p, m, errf) != 0) {
        free(p);
        return CLI_EXIT_FAIL;
    }
    if (a->json) {
        print_json(a, &e, out);
    } else {
        print_table(&e, out);
        if (a->misclassified)
            print_images(&e, 1, out);
        if (a->per_file)
            print_images(&e, 0, out);
    }
    if (roc_fp != NULL)
        eval_roc_write_csv(&e.roc, roc_fp);
    eval_roc_free(&e.roc);
    free(p);
    return CLI_EXIT_OK;
}

static int run(const eval_args *a, FILE *out, FILE *errf) {
    /* the curve's file first, so that a path that cannot be written fails
     * before the folder is read */
    FILE *roc_fp = NULL;
    if (a->roc != NULL && (roc_fp = cli_open_output(a->roc, "w", errf)) == NULL)
        return CLI_EXIT_FAIL;
    catlr_model model = {0};
    catlr_dataset *ds = NULL;
    int code = load(a, &model, &ds, errf);
    if (code == CLI_EXIT_OK)
        code = report(a, &model, ds, roc_fp, out, errf);
    if (roc_fp != NULL && cli_close_output(roc_fp, a->roc, errf) != 0)
        code = CLI_EXIT_FAIL;
    if (roc_fp != NULL && code != CLI_EXIT_OK)
        cli_remove_output(a->roc);
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
