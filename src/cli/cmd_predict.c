/* cmd_predict.c: `catlr predict MODEL IMAGE_OR_DIR...`: one line per image on
 * stdout, IMAGE<TAB>CLASS<TAB>P, P the probability of the positive class;
 * or a CSV table, or one JSON object per image. Folders are walked for
 * their images, and images are decoded on every core, a chunk at a time,
 * so that memory stays small whatever the number of images and the lines
 * come out in the order of the input. An image that cannot be read is
 * reported on errf and the others still run; the exit code is then 1.
 * An .h5 file in the course's layout stands for its images, each named
 * FILE.h5:INDEX. */
#define _POSIX_C_SOURCE 200809L /* getline, fileno */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catlr/batch.h"
#include "catlr/dataset.h"
#include "catlr/h5.h"
#include "catlr/model.h"
#include "catlr/predict.h"
#include "cli.h"
#include "args.h"
#include "common.h"
#include "json.h"

static const char USAGE[] = "Usage: catlr predict [options] MODEL IMAGE_OR_DIR...";

static void print_help(FILE *out) {
    fprintf(out,
            "%s\n"
            "Classify each image (a PNG or JPEG of any size and colour type) with the\n"
            "model in MODEL. A folder stands for every .png, .jpg and .jpeg file in it\n"
            "and below it (hidden ones left out), in byte order of their paths; an .h5\n"
            "file in the course's layout for its images, named FILE.h5:INDEX. One line\n"
            "per image on stdout, in the order given:\n"
            "  IMAGE<TAB>CLASS<TAB>P\n"
            "CLASS is the predicted class folder's name (the positive class when P is\n"
            "above the threshold) and P the probability of the positive class, with 4\n"
            "decimals.\n"
            "\n"
            "Options:\n"
            "  -j, --json             one JSON object per image instead,\n"
            "                         {\"path\":IMAGE,\"class\":CLASS,\"p\":P}, P in full\n"
            "                         precision\n"
            "      --csv              a CSV table instead: the header path,class,p, then\n"
            "                         one row per image, P in full precision\n"
            "      --files-from LIST  also classify the images and folders named in LIST,\n"
            "                         one a line (- for stdin; empty lines are skipped)\n"
            "      --threshold T      positive when P > T, T from 0 to 1 (default: the\n"
            "                         model's threshold, 0.5 unless training picked one)\n"
            "      --threads N        threads to decode with (default: all cores)\n"
            "  -h, --help             show this help and exit\n",
            USAGE);
}

enum output_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV };

typedef struct predict_args {
    const char **operands; /* the model path, then the images and folders */
    int count;
    const char *files_from;
    enum output_format format;
    int has_threshold;
    double threshold;
    unsigned threads; /* 0: all cores */
} predict_args;

enum { OPT_HELP = 1, OPT_JSON, OPT_CSV, OPT_FILES_FROM, OPT_THRESHOLD, OPT_THREADS };

static const cli_option OPTIONS[] = {
    {'h', "help", 0, OPT_HELP},
    {'j', "json", 0, OPT_JSON},
    {'\0', "csv", 0, OPT_CSV},
    {'\0', "files-from", 1, OPT_FILES_FROM},
    {'\0', "threshold", 1, OPT_THRESHOLD},
    {'\0', "threads", 1, OPT_THREADS},
};

/* Apply one option. -1 to go on, or an exit code. */
static int apply_option(int id, const char *value, predict_args *a, FILE *errf) {
    switch (id) {
    case OPT_JSON:
    case OPT_CSV: {
        enum output_format f = id == OPT_JSON ? FORMAT_JSON : FORMAT_CSV;
        if (a->format != FORMAT_TEXT && a->format != f)
            return cli_usage_error(errf, "predict", USAGE, "--json and --csv exclude each other");
        a->format = f;
        break;
    }
    case OPT_FILES_FROM: a->files_from = value; break;
    case OPT_THRESHOLD:
        if (cli_parse_threshold(value, &a->threshold) != 0)
            return cli_usage_error(errf, "predict", USAGE,
                                   "--threshold must be a number from 0 to 1, got '%s'", value);
        a->has_threshold = 1;
        break;
    case OPT_THREADS: return cli_option_threads(value, &a->threads, "predict", USAGE, errf);
    }
    return -1;
}

