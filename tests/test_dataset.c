/* test_dataset.c: catlr_dataset_load_dir on folder trees built at test time:
 * which files count as images, their order, their labels, where each lands
 * in X, and every way a folder can be unusable. The group setup makes one
 * mkdtemp folder; each test builds its own tree inside it, and teardown
 * removes everything. Images are tiny solid PNGs, so after resizing every
 * column of X is one colour and tells which file it came from. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <unistd.h>

#include "catlr/dataset.h"
#include "fixtures.h"
#include "test_util.h"

#define PLANE 4096 /* 64 * 64: offset of one channel's plane in a column */

struct group {
    char *root; /* the mkdtemp folder */
};

static int group_setup(void **state) {
    struct group *g = calloc(1, sizeof *g);
    assert_non_null(g);
    g->root = test_make_tempdir();
    *state = g;
    return 0;
}

static int group_teardown(void **state) {
    struct group *g = *state;
    test_remove_tree(g->root);
    free(g->root);
    free(g);
    return 0;
}

// ----------------------------------------------------------------------------
// Building trees. Paths go into fixed buffers so a failing assertion leaks
// nothing.

typedef char path_buf[1024];

/* out = a/b */
static void join(path_buf out, const char *a, const char *b) {
    int n = snprintf(out, sizeof(path_buf), "%s/%s", a, b);
    assert_true(n > 0 && (size_t)n < sizeof(path_buf));
}

/* A new folder named name under the group's root; its path into out. */
static void make_tree(const struct group *g, const char *name, path_buf out) {
    join(out, g->root, name);
    test_mkdir(out);
}

/* mkdir dir/name */
static void make_dir(const char *dir, const char *name) {
    path_buf p;
    join(p, dir, name);
    test_mkdir(p);
}

/* A 4x4 solid PNG of colour rgb at dir/name. */
static void make_png(const char *dir, const char *name, const uint8_t rgb[3]) {
    path_buf p;
    join(p, dir, name);
    assert_int_equal(fixture_write_solid(p, 4, 4, rgb[0], rgb[1], rgb[2]), 0);
}

/* A file with these bytes at dir/name. */
static void make_text(const char *dir, const char *name, const char *text) {
    path_buf p;
    join(p, dir, name);
    test_write_file(p, text, strlen(text));
}

/* Column j of X is the colour rgb everywhere. */
static void assert_column(const catlr_dataset *ds, size_t j, const uint8_t rgb[3]) {
    const uint8_t *x = catlr_dataset_pixels(ds) + j * CATLR_N_X;
    for (size_t k = 0; k < PLANE; k++) {
        assert_int_equal(x[k], rgb[0]);
        assert_int_equal(x[PLANE + k], rgb[1]);
        assert_int_equal(x[2 * PLANE + k], rgb[2]);
    }
}

/* Load must fail with status and err.path == path, set *out to NULL, and
 * leave a non-empty reason in err. */
static void load_fails(const char *dir, const char *positive, catlr_status status,
                       const char *path, catlr_error *err) {
    catlr_dataset *ds = (catlr_dataset *)(void *)err; /* any non-NULL value */
    memset(err, 0, sizeof *err);
    assert_int_equal(catlr_dataset_load_dir(dir, positive, &ds, err), status);
    assert_null(ds);
    assert_string_equal(err->path, path);
    assert_true(err->reason[0] != '\0');
}

/* reason contains every one of the NULL-terminated list of words. */
static void assert_mentions(const char *reason, const char *const *words) {
    for (; *words != NULL; words++) {
        if (strstr(reason, *words) == NULL)
            print_error("reason \"%s\" does not mention \"%s\"\n", reason, *words);
        assert_non_null(strstr(reason, *words));
    }
}

// ----------------------------------------------------------------------------
// Order, labels, layout.

/* The tree of the order tests: cat holds five images whose byte order
 * differs from any natural or case-blind order, non-cat two. Colour k is
 * (10k, 255 - 10k, k). Byte order: 'B' (0x42) < 'a' (0x61), "a.png" <
 * "a10.png" ('.' 0x2E < '1' 0x31), "a10.png" < "a2.png" ('1' < '2'). So X
 * holds, column by column: cat/B.PNG (colour 3), cat/a.png (2),
 * cat/a10.png (4), cat/a2.png (5), cat/b.png (1), non-cat/Y.png (7),
 * non-cat/z.png (6). */
