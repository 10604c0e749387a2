/* h5.h: the course's HDF5 data sets (train_catvnoncat.h5,
 * test_catvnoncat.h5) as pixels and labels, for `catlr import`.
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

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_H5_H */
