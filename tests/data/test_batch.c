/* test_batch.c: turning the paths a user names into image files (folders
 * walked) and decoding a list of files with a status per file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "catlr/batch.h"
#include "catlr/image.h"
#include "fixtures.h"
#include "test_util.h"

/* Write a solid 64x64 PNG at dir/name. */
static void write_png(const char *dir, const char *name, uint8_t v) {
    char *path = test_path(dir, name);
    assert_int_equal(fixture_write_solid(path, 64, 64, v, 100, 255 - v), 0);
    free(path);
}

static void make_dir(const char *dir, const char *name) {
    char *path = test_path(dir, name);
    test_mkdir(path);
    free(path);
}

/* Collect what catlr_batch_add_path reports. */
typedef struct problems {
    size_t count;
    catlr_error last;
} problems;

static void on_problem(void *user, const catlr_error *problem) {
    problems *p = user;
    p->count++;
    p->last = *problem;
}

/* Assert that list holds exactly root/want[0], root/want[1], ... */
static void assert_list(const catlr_file_list *list, const char *root, const char *const *want,
                        size_t n) {
    if (list->count != n)
        for (size_t k = 0; k < list->count; k++)
            print_error("listed %s\n", list->items[k]);
    assert_int_equal(list->count, n);
    for (size_t k = 0; k < n; k++) {
        char *path = test_path(root, want[k]);
        assert_string_equal(list->items[k], path);
        free(path);
    }
}

/* Ensure the image names are .png, .jpg and .jpeg in any case, and never
 * a hidden name or the bare extension. */
static void test_name_ok(void **state) {
    (void)state;
    const char *yes[] = {"a.png", "B.PNG", "c.jpg", "d.JpG", "e.jpeg", "f.JPEG", "x y.png"};
    const char *no[] = {".png", ".h.png", "png", "a.gif", "a.png.txt", "a.jpe", "", "a.pn"};
    for (size_t k = 0; k < sizeof yes / sizeof yes[0]; k++)
        assert_true(catlr_image_name_ok(yes[k]));
    for (size_t k = 0; k < sizeof no / sizeof no[0]; k++)
        assert_false(catlr_image_name_ok(no[k]));
}

/* Ensure the list keeps copies of what is added, in order, past its first
 * growth, and that freeing empties it for use again. */
static void test_file_list(void **state) {
    (void)state;
    catlr_file_list list = {0};
    char s[16];
    for (int k = 0; k < 100; k++) {
        snprintf(s, sizeof s, "item %d", k);
        assert_int_equal(catlr_file_list_add(&list, s), CATLR_OK);
    }
    strcpy(s, "changed");
    assert_int_equal(list.count, 100);
    assert_string_equal(list.items[0], "item 0");
    assert_string_equal(list.items[99], "item 99");
    catlr_file_list_free(&list);
    assert_int_equal(list.count, 0);
    assert_int_equal(catlr_file_list_add(&list, "again"), CATLR_OK);
    assert_string_equal(list.items[0], "again");
    catlr_file_list_free(&list);
}

/* Ensure a path that is not a folder is listed as given, whatever its name
 * and even when it does not exist (decoding then says why), with no
 * problem reported. */
static void test_add_file(void **state) {
    const char *root = *state;
    char *txt = test_path(root, "notes.txt");
    test_write_file(txt, "x", 1);
    catlr_file_list list = {0};
    problems p = {0};
    assert_int_equal(catlr_batch_add_path(&list, txt, on_problem, &p, NULL), CATLR_OK);
    assert_int_equal(catlr_batch_add_path(&list, "/nonexistent/x.png", on_problem, &p, NULL),
                     CATLR_OK);
    assert_int_equal(list.count, 2);
    assert_string_equal(list.items[0], txt);
    assert_string_equal(list.items[1], "/nonexistent/x.png");
    assert_int_equal(p.count, 0);
    catlr_file_list_free(&list);
    assert_int_equal(list.count, 0);
    assert_null(list.items);
    catlr_file_list_free(NULL);
    free(txt);
}

/* Ensure a folder is walked at every depth for image names only, hidden
 * files and folders left out, and the result sorted in byte order of the
 * whole path ("b.png" before "b/", as '.' < '/'), not folder by folder. */
