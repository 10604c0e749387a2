/* cmd_import.c: `catlr import FILE.h5 DIR`: the course's HDF5 data set as an
 * image folder catlr trains from, DIR/<class>/NNNN.png, one lossless PNG per
 * example, the class folders named from list_classes. NNNN is the example's
 * index in the file, zero-padded so that the byte order the data set
 * loader sorts by is the file's order. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catlr/h5.h"
#include "catlr/image.h"
#include "cli.h"
#include "args.h"
#include "common.h"

static const char USAGE[] = "Usage: catlr import [options] FILE.h5 DIR";

static void print_help(FILE *out) {
    fprintf(out,
            "%s\n"
            "Write the course's HDF5 data set FILE.h5 (train_catvnoncat.h5 or\n"
            "test_catvnoncat.h5: *_set_x, *_set_y, list_classes) as an image folder\n"
            "catlr trains from: DIR/<class>/NNNN.png, one lossless PNG per image, the\n"
            "class folders named from list_classes, NNNN the image's index in the file.\n"
            "DIR (and any folder above it) is created if needed; the class folders must\n"
            "not exist yet.\n"
            "\n"
            "Options:\n"
            "  -q, --quiet   no messages on stderr, only errors\n"
            "  -h, --help    show this help and exit\n",
            USAGE);
}

enum { OPT_QUIET = 1, OPT_HELP };

static const cli_option OPTIONS[] = {
    {'q', "quiet", 0, OPT_QUIET},
    {'h', "help", 0, OPT_HELP},
};

typedef struct import_args {
    const char *file, *dir;
    int quiet;
} import_args;

/* -1 to go on, or an exit code (help, usage error). */
static int parse_args(int argc, char **argv, import_args *a, FILE *out, FILE *errf) {
    cli_scanner s = cli_scan(argc, argv, OPTIONS, sizeof OPTIONS / sizeof OPTIONS[0]);
    char msg[256];
    const char *value;
    for (int id; (id = cli_next(&s, &value, msg, sizeof msg)) != CLI_END;) {
        if (id == CLI_ERROR)
            return cli_usage_error(errf, "import", USAGE, "%s", msg);
        if (id == OPT_HELP) {
            print_help(out);
            return CLI_EXIT_OK;
        }
        if (id == OPT_QUIET) {
            a->quiet = 1;
        } else if (a->file == NULL) {
            a->file = value;
        } else if (a->dir == NULL) {
            a->dir = value;
        } else {
            return cli_usage_error(errf, "import", USAGE, "unexpected argument '%s'", value);
        }
    }
    if (a->file == NULL)
        return cli_usage_error(errf, "import", USAGE, "missing FILE.h5");
    if (a->dir == NULL)
        return cli_usage_error(errf, "import", USAGE, "missing DIR");
    const cli_path paths[] = {{"FILE.h5", a->file}, {"DIR", a->dir}};
    return cli_check_paths(paths, sizeof paths / sizeof paths[0], "import", USAGE, errf);
}

// ----------------------------------------------------------------------------
// Writing the folders.

/* "catlr: PATH: strerror" for a failed mkdir. */
static int mkdir_failed(FILE *errf, const char *path, const char *reason) {
    fprintf(errf, "catlr: %s: %s\n", path, reason);
    return CLI_EXIT_FAIL;
}

/* mkdir -p: make path and any missing folder above it. 0, or -1 with
 * errno set (EEXIST: something that is not a folder is in the way) and path
 * cut to the folder that could not be made, for the error message. path is
 * not empty. */
static int make_path(char *path) {
    for (char *slash = path + 1;; slash++) {
        int last = *slash == '\0';
        if (!last && *slash != '/')
            continue;
        char saved = *slash;
        *slash = '\0';
        int rc = mkdir(path, 0777), error = errno;
        struct stat sb;
        if (rc != 0 && error == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            rc = 0;
        errno = error;
        if (rc != 0 || last)
            return rc;
        *slash = saved;
    }
}

/* DIR, and the folders above it, may exist (the test set is imported
 * beside the training set); a class folder must be new, so that an import
 * never mixes with another set's images. */
static int make_folders(const char *dir, const catlr_h5_set *set, char *path, size_t size,
                        FILE *errf) {
    snprintf(path, size, "%s", dir);
    if (make_path(path) != 0)
        return mkdir_failed(errf, path, errno == EEXIST ? "exists and is not a folder"
                                                       : strerror(errno));
    for (int k = 0; k < 2; k++) {
        snprintf(path, size, "%s/%s", dir, set->class_names[k]);
        if (mkdir(path, 0777) != 0)
            return mkdir_failed(errf, path, errno == EEXIST
                                                ? "already exists; import into a new folder"
                                                : strerror(errno));
    }
    return CLI_EXIT_OK;
}

/* Digits of the largest index, at least 4 (at most 20, a 64-bit size_t's). */
static unsigned index_width(size_t m) {
    unsigned width = 1;
    for (size_t v = m - 1; v >= 10 && width < 20; v /= 10)
        width++;
    return width < 4 ? 4 : width;
}

static int write_images(const char *dir, const catlr_h5_set *set, FILE *errf) {
    size_t size = strlen(dir) + 2 * 256 + 64;
    char *path = malloc(size);
    if (path == NULL) {
        fprintf(errf, "catlr: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    int code = make_folders(dir, set, path, size, errf);
    int width = (int)(index_width(set->m) & 31); /* the mask bounds it for the compiler */
    for (size_t j = 0; code == CLI_EXIT_OK && j < set->m; j++) {
        snprintf(path, size, "%s/%s/%0*zu.png", dir, set->class_names[set->y[j]], width, j);
        catlr_error err;
        /* stored (row, col, RGB): interleaved rows, as the writer takes them */
        if (catlr_image_save_png(path, set->x + j * CATLR_N_X, CATLR_WIDTH, CATLR_HEIGHT,
                                 &err) != CATLR_OK) {
            cli_print_error(errf, &err);
            code = CLI_EXIT_FAIL;
        }
    }
    free(path);
    return code;
}

int catlr_cmd_import(int argc, char **argv, FILE *out, FILE *errf) {
    import_args a = {0};
    int code = parse_args(argc, argv, &a, out, errf);
    if (code >= 0)
        return code;
    catlr_h5_set set;
    catlr_error err;
    if (catlr_h5_load(a.file, &set, &err) != CATLR_OK) {
        cli_print_error(errf, &err);
        return CLI_EXIT_FAIL;
    }
    code = write_images(a.dir, &set, errf);
    if (code == CLI_EXIT_OK && !a.quiet) {
        size_t positives = 0;
        for (size_t j = 0; j < set.m; j++)
            positives += set.y[j];
        fprintf(errf, "%s: %zu images (%s: %zu, %s: %zu) written to %s\n", a.file, set.m,
                set.class_names[1], positives, set.class_names[0], set.m - positives, a.dir);
    }
    catlr_h5_free(&set);
    return code;
}
