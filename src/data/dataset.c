/* dataset.c: DIR/<class>/NAME.{png,jpg,jpeg} -> X (CATLR_N_X x m, uint8) and
 * y (m, uint8).
 *
 * Knows folders and the matrix layout; knows nothing of learning. Work is
 * done in two steps: scan (list the class folders and their images, all
 * sorted, and keep the shard asked for) and decode (one allocation for X, then each image into its
 * column, on as many threads as asked: every image has its own column, so
 * the threads share nothing but the index of the first failure). */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catlr/batch.h"
#include "catlr/dataset.h"
#include "catlr/h5.h"
#include "catlr/image.h"
#include "base/internal.h"
#include "base/large_alloc.h"
#include "data/h5_library.h"

struct catlr_dataset {
    size_t m;
    uint8_t *X;            /* (CATLR_N_X, m), example j at X + j*CATLR_N_X */
    uint8_t *y;            /* (m) */
    char **paths;          /* (m) dir/class/name */
    char *class_names[2];  /* byte order */
    size_t class_count[2]; /* of the m examples */
    size_t folder_count[2]; /* found by the scan, in the whole folder */
    size_t positive;       /* index into class_names of label 1 */
    char *path_block;      /* from an .h5 file: the paths, all in this one
                              block (then not freed one by one) */
};

// ----------------------------------------------------------------------------
// A sortable list of owned strings: batch.h's.

typedef catlr_file_list name_list;

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void name_list_sort(name_list *list) {
    if (list->count > 1)
        qsort(list->items, list->count, sizeof *list->items, compare_names);
}

// ----------------------------------------------------------------------------
// Scanning one folder.

enum entry_kind { CLASS_FOLDERS, IMAGE_FILES };

/* Should entry `name` of dir be listed as `kind`? 1 yes, 0 no, or a failure
 * status in *st: an entry that claims to be an image (".png", ".jpg") but
 * cannot be examined or is not a regular file is an error, not something to
 * skip.
 * With lazy (skip_bad, or a shard) such an entry is listed, and decoding
 * refuses it with the same reason, which with skip_bad then counts as one
 * skipped image; a shard examines only its own images. */
static int wanted(const char *path, const char *name, enum entry_kind kind,
                  int lazy, catlr_status *st, catlr_error *err) {
    if (name[0] == '.')
        return 0; /* hidden, ".", ".." */
    if (kind == IMAGE_FILES && !catlr_image_name_ok(name))
        return 0;
    if (kind == IMAGE_FILES && lazy)
        return 1;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (kind == CLASS_FOLDERS)
            return 0; /* e.g. a dangling link beside the class folders */
        *st = catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
        return 0;
    }
    if (kind == CLASS_FOLDERS)
        return S_ISDIR(sb.st_mode);
    if (!S_ISREG(sb.st_mode)) {
        *st = catlr_fail(err, CATLR_ERR_IO, path, "not a regular file");
        return 0;
    }
    return 1;
}

/* List the entries of dir that are `kind`, sorted, as full paths
 * (CLASS_FOLDERS: as bare names). */
static catlr_status list_dir(const char *dir, enum entry_kind kind, int lazy,
                            name_list *out, catlr_error *err) {
    DIR *d = opendir(dir);
    if (d == NULL)
        return catlr_fail(err, CATLR_ERR_IO, dir, "%s", strerror(errno));
    catlr_status st = CATLR_OK;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (e == NULL) {
            if (errno != 0)
                st = catlr_fail(err, CATLR_ERR_IO, dir, "%s", strerror(errno));
            break;
        }
        char *path = catlr_join_path(dir, e->d_name);
        if (path == NULL) {
            st = catlr_fail(err, CATLR_ERR_NOMEM, dir, "out of memory");
            break;
        }
        int keep = wanted(path, e->d_name, kind, lazy, &st, err);
        if (keep && catlr_file_list_add(out, kind == CLASS_FOLDERS ? e->d_name : path) != CATLR_OK)
            st = catlr_fail(err, CATLR_ERR_NOMEM, dir, "out of memory");
        free(path);
        if (st != CATLR_OK)
            break;
    }
    closedir(d);
    if (st != CATLR_OK)
        catlr_file_list_free(out);
    else
        name_list_sort(out);
    return st;
}

