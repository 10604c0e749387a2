/* common.c: error lines, number parsing, output files and the loading of
 * models and folders for the subcommands. */
#define _POSIX_C_SOURCE 200809L /* lstat, stat */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catlr/h5.h"
#include "catlr/image.h"
#include "catlr/predict.h"
#include "common.h"

void cli_print_error(FILE *errf, const catlr_error *err) {
    if (err->path[0] != '\0')
        fprintf(errf, "catlr: %s: %s\n", err->path, err->reason);
    else
        fprintf(errf, "catlr: %s\n", err->reason);
}

/* Whether the output called name is a picture, written as PNG whatever
 * its name says: train's --plot and weights' OUT.png. */
static int is_picture_output(const char *name) {
    return strcmp(name, "--plot") == 0 || strcmp(name, "OUT.png") == 0;
}

/* Whether path names something that exists and is not a regular file. */
static int is_special(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

/* Whether path ends in ".png", in any case. */
static int png_name(const char *path) {
    size_t len = strlen(path);
    return len > 4 && strcasecmp(path + len - 4, ".png") == 0;
}

int cli_check_paths(const cli_path *paths, size_t n, const char *cmd, const char *usage,
                    FILE *errf) {
    for (size_t k = 0; k < n; k++) {
        if (paths[k].path == NULL)
            continue;
        if (paths[k].path[0] == '\0')
            return cli_usage_error(errf, cmd, usage, "%s must not be empty", paths[k].name);
        /* PNG bytes in a file named x.jpg would mislead every viewer; a
         * device or a pipe (/dev/stdout) has no type to get wrong */
        if (is_picture_output(paths[k].name) && !png_name(paths[k].path) &&
            !is_special(paths[k].path))
            return cli_usage_error(errf, cmd, usage,
                                   "%s is written as a PNG, so its name must end in .png, got "
                                   "'%s'",
                                   paths[k].name, paths[k].path);
    }
    return -1;
}

int cli_scan_one_operand(int argc, char **argv, const cli_one_operand *c, FILE *out,
                         FILE *errf) {
    const char *cmd = c->cmd, *usage = c->usage;
    const char **operand = c->operand;
    cli_scanner s = cli_scan(argc, argv, c->options, c->n_options);
    char msg[256];
    const char *value;
    for (int id; (id = cli_next(&s, &value, msg, sizeof msg)) != CLI_END;) {
        if (id == CLI_ERROR)
            return cli_usage_error(errf, cmd, usage, "%s", msg);
        if (id == CLI_OPERAND) {
            if (*operand != NULL)
                return cli_usage_error(errf, cmd, usage, "unexpected argument '%s'%s%s", value,
                                       c->second_operand_hint != NULL ? "; " : "",
                                       c->second_operand_hint != NULL ? c->second_operand_hint
                                                                      : "");
            *operand = value;
            continue;
        }
        int code = c->apply(c->ctx, id, value, out, errf);
        if (code >= 0)
            return code;
    }
    if (*operand == NULL)
        return cli_usage_error(errf, cmd, usage, "missing %s", c->operand_name);
    return -1;
}

int cli_check_input_folder(const char *path, const cli_comm *comm, FILE *errf) {
    if (path == NULL)
        return CLI_EXIT_OK;
    struct stat st;
    /* a folder, or a file of images packed in the course's HDF5 layout */
    int why = stat(path, &st) != 0                               ? errno
              : !S_ISDIR(st.st_mode) && !catlr_h5_is_file(path) ? ENOTDIR
                                                               : 0;
    if (why != 0)
        fprintf(errf, "catlr: %s: %s\n", path, strerror(why));
    double failed = why != 0; /* go on together, or stop together */
    if (comm != NULL)
        (void)cli_comm_sum((void *)comm, &failed, 1, NULL);
    return failed > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cli_check_model_output(const char *path, FILE *errf) {
    if (path == NULL)
        return CLI_EXIT_OK;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        fprintf(errf, "catlr: %s: not a regular file (a model file is replaced whole)\n", path);
        return CLI_EXIT_FAIL;
    }
    /* the folder: everything up to the last '/', "." without one */
    const char *slash = strrchr(path, '/');
    char folder[4096];
    int len = slash == NULL ? 1 : slash == path ? 1 : (int)(slash - path);
    if (len >= (int)sizeof folder) /* a path the system would refuse too */
        return CLI_EXIT_OK;
    snprintf(folder, sizeof folder, "%.*s", len, slash == NULL ? "." : path);
    if (access(folder, W_OK | X_OK) != 0) {
        fprintf(errf, "catlr: %s: %s\n", path, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* Do the paths a and b name one regular file, or one that is not there
 * yet? A device such as /dev/null may be named twice: nothing in it is
 * lost. */
static int same_file(const char *a, const char *b) {
    struct stat sa, sb;
    int a_exists = stat(a, &sa) == 0;
    if (a_exists && !S_ISREG(sa.st_mode))
        return 0;
    if (strcmp(a, b) == 0)
        return 1;
    return a_exists && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cli_check_outputs(const cli_path *outputs, size_t n, const cli_path *input, const char *cmd,
                      const char *usage, FILE *errf) {
    for (size_t k = 0; k < n && input->path != NULL; k++)
        if (outputs[k].path != NULL && same_file(outputs[k].path, input->path))
            return cli_usage_error(errf, cmd, usage, "%s would overwrite %s '%s'",
                                   outputs[k].name, input->name, input->path);
    return -1;
}

int cli_check_distinct(const cli_path *outputs, size_t n, const char *cmd, const char *usage,
                       FILE *errf) {
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (outputs[i].path != NULL && outputs[j].path != NULL &&
                same_file(outputs[i].path, outputs[j].path))
                return cli_usage_error(errf, cmd, usage, "%s and %s name the same file '%s'",
                                       outputs[i].name, outputs[j].name, outputs[i].path);
    return -1;
}

/* "PNG" or "JPEG" when the file at path starts as one does, else NULL. */
static const char *image_kind(const char *path) {
    unsigned char head[8] = {0};
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    size_t n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    if (n == 8 && memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "PNG";
    if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        return "JPEG";
    return NULL;
}

void cli_print_model_error(FILE *errf, const catlr_error *err) {
    const char *kind = err->path[0] != '\0' ? image_kind(err->path) : NULL;
    if (kind != NULL)
        fprintf(errf, "catlr: %s: a %s image, not a catlr model; MODEL comes first\n",
                err->path, kind);
    else
        cli_print_error(errf, err);
}

int cli_load_model(const char *path, catlr_model *model, FILE *errf) {
    catlr_error err;
    catlr_status st = catlr_model_load(path, model, &err);
    if (st == CATLR_OK)
        st = catlr_predict_check(model, path, &err);
    if (st != CATLR_OK) {
        catlr_model_free(model); /* loaded but unusable here */
        cli_print_model_error(errf, &err);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

int cli_usage_error(FILE *errf, const char *cmd, const char *usage,
                    const char *fmt, ...) {
    fprintf(errf, "catlr: %s: ", cmd);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(errf, fmt, ap);
    va_end(ap);
    fprintf(errf, "\n%s\nTry 'catlr %s --help'.\n", usage, cmd);
    return CLI_EXIT_USAGE;
}

int cli_parse_positive(const char *s, double *out) {
    if (s[0] == '\0' || isspace((unsigned char)s[0]))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v) || !(v > 0))
        return -1;
    *out = v;
    return 0;
}

int cli_parse_nonnegative(const char *s, double *out) {
    double v;
    if (cli_parse_positive(s, &v) == 0) {
        *out = v;
        return 0;
    }
    /* zero, in any spelling strtod reads ("0", "0.0", "0e5"), but not "-0" */
    if (s[0] == '\0' || (!isdigit((unsigned char)s[0]) && s[0] != '.'))
        return -1;
    char *end;
    errno = 0;
    v = strtod(s, &end);
    if (*end != '\0' || errno == ERANGE || v != 0)
        return -1;
    *out = 0;
    return 0;
}

int cli_parse_count(const char *s, size_t *out) {
    /* strtoull would accept leading blanks and a minus sign (negating the
     * value), so insist on digits from the first character */
    if (!isdigit((unsigned char)s[0]))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || errno == ERANGE || v < 1 || v > SIZE_MAX)
        return -1;
    *out = (size_t)v;
    return 0;
}

int cli_parse_solver(const char *name) {
    const catlr_solver all[] = {CATLR_SOLVER_AUTO, CATLR_SOLVER_PRIMAL, CATLR_SOLVER_GRAM};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        if (strcmp(name, catlr_solver_name(all[k])) == 0)
            return (int)all[k];
    return -1;
}

int cli_parse_list(const char *s, int (*parse)(const char *, double *), double *values,
                   size_t max, size_t *n) {
    *n = 0;
    for (const char *p = s;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        char one[64];
        if (len == 0 || len >= sizeof one || *n == max)
            return -1;
        memcpy(one, p, len);
        one[len] = '\0';
        if (parse(one, &values[*n]) != 0)
            return -1;
        (*n)++;
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

int cli_parse_u64(const char *s, uint64_t *out) {
    if (!isdigit((unsigned char)s[0])) /* as cli_parse_count: no blank, no sign */
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || errno == ERANGE || v > UINT64_MAX)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

void cli_warn_skip(void *user, const catlr_error *err) {
    cli_skip_report *r = user;
    fprintf(r->errf, "catlr: warning: %s: %s (skipped)\n", err->path, err->reason);
    r->count++;
}

/* A folder's load, added up over the processes: how many failed (and
 * whether rank 0 did), images skipped, and images of each class kept. */
enum { LOAD_FAILED, LOAD_RANK0_FAILED, LOAD_SKIPPED, LOAD_CLASS0, LOAD_CLASS1, LOAD_N };

/* With --skip-bad in several processes, a class of which no process kept
 * an image is an error, as the library makes it in one process. */
static int check_classes_kept(const char *dir, const catlr_dataset *ds, const double *sums,
                              FILE *errf) {
    for (size_t k = 0; k < 2; k++) {
        if (sums[LOAD_CLASS0 + k] > 0)
            continue;
        size_t n = strlen(dir);
        fprintf(errf, "catlr: %s%s%s: none of its %zu images could be read\n", dir,
                n > 0 && dir[n - 1] == '/' ? "" : "/", catlr_dataset_class_name(ds, k),
                catlr_dataset_folder_count(ds, k));
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* Whether err names an image file inside dir's class folders (one that
 * --skip-bad would leave out), not dir itself or a class folder. */
static int is_image(const catlr_error *err, const char *dir) {
    const char *slash = strrchr(err->path, '/');
    const char *name = slash != NULL ? slash + 1 : err->path;
    return err->path[0] != '\0' && strcmp(err->path, dir) != 0 && catlr_image_name_ok(name);
}

/* "DIR: 2 processes hold 100 + 100 images", the images of each process's
 * shard in rank order (mine: this process's). A collective call: every
 * process makes it. */
static void print_shards(const cli_comm *comm, const char *dir, size_t mine, FILE *errf) {
    double *counts = calloc((size_t)comm->size, sizeof *counts);
    double failed = counts == NULL;
    (void)cli_comm_sum((void *)comm, &failed, 1, NULL);
    if (failed > 0) { /* a line of words is not worth failing the run */
        free(counts);
        return;
    }
    counts[comm->rank] = (double)mine;
    (void)cli_comm_sum((void *)comm, counts, (size_t)comm->size, NULL);
    fprintf(errf, "%s: %d processes hold ", dir, comm->size);
    for (int r = 0; r < comm->size; r++)
        fprintf(errf, "%s%.0f", r > 0 ? " + " : "", counts[r]);
    fprintf(errf, " images\n");
    free(counts);
}

int cli_load_dataset(const cli_load *load, catlr_dataset **ds, size_t *total, FILE *errf) {
    const cli_comm one = {.rank = 0, .size = 1, .joined = 0};
    const cli_comm *comm = load->comm != NULL ? load->comm : &one;
    FILE *own_errf = load->own_errf != NULL ? load->own_errf : errf;
    const char *dir = load->dir;
    catlr_error err;
    cli_skip_report skipped = {own_errf, 0};
    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.positive = load->positive;
    opts.skip_bad = load->skip_bad;
    opts.threads = (int)load->threads;
    opts.on_skip = cli_warn_skip;
    opts.user = &skipped;
    opts.shard_index = (size_t)comm->rank;
    opts.shard_count = (size_t)comm->size;
    catlr_status st = catlr_dataset_load(dir, &opts, ds, &err);
    int failed = st != CATLR_OK;
    double sums[LOAD_N] = {failed, failed && comm->rank == 0, (double)skipped.count,
                           failed ? 0 : (double)catlr_dataset_class_count(*ds, 0),
                           failed ? 0 : (double)catlr_dataset_class_count(*ds, 1)};
    /* a handful of doubles: only more than INT_MAX could fail */
    (void)cli_comm_sum((void *)comm, sums, LOAD_N, NULL);
    /* a failure every process shares (a folder that is not there) is
     * reported once, by rank 0 */
    if (failed && (comm->rank == 0 || sums[LOAD_RANK0_FAILED] == 0)) {
        if (load->has_skip_bad && !load->skip_bad && st != CATLR_ERR_NOMEM && is_image(&err, dir))
            fprintf(own_errf, "catlr: %s: %s (use --skip-bad to leave such files out)\n",
                    err.path, err.reason);
        else
            cli_print_error(own_errf, &err);
    }
    int code = sums[LOAD_FAILED] > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    if (code == CLI_EXIT_OK && sums[LOAD_SKIPPED] > 0)
        fprintf(errf, "catlr: warning: %s: skipped %.0f image%s that could not be read\n", dir,
                sums[LOAD_SKIPPED], sums[LOAD_SKIPPED] == 1 ? "" : "s");
    if (code == CLI_EXIT_OK && comm->size > 1 && load->skip_bad)
        code = check_classes_kept(dir, *ds, sums, errf);
    if (code != CLI_EXIT_OK) {
        catlr_dataset_free(*ds);
        *ds = NULL;
        return code;
    }
    if (total != NULL)
        *total = (size_t)(sums[LOAD_CLASS0] + sums[LOAD_CLASS1]);
    if (!load->quiet)
        fprintf(errf, "%s: %.0f images (%s: %.0f, %s: %.0f)\n", dir,
                sums[LOAD_CLASS0] + sums[LOAD_CLASS1], catlr_dataset_class_name(*ds, 0),
                sums[LOAD_CLASS0], catlr_dataset_class_name(*ds, 1), sums[LOAD_CLASS1]);
    if (!load->quiet && comm->size > 1)
        print_shards(comm, dir, catlr_dataset_count(*ds), errf);
    return CLI_EXIT_OK;
}

int cli_check_classes(const catlr_dataset *ds, const char *dir, const char *const names[2],
                      const char *whose, FILE *errf) {
    for (size_t k = 0; k < 2; k++) {
        if (strcmp(catlr_dataset_class_name(ds, k), names[k]) != 0) {
            fprintf(errf, "catlr: %s: class folders '%s', '%s' differ from %s '%s', '%s'\n", dir,
                    catlr_dataset_class_name(ds, 0), catlr_dataset_class_name(ds, 1), whose,
                    names[0], names[1]);
            return CLI_EXIT_FAIL;
        }
    }
    return CLI_EXIT_OK;
}

int cli_parse_threshold(const char *s, double *out) {
    double v;
    if (cli_parse_nonnegative(s, &v) != 0 || v > 1)
        return -1;
    *out = v;
    return 0;
}

int cli_option_threads(const char *value, unsigned *threads, const char *cmd,
                       const char *usage, FILE *errf) {
    size_t n;
    if (cli_parse_count(value, &n) != 0 || n > CATLR_MAX_THREADS)
        return cli_usage_error(errf, cmd, usage,
                               "--threads must be a whole number from 1 to " CLI_STR(
                                   CATLR_MAX_THREADS) ", got '%s'",
                               value);
    *threads = (unsigned)n;
    return -1;
}

int cli_option_seed(const char *value, uint64_t *seed, const char *cmd, const char *usage,
                    FILE *errf) {
    if (cli_parse_u64(value, seed) != 0)
        return cli_usage_error(errf, cmd, usage,
                               "--seed must be a whole number from 0 to 2^64-1, got '%s'", value);
    return -1;
}

/* A kind of list option: its name, how each value is read, and what the
 * message calls one value ("a positive number") and several ("positive
 * numbers"), so that "--lr 0" gets the words train and cv both use. */
typedef struct list_kind {
    const char *option;
    int (*parse)(const char *, double *);
    const char *one, *many;
} list_kind;

static int option_list(const list_kind *kind, const char *value, const cli_list *list,
                       const char *cmd, const char *usage, FILE *errf) {
    if (cli_parse_list(value, kind->parse, list->values, list->max, list->n) == 0)
        return -1;
    if (strchr(value, ',') == NULL)
        return cli_usage_error(errf, cmd, usage, "%s must be %s, got '%s'", kind->option,
                               kind->one, value);
    return cli_usage_error(errf, cmd, usage, "%s must be 1 to %zu %s separated by commas, got '%s'",
                           kind->option, list->max, kind->many, value);
}

int cli_option_rates(const char *value, const cli_list *list, const char *cmd,
                     const char *usage, FILE *errf) {
    static const list_kind RATES = {"--lr", cli_parse_positive, "a positive number",
                                    "positive numbers"};
    return option_list(&RATES, value, list, cmd, usage, errf);
}

int cli_option_l2s(const char *value, const cli_list *list, const char *cmd, const char *usage,
                   FILE *errf) {
    static const list_kind L2S = {"--l2", cli_parse_nonnegative, "a number >= 0",
                                  "numbers >= 0"};
    return option_list(&L2S, value, list, cmd, usage, errf);
}

int cli_option_solver(const char *value, catlr_solver *solver, const char *cmd,
                      const char *usage, FILE *errf) {
    int s = cli_parse_solver(value);
    if (s < 0)
        return cli_usage_error(errf, cmd, usage,
                               "--solver must be auto, primal or gram, got '%s'", value);
    *solver = (catlr_solver)s;
    return -1;
}

FILE *cli_open_output(const char *path, const char *mode, FILE *errf) {
    FILE *fp = fopen(path, mode);
    if (fp == NULL)
        fprintf(errf, "catlr: %s: %s\n", path, strerror(errno));
    return fp;
}

int cli_close_output(FILE *fp, const char *path, FILE *errf) {
    int failed = ferror(fp);
    if (fclose(fp) != 0 || failed) {
        fprintf(errf, "catlr: %s: %s\n", path, failed ? "write error" : strerror(errno));
        return -1;
    }
    return 0;
}

void cli_remove_output(const char *path) {
    struct stat sb;
    if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        remove(path);
}

long cli_launched_processes(void) {
    static const char *const VARS[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"};
    for (size_t k = 0; k < sizeof VARS / sizeof VARS[0]; k++) {
        const char *v = getenv(VARS[k]);
        if (v != NULL && atol(v) > 1)
            return atol(v);
    }
    return 1;
}
