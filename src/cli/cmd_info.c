/* cmd_info.c: `catlr info MODEL`: what a model file holds: its format version,
 * classes, image size, how it was trained (settings, split, class weights,
 * augmentation, warm start), its decision threshold and final costs, as
 * aligned lines or (--json) one JSON object. The file is read with the
 * same loader predict uses, so "checksum OK" means every check of
 * catlr_model_load passed; a damaged file fails with the loader's reason. */
#include <math.h>
#include <stdio.h>

#include "catlr/model.h"
#include "cli.h"
#include "args.h"
#include "common.h"
#include "json.h"

static const char USAGE[] = "Usage: catlr info [options] MODEL";

static void print_help(FILE *out) {
    fprintf(out,
            "%s\n"
            "Show what the model file MODEL holds: format version, classes and the\n"
            "positive one, image size, training settings (learning rate, iterations,\n"
            "L2, tolerance, early stop, solver), validation split, class weights,\n"
            "augmentation, warm start, decision threshold, final costs and best\n"
            "iteration. The file is fully checked (magic, sizes, CRC, every field) first.\n"
            "\n"
            "Options:\n"
            "  -j, --json   print one JSON object instead of the lines\n"
            "  -h, --help   show this help and exit\n",
            USAGE);
}

enum { OPT_HELP = 1, OPT_JSON };

static const cli_option OPTIONS[] = {
    {'h', "help", 0, OPT_HELP},
    {'j', "json", 0, OPT_JSON},
};

static int has_split(const catlr_model *m) {
    return m->val_fraction > 0;
}

static int counts_recorded(const catlr_model *m) {
    return m->train_count[0] + m->train_count[1] > 0;
}

// ----------------------------------------------------------------------------
// Text.

/* "NAME:" padded to the values' column. */
static void key(FILE *out, const char *name) {
    fprintf(out, "%-17s", name);
}

static void number_line(FILE *out, const char *name, double v) {
    key(out, name);
    cli_json_number(out, v);
    fputc('\n', out);
}

static void print_counts(FILE *out, const catlr_model *m, const uint64_t counts[2]) {
    fprintf(out, "%s %llu, %s %llu", m->class_names[0], (unsigned long long)counts[0],
            m->class_names[1], (unsigned long long)counts[1]);
}

static void print_training(const catlr_model *m, FILE *out) {
    number_line(out, "learning rate:", m->lr);
    key(out, "iterations:");
    fprintf(out, "%llu%s\n", (unsigned long long)m->iterations,
            m->stopped_early ? " (stopped early by the tolerance)" : "");
    number_line(out, "L2 lambda:", m->l2);
    number_line(out, "tolerance:", m->tol);
    key(out, "solver:");
    fprintf(out, "%s\n",
            m->solver == CATLR_SOLVER_AUTO ? "not recorded" : catlr_solver_name(m->solver));
    key(out, "split:");
    if (has_split(m)) {
        fputs("validation fraction ", out);
        cli_json_number(out, m->val_fraction);
        fprintf(out, ", seed %llu\n", (unsigned long long)m->seed);
    } else {
        fputs("none (trained on the whole folder)\n", out);
    }
    key(out, "trained on:");
    if (counts_recorded(m))
        print_counts(out, m, m->train_count);
    else
        fputs("not recorded", out);
    fputc('\n', out);
    if (has_split(m)) {
        key(out, "validated on:");
        print_counts(out, m, m->val_count);
        fputc('\n', out);
    }
    key(out, "class weights:");
    fprintf(out, "%s ", catlr_model_class_of_label(m, 1));
    cli_json_number(out, m->class_weight[1]);
    fprintf(out, ", %s ", catlr_model_class_of_label(m, 0));
    cli_json_number(out, m->class_weight[0]);
    fputs(m->class_weight_balanced ? " (balanced)\n" : "\n", out);
    key(out, "augmentation:");
    fputs(m->augment & CATLR_AUGMENT_FLIP ? "flip\n" : "none\n", out);
    key(out, "warm start:");
    fputs(m->warm_start ? "yes (from another model's weights)\n" : "no\n", out);
}

static void print_text(const char *path, unsigned version, const catlr_model *m, FILE *out) {
    key(out, "model:");
    fprintf(out, "%s\n", path);
    key(out, "format:");
    fprintf(out, "version %u, checksum OK\n", version);
    key(out, "classes:");
    fprintf(out, "%s, %s\n", m->class_names[0], m->class_names[1]);
    key(out, "positive class:");
    fprintf(out, "%s\n", catlr_model_class_of_label(m, 1));
    key(out, "image size:");
    fprintf(out, "%lux%lux%lu (%zu weights)\n", (unsigned long)m->height,
            (unsigned long)m->width, (unsigned long)m->channels, catlr_model_n_x(m));
    print_training(m, out);
    key(out, "threshold:");
    cli_json_number(out, m->threshold);
    fputs(m->threshold_picked ? " (picked on the validation set)\n" : " (not picked)\n", out);
    number_line(out, "final cost:", m->final_cost);
    key(out, "validation cost:");
    if (!isnan(m->final_val_cost)) /* NaN: no validation set */
        cli_json_number(out, m->final_val_cost);
    else
        fputs("none", out);
    fputc('\n', out);
    key(out, "best iteration:");
    fprintf(out, "%llu\n", (unsigned long long)m->best_iteration);
}

