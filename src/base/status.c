/* status.c: names of the status codes and the one helper that fills a
 * catlr_error. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *catlr_status_str(catlr_status status) {
    switch (status) {
    case CATLR_OK: return "success";
    case CATLR_ERR_IO: return "I/O error";
    case CATLR_ERR_FORMAT: return "bad format";
    case CATLR_ERR_SHAPE: return "size mismatch";
    case CATLR_ERR_NOMEM: return "out of memory";
    case CATLR_ERR_ARG: return "invalid argument";
    case CATLR_ERR_NUMERIC: return "numeric failure";
    case CATLR_ERR_DATA: return "unusable data";
    case CATLR_ERR_UNSUPPORTED: return "not supported by this build";
    case CATLR_ERR_STOPPED: return "stopped on request";
    }
    return "unknown status";
}

/* Mark a truncated string by ending it in "..." (size >= 4 always here). */
static void mark_truncated(char *s, size_t size) {
    memcpy(s + size - 4, "...", 4);
}

catlr_status catlr_fail(catlr_error *err, catlr_status status, const char *path,
                        const char *fmt, ...) {
    if (err == NULL)
        return status;
    int n = snprintf(err->path, sizeof err->path, "%s", path ? path : "");
    if (n >= 0 && (size_t)n >= sizeof err->path)
        mark_truncated(err->path, sizeof err->path);
    va_list ap;
    va_start(ap, fmt);
    n = vsnprintf(err->reason, sizeof err->reason, fmt, ap);
    va_end(ap);
    if (n < 0) /* an encoding error: the buffer holds nothing usable */
        snprintf(err->reason, sizeof err->reason, "%s", catlr_status_str(status));
    else if ((size_t)n >= sizeof err->reason)
        mark_truncated(err->reason, sizeof err->reason);
    return status;
}
