/* h5_pack.c: catlr_h5_save, a data set written as one file in the
 * course's layout (catlr pack). A file of its own above h5.c, which writes
 * the arrays: h5.c reads files into what dataset.c builds a data set from,
 * so it must not call dataset.c back. */
#include "catlr/dataset.h"
#include "catlr/h5.h"
#include "h5_library.h"
#include "base/internal.h"

/* The HDF5 that CMake found, as h5.c loads it. */
#ifndef CATLR_HDF5_LIBRARY
#define CATLR_HDF5_LIBRARY "libhdf5.so"
#endif

catlr_status catlr_h5_save_using(const char *library, const char *path, const char *name,
                                 const catlr_dataset *ds, catlr_error *err) {
    CATLR_ASSERT(ds != NULL);
    const size_t positive = catlr_dataset_positive(ds);
    /* label 1 is the positive class, as in the course's files */
    const catlr_h5_pack pack = {
        .X = catlr_dataset_pixels(ds),
        .y = catlr_dataset_labels(ds),
        .m = catlr_dataset_count(ds),
        .class_names = {catlr_dataset_class_name(ds, 1 - positive),
                        catlr_dataset_class_name(ds, positive)},
    };
    return catlr_h5_write_using(library, path, name, &pack, err);
}

catlr_status catlr_h5_save(const char *path, const char *name, const catlr_dataset *ds,
                           catlr_error *err) {
    return catlr_h5_save_using(CATLR_HDF5_LIBRARY, path, name, ds, err);
}
