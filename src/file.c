/* file.c: opening a user's file for reading. Regular files only: a fifo
 * opened with plain fopen() blocks until a writer appears, and a device or a
 * folder is never an image or a model. And the other way round, removing a
 * failed output only when it is a regular file. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

catlr_status catlr_open_regular(const char *path, FILE **out, uint64_t *size,
                                catlr_error *err) {
    *out = NULL;
    /* O_NONBLOCK so that open() itself returns at once on a fifo; it has no
     * effect on the reads of a regular file */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
    struct stat sb;
    catlr_status st = CATLR_OK;
    if (fstat(fd, &sb) != 0)
        st = catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
    else if (S_ISDIR(sb.st_mode))
        st = catlr_fail(err, CATLR_ERR_IO, path, "is a folder, not a file");
    else if (!S_ISREG(sb.st_mode))
        st = catlr_fail(err, CATLR_ERR_IO, path, "not a regular file");
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

void catlr_remove_output(const char *path) {
    struct stat sb;
    if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        remove(path);
}
