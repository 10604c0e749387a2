/* h5.c: the course's HDF5 files -> pixels, labels and class names (see
 * include/catlr/h5.h). The only file that includes <hdf5.h>.
 *
 * catlr does not link HDF5: libhdf5 pulls in some fifty shared libraries
 * (libcurl, OpenSSL, Kerberos, LDAP...), whose loading would be most of the
 * start-up time of every command, `catlr predict` included. Each load
 * dlopens the library found at build time (CATLR_HDF5_LIBRARY, its SONAME)
 * and looks up the functions below into a struct the load owns; the
 * headers still give every type and prototype.
 *
 * Every dataset is checked (type class, element size, sign, rank, every
 * dimension) before anything is read, so a wrong file is refused with a
 * reason that names the dataset rather than with an HDF5 error stack. */
#define _GNU_SOURCE /* RTLD_DEFAULT */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catlr/dataset.h"
#include "catlr/h5.h"
#include "catlr/image.h"
#include "h5_library.h"
#include "base/dl.h"
#include "base/internal.h"
#include "base/large_alloc.h"

void catlr_h5_free(catlr_h5_set *set) {
    if (set == NULL)
        return;
    free(set->x);
    free(set->y);
    free(set->class_names[0]);
    free(set->class_names[1]);
    memset(set, 0, sizeof *set);
}