static void test_walk_tree(void **state) {
    char *root = test_path(*state, "tree");
    test_mkdir(root);
    make_dir(root, "b");
    make_dir(root, "b/deep");
    make_dir(root, ".git");
    make_dir(root, "dir.png"); /* a folder named like an image is walked */
    write_png(root, "b.png", 1);
    write_png(root, "b/c.JPG", 2); /* the name selects; the content is a PNG */
    write_png(root, "b/deep/d.jpeg", 3);
    write_png(root, "b/.hidden.png", 4);
    write_png(root, ".git/e.png", 5);
    write_png(root, "dir.png/f.png", 6);
    write_png(root, "a.Png", 7);
    char *txt = test_path(root, "readme.txt");
    test_write_file(txt, "x", 1);
    catlr_file_list list = {0};
    problems p = {0};
    assert_int_equal(catlr_batch_add_path(&list, root, on_problem, &p, NULL), CATLR_OK);
    const char *want[] = {"a.Png", "b.png", "b/c.JPG", "b/deep/d.jpeg", "dir.png/f.png"};
    assert_list(&list, root, want, 5);
    assert_int_equal(p.count, 0);
    /* a second path appends after the first, in its own order */
    char *sub = test_path(root, "b");
    assert_int_equal(catlr_batch_add_path(&list, sub, on_problem, &p, NULL), CATLR_OK);
    assert_int_equal(list.count, 7);
    assert_string_equal(list.items[5], list.items[2]);
    assert_string_equal(list.items[6], list.items[3]);
    catlr_file_list_free(&list);
    free(sub);
    free(txt);
    free(root);
}

/* The walk of test_walk_loop, run in a child that an alarm ends. */
static int walk_loop_finishes(const void *arg) {
    catlr_file_list list = {0};
    int ok = catlr_batch_add_path(&list, arg, NULL, NULL, NULL) == CATLR_OK && list.count == 1;
    catlr_file_list_free(&list);
    return ok;
}

/* Ensure links are followed, and a link back to an ancestor (a loop) is not
 * entered again: the walk ends, and the images are listed once through the
 * real folders plus once through a link to a sibling folder. */
static void test_walk_loop(void **state) {
    /* paths on the stack, not the heap: the child that walks exits without
     * freeing, and memcheck would count heap paths as its leaks */
    char root[512], up[600], self[600], a[600], b[600];
    snprintf(root, sizeof root, "%s/loop", (const char *)*state);
    snprintf(up, sizeof up, "%s/a/up", root);
    snprintf(self, sizeof self, "%s/a/self", root);
    snprintf(a, sizeof a, "%s/a", root);
    snprintf(b, sizeof b, "%s/b", root);
    test_mkdir(root);
    test_mkdir(a);
    write_png(root, "a/x.png", 9);
    assert_int_equal(symlink(root, up), 0); /* a/up -> the root */
    assert_int_equal(symlink(a, self), 0);  /* a/self -> a */
    test_returns_in_time(walk_loop_finishes, root, 10, "walking a folder with a link loop");
    assert_int_equal(symlink(a, b), 0); /* b -> a: not a loop, a second way in */
    catlr_file_list list = {0};
    assert_int_equal(catlr_batch_add_path(&list, root, NULL, NULL, NULL), CATLR_OK);
    const char *want[] = {"a/x.png", "b/x.png"};
    assert_list(&list, root, want, 2);
    catlr_file_list_free(&list);
}

/* Ensure a folder with no image (only other files and hidden images) is
 * reported as a problem naming it, and adds nothing. */
static void test_walk_empty(void **state) {
    char *root = test_path(*state, "empty");
    test_mkdir(root);
    make_dir(root, "sub");
    write_png(root, ".hidden.png", 1);
    char *txt = test_path(root, "sub/notes.txt");
    test_write_file(txt, "x", 1);
    catlr_file_list list = {0};
    problems p = {0};
    assert_int_equal(catlr_batch_add_path(&list, root, on_problem, &p, NULL), CATLR_OK);
    assert_int_equal(list.count, 0);
    assert_int_equal(p.count, 1);
    assert_string_equal(p.last.path, root);
    assert_string_equal(p.last.reason, "no PNG or JPEG images in this folder or below");
    catlr_file_list_free(&list);
    free(txt);
    free(root);
}

/* The walk of test_walk_unreadable, in a child that may open no more
 * files: opendir fails (EMFILE), which is reported as a problem naming the
 * folder, only that one, and the walk still succeeds. */
static int walk_without_descriptors(const void *arg) {
    int fd = dup(0); /* the lowest free descriptor */
    if (fd < 0)
        return 0;
    close(fd);
    struct rlimit limit = {(rlim_t)fd, (rlim_t)fd};
    /* valgrind keeps descriptors of its own and does not let the limit
     * take; there is nothing to check then (ctest runs it without) */
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1;
    int probe = dup(0);
    if (probe >= 0) {
        close(probe);
        return 1;
    }
    catlr_file_list list = {0};
    problems p = {0};
    int ok = catlr_batch_add_path(&list, arg, on_problem, &p, NULL) == CATLR_OK &&
             list.count == 0 && p.count == 1 && strcmp(p.last.path, arg) == 0 &&
             strcmp(p.last.reason, "Too many open files") == 0;
    catlr_file_list_free(&list);
    return ok;
}

