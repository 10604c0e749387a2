/* internal.h: helpers shared by the library's sources, and only by them.
 * Nothing here is part of the public API; the CLI and the tests of the
 * public API include <catlr/...> only. */
#ifndef CATLR_INTERNAL_H
#define CATLR_INTERNAL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catlr/catlr.h"

/* Programmer errors only (NULL where a header says non-NULL, a broken
 * invariant): print where and abort. Anything a user's file can cause is
 * a status, never an assert. */
#define CATLR_ASSERT(cond)                                                     \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "catlr: %s:%d: assertion failed: %s\n", __FILE__,  \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

#if defined(__GNUC__)
#define CATLR_PRINTF(fmt_index, first_arg)                                     \
    __attribute__((format(printf, fmt_index, first_arg)))
#else
#define CATLR_PRINTF(fmt_index, first_arg)
#endif

/* OpenMP pragmas that vanish in a build without OpenMP (where an unknown
 * pragma would be a warning, and warnings are errors). The thread count
 * always comes in a num_threads clause: no global OpenMP setting is
 * touched. */
#ifdef _OPENMP
#include <omp.h>
#define CATLR_OMP(directive) _Pragma(#directive)
#else
#define CATLR_OMP(directive)
#endif

/* The threads to run on when a caller asked for `asked`: asked itself, or
 * with 0 every core OpenMP offers (which OMP_NUM_THREADS sets); always 1
 * in a build without OpenMP. */
static inline int catlr_thread_count(int asked) {
#ifdef _OPENMP
    return asked > 0 ? asked : omp_get_max_threads();
#else
    (void)asked;
    return 1;
#endif
}

/* The accuracy in percent of m >= 1 examples of which `wrong` are
 * misclassified, by the course's formula, operation for operation: the mean
 * of the 0/1 errors is one correctly rounded division, so the value (and
 * its last printed digit on a tie such as 0.125) is the same as NumPy's.
 * train's and eval's accuracies both come from here, so they agree. */
static inline double catlr_accuracy_percent(size_t wrong, size_t m) {
    return 100.0 - ((double)wrong / (double)m) * 100.0;
}

/* Fill *err (when not NULL) with path (NULL for none) and a printf-style
 * reason, truncating with "..." where they do not fit; return status so a
 * caller can write `return catlr_fail(err, CATLR_ERR_IO, path, "...")`. */
catlr_status catlr_fail(catlr_error *err, catlr_status status, const char *path,
                        const char *fmt, ...) CATLR_PRINTF(4, 5);

/* Open path for reading if it is a regular file (never blocking on a fifo);
 * *size gets its length when size is not NULL. CATLR_ERR_IO names path:
 * strerror's text, "is a folder, not a file" or "not a regular file". */
catlr_status catlr_open_regular(const char *path, FILE **out, uint64_t *size,
                                catlr_error *err);

/* The whole of the regular file at path in a new buffer (*data, to free;
 * NULL on failure) of *size bytes, opened as catlr_open_regular does. */
catlr_status catlr_read_regular(const char *path, uint8_t **data, size_t *size,
                                catlr_error *err);

/* Close fp, the output being written to path, after writing that ended
 * with status st, and return the final status: a failed fclose (where a
 * full disk shows up) is the error when the writing succeeded. On failure
 * the half-written output is removed, since a cut-off file would pass for
 * a result, but only if path names a regular file: a writer also accepts
 * /dev/null, /dev/stdout or a symlink, which a failed write must leave
 * where they are (run as root, remove() would delete the device node). */
catlr_status catlr_close_output(FILE *fp, const char *path, catlr_status st,
                                catlr_error *err);

/* Create a new file beside path, named path.tmp-PID-K, for writing
 * (O_EXCL, mode 0666 less the umask); its name in tmp. The fd, or -1 with
 * errno set. The savers write there, fsync, then rename or link it to path. */
int catlr_create_temp(const char *path, char *tmp, size_t tmp_size);

/* fsync the folder holding path, so that a rename into it is durable;
 * best effort (some file systems refuse fsync on a folder). */
void catlr_sync_parent(const char *path);

/* Replace path whole by buf (size bytes): written to path.tmp-PID-K beside
 * it, fsync'ed, closed and renamed over path, then the folder synced, so
 * that a crash leaves the old file or the new one, never a mix. On failure
 * the temporary file is removed and path untouched. CATLR_ERR_IO. */
catlr_status catlr_replace_file(const char *path, const uint8_t *buf, size_t size,
                                catlr_error *err);

/* CRC-32 (zlib's) of p (len bytes), and the same continued from crc. */
uint32_t catlr_crc32(const uint8_t *p, size_t len);
uint32_t catlr_crc32_update(uint32_t crc, const uint8_t *p, size_t len);

/* dir + "/" + name in a new string the caller frees (no doubled slash when
 * dir ends in one), or NULL when out of memory. The folder readers
 * (dataset.c, batch.c) build every path they list with it. */
char *catlr_join_path(const char *dir, const char *name);

/* ---------------------------------------------------------------------------
 * Little-endian fields, written and read byte by byte so that neither the
 * host's byte order nor struct padding ever reaches a file. */
static inline void catlr_put_u32(uint8_t *p, uint32_t v) {
    for (int k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static inline void catlr_put_u64(uint8_t *p, uint64_t v) {
    for (int k = 0; k < 8; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static inline uint32_t catlr_get_u32(const uint8_t *p) {
    uint32_t v = 0;
    for (int k = 3; k >= 0; k--)
        v = (v << 8) | p[k];
    return v;
}

static inline uint64_t catlr_get_u64(const uint8_t *p) {
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--)
        v = (v << 8) | p[k];
    return v;
}

/* A double as its IEEE-754 bits, little-endian. */
static inline void catlr_put_f64(uint8_t *p, double v) {
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    catlr_put_u64(p, u);
}

static inline double catlr_get_f64(const uint8_t *p) {
    uint64_t u = catlr_get_u64(p);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

#endif /* CATLR_INTERNAL_H */