/* The 8 bytes every HDF5 file starts with (when it has no user block). */
static const unsigned char SIGNATURE[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

static int has_signature(const char *path) {
    unsigned char head[sizeof SIGNATURE];
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return 0;
    int yes = fread(head, 1, sizeof head, fp) == sizeof head &&
              memcmp(head, SIGNATURE, sizeof head) == 0;
    fclose(fp);
    return yes;
}

#if CATLR_HAVE_HDF5

#include <dlfcn.h>
#include <hdf5.h>

/* Some of HDF5's constants (H5F_ACC_RDONLY) are macros that call H5open()
 * and H5check() first, which would link HDF5; load_library calls H5open
 * itself, before any of them is used, so they can be plain numbers. */
#undef H5OPEN
#define H5OPEN
#undef H5CHECK
#define H5CHECK

// ----------------------------------------------------------------------------
// The HDF5 library, loaded for one catlr_h5_load.

/* Every HDF5 function this file calls. Each becomes a member of h5_library
 * of the function's own type (so calls are checked against hdf5.h), named
 * as the function, and is looked up under that name. */
#define H5_FUNCTIONS(X)                                                        \
    X(H5open) X(H5Eget_auto2) X(H5Eset_auto2) X(H5Fopen) X(H5Fclose)            \
    X(H5Gget_info) X(H5Lexists) X(H5Lget_name_by_idx) X(H5Dopen2) X(H5Dclose)   \
    X(H5Dget_type) X(H5Dget_space) X(H5Dread) X(H5Sget_simple_extent_ndims)     \
    X(H5Sget_simple_extent_dims) X(H5Sclose) X(H5Tget_class) X(H5Tget_size)     \
    X(H5Tget_sign) X(H5Tis_variable_str) X(H5Tcopy) X(H5Tset_size)              \
    X(H5Tset_strpad) X(H5Tclose) X(H5Screate_simple) X(H5Sselect_hyperslab)      \
    X(H5Fcreate) X(H5Dcreate2)                                                  \
    X(H5Dwrite) X(H5Dget_storage_size)

typedef struct h5_library {
    void *handle; /* from dlopen, NULL when not loaded */
#define H5_MEMBER(f) __typeof__(f) *f;
    H5_FUNCTIONS(H5_MEMBER)
#undef H5_MEMBER
    /* H5T_NATIVE_UINT8, H5T_NATIVE_INT64 and H5T_C_S1 are macros over these
     * globals of the library, which hold their ids once H5open has run. */
    hid_t native_uint8, native_int64, c_s1;
    /* and for writing: H5T_STD_U8LE, H5T_STD_I64LE */
    hid_t std_u8le, std_i64le;
} h5_library;

/* The value of the hid_t global name, which H5open has set. A program
 * that links HDF5 itself and uses these macros has its own copy of each
 * such global (a copy relocation), which HDF5 then sets while the
 * library's own stays as it was: so the definition the whole process sees,
 * when there is one, is the one in use, and the library's otherwise. */
static catlr_status read_type_id(const h5_library *lib, const char *library, const char *name,
                                 hid_t *id, const char *path, catlr_error *err) {
    const hid_t *global = dlsym(RTLD_DEFAULT, name);
    dlerror();
    if (global == NULL)
        global = dlsym(lib->handle, name);
    if (global == NULL)
        return catlr_fail(err, CATLR_ERR_UNSUPPORTED, path, "%s has no %s: %s", library, name,
                          catlr_dl_reason(library));
    *id = *global;
    return CATLR_OK;
}

static void close_library(h5_library *lib) {
    if (lib->handle != NULL)
        dlclose(lib->handle);
    memset(lib, 0, sizeof *lib);
}

/* dlopen library into *lib, look up every function, start HDF5 and read
 * the type ids. Fails with CATLR_ERR_UNSUPPORTED naming library and
 * dlerror's reason, *lib closed. */
static catlr_status load_library(const char *library, h5_library *lib, const char *path,
                                 catlr_error *err) {
    memset(lib, 0, sizeof *lib);
    catlr_status st =
        catlr_dl_open(library, RTLD_NOW | RTLD_LOCAL, "HDF5", &lib->handle, path, err);
    if (st != CATLR_OK)
        return st;
#define H5_LOOK_UP(f)                                                          \
    CATLR_ASSERT(sizeof lib->f == sizeof(void *));                             \
    if (st == CATLR_OK)                                                        \
        st = catlr_dl_function(lib->handle, library,                           \
                               &(catlr_dl_symbol){H5_NAME(f), &lib->f, sizeof lib->f}, path, err);
#define H5_NAME(f) #f /* of f once expanded, as the member's name is */
    H5_FUNCTIONS(H5_LOOK_UP)
#undef H5_NAME
#undef H5_LOOK_UP
    if (st == CATLR_OK && lib->H5open() < 0)
        st = catlr_fail(err, CATLR_ERR_UNSUPPORTED, path, "%s: H5open failed", library);
    if (st == CATLR_OK)
        st = read_type_id(lib, library, "H5T_NATIVE_UINT8_g", &lib->native_uint8, path, err);
    if (st == CATLR_OK)
        st = read_type_id(lib, library, "H5T_NATIVE_INT64_g", &lib->native_int64, path, err);
    if (st == CATLR_OK)
        st = read_type_id(lib, library, "H5T_C_S1_g", &lib->c_s1, path, err);
    if (st == CATLR_OK)
        st = read_type_id(lib, library, "H5T_STD_U8LE_g", &lib->std_u8le, path, err);
    if (st == CATLR_OK)
        st = read_type_id(lib, library, "H5T_STD_I64LE_g", &lib->std_i64le, path, err);
    if (st != CATLR_OK)
        close_library(lib);
    return st;
}

// ----------------------------------------------------------------------------
// Reading.

enum { MAX_RANK = 4, NAME_MAX_BYTES = 255 };

typedef struct reader {
    const h5_library *h5;
    hid_t file;
    const char *path;
    catlr_error *err;
    char x_name[256], y_name[256]; /* the *_set_x and *_set_y found */
} reader;

typedef struct dataset {
    hid_t id, type;
    int rank;
    hsize_t dims[MAX_RANK];
} dataset;

static void close_dataset(const reader *r, dataset *d) {
    if (d->type >= 0)
        r->h5->H5Tclose(d->type);
    if (d->id >= 0)
        r->h5->H5Dclose(d->id);
    d->id = d->type = -1;
}

// ----------------------------------------------------------------------------
// Finding the datasets by name.

static int ends_with(const char *s, const char *ending) {
    size_t n = strlen(s), e = strlen(ending);
    return n > e && strcmp(s + n - e, ending) == 0;
}

/* Remember name in slot (the *_set_x or *_set_y name); a second one is an
 * error, since we could not tell which is meant. */
static catlr_status take_name(const reader *r, char *slot, size_t slot_size, const char *name,
                              const char *pattern) {
    if (slot[0] != '\0')
        return catlr_fail(r->err, CATLR_ERR_FORMAT, r->path,
                          "two datasets named *%s: %s and %s", pattern, slot, name);
    if (strlen(name) >= slot_size)
        return catlr_fail(r->err, CATLR_ERR_FORMAT, r->path, "dataset name too long");
    strcpy(slot, name);
    return CATLR_OK;
}

/* Look through the root group's links for *_set_x and *_set_y. */
static catlr_status find_names(reader *r) {
    H5G_info_t info;
    if (r->h5->H5Gget_info(r->file, &info) < 0)
        return catlr_fail(r->err, CATLR_ERR_FORMAT, r->path, "cannot list the root group");
    catlr_status st = CATLR_OK;
    for (hsize_t k = 0; st == CATLR_OK && k < info.nlinks; k++) {
        char name[512];
        ssize_t n = r->h5->H5Lget_name_by_idx(r->file, ".", H5_INDEX_NAME, H5_ITER_INC, k,
                                              name, sizeof name, H5P_DEFAULT);
        if (n < 0 || (size_t)n >= sizeof name)
            continue; /* not one of ours: those names are short */
        if (ends_with(name, "_set_x"))
            st = take_name(r, r->x_name, sizeof r->x_name, name, "_set_x");
        else if (ends_with(name, "_set_y"))
            st = take_name(r, r->y_name, sizeof r->y_name, name, "_set_y");
    }
    if (st == CATLR_OK && r->x_name[0] == '\0')
        st = catlr_fail(r->err, CATLR_ERR_FORMAT, r->path, "no dataset named *_set_x");
    if (st == CATLR_OK && r->y_name[0] == '\0')
        st = catlr_fail(r->err, CATLR_ERR_FORMAT, r->path, "no dataset named *_set_y");
    return st;
}

// ----------------------------------------------------------------------------
// Opening one dataset and checking its type and shape.

static const char *class_word(H5T_class_t c) {
    switch (c) {
    case H5T_INTEGER: return "integers";
    case H5T_FLOAT: return "floating-point numbers";
    case H5T_STRING: return "strings";
    default: return "neither numbers nor strings";
    }
}

/* Open dataset name, holding values of type class want, with rank dims
 * (rank 0: any rank up to MAX_RANK, which the caller checks). */
static catlr_status open_dataset(const reader *r, const char *name, H5T_class_t want,
                                 int rank, dataset *d) {
    d->id = d->type = -1;
    if (r->h5->H5Lexists(r->file, name, H5P_DEFAULT) <= 0)
        return catlr_fail(r->err, CATLR_ERR_FORMAT, r->path, "no dataset named %s", name);
    d->id = r->h5->H5Dopen2(r->file, name, H5P_DEFAULT);
    if (d->id < 0)
        return catlr_fail(r->err, CATLR_ERR_FORMAT, r->path, "%s is not a dataset", name);
    d->type = r->h5->H5Dget_type(d->id);
    hid_t space = r->h5->H5Dget_space(d->id);
    d->rank = space >= 0 ? r->h5->H5Sget_simple_extent_ndims(space) : -1;
    /* the sizes are used only when the library reports them: a failure
     * here makes the rank unusable rather than leave dims unset */
    if (d->rank >= 1 && d->rank <= MAX_RANK &&
        r->h5->H5Sget_simple_extent_dims(space, d->dims, NULL) != d->rank)
        d->rank = -1;
    if (space >= 0)
        r->h5->H5Sclose(space);
    if (d->type < 0 || d->rank < 0)
        return catlr_fail(r->err, CATLR_ERR_FORMAT, r->path, "cannot read %s", name);
    H5T_class_t got = r->h5->H5Tget_class(d->type);
    if (got != want)
        return catlr_fail(r->err, CATLR_ERR_FORMAT, r->path, "%s holds %s, not %s", name,
                          class_word(got), class_word(want));
    if (rank != 0 && d->rank != rank)
        return catlr_fail(r->err, CATLR_ERR_SHAPE, r->path, "%s has %d dimensions, not %d",
                          name, d->rank, rank);
    return CATLR_OK;
}

// ----------------------------------------------------------------------------
// The three datasets.

/* Open x and check it: uint8 (m, H, W, 3), m >= 1, the sides within the
 * caps of image files, and (unless any_size) H = W = 64; *shape gets m, H,
 * W. Every size a reader allocates from is checked here, against the
 * caps and against size_t. */
static catlr_status open_x(const reader *r, int any_size, dataset *d, size_t shape[3]) {
    catlr_status st = open_dataset(r, r->x_name, H5T_INTEGER, 4, d);
    size_t size = st == CATLR_OK ? r->h5->H5Tget_size(d->type) : 0;
    H5T_sign_t sign = st == CATLR_OK ? r->h5->H5Tget_sign(d->type) : H5T_SGN_ERROR;
    if (st == CATLR_OK && (size != 1 || sign != H5T_SGN_NONE))
        st = catlr_fail(r->err, CATLR_ERR_FORMAT, r->path,
                        "%s holds %zu-byte %s integers, not uint8", r->x_name, size,
                        sign == H5T_SGN_NONE ? "unsigned" : "signed");
    const hsize_t *dims = d->dims;
    int sides_ok = any_size ? dims[1] >= 1 && dims[2] >= 1
                            : dims[1] == CATLR_HEIGHT && dims[2] == CATLR_WIDTH;
    if (st == CATLR_OK && (dims[0] < 1 || !sides_ok || dims[3] != CATLR_CHANNELS))
        st = catlr_fail(r->err, CATLR_ERR_SHAPE, r->path,
                        "%s is %llu x %llu x %llu x %llu, not m x %s x 3", r->x_name,
                        (unsigned long long)dims[0], (unsigned long long)dims[1],
                        (unsigned long long)dims[2], (unsigned long long)dims[3],
                        any_size ? "H x W" : "64 x 64");
    if (st == CATLR_OK &&
        (dims[1] > CATLR_IMAGE_MAX_SIDE || dims[2] > CATLR_IMAGE_MAX_SIDE ||
         dims[1] * dims[2] > CATLR_IMAGE_MAX_PIXELS))
        st = catlr_fail(r->err, CATLR_ERR_SHAPE, r->path,
                        "%s holds %llu x %llu images, over the cap of %u pixels a side "
                        "and %lu in all",
                        r->x_name, (unsigned long long)dims[1], (unsigned long long)dims[2],
                        (unsigned)CATLR_IMAGE_MAX_SIDE, (unsigned long)CATLR_IMAGE_MAX_PIXELS);
    if (st == CATLR_OK && dims[0] > SIZE_MAX / CATLR_N_X)
        st = catlr_fail(r->err, CATLR_ERR_SHAPE, r->path, "%s has too many images", r->x_name);
    if (st == CATLR_OK) {
        shape[0] = (size_t)dims[0];
        shape[1] = (size_t)dims[1];
        shape[2] = (size_t)dims[2];
    }
    return st;
}

/* x: uint8 (m, 64, 64, 3), read whole as stored. */
static catlr_status read_x(const reader *r, catlr_h5_set *set) {
    dataset d;
    size_t shape[3];
    catlr_status st = open_x(r, 0, &d, shape);
    if (st == CATLR_OK) {
        set->m = shape[0];
        set->x = catlr_alloc_large(set->m * CATLR_N_X);
        if (set->x == NULL)
            st = catlr_fail(r->err, CATLR_ERR_NOMEM, r->path, "cannot allocate %zu images",
                            set->m);
    }
    if (st == CATLR_OK &&
        r->h5->H5Dread(d.id, r->h5->native_uint8, H5S_ALL, H5S_ALL, H5P_DEFAULT, set->x) < 0)
        st = catlr_fail(r->err, CATLR_ERR_FORMAT, r->path, "cannot read %s", r->x_name);
    close_dataset(r, &d);
    return st;
}

/* y: m integers, each 0 or 1, of shape (m) or (1, m) (numpy's row of
 * labels), into y (m bytes); read as int64 whatever the stored width (the
 * course stores int64). */
static catlr_status read_labels(const reader *r, size_t m, uint8_t **out) {
    dataset d;
    catlr_status st = open_dataset(r, r->y_name, H5T_INTEGER, 0, &d);
    int row = st == CATLR_OK && d.rank == 2 && d.dims[0] == 1;
    hsize_t count = row ? d.dims[1] : d.dims[0];
    if (st == CATLR_OK && d.rank != 1 && !row)
        st = catlr_fail(r->err, CATLR_ERR_SHAPE, r->path, "%s has %d dimensions, not 1",
                        r->y_name, d.rank);
    if (st == CATLR_OK && count != m)
        st = catlr_fail(r->err, CATLR_ERR_SHAPE, r->path, "%s has %llu labels for %zu images",
                        r->y_name, (unsigned long long)count, m);
    int64_t *labels = st == CATLR_OK ? malloc(m * sizeof *labels) : NULL;
    uint8_t *y = st == CATLR_OK ? malloc(m) : NULL;
    if (st == CATLR_OK && (labels == NULL || y == NULL))
        st = catlr_fail(r->err, CATLR_ERR_NOMEM, r->path, "cannot allocate %zu labels", m);
    if (st == CATLR_OK &&
        r->h5->H5Dread(d.id, r->h5->native_int64, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels) < 0)
        st = catlr_fail(r->err, CATLR_ERR_FORMAT, r->path, "cannot read %s", r->y_name);
    for (size_t j = 0; st == CATLR_OK && j < m; j++) {
        if (labels[j] != 0 && labels[j] != 1)
            st = catlr_fail(r->err, CATLR_ERR_DATA, r->path, "%s[%zu] is %lld, not 0 or 1",
                            r->y_name, j, (long long)labels[j]);
        else
            y[j] = (uint8_t)labels[j];
    }
    free(labels);
    close_dataset(r, &d);
    if (st == CATLR_OK)
        *out = y;
    else
        free(y);
    return st;
}

static catlr_status read_y(const reader *r, catlr_h5_set *set) {
    return read_labels(r, set->m, &set->y);
}

/* A class name becomes a folder that the data set loader then reads: not
 * empty, no '/', not hidden (the loader skips names starting with '.'). */
static catlr_status check_class_name(const reader *r, const char *name) {
    if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL ||
        strlen(name) > NAME_MAX_BYTES)
        return catlr_fail(r->err, CATLR_ERR_DATA, r->path,
                          "list_classes holds '%s', which cannot be a folder's name", name);
    return CATLR_OK;
}

