/* large_alloc.c: see large_alloc.h. */
#define _DEFAULT_SOURCE 1 /* madvise, MADV_HUGEPAGE */

#include <stdlib.h>
#include <sys/mman.h>

#include "base/large_alloc.h"

enum { HUGE_PAGE = 2 << 20, LARGE = 4 * HUGE_PAGE };

void *catlr_alloc_large(size_t bytes) {
    if (bytes < (size_t)LARGE)
        return malloc(bytes > 0 ? bytes : 1);
    /* aligned_alloc wants a multiple of the alignment */
    const size_t size = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = aligned_alloc(HUGE_PAGE, size);
#ifdef MADV_HUGEPAGE
    /* a hint: where it is refused the pages are ordinary ones */
    if (p != NULL)
        (void)madvise(p, size, MADV_HUGEPAGE);
#endif
    return p;
}
