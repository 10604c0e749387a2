/* dl.c: see dl.h. */
#include <dlfcn.h>
#include <string.h>

#include "base/dl.h"
#include "base/internal.h"

const char *catlr_dl_reason(const char *library) {
    const char *text = dlerror();
    if (text == NULL)
        return "unknown error";
    size_t n = strlen(library);
    if (strncmp(text, library, n) == 0 && strncmp(text + n, ": ", 2) == 0)
        text += n + 2;
    return text;
}

catlr_status catlr_dl_open(const char *library, int flags, const char *what, void **handle,
                           const char *path, catlr_error *err) {
    *handle = dlopen(library, flags);
    if (*handle == NULL)
        return catlr_fail(err, CATLR_ERR_UNSUPPORTED, path, "cannot load %s from %s: %s", what,
                          library, catlr_dl_reason(library));
    return CATLR_OK;
}

catlr_status catlr_dl_function(void *handle, const char *library, const catlr_dl_symbol *symbol,
                               const char *path, catlr_error *err) {
    dlerror();
    void *address = dlsym(handle, symbol->name);
    if (address == NULL)
        return catlr_fail(err, CATLR_ERR_UNSUPPORTED, path, "%s has no %s: %s", library,
                          symbol->name, catlr_dl_reason(library));
    CATLR_ASSERT(symbol->size == sizeof address);
    memcpy(symbol->slot, &address, sizeof address);
    return CATLR_OK;
}