static const struct {
    const char *class_name, *file;
    uint8_t colour;
} ORDER_FILES[] = {
    {"cat", "b.png", 1},     {"cat", "a.png", 2},  {"cat", "B.PNG", 3},
    {"cat", "a10.png", 4},   {"cat", "a2.png", 5}, {"non-cat", "z.png", 6},
    {"non-cat", "Y.png", 7},
};
static const char *const ORDER_PATHS[] = {"cat/B.PNG",   "cat/a.png",     "cat/a10.png",
                                          "cat/a2.png",  "cat/b.png",     "non-cat/Y.png",
                                          "non-cat/z.png"};
static const uint8_t ORDER_COLOURS[] = {3, 2, 4, 5, 1, 7, 6};

static void colour_of(uint8_t k, uint8_t rgb[3]) {
    rgb[0] = (uint8_t)(10 * k), rgb[1] = (uint8_t)(255 - 10 * k), rgb[2] = k;
}

static void make_order_tree(const struct group *g, const char *name, path_buf dir) {
    make_tree(g, name, dir);
    make_dir(dir, "cat");
    make_dir(dir, "non-cat");
    for (size_t k = 0; k < sizeof ORDER_FILES / sizeof ORDER_FILES[0]; k++) {
        path_buf class_dir;
        uint8_t rgb[3];
        join(class_dir, dir, ORDER_FILES[k].class_name);
        colour_of(ORDER_FILES[k].colour, rgb);
        make_png(class_dir, ORDER_FILES[k].file, rgb);
    }
}

/* Load the order tree at dir with the given positive class and check
 * everything but the labels' polarity, which positive_index gives: class
 * order, paths, class counts, and the colour of each column of X. */
static void check_order_tree(const char *dir, const char *positive, size_t positive_index) {
    catlr_dataset *ds = NULL;
    catlr_error err = {{0}, {0}};
    catlr_status st = catlr_dataset_load_dir(dir, positive, &ds, &err);
    if (st != CATLR_OK)
        print_error("%s: %s\n", err.path, err.reason);
    assert_int_equal(st, CATLR_OK);
    assert_non_null(ds);
    assert_int_equal(catlr_dataset_count(ds), 7);
    assert_string_equal(catlr_dataset_class_name(ds, 0), "cat");
    assert_string_equal(catlr_dataset_class_name(ds, 1), "non-cat");
    assert_int_equal(catlr_dataset_positive(ds), positive_index);
    assert_int_equal(catlr_dataset_class_count(ds, 0), 5);
    assert_int_equal(catlr_dataset_class_count(ds, 1), 2);
    const uint8_t *y = catlr_dataset_labels(ds);
    for (size_t j = 0; j < 7; j++) {
        path_buf want;
        uint8_t rgb[3];
        join(want, dir, ORDER_PATHS[j]);
        assert_string_equal(catlr_dataset_path(ds, j), want);
        size_t class_index = j < 5 ? 0 : 1; /* five cats first */
        assert_int_equal(y[j], class_index == positive_index);
        colour_of(ORDER_COLOURS[j], rgb);
        assert_column(ds, j, rgb);
    }
    catlr_dataset_free(ds);
}

/* Ensure classes and files come in byte order (see ORDER_FILES), each path
 * is dir/class/name, each column of X holds its own image, y is 1 for
 * "cat" (class 0, 5 images) and 0 for "non-cat" (class 1, 2 images). */
static void test_order_and_labels(void **state) {
    const struct group *g = *state;
    path_buf dir;
    make_order_tree(g, "order", dir);
    check_order_tree(dir, "cat", 0);
}

/* Ensure positive = "non-cat" flips the labels (y = 0 for the five cats, 1
 * for the two others) and makes class 1 positive, without changing the
 * order of classes, paths or columns. */
static void test_positive_other_class(void **state) {
    const struct group *g = *state;
    path_buf dir;
    make_order_tree(g, "positive", dir);
    check_order_tree(dir, "non-cat", 1);
}

/* Ensure a dir given with a trailing slash gives paths without a doubled
 * slash: "dir/" + "cat" + "a.png" -> "dir/cat/a.png". */
