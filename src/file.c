/* file.c: opening a user's file for reading. Regular files only: a fifo
 * opened with plain fopen() blocks until a writer appears, and a device or a
 * folder is never an image or a model. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* The error for path, whose stat is sb: a folder or another non-regular
 * file; a regular file that open() refused gets strerror(open_errno). */
static catlr_status refuse_kind(const struct stat *sb, const char *path,
                                catlr_error *err, int open_errno) {
    if (S_ISDIR(sb->st_mode))
        return catlr_fail(err, CATLR_ERR_IO, path, "is a folder, not a file");
    if (!S_ISREG(sb->st_mode))
        return catlr_fail(err, CATLR_ERR_IO, path, "not a regular file");
    return catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(open_errno));
}

catlr_status catlr_open_regular(const char *path, FILE **out, uint64_t *size,
                                catlr_error *err) {
    *out = NULL;
    /* O_NONBLOCK so that open() itself returns at once on a fifo; it has no
     * effect on the reads of a regular file */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    struct stat sb;
    if (fd < 0) {
        /* a socket cannot be opened at all (ENXIO); say what it is rather
         * than "No such device or address" */
        int open_errno = errno;
        if (stat(path, &sb) == 0)
            return refuse_kind(&sb, path, err, open_errno);
        return catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(open_errno));
    }
    catlr_status st = CATLR_OK;
    if (fstat(fd, &sb) != 0)
        st = catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
    else if (!S_ISREG(sb.st_mode))
        st = refuse_kind(&sb, path, err, 0);
    FILE *fp = st == CATLR_OK ? fdopen(fd, "rb") : NULL;
    if (st == CATLR_OK && fp == NULL)
        st = catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
    if (st != CATLR_OK) {
        close(fd);
        return st;
    }
    if (size != NULL)
        *size = (uint64_t)sb.st_size;
    *out = fp;
    return CATLR_OK;
}
