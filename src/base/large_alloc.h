/* large_alloc.h: memory for the library's large arrays (the images'
 * pixels, the Gram matrix), freed with free().
 * Internal to the library. */
#ifndef CATLR_LARGE_ALLOC_H
#define CATLR_LARGE_ALLOC_H

#include <stddef.h>

/* Room for `bytes` (at least 1), to free with free(); NULL when it cannot
 * be had. From 8 MiB on it is aligned to 2 MiB and asked for as
 * transparent huge pages where the system offers them (Linux's
 * madvise(MADV_HUGEPAGE)): an array read once an epoch then takes one TLB
 * entry and one page fault per 2 MiB instead of 512, which measured a
 * quarter off the Gram epoch at m = 10,450 (218 MB of K) and 6 % off the
 * primal one (128 MB of pixels) on a virtual machine. Smaller ones come
 * from malloc. */
void *catlr_alloc_large(size_t bytes);

#endif /* CATLR_LARGE_ALLOC_H */
