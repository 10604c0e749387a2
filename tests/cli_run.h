/* cli_run.h: what the CLI tests share: class folders of one-colour
 * images, output paths, running catlr in-process with a literal argv and
 * tmpfile() streams, and asserting the result. Include after <cmocka.h>,
 * "fixtures.h" and "test_util.h". */
#ifndef CATLR_TEST_CLI_RUN_H
#define CATLR_TEST_CLI_RUN_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* root/sub/cls/name.png in one colour. "Cats" are reddish and "dogs"
 * bluish, so that the classes are linearly separable without a bias. */
static inline void write_image(const char *root, const char *sub, const char *cls,
                               const char *name, uint8_t v) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s/%s", root, sub, cls, name);
    int reddish = strcmp(cls, "dog") != 0;
    assert_int_equal(fixture_write_solid(path, 64, 64, reddish ? v : 20, 100, reddish ? 20 : v),
                     0);
}

static inline void make_class_dirs(const char *root, const char *sub, const char *a,
                                   const char *b) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, sub);
    test_mkdir(path);
    snprintf(path, sizeof path, "%s/%s/%s", root, sub, a);
    test_mkdir(path);
    snprintf(path, sizeof path, "%s/%s/%s", root, sub, b);
    test_mkdir(path);
}

/* base followed by suffix (an output file's path and its extension), in
 * the caller's buffer. */
static inline const char *out_path(const char *base, const char *suffix, char *buf,
                                   size_t size) {
    snprintf(buf, size, "%s%s", base, suffix);
    return buf;
}

typedef struct result {
    int code;
    char *out;
    char *err;
} result;

/* catlr ARGS... (NULL-terminated), in-process. */
static inline result run(const char *first, ...) {
    char *argv[32];
    int argc = 0;
    argv[argc++] = "catlr";
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a != NULL; a = va_arg(ap, const char *)) {
        assert_true(argc < 31);
        argv[argc++] = (char *)a;
    }
    va_end(ap);
    argv[argc] = NULL;
    FILE *out = tmpfile(), *err = tmpfile();
    assert_non_null(out);
    assert_non_null(err);
    result r;
    r.code = catlr_cli_run(argc, argv, out, err);
    r.out = test_read_stream(out);
    r.err = test_read_stream(err);
    fclose(out);
    fclose(err);
    return r;
}

static inline void result_free(result *r) {
    free(r->out);
    free(r->err);
}

/* Number of '\n'-terminated lines in s. */
static inline size_t count_lines(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* The cost printed on the line "Cost after iteration I: " of out. */
static inline double printed_cost(const char *out, size_t i) {
    char key[64];
    snprintf(key, sizeof key, "Cost after iteration %zu: ", i);
    const char *p = strstr(out, key);
    assert_non_null(p);
    return strtod(p + strlen(key), NULL);
}

/* 1 when text starts with the pieces, one after the other (no buffer to
 * join them in, so no length limit on a message naming a long path). */
static inline int starts_with3(const char *text, const char *a, const char *b, const char *c) {
    const char *pieces[3] = {a, b, c};
    for (int k = 0; k < 3; k++) {
        size_t n = strlen(pieces[k]);
        if (strncmp(text, pieces[k], n) != 0)
            return 0;
        text += n;
    }
    return 1;
}

/* Assert a usage error: exit 2, nothing on stdout, and on stderr first the
 * message line, then the usage line, then where to look for help. */
static inline void assert_usage_error(result *r, const char *first_line, const char *command) {
    if (r->code != 2)
        print_error("exit %d, stderr:\n%s", r->code, r->err);
    assert_int_equal(r->code, 2);
    assert_string_equal(r->out, "");
    int starts = starts_with3(r->err, first_line, "\nUsage: catlr ", command);
    if (!starts)
        print_error("stderr:\n%s\nwant it to start with:\n%s\nUsage: catlr %s\n", r->err,
                    first_line, command);
    assert_true(starts);
    assert_non_null(strstr(r->err, "--help'.\n"));
    assert_int_equal(count_lines(r->err), 3);
    result_free(r);
}

/* Assert a failure of the work: exit 1, stderr exactly one line. */
static inline void assert_failure(result *r, const char *line) {
    assert_int_equal(r->code, 1);
    size_t n = strlen(line);
    if (strncmp(r->err, line, n) != 0 || strcmp(r->err + n, "\n") != 0)
        print_error("stderr:\n%swant:\n%s\n", r->err, line);
    assert_int_equal(strncmp(r->err, line, n), 0);
    assert_string_equal(r->err + n, "\n");
}

#endif /* CATLR_TEST_CLI_RUN_H */
