/* h5_fixtures.h: small HDF5 files laid out like the course's, written at
 * test time with the HDF5 C library (only when catlr has HDF5). */
#ifndef CATLR_TEST_H5_FIXTURES_H
#define CATLR_TEST_H5_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

/* What to write; a NULL name leaves that dataset out. x is uint8
 * (m, H, W, 3) (64 x 64 unless set) filled with (j*7 + i) mod 256 for
 * byte i of example j,
 * unless x_type_float or x_last_dim differ; y is int64 labels; classes
 * are fixed-length strings of class_width bytes. */
typedef struct h5_spec {
    const char *x_name, *y_name, *classes_name;
    size_t m;
    int x_last_dim;        /* 3 normally */
    int x_float;           /* store x as float32 instead of uint8 */
    int x_int16;           /* store x as int16 */
    const int64_t *y;      /* m labels */
    size_t y_count;        /* labels stored (m normally) */
    const char *const *classes;
    size_t n_classes;      /* 2 normally */
    size_t x_height, x_width; /* 0: 64 */
    int y_row;             /* store y as (1, m), as a numpy row */
    int x_no_data;         /* create x without writing it (for shapes too
                              large to write) */
} h5_spec;

/* Write spec to path; 0 on success. */
int h5_fixture_write(const char *path, const h5_spec *spec);

/* The value h5_fixture_write puts at byte i of example j. */
uint8_t h5_fixture_pixel(size_t j, size_t i);

#endif /* CATLR_TEST_H5_FIXTURES_H */