/* Collect the operands in order into a->operands (room for argc): the
 * model path first, then the images. -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, predict_args *a, FILE *out, FILE *errf) {
    cli_scanner s = cli_scan(argc, argv, OPTIONS, sizeof OPTIONS / sizeof OPTIONS[0]);
    char msg[256];
    const char *value;
    for (int id; (id = cli_next(&s, &value, msg, sizeof msg)) != CLI_END;) {
        if (id == CLI_ERROR)
            return cli_usage_error(errf, "predict", USAGE, "%s", msg);
        if (id == OPT_HELP) {
            print_help(out);
            return CLI_EXIT_OK;
        }
        if (id == CLI_OPERAND) {
            a->operands[a->count++] = value;
            continue;
        }
        int code = apply_option(id, value, a, errf);
        if (code >= 0)
            return code;
    }
    if (a->count < 1)
        return cli_usage_error(errf, "predict", USAGE, "missing MODEL");
    if (a->count < 2 && a->files_from == NULL)
        return cli_usage_error(errf, "predict", USAGE, "missing IMAGE_OR_DIR (or --files-from LIST)");
    const cli_path list = {"--files-from", a->files_from};
    int code = cli_check_paths(&list, 1, "predict", USAGE, errf);
    for (int k = 0; k < a->count && code < 0; k++) {
        const cli_path operand = {k == 0 ? "MODEL" : "IMAGE_OR_DIR", a->operands[k]};
        code = cli_check_paths(&operand, 1, "predict", USAGE, errf);
    }
    return code;
}

// ----------------------------------------------------------------------------
// The list of images.

/* A folder left out in part: its line on errf, and the run fails. */
typedef struct problems {
    FILE *errf;
    size_t count;
} problems;

static void on_problem(void *user, const catlr_error *problem) {
    problems *p = user;
    cli_print_error(p->errf, problem);
    p->count++;
}

/* Add what path names (an image or a folder) to list. 0, or -1 after
 * the error line (out of memory). */
static int add_path(catlr_file_list *list, const char *path, problems *probs) {
    catlr_error err;
    if (catlr_batch_add_path(list, path, on_problem, probs, &err) != CATLR_OK) {
        cli_print_error(probs->errf, &err);
        return -1;
    }
    return 0;
}

/* Add every line of the file at name ("-": stdin) as a path; empty lines
 * are skipped and a line's "\r\n" or "\n" is not part of it. 0, or -1
 * after the error line. */