/* Ensure a folder that cannot be read is a problem with its reason, not a
 * failure of the walk, and not also reported as holding no image. (Run as
 * root, a folder without read permission still opens, so the child runs
 * out of descriptors instead.) */
static void test_walk_unreadable(void **state) {
    char root[512];
    snprintf(root, sizeof root, "%s/unreadable", (const char *)*state);
    test_mkdir(root);
    write_png(root, "x.png", 3);
    test_returns_in_time(walk_without_descriptors, root, 10, "walking without descriptors");
}

/* Ensure a dangling link named like an image is listed (decoding then says
 * it is missing), and one named otherwise is not. */
static void test_walk_dangling(void **state) {
    char *root = test_path(*state, "dangling");
    test_mkdir(root);
    char *img = test_path(root, "gone.png"), *other = test_path(root, "gone.txt");
    assert_int_equal(symlink("/nonexistent/target", img), 0);
    assert_int_equal(symlink("/nonexistent/target", other), 0);
    catlr_file_list list = {0};
    assert_int_equal(catlr_batch_add_path(&list, root, NULL, NULL, NULL), CATLR_OK);
    const char *want[] = {"gone.png"};
    assert_list(&list, root, want, 1);
    uint8_t X[CATLR_N_X];
    catlr_status status;
    catlr_error error;
    assert_int_equal(catlr_batch_decode((const char *const *)list.items, 1, 1, X, &status,
                                        &error),
                     1);
    assert_int_equal(status, CATLR_ERR_IO);
    assert_string_equal(error.reason, "No such file or directory");
    catlr_file_list_free(&list);
    free(other);
    free(img);
    free(root);
}

/* Ensure decoding fills each column with what catlr_image_load gives, a
 * zero column, status and error (naming the file) for each file that
 * fails, returns the number of failures, and gives the same bytes and
 * statuses on 1, 2 and 3 threads (and 0: every core). */
static void test_decode(void **state) {
    char *root = test_path(*state, "decode");
    test_mkdir(root);
    enum { N = 11 };
    char *paths[N];
    for (int j = 0; j < N; j++) {
        char name[32];
        snprintf(name, sizeof name, "%02d.png", j);
        paths[j] = test_path(root, name);
        if (j == 3)
            test_write_file(paths[j], "not a png", 9);
        else if (j != 7) /* 07.png is never written: missing */
            assert_int_equal(fixture_write_solid(paths[j], 10 + j, 64, (uint8_t)(20 * j), 7, 9), 0);
    }
    uint8_t *want = malloc((size_t)N * CATLR_N_X), *X = malloc((size_t)N * CATLR_N_X);
    assert_non_null(want);
    assert_non_null(X);
    for (int j = 0; j < N; j++)
        if (j != 3 && j != 7)
            assert_int_equal(catlr_image_load(paths[j], want + (size_t)j * CATLR_N_X, NULL),
                             CATLR_OK);
    memset(want + 3 * CATLR_N_X, 0, CATLR_N_X);
    memset(want + 7 * CATLR_N_X, 0, CATLR_N_X);
    const int threads[] = {1, 2, 3, 0};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        catlr_status status[N];
        catlr_error errors[N];
        memset(X, 0xab, (size_t)N * CATLR_N_X);
        assert_int_equal(catlr_batch_decode((const char *const *)paths, N, threads[t], X,
                                            status, errors),
                         2);
        assert_memory_equal(X, want, (size_t)N * CATLR_N_X);
        for (int j = 0; j < N; j++)
            assert_int_equal(status[j], j == 3 ? CATLR_ERR_FORMAT
                                        : j == 7 ? CATLR_ERR_IO
                                                 : CATLR_OK);
        assert_string_equal(errors[3].path, paths[3]);
        assert_string_equal(errors[3].reason, "not a PNG or JPEG file");
        assert_string_equal(errors[7].path, paths[7]);
        /* without an errors array only the statuses are written */
        assert_int_equal(catlr_batch_decode((const char *const *)paths, N, threads[t], X,
                                            status, NULL),
                         2);
        assert_memory_equal(X, want, (size_t)N * CATLR_N_X);
    }
    assert_int_equal(catlr_batch_decode(NULL, 0, 2, NULL, NULL, NULL), 0);
    for (int j = 0; j < N; j++)
        free(paths[j]);
    free(want);
    free(X);
    free(root);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_ok),      cmocka_unit_test(test_file_list),
        cmocka_unit_test(test_add_file),
        cmocka_unit_test(test_walk_tree),    cmocka_unit_test(test_walk_loop),
        cmocka_unit_test(test_walk_empty),   cmocka_unit_test(test_walk_unreadable),
        cmocka_unit_test(test_walk_dangling),
        cmocka_unit_test(test_decode),
    };
    return cmocka_run_group_tests(tests, test_tempdir_setup, test_tempdir_teardown);
}
