/* file.c: opening and reading a user's file. Regular files only: a fifo
 * opened with plain fopen() blocks until a writer appears, and a device or a
 * folder is never an image or a model. And the other way round, closing an
 * output and removing it after a failure only when it is a regular file. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libgen.h>
#include <zlib.h>

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

/* The whole of fp (whose size stat gave as a hint: files in /proc say 0)
 * in a new buffer. */
static catlr_status read_all(FILE *fp, uint64_t size_hint, const char *path,
                             uint8_t **out, size_t *size, catlr_error *err) {
    size_t cap = size_hint < SIZE_MAX - 1 ? (size_t)size_hint + 1 : SIZE_MAX;
    if (cap < 4096)
        cap = 4096;
    size_t used = 0;
    uint8_t *buf = NULL;
    for (;;) {
        uint8_t *bigger = realloc(buf, cap);
        if (bigger == NULL) {
            free(buf);
            return catlr_fail(err, CATLR_ERR_NOMEM, path, "cannot allocate %lu bytes",
                              (unsigned long)cap);
        }
        buf = bigger;
        used += fread(buf + used, 1, cap - used, fp);
        if (ferror(fp)) {
            free(buf);
            return catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
        }
        if (used < cap || cap == SIZE_MAX)
            break;
        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : 2 * cap; /* the file grew */
    }
    *out = buf;
    *size = used;
    return CATLR_OK;
}

catlr_status catlr_read_regular(const char *path, uint8_t **data, size_t *size,
                                catlr_error *err) {
    *data = NULL;
    *size = 0;
    FILE *fp;
    uint64_t size_hint;
    catlr_status st = catlr_open_regular(path, &fp, &size_hint, err);
    if (st != CATLR_OK)
        return st;
    st = read_all(fp, size_hint, path, data, size, err);
    fclose(fp);
    return st;
}

catlr_status catlr_close_output(FILE *fp, const char *path, catlr_status st,
                                catlr_error *err) {
    if (fclose(fp) != 0 && st == CATLR_OK)
        st = catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
    struct stat sb;
    if (st != CATLR_OK && lstat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        remove(path);
    return st;
}

char *catlr_join_path(const char *dir, const char *name) {
    size_t n = strlen(dir), k = strlen(name);
    int slash = n > 0 && dir[n - 1] == '/';
    char *path = malloc(n + k + 2);
    if (path == NULL)
        return NULL;
    memcpy(path, dir, n);
    if (!slash)
        path[n++] = '/';
    memcpy(path + n, name, k + 1);
    return path;
}

// ----------------------------------------------------------------------------
// Replacing a file whole: temporary file beside the target, fsync, rename.

/* Create a new file beside path, named path.tmp-PID-K, for writing; the
 * mode is 0666 less the umask, as for any new file. */
int catlr_create_temp(const char *path, char *tmp, size_t tmp_size) {
    for (unsigned k = 0; k < 100; k++) {
        int n = snprintf(tmp, tmp_size, "%s.tmp-%ld-%u", path, (long)getpid(), k);
        if (n < 0 || (size_t)n >= tmp_size) {
            errno = ENAMETOOLONG;
            return -1;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* write(2) until all of buf is out. */
static int write_all(int fd, const uint8_t *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Make the rename itself durable by syncing the folder that holds path.
 * Best effort: some file systems refuse fsync on a folder. */
void catlr_sync_parent(const char *path) {
    char copy[CATLR_ERROR_PATH_MAX];
    if (snprintf(copy, sizeof copy, "%s", path) >= (int)sizeof copy)
        return;
    int fd = open(dirname(copy), O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

catlr_status catlr_replace_file(const char *path, const uint8_t *buf, size_t size,
                                catlr_error *err) {
    char tmp[CATLR_ERROR_PATH_MAX + 32];
    int fd = catlr_create_temp(path, tmp, sizeof tmp);
    if (fd < 0)
        return catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
    /* write, flush to disk, close: each can be where a full disk shows up */
    int ok = write_all(fd, buf, size) == 0 && fsync(fd) == 0;
    int saved_errno = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved_errno = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        saved_errno = errno;
    }
    if (!ok) {
        unlink(tmp);
        return catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(saved_errno));
    }
    catlr_sync_parent(path);
    return CATLR_OK;
}

/* zlib's crc32 takes a uInt length; feed it in pieces that fit. */
uint32_t catlr_crc32_update(uint32_t crc, const uint8_t *p, size_t len) {
    uLong c = crc;
    while (len > 0) {
        uInt piece = len > 0x40000000u ? 0x40000000u : (uInt)len;
        c = crc32(c, p, piece);
        p += piece;
        len -= piece;
    }
    return (uint32_t)c;
}

uint32_t catlr_crc32(const uint8_t *p, size_t len) {
    return catlr_crc32_update((uint32_t)crc32(0L, Z_NULL, 0), p, len);
}