static void test_trailing_slash(void **state) {
    const struct group *g = *state;
    path_buf dir, slashed, want;
    static const uint8_t red[3] = {255, 0, 0};
    make_tree(g, "slash", dir);
    make_dir(dir, "cat");
    make_dir(dir, "dog");
    join(want, dir, "cat");
    make_png(want, "a.png", red);
    join(want, dir, "dog");
    make_png(want, "b.png", red);
    join(slashed, dir, ""); /* "dir/" */
    catlr_dataset *ds = NULL;
    assert_int_equal(catlr_dataset_load_dir(slashed, "cat", &ds, NULL), CATLR_OK);
    join(want, dir, "cat/a.png");
    assert_string_equal(catlr_dataset_path(ds, 0), want);
    join(want, dir, "dog/b.png");
    assert_string_equal(catlr_dataset_path(ds, 1), want);
    catlr_dataset_free(ds);
}

// ----------------------------------------------------------------------------
// Which entries count.

/* Ensure ".PNG" and ".Png" are images, while hidden files (".hidden.png"),
 * other extensions (notes.txt, .DS_Store, image.gif, a.png.bak, a file named
 * just "png"), a subfolder inside a class folder (with an image inside:
 * no recursion), a plain file beside the class folders (README, x.png), a
 * hidden folder (.git) and a dangling link beside them are all ignored.
 * The decoys that are real PNGs would change m if taken; the text ones
 * would fail to decode. cat: a.PNG (colour 1), b.Png (2), c.png (3);
 * dog: d.png (4): m = 4. */
static void test_which_entries_count(void **state) {
    const struct group *g = *state;
    static const uint8_t c1[3] = {1, 1, 1}, c2[3] = {2, 2, 2}, c3[3] = {3, 3, 3},
                         c4[3] = {4, 4, 4}, decoy[3] = {99, 99, 99};
    path_buf dir, cat, dog, sub, p, target;
    make_tree(g, "entries", dir);
    make_dir(dir, "cat");
    make_dir(dir, "dog");
    make_dir(dir, ".git");
    join(cat, dir, "cat");
    join(dog, dir, "dog");
    make_png(cat, "a.PNG", c1);
    make_png(cat, "b.Png", c2);
    make_png(cat, "c.png", c3);
    make_png(cat, ".hidden.png", decoy);
    make_text(cat, "notes.txt", "notes\n");
    static const char ds_store[8] = {0, 0, 0, 1, 'B', 'u', 'd', '1'};
    join(p, cat, ".DS_Store");
    test_write_file(p, ds_store, sizeof ds_store);
    make_png(cat, "image.gif", decoy);
    make_png(cat, "a.png.bak", decoy);
    make_png(cat, "png", decoy);
    make_dir(cat, "sub");
    join(sub, cat, "sub");
    make_png(sub, "e.png", decoy);
    make_png(dog, "d.png", c4);
    make_text(dir, "README", "two class folders\n");
    make_png(dir, "x.png", decoy);
    make_png(dir, ".git/y.png", decoy);
    join(p, dir, "broken");
    join(target, dir, "nowhere");
    assert_int_equal(symlink(target, p), 0);

    catlr_dataset *ds = NULL;
    catlr_error err = {{0}, {0}};
    catlr_status st = catlr_dataset_load_dir(dir, "cat", &ds, &err);
    if (st != CATLR_OK)
        print_error("%s: %s\n", err.path, err.reason);
    assert_int_equal(st, CATLR_OK);
    assert_int_equal(catlr_dataset_count(ds), 4);
    assert_int_equal(catlr_dataset_class_count(ds, 0), 3);
    assert_int_equal(catlr_dataset_class_count(ds, 1), 1);
    assert_string_equal(catlr_dataset_class_name(ds, 0), "cat");
    assert_string_equal(catlr_dataset_class_name(ds, 1), "dog");
    static const char *const names[4] = {"cat/a.PNG", "cat/b.Png", "cat/c.png", "dog/d.png"};
    const uint8_t *const colours[4] = {c1, c2, c3, c4};
    for (size_t j = 0; j < 4; j++) {
        join(p, dir, names[j]);
        assert_string_equal(catlr_dataset_path(ds, j), p);
        assert_column(ds, j, colours[j]);
        assert_int_equal(catlr_dataset_labels(ds)[j], j < 3 ? 1 : 0);
    }
    catlr_dataset_free(ds);
}