// ----------------------------------------------------------------------------
// The two class folders.

/* "'a', 'b', 'c'" (or "none") into buf, for error messages. */
static void quote_names(const name_list *names, char *buf, size_t size) {
    size_t used = 0;
    buf[0] = '\0';
    if (names->count == 0)
        snprintf(buf, size, "none");
    for (size_t k = 0; k < names->count && used < size; k++) {
        int n = snprintf(buf + used, size - used, "%s'%s'", k ? ", " : "",
                         names->items[k]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* Whether dir holds image files itself (named as images; not examined). */
static int holds_images(const char *dir) {
    name_list images = {0};
    if (list_dir(dir, IMAGE_FILES, 1, &images, NULL) != CATLR_OK)
        return 0;
    int found = images.count > 0;
    catlr_file_list_free(&images);
    return found;
}

/* Check that dir has exactly two class folders and one is named positive;
 * sets *positive_index. */
static catlr_status check_classes(const char *dir, const name_list *classes,
                                  const char *positive, size_t *positive_index,
                                  catlr_error *err) {
    char found[CATLR_ERROR_REASON_MAX];
    quote_names(classes, found, sizeof found);
    if (classes->count < 2 && holds_images(dir))
        /* the commonest slip: a class folder given for the folder above it */
        return catlr_fail(err, CATLR_ERR_DATA, dir,
                          "expected 2 class folders, found %lu but images: DIR must hold one "
                          "subfolder per class (DIR/%s/*.png, DIR/non-%s/*.png)",
                          (unsigned long)classes->count, positive, positive);
    if (classes->count != 2)
        return catlr_fail(err, CATLR_ERR_DATA, dir,
                          "expected 2 class folders, found %lu: %s",
                          (unsigned long)classes->count, found);
    for (size_t k = 0; k < 2; k++) {
        if (strcmp(classes->items[k], positive) == 0) {
            *positive_index = k;
            return CATLR_OK;
        }
    }
    return catlr_fail(err, CATLR_ERR_DATA, dir,
                      "no class folder named '%s' (found %s)", positive, found);
}

// ----------------------------------------------------------------------------
// Building the dataset.

/* Move the scanned paths of both classes into ds (class 0 first) and set
 * the labels' class counts. Takes ownership of the strings in files. */
static catlr_status take_paths(catlr_dataset *ds, name_list files[2]) {
    ds->m = files[0].count + files[1].count;
    ds->paths = calloc(ds->m ? ds->m : 1, sizeof *ds->paths);
    ds->y = malloc(ds->m ? ds->m : 1);
    if (ds->paths == NULL || ds->y == NULL)
        return CATLR_ERR_NOMEM;
    size_t j = 0;
    for (size_t k = 0; k < 2; k++) {
        ds->class_count[k] = ds->folder_count[k] = files[k].count;
        for (size_t i = 0; i < files[k].count; i++, j++) {
            ds->paths[j] = files[k].items[i];
            ds->y[j] = (uint8_t)(k == ds->positive);
        }
        free(files[k].items); /* the strings now belong to ds */
        files[k].items = NULL;
        files[k].count = files[k].cap = 0;
    }
    return CATLR_OK;
}

/* Keep only shard shard_index of shard_count: the paths and labels of
 * examples [lo, hi), lo = index M / count, hi = (index + 1) M / count,
 * freeing the others' paths. */
static void keep_shard(catlr_dataset *ds, size_t shard_index, size_t shard_count) {
    const size_t all = ds->m;
    const size_t lo = shard_index * all / shard_count,
                 hi = (shard_index + 1) * all / shard_count;
    for (size_t j = 0; j < all; j++)
        if (j < lo || j >= hi)
            free(ds->paths[j]);
    memmove(ds->paths, ds->paths + lo, (hi - lo) * sizeof *ds->paths);
    memmove(ds->y, ds->y + lo, hi - lo);
    /* class 0 is examples [0, folder_count[0]) of the folder */
    const size_t first_of_class1 = ds->folder_count[0];
    size_t class0 = 0;
    if (lo < first_of_class1)
        class0 = (hi < first_of_class1 ? hi : first_of_class1) - lo;
    ds->class_count[0] = class0;
    ds->class_count[1] = hi - lo - class0;
    ds->m = hi - lo;
}

// ----------------------------------------------------------------------------
// Decoding, on several threads.

/* Outcome of every image's decode: status (m), and for each failure its
 * error (m pointers, NULL where the image decoded). Errors are kept apart
 * because only the caller's thread may report them, and in X's order. */
typedef struct decode_log {
    catlr_status *status;
    catlr_error **errors;
} decode_log;

static void decode_log_free(decode_log *log, size_t m) {
    for (size_t j = 0; log->errors != NULL && j < m; j++)
        free(log->errors[j]);
    free(log->errors);
    free(log->status);
}

/* Decode image j into its column; record a failure in log. */
static void decode_one(catlr_dataset *ds, size_t j, decode_log *log) {
    catlr_error e;
    catlr_status st = catlr_image_load(ds->paths[j], ds->X + j * CATLR_N_X, &e);
    if (st != CATLR_OK) {
        log->errors[j] = malloc(sizeof e);
        if (log->errors[j] != NULL)
            *log->errors[j] = e;
        else
            st = CATLR_ERR_NOMEM;
    }
    log->status[j] = st;
}

/* One step of decode_images: image j, unless an earlier image failed and
 * not all are wanted. *first_bad is the lowest failed index so far,
 * shared by the threads. */
static void decode_step(catlr_dataset *ds, size_t j, int all, size_t *first_bad,
                        decode_log *log) {
    size_t bound;
    CATLR_OMP(omp atomic read)
    bound = *first_bad;
    if (!all && j > bound)
        return;
    decode_one(ds, j, log);
    if (log->status[j] == CATLR_OK || all)
        return;
    CATLR_OMP(omp critical(catlr_dataset_first_bad))
    {
        CATLR_OMP(omp atomic read)
        bound = *first_bad;
        if (j < bound) {
            CATLR_OMP(omp atomic write)
            *first_bad = j;
        }
    }
}

/* Decode every image, threads at a time. Unless all are wanted, images
 * after a failed one are left undecoded; every image before the first
 * failure is always decoded, so that the first failure in X's order is the
 * same whatever the threads' timing. One thread starts no thread at all,
 * which keeps a process that forks afterwards free of OpenMP's state. */
static void decode_images(catlr_dataset *ds, int threads, int all, decode_log *log) {
    size_t first_bad = ds->m;
    int n_threads = catlr_thread_count(threads);
    if (n_threads <= 1 || ds->m < 2) {
        for (size_t j = 0; j < ds->m; j++)
            decode_step(ds, j, all, &first_bad, log);
        return;
    }
    /* chunks of 8 images: small enough to balance the threads, large
     * enough that handing them out costs nothing */
    CATLR_OMP(omp parallel for num_threads(n_threads) schedule(dynamic, 8))
    for (size_t j = 0; j < ds->m; j++)
        decode_step(ds, j, all, &first_bad, log);
}

/* Copy image j's failure from log into err; its status. */
static catlr_status report(const catlr_dataset *ds, size_t j, const decode_log *log,
                           catlr_error *err) {
    if (log->errors[j] == NULL)
        return catlr_fail(err, CATLR_ERR_NOMEM, ds->paths[j], "out of memory");
    if (err != NULL)
        *err = *log->errors[j];
    return log->status[j];
}

/* skip_bad: hand each failure to on_skip, in order, and close the gaps in
 * X, y and the paths. Running out of memory is never skipped. */
static catlr_status drop_failures(catlr_dataset *ds, const catlr_dataset_opts *opts,
                                  const decode_log *log, catlr_error *err) {
    for (size_t j = 0; j < ds->m; j++)
        if (log->status[j] == CATLR_ERR_NOMEM)
            return report(ds, j, log, err);
    size_t kept = 0, first_of_class1 = ds->class_count[0];
    for (size_t j = 0; j < ds->m; j++) {
        if (log->status[j] != CATLR_OK) {
            if (opts->on_skip != NULL)
                opts->on_skip(opts->user, log->errors[j]);
            ds->class_count[j >= first_of_class1]--;
            free(ds->paths[j]);
            continue;
        }
        if (kept != j) {
            memmove(ds->X + kept * CATLR_N_X, ds->X + j * CATLR_N_X, CATLR_N_X);
            ds->paths[kept] = ds->paths[j];
            ds->y[kept] = ds->y[j];
        }
        kept++;
    }
    ds->m = kept;
    return CATLR_OK;
}

/* A class that skip_bad emptied is an error, as an empty folder is. */
static catlr_status check_nonempty(const char *dir, const catlr_dataset *ds,
                                   const size_t scanned[2], catlr_error *err) {
    for (size_t k = 0; k < 2; k++) {
        if (ds->class_count[k] > 0)
            continue;
        char *class_dir = catlr_join_path(dir, ds->class_names[k]);
        catlr_status st = catlr_fail(err, CATLR_ERR_DATA, class_dir ? class_dir : dir,
                                     "none of its %lu images could be read",
                                     (unsigned long)scanned[k]);
        free(class_dir);
        return st;
    }
    return CATLR_OK;
}

/* Decode every example's image into its column of X, leaving out the bad
 * ones with skip_bad. */
static catlr_status decode_all(const char *dir, catlr_dataset *ds,
                               const catlr_dataset_opts *opts, catlr_error *err) {
    if (ds->m > SIZE_MAX / CATLR_N_X)
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "%lu images do not fit in memory",
                          (unsigned long)ds->m);
    /* at least one of each, so that an empty shard is not taken for a
     * failed allocation */
    const size_t slots = ds->m > 0 ? ds->m : 1;
    ds->X = catlr_alloc_large(slots * CATLR_N_X);
    decode_log log = {calloc(slots, sizeof *log.status), calloc(slots, sizeof *log.errors)};
    catlr_status st = CATLR_OK;
    if (ds->X == NULL || log.status == NULL || log.errors == NULL)
        st = catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate %lu MiB for %lu images",
                        (unsigned long)(ds->m * CATLR_N_X >> 20), (unsigned long)ds->m);
    if (st == CATLR_OK)
        decode_images(ds, opts->threads, opts->skip_bad, &log);
    size_t scanned[2] = {ds->class_count[0], ds->class_count[1]}, m = ds->m;
    if (st == CATLR_OK && opts->skip_bad) {
        st = drop_failures(ds, opts, &log, err);
        if (st == CATLR_OK && opts->shard_count <= 1)
            st = check_nonempty(dir, ds, scanned, err);
    }
    for (size_t j = 0; st == CATLR_OK && !opts->skip_bad && j < ds->m; j++)
        if (log.status[j] != CATLR_OK)
            st = report(ds, j, &log, err);
    decode_log_free(&log, m);
    return st;
}

/* List both class folders' images; a class without images is an error. */
static catlr_status scan_classes(const char *dir, int lazy, catlr_dataset *ds,
                                 name_list files[2], catlr_error *err) {
    for (size_t k = 0; k < 2; k++) {
        char *class_dir = catlr_join_path(dir, ds->class_names[k]);
        if (class_dir == NULL)
            return catlr_fail(err, CATLR_ERR_NOMEM, dir, "out of memory");
        catlr_status st = list_dir(class_dir, IMAGE_FILES, lazy, &files[k], err);
        if (st == CATLR_OK && files[k].count == 0)
            st = catlr_fail(err, CATLR_ERR_DATA, class_dir, "no PNG or JPEG images in this class folder");
        free(class_dir);
        if (st != CATLR_OK)
            return st;
    }
    return CATLR_OK;
}

/* Everything after the class folders are known: scan, label, shard,
 * decode. */
static catlr_status fill(const char *dir, const catlr_dataset_opts *opts,
                         catlr_dataset *ds, catlr_error *err) {
    name_list files[2] = {{0}, {0}};
    const int sharded = opts->shard_count > 1;
    catlr_status st = scan_classes(dir, opts->skip_bad || sharded, ds, files, err);
    if (st == CATLR_OK && take_paths(ds, files) != CATLR_OK)
        st = catlr_fail(err, CATLR_ERR_NOMEM, dir, "out of memory");
    catlr_file_list_free(&files[0]);
    catlr_file_list_free(&files[1]);
    if (st == CATLR_OK && sharded)
        keep_shard(ds, opts->shard_index, opts->shard_count);
    if (st == CATLR_OK)
        st = decode_all(dir, ds, opts, err);
    return st;
}

// ----------------------------------------------------------------------------
// From an .h5 file in the course's layout.

/* "FILE.h5:INDEX" for each example of the shard, all in one block. */
static catlr_status name_rows(catlr_dataset *ds, const char *path, size_t first) {
    const size_t len = strlen(path), per = len + 22; /* ':' + 20 digits + NUL */
    if (ds->m > SIZE_MAX / per)
        return CATLR_ERR_NOMEM;
    ds->path_block = malloc(ds->m * per > 0 ? ds->m * per : 1);
    ds->paths = calloc(ds->m ? ds->m : 1, sizeof *ds->paths);
    if (ds->path_block == NULL || ds->paths == NULL)
        return CATLR_ERR_NOMEM;
    for (size_t j = 0; j < ds->m; j++) {
        ds->paths[j] = ds->path_block + j * per;
        snprintf(ds->paths[j], per, "%s:%zu", path, first + j);
    }
    return CATLR_OK;
}

/* Take over shard s: the class names in byte order (as a folder's), the
 * labels made 1 for the positive class and counted. */
static catlr_status take_shard(const char *path, const catlr_dataset_opts *opts,
                               catlr_h5_shard *s, catlr_dataset *ds, catlr_error *err) {
    /* the stored label of class k (in byte order) */
    const uint8_t label_of[2] = {strcmp(s->class_names[0], s->class_names[1]) > 0,
                                 strcmp(s->class_names[0], s->class_names[1]) < 0};
    const char *positive = opts->positive != NULL ? opts->positive : s->class_names[1];
    for (size_t k = 0; k < 2; k++) {
        ds->class_names[k] = s->class_names[label_of[k]];
        if (strcmp(ds->class_names[k], positive) == 0)
            ds->positive = k;
    }
    s->class_names[0] = s->class_names[1] = NULL;
    if (strcmp(ds->class_names[ds->positive], positive) != 0)
        return catlr_fail(err, CATLR_ERR_DATA, path,
                          "no class named '%s' in list_classes (found '%s', '%s')", positive,
                          ds->class_names[0], ds->class_names[1]);
    const uint8_t positive_label = label_of[ds->positive];
    for (size_t j = 0; j < s->m_total; j++)
        ds->folder_count[s->all_labels[j] == label_of[1]]++;
    ds->m = s->m;
    ds->X = s->X;
    s->X = NULL;
    ds->y = malloc(ds->m ? ds->m : 1);
    if (ds->y == NULL || name_rows(ds, path, s->first) != CATLR_OK)
        return catlr_fail(err, CATLR_ERR_NOMEM, path, "out of memory");
    for (size_t j = 0; j < ds->m; j++) {
        uint8_t label = s->all_labels[s->first + j];
        ds->y[j] = label == positive_label;
        ds->class_count[label == label_of[1]]++;
    }
    return CATLR_OK;
}

static catlr_status load_h5(const char *path, const catlr_dataset_opts *opts,
                            catlr_dataset **out, catlr_error *err) {
    const size_t shards = opts->shard_count > 1 ? opts->shard_count : 1;
    catlr_h5_shard s;
    const catlr_h5_shard_request request = {
        .index = opts->shard_index, .count = shards, .threads = opts->threads};
    catlr_status st = catlr_h5_read_shard(path, &request, &s, err);
    if (st != CATLR_OK)
        return st;
    catlr_dataset *ds = calloc(1, sizeof *ds);
    if (ds == NULL)
        st = catlr_fail(err, CATLR_ERR_NOMEM, path, "out of memory");
    else
        st = take_shard(path, opts, &s, ds, err);
    catlr_h5_shard_free(&s);
    if (st != CATLR_OK) {
        catlr_dataset_free(ds);
        return st;
    }
    *out = ds;
    return CATLR_OK;
}

catlr_dataset_opts catlr_dataset_defaults(void) {
    catlr_dataset_opts opts = {0};
    opts.positive = "cat";
    return opts;
}

catlr_status catlr_dataset_load_dir(const char *dir, const char *positive,
                                    catlr_dataset **out, catlr_error *err) {
    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.positive = positive;
    return catlr_dataset_load(dir, &opts, out, err);
}

catlr_status catlr_dataset_load(const char *dir, const catlr_dataset_opts *opts,
                                catlr_dataset **out, catlr_error *err) {
    CATLR_ASSERT(dir != NULL && opts != NULL && out != NULL);
    *out = NULL;
    const size_t shards = opts->shard_count > 1 ? opts->shard_count : 1;
    if (opts->shard_index >= shards)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "shard %lu of %lu does not exist",
                          (unsigned long)opts->shard_index, (unsigned long)shards);
    if (catlr_h5_is_file(dir))
        return load_h5(dir, opts, out, err);
    if (opts->positive == NULL)
        return catlr_fail(err, CATLR_ERR_ARG, dir, "no positive class named");
    name_list classes = {0};
    catlr_status st = list_dir(dir, CLASS_FOLDERS, 0, &classes, err);
    if (st != CATLR_OK)
        return st;
    catlr_dataset *ds = calloc(1, sizeof *ds);
    if (ds == NULL) {
        catlr_file_list_free(&classes);
        return catlr_fail(err, CATLR_ERR_NOMEM, dir, "out of memory");
    }
    st = check_classes(dir, &classes, opts->positive, &ds->positive, err);
    if (st == CATLR_OK) {
        /* the two names now belong to ds */
        ds->class_names[0] = classes.items[0];
        ds->class_names[1] = classes.items[1];
        classes.count = 0;
        st = fill(dir, opts, ds, err);
    }
    catlr_file_list_free(&classes);
    if (st != CATLR_OK) {
        catlr_dataset_free(ds);
        return st;
    }
    *out = ds;
    return CATLR_OK;
}

