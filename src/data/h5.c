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

#include <stdlib.h>
#include <string.h>

#include "catlr/h5.h"
#include "h5_library.h"
#include "base/dl.h"
#include "base/internal.h"

void catlr_h5_free(catlr_h5_set *set) {
    if (set == NULL)
        return;
    free(set->x);
    free(set->y);
    free(set->class_names[0]);
    free(set->class_names[1]);
    memset(set, 0, sizeof *set);
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
    X(H5Tset_strpad) X(H5Tclose)

typedef struct h5_library {
    void *handle; /* from dlopen, NULL when not loaded */
#define H5_MEMBER(f) __typeof__(f) *f;
    H5_FUNCTIONS(H5_MEMBER)
#undef H5_MEMBER
    /* H5T_NATIVE_UINT8, H5T_NATIVE_INT64 and H5T_C_S1 are macros over these
     * globals of the library, which hold their ids once H5open has run. */
    hid_t native_uint8, native_int64, c_s1;
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
 * the three type ids. Fails with CATLR_ERR_UNSUPPORTED naming library and
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
        st = catlr_dl_function(lib->handle, library, H5_NAME(f), &lib->f, sizeof lib->f, path, \
                               err);
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

/* Open dataset name, holding values of type class want, with rank dims. */
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
    if (d->rank != rank)
        return catlr_fail(r->err, CATLR_ERR_SHAPE, r->path, "%s has %d dimensions, not %d",
                          name, d->rank, rank);
    return CATLR_OK;
}

// ----------------------------------------------------------------------------
// The three datasets.

/* x: uint8 (m, 64, 64, 3). */
static catlr_status read_x(const reader *r, catlr_h5_set *set) {
    dataset d;
    catlr_status st = open_dataset(r, r->x_name, H5T_INTEGER, 4, &d);
    size_t size = st == CATLR_OK ? r->h5->H5Tget_size(d.type) : 0;
    H5T_sign_t sign = st == CATLR_OK ? r->h5->H5Tget_sign(d.type) : H5T_SGN_ERROR;
    if (st == CATLR_OK && (size != 1 || sign != H5T_SGN_NONE))
        st = catlr_fail(r->err, CATLR_ERR_FORMAT, r->path,
                        "%s holds %zu-byte %s integers, not uint8", r->x_name, size,
                        sign == H5T_SGN_NONE ? "unsigned" : "signed");
    if (st == CATLR_OK && (d.dims[0] < 1 || d.dims[1] != CATLR_HEIGHT ||
                           d.dims[2] != CATLR_WIDTH || d.dims[3] != CATLR_CHANNELS))
        st = catlr_fail(r->err, CATLR_ERR_SHAPE, r->path,
                        "%s is %llu x %llu x %llu x %llu, not m x 64 x 64 x 3", r->x_name,
                        (unsigned long long)d.dims[0], (unsigned long long)d.dims[1],
                        (unsigned long long)d.dims[2], (unsigned long long)d.dims[3]);
    if (st == CATLR_OK && d.dims[0] > SIZE_MAX / CATLR_N_X)
        st = catlr_fail(r->err, CATLR_ERR_SHAPE, r->path, "%s has too many images", r->x_name);
    if (st == CATLR_OK) {
        set->m = (size_t)d.dims[0];
        set->x = malloc(set->m * CATLR_N_X);
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

/* y: m integers, each 0 or 1; read as int64 whatever the stored width
 * (the course stores int64). */
static catlr_status read_y(const reader *r, catlr_h5_set *set) {
    dataset d;
    catlr_status st = open_dataset(r, r->y_name, H5T_INTEGER, 1, &d);
    if (st == CATLR_OK && d.dims[0] != set->m)
        st = catlr_fail(r->err, CATLR_ERR_SHAPE, r->path, "%s has %llu labels for %zu images",
                        r->y_name, (unsigned long long)d.dims[0], set->m);
    int64_t *labels = st == CATLR_OK ? malloc(set->m * sizeof *labels) : NULL;
    set->y = st == CATLR_OK ? malloc(set->m) : NULL;
    if (st == CATLR_OK && (labels == NULL || set->y == NULL))
        st = catlr_fail(r->err, CATLR_ERR_NOMEM, r->path, "cannot allocate %zu labels", set->m);
    if (st == CATLR_OK &&
        r->h5->H5Dread(d.id, r->h5->native_int64, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels) < 0)
        st = catlr_fail(r->err, CATLR_ERR_FORMAT, r->path, "cannot read %s", r->y_name);
    for (size_t j = 0; st == CATLR_OK && j < set->m; j++) {
        if (labels[j] != 0 && labels[j] != 1)
            st = catlr_fail(r->err, CATLR_ERR_DATA, r->path, "%s[%zu] is %lld, not 0 or 1",
                            r->y_name, j, (long long)labels[j]);
        else
            set->y[j] = (uint8_t)labels[j];
    }
    free(labels);
    close_dataset(r, &d);
    return st;
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

/* list_classes: two fixed-length strings. */
static catlr_status read_classes(const reader *r, catlr_h5_set *set) {
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
        if (st == CATLR_OK && (set->class_names[k] = strdup(text + k * width)) == NULL)
            st = catlr_fail(r->err, CATLR_ERR_NOMEM, r->path, "cannot allocate class names");
    }
    if (st == CATLR_OK && strcmp(set->class_names[0], set->class_names[1]) == 0)
        st = catlr_fail(r->err, CATLR_ERR_DATA, r->path,
                        "list_classes names '%s' twice", set->class_names[0]);
    if (memtype >= 0)
        r->h5->H5Tclose(memtype);
    free(text);
    close_dataset(r, &d);
    return st;
}

static catlr_status read_all(reader *r, catlr_h5_set *set) {
    catlr_status st = find_names(r);
    if (st == CATLR_OK)
        st = read_x(r, set);
    if (st == CATLR_OK)
        st = read_y(r, set);
    if (st == CATLR_OK)
        st = read_classes(r, set);
    return st;
}

catlr_status catlr_h5_load_using(const char *library, const char *path, catlr_h5_set *set,
                                 catlr_error *err) {
    CATLR_ASSERT(library != NULL && path != NULL && set != NULL);
    memset(set, 0, sizeof *set);
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
        st = catlr_fail(err, CATLR_ERR_FORMAT, path, "not an HDF5 file");
    else
        st = read_all(&r, set);
    if (r.file >= 0)
        h5.H5Fclose(r.file);
    h5.H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
    close_library(&h5);
    if (st != CATLR_OK)
        catlr_h5_free(set);
    return st;
}

#else /* no HDF5 */

catlr_status catlr_h5_load_using(const char *library, const char *path, catlr_h5_set *set,
                                 catlr_error *err) {
    CATLR_ASSERT(library != NULL && path != NULL && set != NULL);
    memset(set, 0, sizeof *set);
    return catlr_fail(err, CATLR_ERR_UNSUPPORTED, path,
                      "catlr was built without HDF5, so it cannot read .h5 files; rebuild "
                      "with libhdf5-dev installed");
}

#endif

/* The library catlr_h5_load dlopens: the SONAME of the HDF5 that CMake
 * found (e.g. "libhdf5_serial.so.103"), set on this file's command line. */
#ifndef CATLR_HDF5_LIBRARY
#define CATLR_HDF5_LIBRARY "libhdf5.so"
#endif

catlr_status catlr_h5_load(const char *path, catlr_h5_set *set, catlr_error *err) {
    return catlr_h5_load_using(CATLR_HDF5_LIBRARY, path, set, err);
}