/* Ensure names ending in .jpg, .JPG, .jpeg and .Jpeg are images as well,
 * while "jpg", "a.jpg.bak" and "x.jpe" are not. The images are PNGs: the
 * decoder goes by the content, so this holds in a build without libjpeg
 * too. cat: a.jpg (1), b.JPG (2), c.jpeg (3); dog: d.Jpeg (4): m = 4. */
static void test_jpeg_names_count(void **state) {
    const struct group *g = *state;
    static const uint8_t c1[3] = {1, 1, 1}, c2[3] = {2, 2, 2}, c3[3] = {3, 3, 3},
                         c4[3] = {4, 4, 4}, decoy[3] = {99, 99, 99};
    path_buf dir, cat, dog;
    make_tree(g, "jpeg_names", dir);
    make_dir(dir, "cat");
    make_dir(dir, "dog");
    join(cat, dir, "cat");
    join(dog, dir, "dog");
    make_png(cat, "a.jpg", c1);
    make_png(cat, "b.JPG", c2);
    make_png(cat, "c.jpeg", c3);
    make_png(cat, "jpg", decoy);
    make_png(cat, "a.jpg.bak", decoy);
    make_png(cat, "x.jpe", decoy);
    make_png(dog, "d.Jpeg", c4);
    catlr_dataset *ds = NULL;
    assert_int_equal(catlr_dataset_load_dir(dir, "cat", &ds, NULL), CATLR_OK);
    assert_int_equal(catlr_dataset_count(ds), 4);
    assert_int_equal(catlr_dataset_class_count(ds, 0), 3);
    const uint8_t *const colours[4] = {c1, c2, c3, c4};
    for (size_t j = 0; j < 4; j++)
        assert_int_equal(catlr_dataset_pixels(ds)[j * CATLR_N_X], colours[j][0]);
    catlr_dataset_free(ds);
}

// ----------------------------------------------------------------------------
// Errors about the folders.

/* Ensure a missing dir gives CATLR_ERR_IO naming it, "No such file or
 * directory", and *out = NULL. */
static void test_error_dir_missing(void **state) {
    const struct group *g = *state;
    path_buf dir;
    catlr_error err;
    join(dir, g->root, "no-such-folder");
    load_fails(dir, "cat", CATLR_ERR_IO, dir, &err);
    assert_string_equal(err.reason, "No such file or directory");
}

/* Ensure a dir that is a plain file gives CATLR_ERR_IO naming it. */
static void test_error_dir_is_file(void **state) {
    const struct group *g = *state;
    path_buf dir;
    catlr_error err;
    join(dir, g->root, "plain-file");
    test_write_file(dir, "x", 1);
    load_fails(dir, "cat", CATLR_ERR_IO, dir, &err);
    assert_string_equal(err.reason, "Not a directory");
}

/* Ensure one class folder gives CATLR_ERR_DATA naming dir, and the reason
 * says how many were found and which: "found 1", "'cat'". */
static void test_error_one_class(void **state) {
    const struct group *g = *state;
    static const uint8_t red[3] = {255, 0, 0};
    path_buf dir, cat;
    catlr_error err;
    make_tree(g, "one-class", dir);
    make_dir(dir, "cat");
    join(cat, dir, "cat");
    make_png(cat, "a.png", red);
    make_text(dir, "README", "only one\n");
    load_fails(dir, "cat", CATLR_ERR_DATA, dir, &err);
    static const char *const words[] = {"found 1", "'cat'", NULL};
    assert_mentions(err.reason, words);
}

/* Ensure three class folders give CATLR_ERR_DATA naming dir, and the reason
 * says "found 3" and names all three. */
static void test_error_three_classes(void **state) {
    const struct group *g = *state;
    static const uint8_t red[3] = {255, 0, 0};
    path_buf dir, p;
    catlr_error err;
    make_tree(g, "three-classes", dir);
    static const char *const classes[] = {"cat", "dog", "non-cat"};
    for (size_t k = 0; k < 3; k++) {
        make_dir(dir, classes[k]);
        join(p, dir, classes[k]);
        make_png(p, "a.png", red);
    }
    load_fails(dir, "cat", CATLR_ERR_DATA, dir, &err);
    static const char *const words[] = {"found 3", "'cat'", "'dog'", "'non-cat'", NULL};
    assert_mentions(err.reason, words);
}

