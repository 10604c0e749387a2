/* h5_library.h: the library's own entry points into h5.c: one shard of a
 * file as pixels for the data set loader (dataset.c), and every HDF5 call
 * with the shared library named, so that a test can make the load fail (a
 * library that does not exist, one that is not HDF5). Inside src/ and the
 * tests only. */
#ifndef CATLR_H5_LIBRARY_H
#define CATLR_H5_LIBRARY_H

#include <stdint.h>

#include "catlr/dataset.h"
#include "catlr/h5.h"

/* One shard of a file in the course's layout, as the data set loader takes
 * it over. */
typedef struct catlr_h5_shard {
    size_t m_total;        /* images in the file */
    size_t first, m;       /* the shard: images [first, first + m) */
    uint8_t *X;            /* (CATLR_N_X, m), planar and 64x64 as image.h's */
    uint8_t *all_labels;   /* (m_total) the file's labels, each 0 or 1 */
    char *class_names[2];  /* list_classes: the names of label 0 and 1 */
} catlr_h5_shard;

/* Read the file at path (x of any H, W within the image caps, resized as
 * image files are; y of shape (m) or (1, m); list_classes), and of x only
 * the rows of shard request->index of request->count: images [k M / count,
 * (k+1) M / count) of the M stored, one hyperslab per block of rows, made
 * planar on request->threads threads (as catlr_dataset_opts.threads). Every
 * size is checked against the file's other datasets and the caps before
 * anything is allocated from it. On failure *out is zeroed and err names
 * path and the reason, with the statuses of catlr_h5_load. */
typedef struct catlr_h5_shard_request {
    size_t index, count; /* which shard, of how many: index < count */
    int threads;         /* to make the pixels planar with */
} catlr_h5_shard_request;

catlr_status catlr_h5_read_shard(const char *path, const catlr_h5_shard_request *request,
                                 catlr_h5_shard *out, catlr_error *err);

void catlr_h5_shard_free(catlr_h5_shard *s);

/* What catlr_h5_save writes: m examples of X (CATLR_N_X, m), planar as a
 * dataset's, y (m) 1 for the positive class, and the names of label 0 and
 * label 1. */
typedef struct catlr_h5_pack {
    const uint8_t *X;
    const uint8_t *y;
    size_t m;
    const char *class_names[2];
} catlr_h5_pack;

/* catlr_h5_load, catlr_h5_read_shard and catlr_h5_save (as pack), but dlopening
 * library (a name or a path, as for dlopen) rather than the HDF5 CMake
 * found, for this one call, closed after. One it cannot load, or that
 * lacks a function catlr calls, gives CATLR_ERR_UNSUPPORTED with a reason
 * naming library and dlerror's text. */
catlr_status catlr_h5_load_using(const char *library, const char *path, catlr_h5_set *set,
                                 catlr_error *err);
catlr_status catlr_h5_read_shard_using(const char *library, const char *path,
                                       const catlr_h5_shard_request *request,
                                       catlr_h5_shard *out, catlr_error *err);
catlr_status catlr_h5_write_using(const char *library, const char *path, const char *name,
                                  const catlr_h5_pack *pack, catlr_error *err);
catlr_status catlr_h5_save_using(const char *library, const char *path, const char *name,
                                 const catlr_dataset *ds, catlr_error *err);

#endif /* CATLR_H5_LIBRARY_H */