/* list_classes: two fixed-length strings, into names (each to free). */
static catlr_status read_classes(const reader *r, char *names[2]) {
    dataset d;
    catlr_status st = open_dataset(r, "list_classes", H5T_STRING, 1, &d);
    if (st == CATLR_OK && d.dims[0] != 2)
        st = catlr_fail(r->err, CATLR_ERR_SHAPE, r->path,
                        "list_classes holds %llu names, not 2", (unsigned long long)d.dims[0]);
    if (st == CATLR_OK && r->h5->H5Tis_variable_str(d.type) != 0)
        st = catlr_fail(r->err, CATLR_ERR_FORMAT, r->path,
                        "list_classes holds variable-length strings; catlr reads fixed-length "
                        "ones, as the course's files have");
    /* Read into strings one byte longer than stored, NUL-terminated by
     * HDF5's conversion, whatever padding the file uses. */
    size_t width = st == CATLR_OK ? r->h5->H5Tget_size(d.type) + 1 : 0;
    char *text = st == CATLR_OK ? calloc(2, width) : NULL;
    hid_t memtype = st == CATLR_OK ? r->h5->H5Tcopy(r->h5->c_s1) : -1;
    if (st == CATLR_OK && text == NULL)
        st = catlr_fail(r->err, CATLR_ERR_NOMEM, r->path, "cannot allocate class names");
    if (st == CATLR_OK && (memtype < 0 || r->h5->H5Tset_size(memtype, width) < 0 ||
                           r->h5->H5Tset_strpad(memtype, H5T_STR_NULLTERM) < 0 ||
                           r->h5->H5Dread(d.id, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, text) < 0))
        st = catlr_fail(r->err, CATLR_ERR_FORMAT, r->path, "cannot read list_classes");
    for (int k = 0; st == CATLR_OK && k < 2; k++) {
        st = check_class_name(r, text + k * width);
        if (st == CATLR_OK && (names[k] = strdup(text + k * width)) == NULL)
            st = catlr_fail(r->err, CATLR_ERR_NOMEM, r->path, "cannot allocate class names");
    }
    if (st == CATLR_OK && strcmp(names[0], names[1]) == 0)
        st = catlr_fail(r->err, CATLR_ERR_DATA, r->path, "list_classes names '%s' twice",
                        names[0]);
    if (memtype >= 0)
        r->h5->H5Tclose(memtype);
    free(text);
    close_dataset(r, &d);
    return st;
}