static int add_list_file(catlr_file_list *list, const char *name, problems *probs) {
    int is_stdin = strcmp(name, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(name, "r");
    if (f == NULL) {
        fprintf(probs->errf, "catlr: %s: %s\n", name, strerror(errno));
        return -1;
    }
    /* a folder opens, and only its first read fails ("Is a directory");
     * say it as the loaders do. A fifo stays welcome: LIST may be <(find) */
    struct stat sb;
    if (!is_stdin && fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fprintf(probs->errf, "catlr: %s: is a folder, not a file\n", name);
        fclose(f);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    for (ssize_t n; rc == 0 && (n = getline(&line, &cap, f)) >= 0;) {
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (n > 0 && line[n - 1] == '\r')
            line[--n] = '\0';
        if (n > 0)
            rc = add_path(list, line, probs);
    }
    if (rc == 0 && ferror(f)) {
        fprintf(probs->errf, "catlr: %s: %s\n", is_stdin ? "stdin" : name, strerror(errno));
        rc = -1;
    }
    free(line);
    if (!is_stdin)
        fclose(f);
    return rc;
}

// ----------------------------------------------------------------------------
// Output.

/* s as one CSV field (RFC 4180): quoted, with quotes doubled, when it holds
 * a comma, a quote or a line break. */
static void csv_field(FILE *out, const char *s) {
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void print_row(enum output_format format, const char *path, const char *cls, double p,
                      FILE *out) {
    switch (format) {
    case FORMAT_TEXT: fprintf(out, "%s\t%s\t%.4f\n", path, cls, p); break;
    case FORMAT_CSV:
        csv_field(out, path);
        fputc(',', out);
        csv_field(out, cls);
        fputc(',', out);
        cli_json_number(out, p); /* the fewest digits that read back to p */
        fputc('\n', out);
        break;
    case FORMAT_JSON:
        fputs("{\"path\":", out);
        cli_json_string(out, path);
        fputs(",\"class\":", out);
        cli_json_string(out, cls);
        fputs(",\"p\":", out);
        cli_json_number(out, p);
        fputs("}\n", out);
        break;
    }
}

// ----------------------------------------------------------------------------
// The work.

/* Images decoded and scored at a time: 256 x 12 KiB of pixels, enough for
 * every thread to have work, small enough that a folder of a million
 * photos needs no more memory than one of a thousand. */
enum { CHUNK = 256 };

typedef struct chunk_buffers {
    size_t size;          /* images a chunk holds: CHUNK, or all of them when
                             the first list is shorter (one image needs 12 KiB,
                             not the 3 MiB that malloc maps, zeroes and unmaps:
                             a third of the time `catlr predict` of one image
                             spent after start-up); 0 until the first chunk */
    uint8_t *X;           /* (CATLR_N_X, size) */
    catlr_status *status; /* (size) */
    catlr_error *errors;  /* (size) */
    double *p;            /* (size) */
} chunk_buffers;

/* Allocate b for a first list of count images. 0, or -1 after the error
 * line. */
static int chunk_buffers_alloc(chunk_buffers *b, size_t count, FILE *errf) {
    b->size = count < CHUNK ? count : CHUNK;
    b->X = malloc(b->size * CATLR_N_X);
    b->status = malloc(b->size * sizeof *b->status);
    b->errors = malloc(b->size * sizeof *b->errors);
    b->p = malloc(b->size * sizeof *b->p);
    if (b->X == NULL || b->status == NULL || b->errors == NULL || b->p == NULL) {
        fprintf(errf, "catlr: out of memory\n");
        return -1;
    }
    return 0;
}

static void chunk_buffers_free(chunk_buffers *b) {
    free(b->X);
    free(b->status);
    free(b->errors);
    free(b->p);
}

/* Classify the n images of list, a chunk at a time, at --threshold or the
 * model's own; the number that failed to decode. */
static size_t classify(const predict_args *a, const catlr_model *model,
                       const catlr_file_list *list, chunk_buffers *b, FILE *out, FILE *errf) {
    const double threshold = a->has_threshold ? a->threshold : model->threshold;
    size_t failed = 0;
    for (size_t j0 = 0; j0 < list->count; j0 += b->size) {
        size_t n = list->count - j0 < b->size ? list->count - j0 : b->size;
        const char *const *paths = (const char *const *)list->items + j0;
        failed += catlr_batch_decode(paths, n, (int)a->threads, b->X, b->status, b->errors);
        /* the same call eval makes on its matrix, so an image gets the same
         * p through either command */
        catlr_predict_proba(model, b->X, n, b->p);
        for (size_t j = 0; j < n; j++) {
            if (b->status[j] != CATLR_OK) {
                cli_print_error(errf, &b->errors[j]);
                continue;
            }
            int label = catlr_predict_label_at(b->p[j], threshold);
            print_row(a->format, paths[j], catlr_model_class_of_label(model, label), b->p[j],
                      out);
        }
    }
    return failed;
}

/* Classify every image of the .h5 file at path, each named PATH:INDEX;
 * the file is read whole (its pixels need no decoding). 0, or -1 after
 * the error line. */
static int classify_h5(const predict_args *a, const catlr_model *model, const char *path,
                       FILE *out, FILE *errf) {
    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.positive = NULL; /* the labels play no part */
    opts.threads = (int)a->threads;
    catlr_dataset *ds;
    catlr_error err;
    if (catlr_dataset_load(path, &opts, &ds, &err) != CATLR_OK) {
        cli_print_error(errf, &err);
        return -1;
    }
    const size_t m = catlr_dataset_count(ds);
    double *p = malloc(m * sizeof *p);
    if (p == NULL) {
        fprintf(errf, "catlr: out of memory\n");
        catlr_dataset_free(ds);
        return -1;
    }
    catlr_predict_proba(model, catlr_dataset_pixels(ds), m, p);
    const double threshold = a->has_threshold ? a->threshold : model->threshold;
    for (size_t j = 0; j < m; j++)
        print_row(a->format, catlr_dataset_path(ds, j),
                  catlr_model_class_of_label(model, catlr_predict_label_at(p[j], threshold)),
                  p[j], out);
    free(p);
    catlr_dataset_free(ds);
    return 0;
}

/* Classify the images listed so far, then empty the list; the number that
 * failed (all of them when the buffers cannot be had). */
static size_t flush(const predict_args *a, const catlr_model *model, catlr_file_list *list,
                    chunk_buffers *b, FILE *out, FILE *errf) {
    size_t failed = 0;
    if (list->count > 0 && b->size == 0 && chunk_buffers_alloc(b, list->count, errf) != 0)
        failed = list->count;
    else if (list->count > 0)
        failed = classify(a, model, list, b, out, errf);
    catlr_file_list_free(list);
    return failed;
}

/* Classify the images, in the order given: the operands' (an .h5 file's
 * images as they come in it), then --files-from's. */
static int run(const predict_args *a, const catlr_model *model, FILE *out, FILE *errf) {
    problems probs = {errf, 0};
    catlr_file_list list = {0};
    chunk_buffers b = {0};
    int rc = 0;
    size_t failed = 0, h5_failed = 0;
    if (rc == 0 && a->format == FORMAT_CSV)
        fputs("path,class,p\n", out);
    for (int k = 1; rc == 0 && k < a->count; k++) {
        if (!catlr_h5_is_file(a->operands[k])) {
            rc = add_path(&list, a->operands[k], &probs);
            continue;
        }
        failed += flush(a, model, &list, &b, out, errf);
        h5_failed += classify_h5(a, model, a->operands[k], out, errf) != 0;
    }
    if (rc == 0 && a->files_from != NULL)
        rc = add_list_file(&list, a->files_from, &probs);
    if (rc == 0)
        failed += flush(a, model, &list, &b, out, errf);
    chunk_buffers_free(&b);
    catlr_file_list_free(&list);
    return rc != 0 || failed > 0 || h5_failed > 0 || probs.count > 0 ? CLI_EXIT_FAIL
                                                                      : CLI_EXIT_OK;
}

int catlr_cmd_predict(int argc, char **argv, FILE *out, FILE *errf) {
    predict_args a = {0};
    a.operands = malloc((size_t)argc * sizeof *a.operands);
    if (a.operands == NULL) {
        fprintf(errf, "catlr: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    int code = parse_args(argc, argv, &a, out, errf);
    if (code < 0) {
        catlr_model model;
        code = cli_load_model(a.operands[0], &model, errf);
        if (code == CLI_EXIT_OK) {
            code = run(&a, &model, out, errf);
            catlr_model_free(&model);
        }
    }
    free(a.operands);
    return code;
}
