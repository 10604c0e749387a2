/* h5_library.h: catlr_h5_load with the HDF5 shared library named, so that
 * a test can make the load fail (a library that does not exist, one that
 * is not HDF5). Inside src/ and the tests only. */
#ifndef CATLR_H5_LIBRARY_H
#define CATLR_H5_LIBRARY_H

#include "catlr/h5.h"

/* catlr_h5_load, but dlopening library (a name or a path, as for dlopen)
 * rather than the HDF5 CMake found, for this one load, closed after. One it
 * cannot load, or that lacks a function catlr calls, gives
 * CATLR_ERR_UNSUPPORTED with a reason naming library and dlerror's text. */
catlr_status catlr_h5_load_using(const char *library, const char *path, catlr_h5_set *set,
                                 catlr_error *err);

#endif /* CATLR_H5_LIBRARY_H */
