/* h5_fixtures.c: see h5_fixtures.h. */
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>

#include "h5_fixtures.h"

uint8_t h5_fixture_pixel(size_t j, size_t i) {
    return (uint8_t)((j * 7 + i) % 256);
}

static int write_dataset(hid_t file, const char *name, hid_t type, int rank,
                         const hsize_t *dims, hid_t memtype, const void *data) {
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t d = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int ok = d >= 0 && H5Dwrite(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
    if (d >= 0)
        H5Dclose(d);
    H5Sclose(space);
    return ok ? 0 : -1;
}

static int write_x(hid_t file, const h5_spec *s) {
    size_t h = s->x_height ? s->x_height : 64, w = s->x_width ? s->x_width : 64;
    hsize_t dims[4] = {s->m, h, w, (hsize_t)s->x_last_dim};
    hid_t type = s->x_float ? H5T_IEEE_F32LE : s->x_int16 ? H5T_STD_I16LE : H5T_STD_U8LE;
    if (s->x_no_data) {
        /* chunked, so that no storage is set aside for it */
        hsize_t chunk[4] = {1, 1, 1, (hsize_t)s->x_last_dim};
        hid_t space = H5Screate_simple(4, dims, NULL), props = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_chunk(props, 4, chunk);
        hid_t d = H5Dcreate2(file, s->x_name, type, space, H5P_DEFAULT, props, H5P_DEFAULT);
        H5Pclose(props);
        H5Sclose(space);
        return d >= 0 && H5Dclose(d) >= 0 ? 0 : -1;
    }
    size_t per = h * w * (size_t)s->x_last_dim, n = s->m * per;
    uint8_t *x = malloc(n ? n : 1);
    if (x == NULL)
        return -1;
    for (size_t j = 0; j < s->m; j++)
        for (size_t i = 0; i < per; i++)
            x[j * per + i] = h5_fixture_pixel(j, i);
    int rc = write_dataset(file, s->x_name, type, 4, dims, H5T_NATIVE_UINT8, x);
    free(x);
    return rc;
}

static int write_classes(hid_t file, const h5_spec *s) {
    enum { WIDTH = 16 };
    char buf[8][WIDTH];
    memset(buf, 0, sizeof buf);
    for (size_t k = 0; k < s->n_classes && k < 8; k++)
        strncpy(buf[k], s->classes[k], WIDTH);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, WIDTH);
    H5Tset_strpad(type, H5T_STR_NULLPAD); /* as numpy's 'S' strings */
    hsize_t dims[1] = {s->n_classes};
    int rc = write_dataset(file, s->classes_name, type, 1, dims, type, buf);
    H5Tclose(type);
    return rc;
}

int h5_fixture_write(const char *path, const h5_spec *s) {
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0)
        return -1;
    int rc = 0;
    if (s->x_name != NULL)
        rc |= write_x(file, s);
    if (s->y_name != NULL) {
        hsize_t dims[2] = {1, s->y_count};
        rc |= write_dataset(file, s->y_name, H5T_STD_I64LE, s->y_row ? 2 : 1,
                            s->y_row ? dims : dims + 1, H5T_NATIVE_INT64, s->y);
    }
    if (s->classes_name != NULL)
        rc |= write_classes(file, s);
    H5Fclose(file);
    return rc;
}