static catlr_status read_all(reader *r, void *out) {
    catlr_h5_set *set = out;
    catlr_status st = find_names(r);
    if (st == CATLR_OK)
        st = read_x(r, set);
    if (st == CATLR_OK)
        st = read_y(r, set);
    if (st == CATLR_OK)
        st = read_classes(r, set->class_names);
    return st;
}

// ----------------------------------------------------------------------------
// One shard of a file, as a data set: the rows of its own images only.

/* Images read by one H5Dread: about 4 MiB, so that the stored pixels of a
 * block are still in the cache when they are made planar. */
enum { BLOCK_BYTES = 4 << 20 };

/* 64x64 interleaved RGB to planar: image_resample.c's copy, but written
 * as three output streams so that GCC vectorises it (at -O2 it would not),
 * which makes it several times faster: this is most of a load's work. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("tree-vectorize")))
#endif
static void deinterleave(const uint8_t *restrict rgb, uint8_t *restrict px) {
    enum { PLANE = CATLR_HEIGHT * CATLR_WIDTH };
    uint8_t *restrict red = px, *restrict green = px + PLANE, *restrict blue = px + 2 * PLANE;
    for (size_t k = 0; k < PLANE; k++) {
        red[k] = rgb[3 * k];
        green[k] = rgb[3 * k + 1];
        blue[k] = rgb[3 * k + 2];
    }
}

/* n stored images of buf (shape[1] x shape[2] RGB each) into the columns
 * of X, on threads threads when there is enough work to share. */
