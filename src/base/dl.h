/* dl.h: optional libraries loaded when first needed (dlopen) rather than
 * linked, so that a command that does not need one does not pay for
 * loading it and its dependencies at every start: HDF5 (src/data/h5.c) and
 * cairo (src/report/plot.c). CMake gives each file the library's SONAME.
 * Inside src/ only. */
#ifndef CATLR_DL_H
#define CATLR_DL_H

#include <stddef.h>

#include "catlr/catlr.h"

/* dlopen library (a SONAME or a path) with flags into *handle. Fails with
 * CATLR_ERR_UNSUPPORTED, *handle NULL, and the reason "cannot load WHAT
 * from LIBRARY: " and dlerror's text, under path. */
catlr_status catlr_dl_open(const char *library, int flags, const char *what, void **handle,
                           const char *path, catlr_error *err);

/* dlsym for name in handle (library's) into *slot, a function pointer of
 * slot_size bytes (ISO C has no cast from void * to one; POSIX makes them
 * the same size and copyable). Fails with CATLR_ERR_UNSUPPORTED and the
 * reason "LIBRARY has no NAME: " and dlerror's text. */
catlr_status catlr_dl_function(void *handle, const char *library, const char *name, void *slot,
                               size_t slot_size, const char *path, catlr_error *err);

/* dlerror's text without library's name in front, which the reasons above
 * already give; "unknown error" when dlerror has none. */
const char *catlr_dl_reason(const char *library);

#endif /* CATLR_DL_H */
