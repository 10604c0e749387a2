/* test_util.h: helpers shared by the tests: a double comparison that prints
 * both values in full, temporary folders, reading back a captured stream
 * or a file.
 * Include after <cmocka.h>; the tests are built with _XOPEN_SOURCE=700 for
 * mkdtemp and nftw. */
#ifndef CATLR_TEST_UTIL_H
#define CATLR_TEST_UTIL_H

#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* cmocka 1.1.5's assert_float_equal casts to float; doubles need this. */
#define assert_close(got, want, tol) assert_close_at((got), (want), (tol), __FILE__, __LINE__)

static inline void assert_close_at(double got, double want, double tol, const char *file,
                                   int line) {
    if (!(fabs(got - want) <= tol)) {
        print_error("got  %.17g\nwant %.17g (tolerance %g, difference %.3g)\n", got, want,
                    tol, got - want);
        _fail(file, line);
    }
}

/* Relative comparison: |got - want| <= rel * max(|want|, tiny). */
#define assert_close_rel(got, want, rel)                                                  \
    assert_close_at((got), (want), (rel) * fmax(fabs(want), 1e-300), __FILE__, __LINE__)

/* A new empty folder under $TMPDIR (or /tmp); the caller frees the path. */
static inline char *test_make_tempdir(void) {
    const char *base = getenv("TMPDIR");
    char buf[512];
    snprintf(buf, sizeof buf, "%s/catlr-test-XXXXXX", base && *base ? base : "/tmp");
    char *dir = mkdtemp(buf);
    assert_non_null(dir);
    char *copy = malloc(strlen(dir) + 1);
    assert_non_null(copy);
    strcpy(copy, dir);
    return copy;
}

static inline int test_remove_entry(const char *path, const struct stat *sb, int flag,
                                    struct FTW *ftw) {
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

/* rm -rf dir (does not follow links). */
static inline void test_remove_tree(const char *dir) {
    nftw(dir, test_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A cmocka group setup and teardown for tests that need only a temporary
 * folder: *state is its path (char *). */
static inline int test_tempdir_setup(void **state) {
    *state = test_make_tempdir();
    return 0;
}

static inline int test_tempdir_teardown(void **state) {
    test_remove_tree(*state);
    free(*state);
    return 0;
}

/* dir/name in a new string; the caller frees it. */
static inline char *test_path(const char *dir, const char *name) {
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    assert_non_null(p);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

static inline void test_mkdir(const char *path) {
    assert_int_equal(mkdir(path, 0777), 0);
}

/* Everything written to f so far, as a NUL-terminated string to free. */
static inline char *test_read_stream(FILE *f) {
    fflush(f);
    long size = ftell(f);
    assert_true(size >= 0);
    rewind(f);
    char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    return buf;
}

/* The whole file at path as a new buffer; *size gets its length. */
static inline unsigned char *test_read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

/* The whole file at path as a NUL-terminated string to free. */
static inline char *test_read_text(const char *path) {
    size_t size;
    char *text = (char *)test_read_file(path, &size);
    text = realloc(text, size + 1);
    assert_non_null(text);
    text[size] = '\0';
    return text;
}

static inline void test_write_file(const char *path, const void *data, size_t size) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
}

/* Run check(arg) in a child process that SIGALRM ends after `seconds`, and
 * fail unless it returns 1 in time: for calls that must not block, such as
 * opening a fifo that has no writer. `what` names the call in the failure
 * message. */
static inline void test_returns_in_time(int (*check)(const void *arg), const void *arg,
                                        unsigned seconds, const char *what) {
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(seconds);
        _exit(check(arg) ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        print_error("%s was still blocked after %u s\n", what, seconds);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

#endif /* CATLR_TEST_UTIL_H */