static void convert(const uint8_t *buf, const size_t shape[3], size_t n, int threads,
                    uint8_t *X) {
    const size_t per = shape[1] * shape[2] * CATLR_CHANNELS;
    const int is_64 = shape[1] == CATLR_HEIGHT && shape[2] == CATLR_WIDTH;
    const int n_threads = n >= 64 ? catlr_thread_count(threads) : 1;
    (void)n_threads; /* without OpenMP */
    CATLR_OMP(omp parallel for num_threads(n_threads) schedule(static) if (n_threads > 1))
    for (size_t i = 0; i < n; i++) {
        if (is_64)
            deinterleave(buf + i * per, X + i * CATLR_N_X);
        else
            catlr_image_from_rgb(buf + i * per, shape[2], shape[1], X + i * CATLR_N_X);
    }
}

/* Read the shard's images [s->first, s->first + s->m) of x (shape: m_all,
 * h, w) into s->X, made planar and resized as image files are, a block of
 * rows (a hyperslab) at a time. */
static catlr_status read_rows(const reader *r, const dataset *d, const size_t shape[3],
                              const catlr_h5_shard *s, int threads) {
    const size_t first = s->first, m = s->m;
    uint8_t *X = s->X;
    const size_t per = shape[1] * shape[2] * CATLR_CHANNELS;
    size_t block = BLOCK_BYTES / per;
    block = block < 1 ? 1 : block > m ? m : block;
    uint8_t *buf = malloc(block * per);
    hid_t space = r->h5->H5Dget_space(d->id);
    catlr_status st = CATLR_OK;
    if (buf == NULL)
        st = catlr_fail(r->err, CATLR_ERR_NOMEM, r->path, "cannot allocate %zu bytes",
                        block * per);
    else if (space < 0)
        st = catlr_fail(r->err, CATLR_ERR_FORMAT, r->path, "cannot read %s", r->x_name);
    for (size_t j0 = 0; st == CATLR_OK && j0 < m; j0 += block) {
        const size_t n = m - j0 < block ? m - j0 : block;
        const hsize_t start[4] = {first + j0, 0, 0, 0},
                      count[4] = {n, shape[1], shape[2], CATLR_CHANNELS};
        hid_t rows = r->h5->H5Screate_simple(4, count, NULL);
        int ok = rows >= 0 &&
                 r->h5->H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) >=
                     0 &&
                 r->h5->H5Dread(d->id, r->h5->native_uint8, rows, space, H5P_DEFAULT, buf) >= 0;
        if (rows >= 0)
            r->h5->H5Sclose(rows);
        if (!ok) {
            st = catlr_fail(r->err, CATLR_ERR_FORMAT, r->path,
                            "cannot read %s (images %zu to %zu): damaged or truncated",
                            r->x_name, first + j0, first + j0 + n - 1);
            break;
        }
        convert(buf, shape, n, threads, X + j0 * CATLR_N_X);
    }
    if (space >= 0)
        r->h5->H5Sclose(space);
    free(buf);
    return st;
}

/* Room for m columns of X (at least one, so that an empty shard is not
 * taken for a failed allocation), to free with free(). */
static uint8_t *alloc_pixels(size_t m) {
    return catlr_alloc_large((m > 0 ? m : 1) * CATLR_N_X);
}

typedef struct shard_request {
    catlr_h5_shard_request which;
    catlr_h5_shard *out;
} shard_request;

