/* batch.h: many image files, in no class folders, to the pixel matrix:
 * what `catlr predict` needs to classify a whole folder.
 *
 * Two steps. catlr_batch_add_path turns each path a user names into image
 * files (a folder is walked, recursively, for the files dataset.h would
 * take as images); catlr_batch_decode then decodes a list of files into
 * the columns of a matrix on several threads, with a status per file, so
 * that one bad file does not stop the others. The columns are in the
 * list's order whatever the thread count. */
#ifndef CATLR_BATCH_H
#define CATLR_BATCH_H

#include <stdint.h>

#include "catlr/catlr.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default) /* exported: see catlr.h */

/* A growable list of owned strings: paths, or names. Start from a zeroed
 * one ({0}); release it with catlr_file_list_free. */
typedef struct catlr_file_list {
    char **items; /* (count) owned by the list */
    size_t count;
    size_t cap;
} catlr_file_list;

/* Append a copy of s. CATLR_OK, or CATLR_ERR_NOMEM (list unchanged). */
catlr_status catlr_file_list_add(catlr_file_list *list, const char *s);

/* Release the strings; *list is zeroed, ready for use again. NULL allowed. */
void catlr_file_list_free(catlr_file_list *list);

/* Called for each problem that leaves part of a folder out; err names the
 * folder and why. */
typedef void (*catlr_batch_problem_fn)(void *user, const catlr_error *problem);

/* Append to list the image files that path names:
 * - path itself when it is not a folder (whatever its name, or when it
 *   does not exist: decoding it then reports why);
 * - for a folder, every entry below it, at any depth, whose name
 *   catlr_image_name_ok takes (hidden files and folders are not entered),
 *   sorted in byte order of the whole path (as `find DIR | LC_ALL=C sort`).
 *   Links are followed; a folder that a link makes its own ancestor is not
 *   entered again, so a loop ends. An entry that cannot be examined but is
 *   named like an image (a dangling link) is listed, and decoding says why.
 * A folder that cannot be read, and a folder in which nothing is found
 * (CATLR_ERR_DATA, "no PNG or JPEG images in this folder or below"), are
 * each reported through on_problem (may be NULL), and the walk goes on.
 * Returns CATLR_OK, or CATLR_ERR_NOMEM (list keeps what was added before). */
catlr_status catlr_batch_add_path(catlr_file_list *list, const char *path,
                                  catlr_batch_problem_fn on_problem, void *user,
                                  catlr_error *err);

/* Decode the n files paths[0..n) into the columns of X, on `threads`
 * threads (0: every core OpenMP offers; 1: the calling thread only, no
 * thread started; a build without OpenMP always uses 1).
 * X: (CATLR_N_X, n) uint8, column j at X + j*CATLR_N_X, written: the image
 * of paths[j] in the layout of image.h, or zeros when it failed.
 * status: (n), written: CATLR_OK or why paths[j] failed (catlr_image_load's
 * statuses). errors: (n), may be NULL; errors[j] is written when paths[j]
 * failed and names it. The result is the same, byte for byte, for every
 * thread count. Returns the number of files that failed. */
size_t catlr_batch_decode(const char *const *paths, size_t n, int threads, uint8_t *X,
                          catlr_status *status, catlr_error *errors);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_BATCH_H */
