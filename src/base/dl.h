/* dl.h: optional libraries loaded when first needed (dlopen) rather than
 * linked, so that a command that does not need one does not pay for
 * loading it and its dependencies at every start: libjpeg
 * (src/image/image_jpeg.c), HDF5 (src/data/h5.c) and cairo
 * (src/report/plot.c). CMake gives each file the library's SONAME. (Open
 * MPI and the OpenMP runtime are loaded by the program, src/cli/.)
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

/* A function to look up: its name, and where its address goes, a
 * function pointer of size bytes (ISO C has no cast from void * to one;
 * POSIX makes them the same size and copyable). */
typedef struct catlr_dl_symbol {
    const char *name;
    void *slot;
    size_t size;
} catlr_dl_symbol;

/* dlsym for symbol->name in handle (library's) into *symbol->slot. Fails
 * with CATLR_ERR_UNSUPPORTED and the reason "LIBRARY has no NAME: " and
 * dlerror's text, under path. */
catlr_status catlr_dl_function(void *handle, const char *library, const catlr_dl_symbol *symbol,
                               const char *path, catlr_error *err);

/* dlerror's text without library's name in front, which the reasons above
 * already give; "unknown error" when dlerror has none. */
const char *catlr_dl_reason(const char *library);

#endif /* CATLR_DL_H */