static catlr_status read_shard(reader *r, void *ctx) {
    const shard_request *q = ctx;
    catlr_h5_shard *s = q->out;
    dataset d = {.id = -1, .type = -1};
    size_t shape[3];
    catlr_status st = find_names(r);
    if (st == CATLR_OK)
        st = open_x(r, 1, &d, shape);
    /* the labels and names before the pixels: they are small, and a file
     * they make useless should not cost a read of every image first */
    /* a count no file of that size could hold (less than a byte an image,
     * which even compressed pixels take) is a damaged header: refused
     * before anything is allocated from it */
    hsize_t stored = st == CATLR_OK ? r->h5->H5Dget_storage_size(d.id) : 0;
    if (st == CATLR_OK && stored < shape[0])
        st = catlr_fail(r->err, CATLR_ERR_FORMAT, r->path,
                        "%s claims %zu images but stores %llu bytes: damaged or truncated",
                        r->x_name, shape[0], (unsigned long long)stored);
    if (st == CATLR_OK) {
        s->m_total = shape[0];
        st = read_labels(r, s->m_total, &s->all_labels);
    }
    if (st == CATLR_OK)
        st = read_classes(r, s->class_names);
    if (st == CATLR_OK) {
        s->first = q->which.index * s->m_total / q->which.count;
        s->m = (q->which.index + 1) * s->m_total / q->which.count - s->first;
        s->X = alloc_pixels(s->m);
        if (s->X == NULL)
            st = catlr_fail(r->err, CATLR_ERR_NOMEM, r->path, "cannot allocate %lu MiB for %zu images",
                            (unsigned long)(s->m * CATLR_N_X >> 20), s->m);
    }
    if (st == CATLR_OK && s->m > 0)
        st = read_rows(r, &d, shape, s, q->which.threads);
    if (d.id >= 0)
        close_dataset(r, &d);
    return st;
}

// ----------------------------------------------------------------------------
// Opening a file for a reader.

/* Open path with the HDF5 of library, run fn(reader, out), close. */
static catlr_status run_reader(const char *library, const char *path,
                               catlr_status (*fn)(reader *r, void *out), void *out,
                               catlr_error *err) {
    /* Our own open first, for the usual reasons (no such file, a folder, a
     * fifo) in the usual words; HDF5 would say only that it failed. */
    FILE *fp;
    catlr_status st = catlr_open_regular(path, &fp, NULL, err);
    if (st != CATLR_OK)
        return st;
    fclose(fp);
    h5_library h5;
    st = load_library(library, &h5, path, err);
    if (st != CATLR_OK)
        return st;
    /* HDF5 prints its error stack on stderr by default; we report in err
     * instead. The setting is the HDF5 library's, which may be loaded in
     * this process for someone else too, so put it back after. */
    H5E_auto2_t old_func;
    void *old_data;
    h5.H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
    h5.H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    reader r = {.h5 = &h5, .file = -1, .path = path, .err = err};
    r.file = h5.H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (r.file < 0)
        st = catlr_fail(err, CATLR_ERR_FORMAT, path,
                        has_signature(path) ? "a damaged or truncated HDF5 file"
                                            : "not an HDF5 file");
    else
        st = fn(&r, out);
    if (r.file >= 0)
        h5.H5Fclose(r.file);
    h5.H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
    close_library(&h5);
    return st;
}

catlr_status catlr_h5_load_using(const char *library, const char *path, catlr_h5_set *set,
                                 catlr_error *err) {
    CATLR_ASSERT(library != NULL && path != NULL && set != NULL);
    memset(set, 0, sizeof *set);
    catlr_status st = run_reader(library, path, read_all, set, err);
    if (st != CATLR_OK)
        catlr_h5_free(set);
    return st;
}

catlr_status catlr_h5_read_shard_using(const char *library, const char *path,
                                       const catlr_h5_shard_request *request,
                                       catlr_h5_shard *out, catlr_error *err) {
    CATLR_ASSERT(library != NULL && path != NULL && out != NULL && request != NULL &&
                 request->index < request->count);
    memset(out, 0, sizeof *out);
    shard_request q = {.which = *request, .out = out};
    catlr_status st = run_reader(library, path, read_shard, &q, err);
    if (st != CATLR_OK)
        catlr_h5_shard_free(out);
    return st;
}

// ----------------------------------------------------------------------------
// Writing a data set in the course's layout.

typedef struct writer {
    const h5_library *h5;
    hid_t file;
    const char *path; /* the file asked for, which errors name */
    catlr_error *err;
} writer;

/* Create dataset name of type, shape dims (rank), contiguous. The
 * dataset's id, or -1 after filling err. */