void catlr_dataset_free(catlr_dataset *ds) {
    if (ds == NULL)
        return;
    for (size_t j = 0; ds->paths != NULL && ds->path_block == NULL && j < ds->m; j++)
        free(ds->paths[j]);
    free(ds->path_block);
    free(ds->paths);
    free(ds->X);
    free(ds->y);
    free(ds->class_names[0]);
    free(ds->class_names[1]);
    free(ds);
}

// ----------------------------------------------------------------------------
// Accessors.

size_t catlr_dataset_count(const catlr_dataset *ds) {
    CATLR_ASSERT(ds != NULL);
    return ds->m;
}

const uint8_t *catlr_dataset_pixels(const catlr_dataset *ds) {
    CATLR_ASSERT(ds != NULL);
    return ds->X;
}

const uint8_t *catlr_dataset_labels(const catlr_dataset *ds) {
    CATLR_ASSERT(ds != NULL);
    return ds->y;
}

const char *catlr_dataset_path(const catlr_dataset *ds, size_t j) {
    CATLR_ASSERT(ds != NULL && j < ds->m);
    return ds->paths[j];
}

const char *catlr_dataset_class_name(const catlr_dataset *ds, size_t k) {
    CATLR_ASSERT(ds != NULL && k < 2);
    return ds->class_names[k];
}

size_t catlr_dataset_positive(const catlr_dataset *ds) {
    CATLR_ASSERT(ds != NULL);
    return ds->positive;
}

size_t catlr_dataset_class_count(const catlr_dataset *ds, size_t k) {
    CATLR_ASSERT(ds != NULL && k < 2);
    return ds->class_count[k];
}

size_t catlr_dataset_folder_count(const catlr_dataset *ds, size_t k) {
    CATLR_ASSERT(ds != NULL && k < 2);
    return ds->folder_count[k];
}
