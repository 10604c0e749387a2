/* dataset.h: a folder of class folders -> the pixel matrix X and labels y.
 *
 * DIR holds exactly two class folders (hidden entries and plain files beside
 * them are ignored). In each, the regular files whose names end in ".png",
 * ".jpg" or ".jpeg" (any case, not hidden) are the images; no recursion. Class folders are
 * taken in byte order of their names and files in byte order within each
 * (the order of Python's sorted()), so X's columns have a fixed order.
 *
 * DIR may also be an HDF5 file in the course's layout (see h5.h; taken
 * for one when catlr_h5_is_file says so): NAME_set_x, uint8 (m, H, W, 3),
 * each image resized to 64x64 as image files are when H or W differ;
 * NAME_set_y, m labels 0 or 1, of shape (m) or (1, m); list_classes, the
 * names of label 0 and label 1, which stand for the class folders (the
 * positive class must be one of them). Its examples keep the file's order,
 * and example j's path is "FILE:INDEX", INDEX its row in the file. HDF5 is
 * loaded for that read only; without it the load fails with
 * CATLR_ERR_UNSUPPORTED.
 *
 * X is (n_x, m) uint8 with n_x = CATLR_N_X: example j is contiguous at
 * X + j*n_x, in the feature layout of image.h. y is (m) uint8: 1 for the
 * positive class, 0 for the other. */
#ifndef CATLR_DATASET_H
#define CATLR_DATASET_H

#include <stdint.h>

#include "catlr/catlr.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default) /* exported: see catlr.h */

typedef struct catlr_dataset catlr_dataset; /* opaque: pixels, labels, paths */

/* How to load a folder; start from catlr_dataset_defaults(). */
typedef struct catlr_dataset_opts {
    /* class folder whose images get label 1 ("cat"); for an .h5 file, NULL
     * stands for the class of the file's label 1 (list_classes[1]) */
    const char *positive;
    /* 0: the first image that cannot be read or decoded fails the load.
     * 1: such images (and entries named like images that are not regular
     * files) are left out, each reported through on_skip; a class left with
     * no image is still an error. */
    int skip_bad;
    /* Threads decoding images: 0 for one per core (OpenMP's default, which
     * OMP_NUM_THREADS sets), 1 for the calling thread only (no thread is
     * started: the choice for a process that will fork()). The result is
     * the same, byte for byte and in order, for any count; without OpenMP at
     * build time every count means 1. */
    int threads;
    /* Called once per skipped image, in X's order, from the calling thread
     * after all decoding is done; err names the image and why. May be NULL. */
    void (*on_skip)(void *user, const catlr_error *err);
    void *user;
    /* Load one shard of the folder, for training split across processes:
     * the folder's images, in X's order (all of class 0, then class 1), are
     * cut into shard_count contiguous runs, the k-th being images
     * [k M / shard_count, (k+1) M / shard_count) of the M found, and only
     * run shard_index is decoded; a run may be empty. The whole folder is
     * still scanned, so its class folders and their sizes are known
     * (catlr_dataset_folder_count) whatever the shard. Entries that are not
     * regular files are then refused when their shard decodes them, as with
     * skip_bad, and a class that skip_bad empties in this shard is not an
     * error here (its other images may be in other shards).
     * shard_count 0 or 1: the whole folder; shard_index < shard_count.
     * From an .h5 file, a shard reads only its own rows of pixels (the
     * labels are read whole, to count each class). */
    size_t shard_index;
    size_t shard_count;
} catlr_dataset_opts;

/* positive "cat", skip_bad 0, threads 0 (all cores), no on_skip, the whole
 * folder. */
catlr_dataset_opts catlr_dataset_defaults(void);

/* Scan dir, decode every image (of the shard) into a new dataset and store
 * it in *out.
 * Fails with CATLR_ERR_ARG (shard_index not below shard_count),
 * CATLR_ERR_IO (dir cannot be read), CATLR_ERR_DATA (not two class
 * folders, no folder named opts->positive, a class without images; the
 * reason lists the folders found), an image's status (err names that image;
 * the first in X's order when several are bad), or CATLR_ERR_NOMEM; from an
 * .h5 file, catlr_h5_load's statuses, and CATLR_ERR_DATA when
 * opts->positive is not in list_classes. On failure *out is NULL. */
catlr_status catlr_dataset_load(const char *dir, const catlr_dataset_opts *opts,
                                catlr_dataset **out, catlr_error *err);

/* catlr_dataset_load with the defaults and this positive class. */
catlr_status catlr_dataset_load_dir(const char *dir, const char *positive,
                                    catlr_dataset **out, catlr_error *err);

/* Release everything the dataset owns. NULL is allowed. */
void catlr_dataset_free(catlr_dataset *ds);

/* m, the number of examples (of the shard, when one was asked for). */
size_t catlr_dataset_count(const catlr_dataset *ds);

/* X: (CATLR_N_X, m), example j at pixels + j*CATLR_N_X. */
const uint8_t *catlr_dataset_pixels(const catlr_dataset *ds);

/* y: (m), 1 for the positive class. */
const uint8_t *catlr_dataset_labels(const catlr_dataset *ds);

/* The image file of example j, as dir/class/name (from an .h5 file,
 * FILE:INDEX). */
const char *catlr_dataset_path(const catlr_dataset *ds, size_t j);

/* The class folders in byte order, k = 0 or 1, and which of them is the
 * positive class (label 1). */
const char *catlr_dataset_class_name(const catlr_dataset *ds, size_t k);
size_t catlr_dataset_positive(const catlr_dataset *ds);

/* Number of examples of class k in the dataset (in the shard). */
size_t catlr_dataset_class_count(const catlr_dataset *ds, size_t k);

/* Number of images the scan found in class folder k: the whole folder's,
 * whatever the shard, before skip_bad left any out. */
size_t catlr_dataset_folder_count(const catlr_dataset *ds, size_t k);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_DATASET_H */