static hid_t create_dataset(const writer *w, const char *name, hid_t type, int rank,
                            const hsize_t *dims) {
    hid_t space = w->h5->H5Screate_simple(rank, dims, NULL);
    hid_t d = -1;
    if (space >= 0)
        d = w->h5->H5Dcreate2(w->file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (space >= 0)
        w->h5->H5Sclose(space);
    if (d < 0)
        catlr_fail(w->err, CATLR_ERR_IO, w->path, "cannot create dataset %s", name);
    return d;
}

/* NAME_set_x: uint8 (m, 64, 64, 3), written a block of images at a time,
 * each back from planar to the stored (row, column, RGB) order.
 * Contiguous, as the course's files are: any run of rows is then one read
 * (a hyperslab), and a whole load runs about three times as fast as from
 * one chunk per image, whose 10,000 lookups in HDF5's chunk index cost
 * more than the copy. */
static catlr_status write_x(const writer *w, const char *name, const uint8_t *X, size_t m) {
    const hsize_t dims[4] = {m, CATLR_HEIGHT, CATLR_WIDTH, CATLR_CHANNELS};
    hid_t d = create_dataset(w, name, w->h5->std_u8le, 4, dims);
    if (d < 0)
        return CATLR_ERR_IO;
    size_t block = BLOCK_BYTES / CATLR_N_X;
    block = block > m ? m : block;
    uint8_t *buf = malloc(block * CATLR_N_X);
    hid_t space = w->h5->H5Dget_space(d);
    catlr_status st = CATLR_OK;
    if (buf == NULL)
        st = catlr_fail(w->err, CATLR_ERR_NOMEM, w->path, "out of memory");
    const size_t plane = (size_t)CATLR_HEIGHT * CATLR_WIDTH;
    for (size_t j0 = 0; st == CATLR_OK && j0 < m; j0 += block) {
        const size_t n = m - j0 < block ? m - j0 : block;
        for (size_t i = 0; i < n; i++)
            for (size_t p = 0; p < plane; p++)
                for (size_t c = 0; c < CATLR_CHANNELS; c++)
                    buf[(i * plane + p) * CATLR_CHANNELS + c] =
                        X[(j0 + i) * CATLR_N_X + c * plane + p];
        const hsize_t start[4] = {j0, 0, 0, 0},
                      count[4] = {n, CATLR_HEIGHT, CATLR_WIDTH, CATLR_CHANNELS};
        hid_t rows = w->h5->H5Screate_simple(4, count, NULL);
        int ok = rows >= 0 && space >= 0 &&
                 w->h5->H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) >=
                     0 &&
                 w->h5->H5Dwrite(d, w->h5->native_uint8, rows, space, H5P_DEFAULT, buf) >= 0;
        if (rows >= 0)
            w->h5->H5Sclose(rows);
        if (!ok)
            st = catlr_fail(w->err, CATLR_ERR_IO, w->path, "cannot write %s", name);
    }
    if (space >= 0)
        w->h5->H5Sclose(space);
    free(buf);
    w->h5->H5Dclose(d);
    return st;
}

/* NAME_set_y: int64 (m), as the course's. */
static catlr_status write_y(const writer *w, const char *name, const uint8_t *y, size_t m) {
    int64_t *labels = malloc(m * sizeof *labels);
    if (labels == NULL)
        return catlr_fail(w->err, CATLR_ERR_NOMEM, w->path, "out of memory");
    for (size_t j = 0; j < m; j++)
        labels[j] = y[j];
    const hsize_t dims[1] = {m};
    hid_t d = create_dataset(w, name, w->h5->std_i64le, 1, dims);
    catlr_status st = d < 0 ? CATLR_ERR_IO : CATLR_OK;
    if (st == CATLR_OK &&
        w->h5->H5Dwrite(d, w->h5->native_int64, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels) < 0)
        st = catlr_fail(w->err, CATLR_ERR_IO, w->path, "cannot write %s", name);
    if (d >= 0)
        w->h5->H5Dclose(d);
    free(labels);
    return st;
}

/* list_classes: two fixed-length strings, zero-padded (numpy's 'S'). */
static catlr_status write_classes(const writer *w, const char *const names[2]) {
    size_t width = strlen(names[0]) > strlen(names[1]) ? strlen(names[0]) : strlen(names[1]);
    char *text = calloc(2, width);
    hid_t type = w->h5->H5Tcopy(w->h5->c_s1);
    catlr_status st = CATLR_OK;
    if (text == NULL || type < 0 || w->h5->H5Tset_size(type, width) < 0 ||
        w->h5->H5Tset_strpad(type, H5T_STR_NULLPAD) < 0)
        st = catlr_fail(w->err, CATLR_ERR_NOMEM, w->path, "out of memory");
    const hsize_t dims[1] = {2};
    hid_t d = -1;
    if (st == CATLR_OK) {
        memcpy(text, names[0], strlen(names[0]));
        memcpy(text + width, names[1], strlen(names[1]));
        d = create_dataset(w, "list_classes", type, 1, dims);
        if (d < 0)
            st = CATLR_ERR_IO;
    }
    if (st == CATLR_OK && w->h5->H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text) < 0)
        st = catlr_fail(w->err, CATLR_ERR_IO, w->path, "cannot write list_classes");
    if (d >= 0)
        w->h5->H5Dclose(d);
    if (type >= 0)
        w->h5->H5Tclose(type);
    free(text);
    return st;
}

/* Write the three datasets of pack into the new file tmp. */
static catlr_status write_file(const h5_library *h5, const char *tmp, const char *path,
                               const char *name, const catlr_h5_pack *pack, catlr_error *err) {
    writer w = {.h5 = h5, .file = -1, .path = path, .err = err};
    w.file = h5->H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (w.file < 0)
        return catlr_fail(err, CATLR_ERR_IO, path, "cannot create an HDF5 file");
    char x_name[CATLR_H5_NAME_MAX + 8], y_name[CATLR_H5_NAME_MAX + 8];
    snprintf(x_name, sizeof x_name, "%s_set_x", name);
    snprintf(y_name, sizeof y_name, "%s_set_y", name);
    catlr_status st = write_x(&w, x_name, pack->X, pack->m);
    if (st == CATLR_OK)
        st = write_y(&w, y_name, pack->y, pack->m);
    if (st == CATLR_OK)
        st = write_classes(&w, pack->class_names);
    if (h5->H5Fclose(w.file) < 0 && st == CATLR_OK)
        st = catlr_fail(err, CATLR_ERR_IO, path, "cannot finish the HDF5 file");
    return st;
}

/* fsync the finished file tmp, then give it the name path unless path
 * exists: link(2) refuses an existing name in one step; where the file
 * system has no hard links, a check then rename(2). */
