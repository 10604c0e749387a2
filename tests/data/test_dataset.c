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

#include <sys/socket.h>
#include <sys/un.h>
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

/* A new tree with empty class folders cat/ and dog/; their paths into
 * dir, cat and dog. */
static void make_cat_dog(const struct group *g, const char *name, path_buf dir, path_buf cat,
                         path_buf dog) {
    make_tree(g, name, dir);
    make_dir(dir, "cat");
    make_dir(dir, "dog");
    join(cat, dir, "cat");
    join(dog, dir, "dog");
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

/* A Unix socket bound at path; the caller closes the descriptor. */
static int make_socket(const char *path) {
    struct sockaddr_un addr = {0};
    addr.sun_family = AF_UNIX;
    assert_true(strlen(path) < sizeof addr.sun_path);
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (const struct sockaddr *)&addr, sizeof addr), 0);
    return fd;
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

/* Load dir with opts, which must succeed (else the error is printed). */
static catlr_dataset *load_with(const char *dir, const catlr_dataset_opts *opts) {
    catlr_dataset *ds = NULL;
    catlr_error err = {{0}, {0}};
    catlr_status st = catlr_dataset_load(dir, opts, &ds, &err);
    if (st != CATLR_OK)
        print_error("%s: %s\n", err.path, err.reason);
    assert_int_equal(st, CATLR_OK);
    return ds;
}