// ----------------------------------------------------------------------------
// JSON.

static void json_number(FILE *out, const char *name, double v) {
    fprintf(out, ",\"%s\":", name);
    cli_json_number(out, v);
}

static void json_bool(FILE *out, const char *name, int v) {
    fprintf(out, ",\"%s\":%s", name, v ? "true" : "false");
}

/* ,"name":{"CLASS0":n0,"CLASS1":n1} */
static void json_counts(FILE *out, const char *name, const catlr_model *m,
                        const uint64_t counts[2]) {
    fprintf(out, ",\"%s\":{", name);
    for (int k = 0; k < 2; k++) {
        if (k > 0)
            fputc(',', out);
        cli_json_string(out, m->class_names[k]);
        fprintf(out, ":%llu", (unsigned long long)counts[k]);
    }
    fputc('}', out);
}

static void print_json(const char *path, unsigned version, const catlr_model *m, FILE *out) {
    fputs("{\"model\":", out);
    cli_json_string(out, path);
    fprintf(out, ",\"format_version\":%u,\"checksum_ok\":true,\"classes\":[", version);
    cli_json_string(out, m->class_names[0]);
    fputc(',', out);
    cli_json_string(out, m->class_names[1]);
    fputs("],\"positive\":", out);
    cli_json_string(out, catlr_model_class_of_label(m, 1));
    fprintf(out, ",\"height\":%lu,\"width\":%lu,\"channels\":%lu", (unsigned long)m->height,
            (unsigned long)m->width, (unsigned long)m->channels);
    json_number(out, "lr", m->lr);
    fprintf(out, ",\"iterations\":%llu", (unsigned long long)m->iterations);
    json_number(out, "l2", m->l2);
    json_number(out, "tol", m->tol);
    json_bool(out, "stopped_early", (int)m->stopped_early);
    fputs(",\"solver\":", out);
    if (m->solver == CATLR_SOLVER_AUTO)
        fputs("null", out);
    else
        cli_json_string(out, catlr_solver_name(m->solver));
    json_number(out, "val_fraction", m->val_fraction);
    fprintf(out, ",\"seed\":%llu", (unsigned long long)m->seed);
    json_counts(out, "train_count", m, m->train_count);
    json_counts(out, "val_count", m, m->val_count);
    fputs(",\"class_weight\":{", out);
    for (int label = 1; label >= 0; label--) {
        cli_json_string(out, catlr_model_class_of_label(m, label));
        fputc(':', out);
        cli_json_number(out, m->class_weight[label]);
        fputs(label ? "," : "}", out);
    }
    json_bool(out, "class_weight_balanced", (int)m->class_weight_balanced);
    fprintf(out, ",\"augment\":[%s]", m->augment & CATLR_AUGMENT_FLIP ? "\"flip\"" : "");
    json_bool(out, "warm_start", (int)m->warm_start);
    json_number(out, "threshold", m->threshold);
    json_bool(out, "threshold_picked", (int)m->threshold_picked);
    json_number(out, "final_cost", m->final_cost);
    json_number(out, "final_val_cost", m->final_val_cost); /* null: no validation set */
    fprintf(out, ",\"best_iteration\":%llu}\n", (unsigned long long)m->best_iteration);
}

// ----------------------------------------------------------------------------

int catlr_cmd_info(int argc, char **argv, FILE *out, FILE *errf) {
    cli_scanner s = cli_scan(argc, argv, OPTIONS, sizeof OPTIONS / sizeof OPTIONS[0]);
    char msg[256];
    const char *value, *path = NULL;
    int json = 0;
    for (int id; (id = cli_next(&s, &value, msg, sizeof msg)) != CLI_END;) {
        if (id == CLI_ERROR)
            return cli_usage_error(errf, "info", USAGE, "%s", msg);
        if (id == OPT_HELP) {
            print_help(out);
            return CLI_EXIT_OK;
        }
        if (id == OPT_JSON)
            json = 1;
        else if (path == NULL)
            path = value;
        else
            return cli_usage_error(errf, "info", USAGE, "unexpected argument '%s'", value);
    }
    if (path == NULL)
        return cli_usage_error(errf, "info", USAGE, "missing MODEL");
    const cli_path model_path = {"MODEL", path};
    int code = cli_check_paths(&model_path, 1, "info", USAGE, errf);
    if (code >= 0)
        return code;
    catlr_model model;
    catlr_error err;
    if (catlr_model_load(path, &model, &err) != CATLR_OK) {
        cli_print_model_error(errf, &err);
        return CLI_EXIT_FAIL;
    }
    unsigned version = model.version;
    if (json)
        print_json(path, version, &model, out);
    else
        print_text(path, version, &model, out);
    catlr_model_free(&model);
    return CLI_EXIT_OK;
}