/* Ensure a dir with no class folders at all (only files) gives
 * CATLR_ERR_DATA with "found 0". */
static void test_error_no_classes(void **state) {
    const struct group *g = *state;
    static const uint8_t red[3] = {255, 0, 0};
    path_buf dir;
    catlr_error err;
    make_tree(g, "no-classes", dir);
    make_png(dir, "a.png", red);
    load_fails(dir, "cat", CATLR_ERR_DATA, dir, &err);
    static const char *const words[] = {"found 0", NULL};
    assert_mentions(err.reason, words);
}

/* Ensure two class folders, neither named positive, give CATLR_ERR_DATA
 * naming dir; the reason names the positive ('cat') and both folders found. */
static void test_error_no_positive(void **state) {
    const struct group *g = *state;
    static const uint8_t red[3] = {255, 0, 0};
    path_buf dir, p;
    catlr_error err;
    make_tree(g, "no-positive", dir);
    make_dir(dir, "dog");
    make_dir(dir, "non-cat");
    join(p, dir, "dog");
    make_png(p, "a.png", red);
    join(p, dir, "non-cat");
    make_png(p, "a.png", red);
    load_fails(dir, "cat", CATLR_ERR_DATA, dir, &err);
    static const char *const words[] = {"'cat'", "'dog'", "'non-cat'", NULL};
    assert_mentions(err.reason, words);
}

/* Ensure the positive name matches a folder exactly: "Cat" is not "cat". */
static void test_error_positive_case(void **state) {
    const struct group *g = *state;
    path_buf dir;
    catlr_error err;
    make_order_tree(g, "positive-case", dir);
    load_fails(dir, "Cat", CATLR_ERR_DATA, dir, &err);
    static const char *const words[] = {"'Cat'", "'cat'", "'non-cat'", NULL};
    assert_mentions(err.reason, words);
}

/* Ensure a class folder without images (here: only notes.txt) gives
 * CATLR_ERR_DATA naming that class folder, whether it is the second class
 * or the first. */
static void test_error_empty_class(void **state) {
    const struct group *g = *state;
    static const uint8_t red[3] = {255, 0, 0};
    path_buf dir, p;
    catlr_error err;
    make_tree(g, "empty-second", dir);
    make_dir(dir, "cat");
    make_dir(dir, "non-cat");
    join(p, dir, "cat");
    make_png(p, "a.png", red);
    join(p, dir, "non-cat");
    make_text(p, "notes.txt", "nothing here\n");
    load_fails(dir, "cat", CATLR_ERR_DATA, p, &err);

    make_tree(g, "empty-first", dir);
    make_dir(dir, "cat");
    make_dir(dir, "non-cat");
    join(p, dir, "non-cat");
    make_png(p, "a.png", red);
    join(p, dir, "cat");
    load_fails(dir, "cat", CATLR_ERR_DATA, p, &err);
}

// ----------------------------------------------------------------------------
// Errors about one image.

/* A tree with cat/{a.png (good), name} and non-cat/b.png (good); the full
 * path of cat/name into bad. */
static void make_tree_with(const struct group *g, const char *tree, path_buf dir,
                           path_buf bad, const char *name) {
    static const uint8_t red[3] = {255, 0, 0};
    path_buf p;
    make_tree(g, tree, dir);
    make_dir(dir, "cat");
    make_dir(dir, "non-cat");
    join(p, dir, "cat");
    make_png(p, "a.png", red);
    join(bad, p, name);
    join(p, dir, "non-cat");
    make_png(p, "b.png", red);
}

/* Ensure a text file named x.png gives CATLR_ERR_FORMAT with err.path the
 * image's full path and "not a PNG or JPEG file" (and the good images decoded
 * before it are freed). */
static void test_error_bad_image(void **state) {
    const struct group *g = *state;
    path_buf dir, bad;
    catlr_error err;
    make_tree_with(g, "bad-image", dir, bad, "x.png");
    test_write_file(bad, "hello\n", 6);
    load_fails(dir, "cat", CATLR_ERR_FORMAT, bad, &err);
    assert_string_equal(err.reason, "not a PNG or JPEG file");
}

