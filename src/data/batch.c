/* batch.c: paths named by a user -> image files (folders walked) -> the
 * pixel matrix, one status per file.
 *
 * Knows folders and the matrix layout, like dataset.c, but no classes: the
 * files are whatever the user named. Decoding runs on several threads;
 * each file has its own column, status and error slot, so the threads
 * share nothing. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catlr/batch.h"
#include "catlr/image.h"
#include "base/internal.h"

// ----------------------------------------------------------------------------
// The list.

void catlr_file_list_free(catlr_file_list *list) {
    if (list == NULL)
        return;
    for (size_t k = 0; k < list->count; k++)
        free(list->items[k]);
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}

catlr_status catlr_file_list_add(catlr_file_list *list, const char *s) {
    CATLR_ASSERT(list != NULL && s != NULL);
    if (list->count == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 64;
        char **items = realloc(list->items, cap * sizeof *items);
        if (items == NULL)
            return CATLR_ERR_NOMEM;
        list->items = items;
        list->cap = cap;
    }
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy == NULL)
        return CATLR_ERR_NOMEM;
    memcpy(copy, s, n);
    list->items[list->count++] = copy;
    return CATLR_OK;
}

static int compare_paths(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// ----------------------------------------------------------------------------
// Walking a folder.

/* The folders from the walk's start down to the one being read, to notice
 * a link that leads back up (a loop). */
typedef struct ancestor {
    dev_t dev;
    ino_t ino;
    const struct ancestor *up;
} ancestor;

static int is_ancestor(const ancestor *a, const struct stat *sb) {
    for (; a != NULL; a = a->up)
        if (a->dev == sb->st_dev && a->ino == sb->st_ino)
            return 1;
    return 0;
}

typedef struct walk {
    catlr_file_list *list;
    catlr_batch_problem_fn on_problem;
    void *user;
    size_t problems; /* reported so far */
} walk;

static void problem(walk *w, catlr_status status, const char *path, const char *reason) {
    catlr_error e;
    catlr_fail(&e, status, path, "%s", reason);
    w->problems++;
    if (w->on_problem != NULL)
        w->on_problem(w->user, &e);
}

/* The names in dir that are not hidden, as full paths, into names; a
 * folder that cannot be read is a problem and lists nothing. The folder is
 * closed before any of its subfolders is opened, so a deep tree holds one
 * descriptor at a time. */
static catlr_status read_names(walk *w, const char *dir, catlr_file_list *names,
                               catlr_error *err) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        problem(w, CATLR_ERR_IO, dir, strerror(errno));
        return CATLR_OK;
    }
    catlr_status st = CATLR_OK;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (e == NULL) {
            if (errno != 0)
                problem(w, CATLR_ERR_IO, dir, strerror(errno));
            break;
        }
        if (e->d_name[0] == '.')
            continue; /* hidden, ".", ".." */
        char *path = catlr_join_path(dir, e->d_name);
        if (path == NULL || catlr_file_list_add(names, path) != CATLR_OK)
            st = catlr_fail(err, CATLR_ERR_NOMEM, dir, "out of memory");
        free(path);
        if (st != CATLR_OK)
            break;
    }
    closedir(d);
    return st;
}

/* Add the images below dir (whose own identity is self) to w->list. */
static catlr_status walk_dir(walk *w, const char *dir, const ancestor *self,
                             catlr_error *err) {
    catlr_file_list names = {0};
    catlr_status st = read_names(w, dir, &names, err);
    for (size_t k = 0; st == CATLR_OK && k < names.count; k++) {
        const char *path = names.items[k];
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            if (is_ancestor(self, &sb))
                continue; /* a link back up: already being walked */
            ancestor child = {sb.st_dev, sb.st_ino, self};
            st = walk_dir(w, path, &child, err);
        } else if (catlr_image_name_ok(strrchr(path, '/') + 1) &&
                   catlr_file_list_add(w->list, path) != CATLR_OK) {
            st = catlr_fail(err, CATLR_ERR_NOMEM, dir, "out of memory");
        }
    }
    catlr_file_list_free(&names);
    return st;
}

catlr_status catlr_batch_add_path(catlr_file_list *list, const char *path,
                                  catlr_batch_problem_fn on_problem, void *user,
                                  catlr_error *err) {
    CATLR_ASSERT(list != NULL && path != NULL);
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        if (catlr_file_list_add(list, path) != CATLR_OK)
            return catlr_fail(err, CATLR_ERR_NOMEM, path, "out of memory");
        return CATLR_OK;
    }
    walk w = {list, on_problem, user, 0};
    size_t first = list->count;
    ancestor top = {sb.st_dev, sb.st_ino, NULL};
    catlr_status st = walk_dir(&w, path, &top, err);
    if (st != CATLR_OK)
        return st;
    /* byte order of the whole path, not folder by folder: "a/b.png"
     * comes before "a/b/c.png" as '.' sorts before '/' */
    if (list->count - first > 1)
        qsort(list->items + first, list->count - first, sizeof *list->items, compare_paths);
    if (list->count == first && w.problems == 0)
        problem(&w, CATLR_ERR_DATA, path, "no PNG or JPEG images in this folder or below");
    return CATLR_OK;
}

// ----------------------------------------------------------------------------
// Decoding.

/* File j into column j; its status, with errors[j] and a zero column on
 * failure (zeros, so that the whole matrix is defined for what reads it). */
static catlr_status decode_one(const char *path, uint8_t *column, catlr_error *error) {
    catlr_error e;
    catlr_status st = catlr_image_load(path, column, &e);
    if (st != CATLR_OK) {
        memset(column, 0, CATLR_N_X);
        if (error != NULL)
            *error = e;
    }
    return st;
}

size_t catlr_batch_decode(const char *const *paths, size_t n, int threads, uint8_t *X,
                          catlr_status *status, catlr_error *errors) {
    CATLR_ASSERT((paths != NULL && X != NULL && status != NULL) || n == 0);
    /* one file, or one thread asked for: no parallel region, and no
     * question to OpenMP either (which would start its runtime, where the
     * program loads it when first used: `catlr predict` of one image) */
    int n_threads = n < 2 ? 1 : catlr_thread_count(threads);
    if (n_threads <= 1) {
        for (size_t j = 0; j < n; j++)
            status[j] = decode_one(paths[j], X + j * CATLR_N_X, errors ? errors + j : NULL);
    } else {
        /* chunks of 4: a photo may take a thousand times a 64x64 PNG, so
         * hand work out in small pieces */
        CATLR_OMP(omp parallel for num_threads(n_threads) schedule(dynamic, 4))
        for (size_t j = 0; j < n; j++)
            status[j] = decode_one(paths[j], X + j * CATLR_N_X, errors ? errors + j : NULL);
    }
    size_t failed = 0;
    for (size_t j = 0; j < n; j++)
        failed += status[j] != CATLR_OK;
    return failed;
}