/* The same with the defaults and this positive class. */
static catlr_dataset *load_ok(const char *dir, const char *positive) {
    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.positive = positive;
    return load_with(dir, &opts);
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

/* The order tree's folders and images in the existing folder dir. */
static void build_order_tree(const char *dir) {
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

static void make_order_tree(const struct group *g, const char *name, path_buf dir) {
    make_tree(g, name, dir);
    build_order_tree(dir);
}

/* Load the order tree at dir with the given positive class and check
 * everything but the labels' polarity, which positive_index gives: class
 * order, paths, class counts, and the colour of each column of X. */
static void check_order_tree(const char *dir, const char *positive, size_t positive_index) {
    catlr_dataset *ds = load_ok(dir, positive);
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
    make_cat_dog(g, "entries", dir, cat, dog);
    make_dir(dir, ".git");
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

    catlr_dataset *ds = load_ok(dir, "cat");
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
// Folders and images that cannot be loaded.

/* A tree of cat/{a.png (good), name} and non-cat/b.png (good) in the new
 * folder dir; the full path of cat/name into bad. */
static void build_tree_with(const char *dir, path_buf bad, const char *name) {
    static const uint8_t red[3] = {255, 0, 0};
    path_buf p;
    test_mkdir(dir);
    make_dir(dir, "cat");
    make_dir(dir, "non-cat");
    join(p, dir, "cat");
    make_png(p, "a.png", red);
    join(bad, p, name);
    join(p, dir, "non-cat");
    make_png(p, "b.png", red);
}

static void make_tree_with(const struct group *g, const char *tree, path_buf dir,
                           path_buf bad, const char *name) {
    join(dir, g->root, tree);
    build_tree_with(dir, bad, name);
}

/* The new folder dir with one class folder per name of classes (n), each
 * holding a.png. */
static void build_classes(const char *dir, const char *const *classes, size_t n) {
    static const uint8_t red[3] = {255, 0, 0};
    test_mkdir(dir);
    for (size_t k = 0; k < n; k++) {
        path_buf p;
        make_dir(dir, classes[k]);
        join(p, dir, classes[k]);
        make_png(p, "a.png", red);
    }
}

/* The setups of FOLDER_ERRORS: each builds its tree at dir (a path that
 * does not exist yet), puts the path the error must name into where, and
 * returns a descriptor to close after the load, or -1. */

/* nothing: dir does not exist */
static int no_folder(const char *dir, path_buf where) {
    strcpy(where, dir); /* both path_bufs */
    return -1;
}

static int plain_file(const char *dir, path_buf where) {
    test_write_file(dir, "x", 1);
    return no_folder(dir, where);
}

static int one_class(const char *dir, path_buf where) {
    static const char *const classes[] = {"cat"};
    build_classes(dir, classes, 1);
    make_text(dir, "README", "only one\n");
    return no_folder(dir, where);
}

static int three_classes(const char *dir, path_buf where) {
    static const char *const classes[] = {"cat", "dog", "non-cat"};
    build_classes(dir, classes, 3);
    return no_folder(dir, where);
}

/* only a file, no class folder */
static int no_classes(const char *dir, path_buf where) {
    static const uint8_t red[3] = {255, 0, 0};
    test_mkdir(dir);
    make_png(dir, "a.png", red);
    return no_folder(dir, where);
}

static int no_positive(const char *dir, path_buf where) {
    static const char *const classes[] = {"dog", "non-cat"};
    build_classes(dir, classes, 2);
    return no_folder(dir, where);
}

static int order_tree(const char *dir, path_buf where) {
    test_mkdir(dir);
    build_order_tree(dir);
    return no_folder(dir, where);
}

/* cat/a.png, and non-cat holds only notes.txt */
static int empty_second(const char *dir, path_buf where) {
    static const char *const classes[] = {"cat"};
    build_classes(dir, classes, 1);
    make_dir(dir, "non-cat");
    join(where, dir, "non-cat");
    make_text(where, "notes.txt", "nothing here\n");
    return -1;
}

/* cat/ empty, non-cat/a.png */
static int empty_first(const char *dir, path_buf where) {
    static const char *const classes[] = {"non-cat"};
    build_classes(dir, classes, 1);
    make_dir(dir, "cat");
    join(where, dir, "cat");
    return -1;
}

static int text_image(const char *dir, path_buf where) {
    build_tree_with(dir, where, "x.png");
    test_write_file(where, "hello\n", 6);
    return -1;
}

/* an empty file in the second class, decoded last */
static int empty_image_last(const char *dir, path_buf where) {
    static const char *const classes[] = {"cat", "non-cat"};
    build_classes(dir, classes, 2);
    join(where, dir, "non-cat/z.png");
    test_write_file(where, "", 0);
    return -1;
}

/* a folder named d.png inside a class folder: an error, not a skip */
static int folder_image(const char *dir, path_buf where) {
    build_tree_with(dir, where, "d.png");
    test_mkdir(where);
    return -1;
}

static int dangling_link(const char *dir, path_buf where) {
    path_buf target;
    build_tree_with(dir, where, "x.png");
    join(target, dir, "nowhere.png");
    assert_int_equal(symlink(target, where), 0);
    return -1;
}

static int socket_image(const char *dir, path_buf where) {
    build_tree_with(dir, where, "x.png");
    return make_socket(where);
}

/* x.png links to /proc/self/mem, a regular file whose first page is never
 * mapped, so read() fails with EIO even for root, whom no permission bit
 * stops */
static int unreadable(const char *dir, path_buf where) {
    build_tree_with(dir, where, "x.png");
    assert_int_equal(symlink("/proc/self/mem", where), 0);
    return -1;
}

/* A folder that cannot be loaded: its tree, the positive class asked for
 * (NULL: "cat"), and what the load gives: the status, the path the error
 * names (setup's where), the reason (NULL: any) and words it must hold. */
typedef struct folder_error {
    const char *name; /* the tree's folder, under the group's root */
    int (*setup)(const char *dir, path_buf where);
    const char *positive;
    catlr_status status;
    const char *reason;
    const char *mentions[5]; /* NULL-terminated */
} folder_error;

static const folder_error FOLDER_ERRORS[] = {
    /* the folders */
    {.name = "no-such-folder", .setup = no_folder, .status = CATLR_ERR_IO,
     .reason = "No such file or directory"},
    {.name = "plain-file", .setup = plain_file, .status = CATLR_ERR_IO,
     .reason = "Not a directory"},
    /* the reason says how many class folders were found, and which */
    {.name = "one-class", .setup = one_class, .status = CATLR_ERR_DATA,
     .mentions = {"found 1", "'cat'"}},
    {.name = "three-classes", .setup = three_classes, .status = CATLR_ERR_DATA,
     .mentions = {"found 3", "'cat'", "'dog'", "'non-cat'"}},
    {.name = "no-classes", .setup = no_classes, .status = CATLR_ERR_DATA,
     .mentions = {"found 0"}},
    /* neither folder is the positive class: it and both folders named */
    {.name = "no-positive", .setup = no_positive, .status = CATLR_ERR_DATA,
     .mentions = {"'cat'", "'dog'", "'non-cat'"}},
    /* the name matches a folder exactly: "Cat" is not "cat" */
    {.name = "positive-case", .setup = order_tree, .positive = "Cat",
     .status = CATLR_ERR_DATA, .mentions = {"'Cat'", "'cat'", "'non-cat'"}},
    /* a class folder without images names that folder, first or second */
    {.name = "empty-second", .setup = empty_second, .status = CATLR_ERR_DATA},
    {.name = "empty-first", .setup = empty_first, .status = CATLR_ERR_DATA},
    /* one image, named by its full path */
    {.name = "bad-image", .setup = text_image, .status = CATLR_ERR_FORMAT,
     .reason = "not a PNG or JPEG file"},
    {.name = "bad-last", .setup = empty_image_last, .status = CATLR_ERR_FORMAT},
    {.name = "png-folder", .setup = folder_image, .status = CATLR_ERR_IO,
     .reason = "not a regular file"},
    {.name = "dangling", .setup = dangling_link, .status = CATLR_ERR_IO,
     .reason = "No such file or directory"},
    /* a Unix socket, like a fifo (test_error_fifo) */
    {.name = "socket", .setup = socket_image, .status = CATLR_ERR_IO,
     .reason = "not a regular file"},
    {.name = "unreadable", .setup = unreadable, .status = CATLR_ERR_IO,
     .reason = "Input/output error"},
};

/* Ensure each folder of FOLDER_ERRORS fails to load with its status, an
 * error naming the folder or image at fault with a non-empty reason (the
 * given one, or holding the given words), *out set to NULL, and the good
 * images decoded before the bad one freed. */
static void test_folder_errors(void **state) {
    const struct group *g = *state;
    for (size_t k = 0; k < sizeof FOLDER_ERRORS / sizeof *FOLDER_ERRORS; k++) {
        const folder_error *c = &FOLDER_ERRORS[k];
        path_buf dir, where;
        join(dir, g->root, c->name);
        int fd = c->setup(dir, where);
        catlr_dataset *ds = (catlr_dataset *)(void *)dir; /* must come back NULL */
        catlr_error err = {{0}, {0}};
        catlr_status st =
            catlr_dataset_load_dir(dir, c->positive ? c->positive : "cat", &ds, &err);
        if (st != c->status || strcmp(err.path, where) != 0)
            print_error("%s: status %d, %s: %s\n", c->name, (int)st, err.path, err.reason);
        assert_int_equal(st, c->status);
        assert_null(ds);
        assert_string_equal(err.path, where);
        assert_true(err.reason[0] != '\0');
        if (c->reason != NULL)
            assert_string_equal(err.reason, c->reason);
        assert_mentions(err.reason, c->mentions);
        if (fd >= 0)
            close(fd);
    }
}

/* A load run in a child process by test_returns_in_time: dir, the image
 * it must be refused on, the reason, and whether the child gives up root
 * first (root reads any file). */
struct child_case {
    path_buf dir, bad;
    const char *reason;
    int drop_root;
};

static int refused_in_child(const void *arg) {
    const struct child_case *c = arg;
    if (c->drop_root && geteuid() == 0 && setuid(65534) != 0)
        return 0;
    /* one thread: OpenMP's threads do not survive a fork into a child */
    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.threads = 1;
    catlr_dataset *ds = (catlr_dataset *)(void *)c; /* must come back NULL */
    catlr_error err = {{0}, {0}};
    catlr_status st = catlr_dataset_load(c->dir, &opts, &ds, &err);
    return st == CATLR_ERR_IO && ds == NULL && strcmp(err.path, c->bad) == 0 &&
           strcmp(err.reason, c->reason) == 0;
}

/* Ensure a named pipe named x.png in a class folder (no writer) gives
 * CATLR_ERR_IO "not a regular file" without ever blocking in open: the load
 * runs in a child that SIGALRM kills after 2 seconds. */
static void test_error_fifo(void **state) {
    const struct group *g = *state;
    struct child_case c = {.reason = "not a regular file"};
    make_tree_with(g, "fifo", c.dir, c.bad, "x.png");
    assert_int_equal(mkfifo(c.bad, 0600), 0);
    test_returns_in_time(refused_in_child, &c, 2, "catlr_dataset_load_dir");
}

/* Ensure an image the user may not read (mode 000) gives CATLR_ERR_IO
 * "Permission denied" naming it; checked in a child that is not root. */
static void test_error_no_permission(void **state) {
    const struct group *g = *state;
    struct child_case c = {.reason = "Permission denied", .drop_root = 1};
    assert_int_equal(chmod(g->root, 0755), 0); /* let the child in */
    make_tree_with(g, "no-permission", c.dir, c.bad, "x.png");
    static const uint8_t red[3] = {255, 0, 0};
    assert_int_equal(fixture_write_solid(c.bad, 4, 4, red[0], red[1], red[2]), 0);
    assert_int_equal(chmod(c.bad, 0), 0);
    test_returns_in_time(refused_in_child, &c, 10, "catlr_dataset_load_dir");
}

// ----------------------------------------------------------------------------
// Threads.

/* A tree of n_cat + n_dog images, each of its own colour and of one of
 * several sizes (so that decoding times differ and threads finish out of
 * order); image i (in X's order) has colour (i, 255 - i, 7i). */
static void make_many(const struct group *g, const char *name, size_t n_cat,
                      size_t n_dog, path_buf dir) {
    static const uint32_t sides[4] = {1, 64, 5, 130};
    make_tree(g, name, dir);
    make_dir(dir, "cat");
    make_dir(dir, "dog");
    for (size_t i = 0; i < n_cat + n_dog; i++) {
        path_buf p;
        char file[64];
        snprintf(file, sizeof file, "%s/img%03zu.png", i < n_cat ? "cat" : "dog", i);
        join(p, dir, file);
        uint32_t side = sides[i % 4];
        assert_int_equal(fixture_write_solid(p, side, side, (uint8_t)i, (uint8_t)(255 - i),
                                             (uint8_t)(7 * i)),
                         0);
    }
}

/* Ensure any thread count (1, 2, 3, 8, and 0 for all cores) gives the
 * same m, paths, labels and X byte for byte, in the same order. */
static void test_threads_same_result(void **state) {
    const struct group *g = *state;
    path_buf dir;
    make_many(g, "threads", 37, 26, dir);
    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.threads = 1;
    catlr_dataset *one = load_with(dir, &opts);
    assert_int_equal(catlr_dataset_count(one), 63);
    for (size_t j = 0; j < 63; j++) {
        const uint8_t rgb[3] = {(uint8_t)j, (uint8_t)(255 - j), (uint8_t)(7 * j)};
        assert_column(one, j, rgb);
    }
    static const int counts[] = {2, 3, 8, 0};
    for (size_t t = 0; t < sizeof counts / sizeof counts[0]; t++) {
        opts.threads = counts[t];
        catlr_dataset *many = load_with(dir, &opts);
        assert_int_equal(catlr_dataset_count(many), 63);
        assert_memory_equal(catlr_dataset_pixels(many), catlr_dataset_pixels(one),
                            63 * CATLR_N_X);
        assert_memory_equal(catlr_dataset_labels(many), catlr_dataset_labels(one), 63);
        for (size_t j = 0; j < 63; j++)
            assert_string_equal(catlr_dataset_path(many, j), catlr_dataset_path(one, j));
        assert_int_equal(catlr_dataset_class_count(many, 0), 37);
        catlr_dataset_free(many);
    }
    catlr_dataset_free(one);
}

/* Ensure that with several bad images the first in X's order is the one
 * reported, whatever the threads' timing: three bad files among 60 good
 * ones, loaded 20 times on 4 threads. */
static void test_threads_first_error(void **state) {
    const struct group *g = *state;
    path_buf dir, first;
    make_many(g, "threads-bad", 40, 20, dir);
    make_text(dir, "cat/img009x.png", "junk");
    make_text(dir, "cat/img030x.png", "");
    make_text(dir, "dog/img055x.png", "junk");
    join(first, dir, "cat/img009x.png");
    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.threads = 4;
    for (int round = 0; round < 20; round++) {
        catlr_dataset *ds = NULL;
        catlr_error err = {{0}, {0}};
        assert_int_equal(catlr_dataset_load(dir, &opts, &ds, &err), CATLR_ERR_FORMAT);
        assert_null(ds);
        assert_string_equal(err.path, first);
        assert_string_equal(err.reason, "not a PNG or JPEG file");
    }
}

// ----------------------------------------------------------------------------
// Skipping bad images.

/* on_skip's record: each skipped image's path and reason, in call order. */
struct skip_log {
    size_t count;
    char paths[16][CATLR_ERROR_PATH_MAX];
    char reasons[16][CATLR_ERROR_REASON_MAX];
};

static void record_skip(void *user, const catlr_error *err) {
    struct skip_log *log = user;
    assert_true(log->count < 16);
    strcpy(log->paths[log->count], err->path);
    strcpy(log->reasons[log->count], err->reason);
    log->count++;
}

/* cat/: good a.png, then every kind of bad image, then good z.png;
 * dog/: bad m.png, good n.png. The bad ones and their reasons, in X's
 * order, go into the table below. */
static const struct {
    const char *file, *reason;
} BAD_FILES[] = {
    {"cat/b.png", "not a PNG or JPEG file"},           /* text */
    {"cat/c.png", "not a PNG or JPEG file"},           /* zero bytes */
    {"cat/d.png", NULL},                       /* truncated: libpng's message */
    {"cat/e.png", "is a folder, not a file"},  /* folder */
    {"cat/f.png", "No such file or directory"}, /* dangling link */
    {"cat/g.png", "not a regular file"},       /* fifo */
    {"cat/h.png", "not a regular file"},       /* socket */
    {"cat/i.png", "Input/output error"},       /* read fails */
    {"dog/m.png", "image has no pixels"},      /* width 0 */
};

static void make_bad_files(const char *dir, path_buf good, int *sock) {
    path_buf p, target;
    join(p, dir, "cat/b.png");
    test_write_file(p, "hello\n", 6);
    join(p, dir, "cat/c.png");
    test_write_file(p, "", 0);
    join(p, dir, "cat/d.png");
    assert_int_equal(fixture_truncate_copy(good, p, 40), 0);
    join(p, dir, "cat/e.png");
    test_mkdir(p);
    join(p, dir, "cat/f.png");
    join(target, dir, "nowhere.png");
    assert_int_equal(symlink(target, p), 0);
    join(p, dir, "cat/g.png");
    assert_int_equal(mkfifo(p, 0600), 0);
    join(p, dir, "cat/h.png");
    *sock = make_socket(p);
    join(p, dir, "cat/i.png");
    assert_int_equal(symlink("/proc/self/mem", p), 0);
    /* a PNG whose IHDR says width 0 (and whose CRC still matches) */
    size_t size;
    unsigned char *png = test_read_file(good, &size);
    memset(png + 16, 0, 4);
    join(p, dir, "dog/m.png");
    test_write_file(p, png, size);
    free(png);
}

/* Ensure skip_bad leaves out every kind of bad image, reports each once
 * through on_skip in X's order with its path and reason, and keeps the
 * good ones in order with the right labels and class counts; and that the
 * same tree without skip_bad fails. */
static void test_skip_bad(void **state) {
    const struct group *g = *state;
    static const uint8_t c1[3] = {1, 1, 1}, c2[3] = {2, 2, 2}, c3[3] = {3, 3, 3};
    path_buf dir, cat, dog, good;
    make_cat_dog(g, "skip-bad", dir, cat, dog);
    make_png(cat, "a.png", c1);
    make_png(cat, "z.png", c2);
    make_png(dog, "n.png", c3);
    join(good, cat, "a.png");
    int sock;
    make_bad_files(dir, good, &sock);

    struct skip_log log = {0};
    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.skip_bad = 1;
    opts.on_skip = record_skip;
    opts.user = &log;
    catlr_dataset *ds = load_with(dir, &opts);
    size_t n_bad = sizeof BAD_FILES / sizeof BAD_FILES[0];
    assert_int_equal(log.count, n_bad);
    for (size_t k = 0; k < n_bad; k++) {
        path_buf want;
        join(want, dir, BAD_FILES[k].file);
        assert_string_equal(log.paths[k], want);
        if (BAD_FILES[k].reason != NULL)
            assert_string_equal(log.reasons[k], BAD_FILES[k].reason);
        assert_true(log.reasons[k][0] != '\0');
    }
    assert_int_equal(catlr_dataset_count(ds), 3);
    assert_int_equal(catlr_dataset_class_count(ds, 0), 2);
    assert_int_equal(catlr_dataset_class_count(ds, 1), 1);
    static const char *const kept[3] = {"cat/a.png", "cat/z.png", "dog/n.png"};
    const uint8_t *const colours[3] = {c1, c2, c3};
    for (size_t j = 0; j < 3; j++) {
        path_buf want;
        join(want, dir, kept[j]);
        assert_string_equal(catlr_dataset_path(ds, j), want);
        assert_column(ds, j, colours[j]);
        assert_int_equal(catlr_dataset_labels(ds)[j], j < 2);
    }
    catlr_dataset_free(ds);

    /* without skip_bad, the entries that are not files stop the scan */
    catlr_error err;
    ds = (catlr_dataset *)(void *)dir;
    assert_int_equal(catlr_dataset_load_dir(dir, "cat", &ds, &err), CATLR_ERR_IO);
    assert_null(ds);
    close(sock);
}

/* Ensure skip_bad still fails, with CATLR_ERR_DATA naming the class folder
 * and saying how many images it had, when every image of a class is bad;
 * and that on_skip may be NULL. */
static void test_skip_bad_class_emptied(void **state) {
    const struct group *g = *state;
    static const uint8_t red[3] = {255, 0, 0};
    path_buf dir, cat, dog;
    make_cat_dog(g, "skip-emptied", dir, cat, dog);
    make_png(cat, "a.png", red);
    make_text(dog, "x.png", "junk");
    make_text(dog, "y.png", "");
    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.skip_bad = 1;
    catlr_dataset *ds = (catlr_dataset *)(void *)dir;
    catlr_error err = {{0}, {0}};
    assert_int_equal(catlr_dataset_load(dir, &opts, &ds, &err), CATLR_ERR_DATA);
    assert_null(ds);
    assert_string_equal(err.path, dog);
    assert_string_equal(err.reason, "none of its 2 images could be read");
}

// ----------------------------------------------------------------------------
// Shards.

/* Load shard index of count of dir, which must succeed. */
static catlr_dataset *load_shard(const char *dir, size_t index, size_t count) {
    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.shard_index = index;
    opts.shard_count = count;
    return load_with(dir, &opts);
}

/* Ensure the shards of the order tree (5 cats, then 2 non-cats), for 1 to
 * 9 shards, are contiguous runs of the whole folder's columns: shard k of
 * n holds examples [7k/n, 7(k+1)/n) (for n = 3: 0-1, 2-3, 4-6), each with
 * its path, colour and label, and class counts that add up to 5 and 2; with
 * more shards than images some are empty (m = 0) but still know the
 * folder's counts, 5 and 2. */
static void test_shards_cover_the_folder(void **state) {
    const struct group *g = *state;
    path_buf dir;
    make_order_tree(g, "shards", dir);
    for (size_t n = 1; n <= 9; n++) {
        size_t next = 0, cats = 0, others = 0;
        for (size_t k = 0; k < n; k++) {
            catlr_dataset *ds = load_shard(dir, k, n);
            size_t m = catlr_dataset_count(ds);
            assert_int_equal(next, k * 7 / n);
            assert_int_equal(m, (k + 1) * 7 / n - k * 7 / n);
            assert_int_equal(catlr_dataset_folder_count(ds, 0), 5);
            assert_int_equal(catlr_dataset_folder_count(ds, 1), 2);
            for (size_t j = 0; j < m; j++, next++) {
                path_buf want;
                uint8_t rgb[3];
                join(want, dir, ORDER_PATHS[next]);
                assert_string_equal(catlr_dataset_path(ds, j), want);
                colour_of(ORDER_COLOURS[next], rgb);
                assert_column(ds, j, rgb);
                assert_int_equal(catlr_dataset_labels(ds)[j], next < 5);
            }
            assert_int_equal(catlr_dataset_class_count(ds, 0) + catlr_dataset_class_count(ds, 1),
                             m);
            cats += catlr_dataset_class_count(ds, 0);
            others += catlr_dataset_class_count(ds, 1);
            catlr_dataset_free(ds);
        }
        assert_int_equal(next, 7);
        assert_int_equal(cats, 5);
        assert_int_equal(others, 2);
    }
}

/* Ensure a bad image fails only the shard that holds it, naming it, and
 * that a folder named like an image is refused by its shard's decoding
 * ("is a folder, not a file") rather than by every shard's scan. In a tree
 * of cat/{a,b}.png and dog/{c,d.png}, where dog/c.png is text and
 * dog/d.png a folder, two shards are cat/ and dog/. */
static void test_shard_errors_stay_in_their_shard(void **state) {
    const struct group *g = *state;
    static const uint8_t red[3] = {255, 0, 0};
    path_buf dir, cat, dog, bad, folder;
    make_cat_dog(g, "shard-bad", dir, cat, dog);
    make_png(cat, "a.png", red);
    make_png(cat, "b.png", red);
    make_text(dog, "c.png", "junk");
    join(bad, dog, "c.png");
    join(folder, dog, "d.png");
    test_mkdir(folder);
    catlr_dataset *ds = load_shard(dir, 0, 2);
    assert_int_equal(catlr_dataset_count(ds), 2);
    catlr_dataset_free(ds);

    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.shard_index = 1;
    opts.shard_count = 2;
    catlr_error err = {{0}, {0}};
    ds = (catlr_dataset *)(void *)dir;
    assert_int_equal(catlr_dataset_load(dir, &opts, &ds, &err), CATLR_ERR_FORMAT);
    assert_null(ds);
    assert_string_equal(err.path, bad);
    /* with skip_bad the shard keeps no image of its one class, which is
     * not its error to report: the other shard has that class's images */
    opts.skip_bad = 1;
    ds = load_with(dir, &opts);
    assert_int_equal(catlr_dataset_count(ds), 0);
    assert_int_equal(catlr_dataset_class_count(ds, 1), 0);
    assert_int_equal(catlr_dataset_folder_count(ds, 1), 2);
    catlr_dataset_free(ds);
    /* the last of four shards holds only the folder */
    opts.skip_bad = 0;
    opts.shard_index = 3;
    opts.shard_count = 4;
    assert_int_equal(catlr_dataset_load(dir, &opts, &ds, &err), CATLR_ERR_IO);
    assert_string_equal(err.path, folder);
    assert_string_equal(err.reason, "is a folder, not a file");
}

/* Ensure a shard index that is not below the count is CATLR_ERR_ARG, for
 * a count of 0 or 1 (the whole folder: index 0 only) and of 3. */
static void test_shard_out_of_range(void **state) {
    const struct group *g = *state;
    path_buf dir;
    join(dir, g->root, "no-such-folder"); /* checked before it is read */
    const size_t cases[3][2] = {{1, 0}, {1, 1}, {3, 3}};
    for (size_t c = 0; c < 3; c++) {
        catlr_dataset_opts opts = catlr_dataset_defaults();
        opts.shard_index = cases[c][0];
        opts.shard_count = cases[c][1];
        catlr_dataset *ds = (catlr_dataset *)(void *)dir;
        catlr_error err = {{0}, {0}};
        assert_int_equal(catlr_dataset_load(dir, &opts, &ds, &err), CATLR_ERR_ARG);
        assert_null(ds);
        assert_true(err.reason[0] != '\0');
    }
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
        cmocka_unit_test(test_folder_errors),
        cmocka_unit_test(test_error_fifo),
        cmocka_unit_test(test_error_no_permission),
        cmocka_unit_test(test_threads_same_result),
        cmocka_unit_test(test_threads_first_error),
        cmocka_unit_test(test_skip_bad),
        cmocka_unit_test(test_skip_bad_class_emptied),
        cmocka_unit_test(test_shards_cover_the_folder),
        cmocka_unit_test(test_shard_errors_stay_in_their_shard),
        cmocka_unit_test(test_shard_out_of_range),
        cmocka_unit_test(test_error_null_err),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