static catlr_status publish(const char *tmp, const char *path, catlr_error *err) {
    int fd = open(tmp, O_RDONLY);
    int ok = fd >= 0 && fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0)
        close(fd);
    if (!ok)
        return catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(saved));
    if (link(tmp, path) == 0) {
        unlink(tmp);
    } else if (errno == EEXIST) {
        return catlr_fail(err, CATLR_ERR_IO, path, "already exists; catlr does not overwrite it");
    } else {
        struct stat sb;
        if (lstat(path, &sb) == 0)
            return catlr_fail(err, CATLR_ERR_IO, path,
                              "already exists; catlr does not overwrite it");
        if (rename(tmp, path) != 0)
            return catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
    }
    catlr_sync_parent(path);
    return CATLR_OK;
}

catlr_status catlr_h5_write_using(const char *library, const char *path, const char *name,
                                  const catlr_h5_pack *pack, catlr_error *err) {
    CATLR_ASSERT(library != NULL && path != NULL && name != NULL && pack != NULL);
    if (name[0] == '\0' || strlen(name) > CATLR_H5_NAME_MAX || strchr(name, '/') != NULL ||
        strchr(name, '.') == name)
        return catlr_fail(err, CATLR_ERR_ARG, path,
                          "'%s' cannot name a dataset: 1 to %d characters, no '/', not "
                          "starting with '.'",
                          name, CATLR_H5_NAME_MAX);
    struct stat sb;
    if (lstat(path, &sb) == 0)
        return catlr_fail(err, CATLR_ERR_IO, path, "already exists; catlr does not overwrite it");
    h5_library h5;
    catlr_status st = load_library(library, &h5, path, err);
    if (st != CATLR_OK)
        return st;
    char tmp[CATLR_ERROR_PATH_MAX + 32];
    int fd = catlr_create_temp(path, tmp, sizeof tmp);
    if (fd < 0) {
        close_library(&h5);
        return catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
    }
    close(fd);
    H5E_auto2_t old_func;
    void *old_data;
    h5.H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
    h5.H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    st = write_file(&h5, tmp, path, name, pack, err);
    h5.H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
    close_library(&h5);
    if (st == CATLR_OK)
        st = publish(tmp, path, err);
    if (st != CATLR_OK)
        unlink(tmp);
    return st;
}

#else /* no HDF5 */

#define WITHOUT_HDF5                                                                   \
    "catlr was built without HDF5, so it cannot read .h5 files; rebuild with libhdf5-dev " \
    "installed"

catlr_status catlr_h5_load_using(const char *library, const char *path, catlr_h5_set *set,
                                 catlr_error *err) {
    CATLR_ASSERT(library != NULL && path != NULL && set != NULL);
    memset(set, 0, sizeof *set);
    return catlr_fail(err, CATLR_ERR_UNSUPPORTED, path, WITHOUT_HDF5);
}

catlr_status catlr_h5_read_shard_using(const char *library, const char *path,
                                       const catlr_h5_shard_request *request,
                                       catlr_h5_shard *out, catlr_error *err) {
    CATLR_ASSERT(library != NULL && path != NULL && out != NULL && request != NULL &&
                 request->index < request->count);
    memset(out, 0, sizeof *out);
    return catlr_fail(err, CATLR_ERR_UNSUPPORTED, path, WITHOUT_HDF5);
}

catlr_status catlr_h5_write_using(const char *library, const char *path, const char *name,
                                  const catlr_h5_pack *pack, catlr_error *err) {
    CATLR_ASSERT(library != NULL && path != NULL && name != NULL && pack != NULL);
    return catlr_fail(err, CATLR_ERR_UNSUPPORTED, path, WITHOUT_HDF5);
}

#endif

/* The library catlr_h5_load dlopens (and h5_pack.c's catlr_h5_save): the SONAME of the HDF5 that CMake
 * found (e.g. "libhdf5_serial.so.103"), set on this file's command line. */
#ifndef CATLR_HDF5_LIBRARY
#define CATLR_HDF5_LIBRARY "libhdf5.so"
#endif

catlr_status catlr_h5_load(const char *path, catlr_h5_set *set, catlr_error *err) {
    return catlr_h5_load_using(CATLR_HDF5_LIBRARY, path, set, err);
}

catlr_status catlr_h5_read_shard(const char *path, const catlr_h5_shard_request *request,
                                 catlr_h5_shard *out, catlr_error *err) {
    return catlr_h5_read_shard_using(CATLR_HDF5_LIBRARY, path, request, out, err);
}

void catlr_h5_shard_free(catlr_h5_shard *s) {
    if (s == NULL)
        return;
    free(s->X);
    free(s->all_labels);
    free(s->class_names[0]);
    free(s->class_names[1]);
    memset(s, 0, sizeof *s);
}

/* ".h5" or ".hdf5" at the end of name, any case. */
static int h5_suffix(const char *name) {
    size_t n = strlen(name);
    return (n > 3 && strcasecmp(name + n - 3, ".h5") == 0) ||
           (n > 5 && strcasecmp(name + n - 5, ".hdf5") == 0);
}

int catlr_h5_is_file(const char *path) {
    CATLR_ASSERT(path != NULL);
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0;
    if (h5_suffix(path))
        return 1;
    return has_signature(path);
}