/* Ensure a bad image in the second class (decoded last) is reported too. */
static void test_error_bad_image_last(void **state) {
    const struct group *g = *state;
    static const uint8_t red[3] = {255, 0, 0};
    path_buf dir, p;
    catlr_error err;
    make_tree(g, "bad-last", dir);
    make_dir(dir, "cat");
    make_dir(dir, "non-cat");
    join(p, dir, "cat");
    make_png(p, "a.png", red);
    join(p, dir, "non-cat");
    make_png(p, "a.png", red);
    join(p, dir, "non-cat/z.png");
    test_write_file(p, "", 0);
    load_fails(dir, "cat", CATLR_ERR_FORMAT, p, &err);
}

/* Ensure a folder named d.png inside a class folder is an error, not a
 * skip: CATLR_ERR_IO naming it, "not a regular file". */
static void test_error_png_is_folder(void **state) {
    const struct group *g = *state;
    path_buf dir, bad;
    catlr_error err;
    make_tree_with(g, "png-folder", dir, bad, "d.png");
    test_mkdir(bad);
    load_fails(dir, "cat", CATLR_ERR_IO, bad, &err);
    assert_string_equal(err.reason, "not a regular file");
}

/* Ensure a dangling symlink named x.png in a class folder gives CATLR_ERR_IO
 * naming it, with strerror's "No such file or directory". */
static void test_error_dangling_link(void **state) {
    const struct group *g = *state;
    path_buf dir, bad, target;
    catlr_error err;
    make_tree_with(g, "dangling", dir, bad, "x.png");
    join(target, dir, "nowhere.png");
    assert_int_equal(symlink(target, bad), 0);
    load_fails(dir, "cat", CATLR_ERR_IO, bad, &err);
    assert_string_equal(err.reason, "No such file or directory");
}

/* The folder and the fifo of test_error_fifo. */
struct fifo_case {
    path_buf dir, bad;
};

static int fifo_refused(const void *arg) {
    const struct fifo_case *c = arg;
    catlr_dataset *ds = (catlr_dataset *)(void *)c; /* must come back NULL */
    catlr_error err = {{0}, {0}};
    catlr_status st = catlr_dataset_load_dir(c->dir, "cat", &ds, &err);
    return st == CATLR_ERR_IO && ds == NULL && strcmp(err.path, c->bad) == 0 &&
           strcmp(err.reason, "not a regular file") == 0;
}

/* Ensure a named pipe named x.png in a class folder (no writer) gives
 * CATLR_ERR_IO "not a regular file" without ever blocking in open: the load
 * runs in a child that SIGALRM kills after 2 seconds. */
static void test_error_fifo(void **state) {
    const struct group *g = *state;
    struct fifo_case c;
    make_tree_with(g, "fifo", c.dir, c.bad, "x.png");
    assert_int_equal(mkfifo(c.bad, 0600), 0);
    test_returns_in_time(fifo_refused, &c, 2, "catlr_dataset_load_dir");
}

/* Ensure a NULL err is allowed on failure: the status and *out = NULL are
 * still right. */
static void test_error_null_err(void **state) {
    const struct group *g = *state;
    path_buf dir;
    join(dir, g->root, "also-missing");
    catlr_dataset *ds = (catlr_dataset *)(void *)dir;
    assert_int_equal(catlr_dataset_load_dir(dir, "cat", &ds, NULL), CATLR_ERR_IO);
    assert_null(ds);
}

/* Ensure catlr_dataset_free(NULL) does nothing (and does not crash). */
static void test_free_null(void **state) {
    (void)state;
    catlr_dataset_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_labels),
        cmocka_unit_test(test_positive_other_class),
        cmocka_unit_test(test_trailing_slash),
        cmocka_unit_test(test_which_entries_count),
        cmocka_unit_test(test_jpeg_names_count),
        cmocka_unit_test(test_error_dir_missing),
        cmocka_unit_test(test_error_dir_is_file),
        cmocka_unit_test(test_error_one_class),
        cmocka_unit_test(test_error_three_classes),
        cmocka_unit_test(test_error_no_classes),
        cmocka_unit_test(test_error_no_positive),
        cmocka_unit_test(test_error_positive_case),
        cmocka_unit_test(test_error_empty_class),
        cmocka_unit_test(test_error_bad_image),
        cmocka_unit_test(test_error_bad_image_last),
        cmocka_unit_test(test_error_png_is_folder),
        cmocka_unit_test(test_error_dangling_link),
        cmocka_unit_test(test_error_fifo),
        cmocka_unit_test(test_error_null_err),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
