/* h5.h: the course's HDF5 data sets (train_catvnoncat.h5,
 * test_catvnoncat.h5) as pixels and labels, for `catlr import`; and a data
 * set written in that layout, for `catlr pack`. (catlr_dataset_load reads
 * such a file wherever it reads a folder: see dataset.h.)
 *
 * A file holds, at its root, one dataset whose name ends in "_set_x"
 * (uint8, m x 64 x 64 x 3: example, row, column, RGB), one whose name ends
 * in "_set_y" (integers 0 or 1, m of them; any integer type) and
 * "list_classes" (two fixed-length strings, the class names: label k is
 * class k, so list_classes[1] is the positive class, "cat").
 *
 * catlr does not link HDF5: each catlr_h5_load loads the HDF5 shared library
 * found at build time, and closes it before returning. Built without HDF5,
 * or when that library cannot be loaded, catlr_h5_load fails with
 * CATLR_ERR_UNSUPPORTED. */
#ifndef CATLR_H5_H
#define CATLR_H5_H

#include <stdint.h>

#include "catlr/catlr.h"
#include "catlr/dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default) /* exported: see catlr.h */

typedef struct catlr_h5_set {
    size_t m;              /* number of examples, at least 1 */
    uint8_t *x;            /* (m, 64, 64, 3) as stored: example j is the
                              interleaved RGB picture at x + j * CATLR_N_X */
    uint8_t *y;            /* (m) labels, each 0 or 1 */
    char *class_names[2];  /* list_classes[0], list_classes[1], each usable
                              as a folder name */
} catlr_h5_set;

/* Read the HDF5 file at path into *set (which owns what it points to; free
 * with catlr_h5_free). On failure *set is zeroed and err names path and the
 * reason: CATLR_ERR_IO (cannot open), CATLR_ERR_FORMAT (not an HDF5 file, a
 * dataset missing or of the wrong type), CATLR_ERR_SHAPE (a dataset of the
 * wrong shape), CATLR_ERR_DATA (a label not 0 or 1, a class name that cannot
 * be a folder's), CATLR_ERR_NOMEM or CATLR_ERR_UNSUPPORTED. */
catlr_status catlr_h5_load(const char *path, catlr_h5_set *set, catlr_error *err);

/* Release what catlr_h5_load allocated and zero *set; NULL or a zeroed set
 * does nothing. */
void catlr_h5_free(catlr_h5_set *set);

/* Longest NAME of NAME_set_x that catlr_h5_save takes. */
#define CATLR_H5_NAME_MAX 200

/* Write ds to a new HDF5 file at path in the course's layout, which h5py
 * and the course's load_dataset() read: NAME_set_x, uint8 (m, 64, 64, 3)
 * (example, row, column, RGB), contiguous as the course's (a reader takes
 * any run of rows in one read); NAME_set_y, int64 (m), 1 for the positive class; and
 * list_classes, the names of label 0 and label 1 (so the positive class
 * second), fixed-length strings. Examples keep ds's order.
 * The file is written beside path under a temporary name, synced, and
 * only then given the name path; an existing path is never replaced.
 * Fails with CATLR_ERR_ARG (name empty, over CATLR_H5_NAME_MAX bytes, with
 * a '/' or a leading '.'), CATLR_ERR_IO (path exists, cannot be written),
 * CATLR_ERR_NOMEM or CATLR_ERR_UNSUPPORTED (as catlr_h5_load); then
 * nothing is left at path. */
catlr_status catlr_h5_save(const char *path, const char *name, const catlr_dataset *ds,
                           catlr_error *err);

/* 1 when path is a regular file that is taken for HDF5: its name ends in
 * ".h5" or ".hdf5" (any case) or it starts with HDF5's signature. Loads
 * nothing; a file so taken that HDF5 then cannot read is refused by the
 * reader with the reason. */
int catlr_h5_is_file(const char *path);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_H5_H */
