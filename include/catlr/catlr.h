/* catlr.h: what every part of catlr shares: the status codes, the error
 * record, the image geometry and the version.
 *
 * catlr is a logistic-regression cat / non-cat classifier on 64x64 RGB
 * images, the model of the course "Neural Networks and Deep Learning",
 * week 2. Include <catlr/catlr.h> for these basics, or the module header
 * you need (image.h, dataset.h, train.h, model.h, predict.h); each
 * includes this one. */
#ifndef CATLR_CATLR_H
#define CATLR_CATLR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What these headers declare is catlr's API, the only symbols libcatlr.so
 * exports: the library is compiled with -fvisibility=hidden, and each
 * header wraps its declarations in this push and the pop at its end. */
#pragma GCC visibility push(default)

#define CATLR_VERSION "0.2.0"

/* ---------------------------------------------------------------------------
 * Image geometry. Every image becomes a feature vector of CATLR_N_X bytes,
 * channel-planar: feature index c*64*64 + row*64 + col, as the course. */
#define CATLR_HEIGHT 64
#define CATLR_WIDTH 64
#define CATLR_CHANNELS 3
#define CATLR_N_X (CATLR_HEIGHT * CATLR_WIDTH * CATLR_CHANNELS) /* 12288 */

/* ---------------------------------------------------------------------------
 * Status. 0 is success, everything else a failure the caller decides about.
 * New values go at the end so that numbers already seen by callers keep
 * their meaning. */
typedef enum catlr_status {
    CATLR_OK = 0,
    CATLR_ERR_IO,      /* open/read/write/close failed; strerror text in reason */
    CATLR_ERR_FORMAT,  /* not a PNG, bad magic, unknown model version, bad CRC */
    CATLR_ERR_SHAPE,   /* sizes that do not fit: model n_x != image n_x, caps */
    CATLR_ERR_NOMEM,   /* an allocation failed */
    CATLR_ERR_ARG,     /* a value the header rules out, e.g. lr <= 0 */
    CATLR_ERR_NUMERIC, /* cost or weights became NaN or infinite */
    CATLR_ERR_DATA,    /* a folder does not hold what training needs */
    CATLR_ERR_UNSUPPORTED, /* catlr was built without the library this needs */
    CATLR_ERR_STOPPED  /* training stopped on request (a signal) */
} catlr_status;

/* A short name for a status: "I/O error", "bad format", ... Never NULL. */
const char *catlr_status_str(catlr_status status);

/* ---------------------------------------------------------------------------
 * The optional parts of a build of libcatlr, for a program's --version.
 * New values go at the end. */
typedef enum catlr_part {
    CATLR_PART_LIBPNG,  /* always there: decodes PNG */
    CATLR_PART_LIBJPEG, /* decodes JPEG */
    CATLR_PART_HDF5,    /* reads the course's .h5 files; loaded only when needed */
    CATLR_PART_CAIRO,   /* draws the charts and the weights picture */
    CATLR_PART_OPENMP,  /* trains and decodes on all cores */
    CATLR_PART_SIMD     /* the kernels this CPU runs: AVX-512, AVX2 or portable */
} catlr_part;
#define CATLR_N_PARTS 6

/* The part's name ("libjpeg"), and in text (size bytes, always
 * NUL-terminated) what this build holds of it: its version ("2.1.5"),
 * with "loaded when needed (LIBRARY)" for a library loaded at run time
 * only when a command needs it, or "no". Loads nothing. */
const char *catlr_part_describe(catlr_part part, char *text, size_t size);

/* ---------------------------------------------------------------------------
 * Error record. Functions that can fail take a `catlr_error *err` last (NULL
 * allowed) and fill it when they fail. The path names the thing and the reason
 * names the cause, so a program prints "catlr: data/x.png: not a PNG or
 * JPEG file" without adding words. Both are always NUL-terminated; text that does not
 * fit ends in "...". */
#define CATLR_ERROR_PATH_MAX 1024
#define CATLR_ERROR_REASON_MAX 256

typedef struct catlr_error {
    char path[CATLR_ERROR_PATH_MAX];     /* the file or folder involved, "" if none */
    char reason[CATLR_ERROR_REASON_MAX]; /* short, no trailing period */
} catlr_error;

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_CATLR_H */
