/* image_jpeg.c: JPEG file or buffer -> feature vector, through libjpeg's
 * decompression API (libjpeg-turbo). The only file that includes
 * <jpeglib.h>.
 *
 * catlr does not link libjpeg: most commands never meet a JPEG (the
 * course's data and `catlr predict` on a PNG), and loading it took a tenth
 * of a millisecond of every start. Each decode dlopens the library found at
 * build time (CATLR_JPEG_LIBRARY, its SONAME) and calls it through the
 * pointers of a jpeg_library the decode owns; <jpeglib.h> still gives every
 * type and prototype. RTLD_NODELETE keeps it mapped once loaded, so that a
 * folder of photos maps it once, not once a picture: each later dlopen
 * only counts a reference.
 *
 * libjpeg reports errors by calling error_exit, which must not return; as
 * its own example.c does, ours longjmps back to decode(), the one function
 * that calls setjmp. Everything decode() changes after setjmp lives in the
 * caller's jpeg_job, reached through a pointer that never changes, so
 * nothing is left indeterminate by the jump.
 *
 * libjpeg itself converts YCbCr and gray to RGB; CMYK and YCCK come out as
 * CMYK, which we turn to RGB here. The EXIF orientation is applied
 * (image_orient.c), then the picture is resized like any other. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_decode.h"
#include "base/internal.h"

#if CATLR_HAVE_JPEG

#include <dlfcn.h>
#include <jerror.h>
#include <jpeglib.h>
#include <setjmp.h>

#include "base/dl.h"

// ----------------------------------------------------------------------------
// The libjpeg library, loaded for one decode.

/* Every libjpeg function this file calls (jpeg_create_decompress is a
 * macro over jpeg_CreateDecompress), each a member of jpeg_library of the
 * function's own type, so that calls are checked against jpeglib.h. */
#define JPEG_FUNCTIONS(X)                                                      \
    X(jpeg_std_error) X(jpeg_CreateDecompress) X(jpeg_destroy_decompress)       \
    X(jpeg_mem_src) X(jpeg_save_markers) X(jpeg_read_header)                    \
    X(jpeg_start_decompress) X(jpeg_read_scanlines) X(jpeg_finish_decompress)

typedef struct jpeg_library {
    void *handle; /* from dlopen, NULL when not loaded */
#define JPEG_MEMBER(f) __typeof__(f) *f;
    JPEG_FUNCTIONS(JPEG_MEMBER)
#undef JPEG_MEMBER
} jpeg_library;

static void close_jpeg(jpeg_library *lib) {
    if (lib->handle != NULL)
        dlclose(lib->handle);
    memset(lib, 0, sizeof *lib);
}

/* dlopen library into *lib and look up every function. Fails with
 * CATLR_ERR_UNSUPPORTED naming library and dlerror's reason under name,
 * *lib closed. */
static catlr_status open_jpeg(const char *library, jpeg_library *lib, const char *name,
                              catlr_error *err) {
    memset(lib, 0, sizeof *lib);
    catlr_status st = catlr_dl_open(library, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE, "libjpeg",
                                    &lib->handle, name, err);
#define JPEG_LOOK_UP(f)                                                        \
    if (st == CATLR_OK)                                                        \
        st = catlr_dl_function(lib->handle, library,                           \
                               &(catlr_dl_symbol){#f, &lib->f, sizeof lib->f}, name, err);
    JPEG_FUNCTIONS(JPEG_LOOK_UP)
#undef JPEG_LOOK_UP
    if (st != CATLR_OK)
        close_jpeg(lib);
    return st;
}

// ----------------------------------------------------------------------------
// Errors: into the job's message buffer, then back to decode().

typedef struct jpeg_fail {
    struct jpeg_error_mgr pub; /* first: libjpeg sees only this part */
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} jpeg_fail;

static void on_error(j_common_ptr cinfo) {
    jpeg_fail *fail = (jpeg_fail *)cinfo->err;
    cinfo->err->format_message(cinfo, fail->message);
    longjmp(fail->jump, 1);
}

/* libjpeg only warns about damaged data and goes on, filling what it could
 * not decode with grey: a cut-off download would train as a half-grey cat.
 * Those warnings are errors here; the harmless ones (an unknown JFIF
 * version, stray bytes between markers) and trace messages are ignored. */
static void on_message(j_common_ptr cinfo, int level) {
    if (level >= 0)
        return;
    switch (cinfo->err->msg_code) {
    case JWRN_JPEG_EOF:        /* premature end of JPEG file */
    case JWRN_HIT_MARKER:      /* premature end of data segment */
    case JWRN_HUFF_BAD_CODE:   /* bad Huffman code */
    case JWRN_MUST_RESYNC:     /* a restart marker out of place */
    case JWRN_BOGUS_PROGRESSION:
        on_error(cinfo);
        break;
    default:
        break;
    }
}

// ----------------------------------------------------------------------------
// Decoding.

typedef struct jpeg_job {
    jpeg_library lib;
    struct jpeg_decompress_struct cinfo;
    jpeg_fail fail;
    const uint8_t *data; /* the source: a buffer of `size` bytes */
    size_t size;
    const char *name;
    catlr_error *err;
    uint8_t *rgb;        /* width x height x 3, as stored */
    uint8_t *row;        /* one CMYK scanline */
    size_t width, height;
    int orientation;
} jpeg_job;

/* The orientation in the first EXIF APP1 segment, 1 without one. */
static int orientation_of(j_decompress_ptr cinfo) {
    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != NULL; m = m->next)
        if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 &&
            memcmp(m->data, "Exif\0\0", 6) == 0)
            return catlr_exif_orientation(m->data, m->data_length);
    return 1;
}

/* CMYK to RGB: R = 255 (1 - C)(1 - K), in integers. Adobe's writers (and
 * libjpeg, which writes the Adobe marker with CMYK) store every sample
 * inverted, 255 - C, so there R = c k / 255 of the stored values. */
static void cmyk_row(const uint8_t *cmyk, size_t width, int inverted, uint8_t *rgb) {
    for (size_t c = 0; c < width; c++, cmyk += 4, rgb += 3) {
        unsigned k = inverted ? cmyk[3] : 255u - cmyk[3];
        for (int ch = 0; ch < 3; ch++) {
            unsigned v = inverted ? cmyk[ch] : 255u - cmyk[ch];
            rgb[ch] = (uint8_t)((v * k + 127) / 255);
        }
    }
}

/* Read the scanlines into j->rgb (allocated here); jpeg_start_decompress
 * has run. */
static catlr_status read_pixels(jpeg_job *j) {
    j_decompress_ptr cinfo = &j->cinfo;
    int cmyk = cinfo->out_color_space == JCS_CMYK;
    if (cinfo->output_components != (cmyk ? 4 : 3))
        return catlr_fail(j->err, CATLR_ERR_FORMAT, j->name, "unexpected %d colour components",
                          cinfo->output_components);
    j->width = cinfo->output_width;
    j->height = cinfo->output_height;
    j->rgb = malloc(j->width * j->height * 3);
    j->row = cmyk ? malloc(j->width * 4) : NULL;
    if (j->rgb == NULL || (cmyk && j->row == NULL))
        return catlr_fail(j->err, CATLR_ERR_NOMEM, j->name, "cannot allocate %lux%lu pixels",
                          (unsigned long)j->width, (unsigned long)j->height);
    while (cinfo->output_scanline < cinfo->output_height) {
        uint8_t *dst = j->rgb + (size_t)cinfo->output_scanline * j->width * 3;
        JSAMPROW line = cmyk ? j->row : dst;
        if (j->lib.jpeg_read_scanlines(cinfo, &line, 1) != 1)
            return catlr_fail(j->err, CATLR_ERR_FORMAT, j->name, "no scanline");
        if (cmyk)
            cmyk_row(j->row, j->width, cinfo->saw_Adobe_marker, dst);
    }
    j->lib.jpeg_finish_decompress(cinfo);
    return CATLR_OK;
}

/* Header, caps, decode into j->rgb. The only function that calls setjmp;
 * its own locals are set before it and never changed after. */
static catlr_status decode(jpeg_job *j) {
    j_decompress_ptr cinfo = &j->cinfo;
    if (setjmp(j->fail.jump) != 0)
        return catlr_fail(j->err, CATLR_ERR_FORMAT, j->name, "%s", j->fail.message);
    j->lib.jpeg_mem_src(cinfo, j->data, (unsigned long)j->size);
    j->lib.jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xffff);
    j->lib.jpeg_read_header(cinfo, TRUE);
    catlr_status st =
        catlr_image_check_size(cinfo->image_width, cinfo->image_height, j->name, j->err);
    if (st != CATLR_OK)
        return st;
    j->orientation = orientation_of(cinfo);
    int cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
    cinfo->out_color_space = cmyk ? JCS_CMYK : JCS_RGB; /* gray too: libjpeg-turbo copies it */
    j->lib.jpeg_start_decompress(cinfo);
    return read_pixels(j);
}

/* Decode with j->lib, turn upright, resize; releases everything but
 * j->lib. */
static catlr_status run(jpeg_job *j, uint8_t px[CATLR_N_X]) {
    j->cinfo.err = j->lib.jpeg_std_error(&j->fail.pub);
    j->fail.pub.error_exit = on_error;
    j->fail.pub.emit_message = on_message;
    /* what jpeg_create_decompress expands to, through the pointer */
    j->lib.jpeg_CreateDecompress(&j->cinfo, JPEG_LIB_VERSION, sizeof j->cinfo);
    catlr_status st = decode(j);
    j->lib.jpeg_destroy_decompress(&j->cinfo);
    free(j->row);
    if (st == CATLR_OK && j->orientation != 1) {
        uint8_t *upright = malloc(j->width * j->height * 3);
        if (upright == NULL) {
            st = catlr_fail(j->err, CATLR_ERR_NOMEM, j->name, "cannot allocate %lux%lu pixels",
                            (unsigned long)j->width, (unsigned long)j->height);
        } else {
            catlr_rgb seen = {.px = upright};
            catlr_image_orient(&(catlr_rgb){.px = j->rgb, .width = j->width, .height = j->height},
                               j->orientation, &seen);
            free(j->rgb);
            j->rgb = seen.px;
            j->width = seen.width;
            j->height = seen.height;
        }
    }
    if (st == CATLR_OK)
        catlr_image_from_rgb(j->rgb, j->width, j->height, px);
    free(j->rgb);
    return st;
}

catlr_status catlr_jpeg_decode_memory_using(const char *library, const catlr_jpeg_source *src,
                                            uint8_t px[CATLR_N_X], catlr_error *err) {
    jpeg_job j;
    memset(&j, 0, sizeof j);
    j.data = src->data;
    j.size = src->size;
    j.name = src->name;
    j.err = err;
    catlr_status st = open_jpeg(library, &j.lib, src->name, err);
    if (st == CATLR_OK)
        st = run(&j, px);
    close_jpeg(&j.lib);
    return st;
}

catlr_status catlr_jpeg_decode_memory(const void *data, size_t size, const char *name,
                                      uint8_t px[CATLR_N_X], catlr_error *err) {
    return catlr_jpeg_decode_memory_using(
        CATLR_JPEG_LIBRARY, &(catlr_jpeg_source){.data = data, .size = size, .name = name}, px,
        err);
}

#else /* no libjpeg */

static catlr_status without_jpeg(const char *name, catlr_error *err) {
    return catlr_fail(err, CATLR_ERR_UNSUPPORTED, name,
                      "catlr was built without libjpeg, so it cannot read this JPEG; "
                      "rebuild with libjpeg-dev installed");
}

catlr_status catlr_jpeg_decode_memory(const void *data, size_t size, const char *name,
                                      uint8_t px[CATLR_N_X], catlr_error *err) {
    (void)data, (void)size, (void)px;
    return without_jpeg(name, err);
}

catlr_status catlr_jpeg_decode_memory_using(const char *library, const catlr_jpeg_source *src,
                                            uint8_t px[CATLR_N_X], catlr_error *err) {
    (void)library, (void)px;
    return without_jpeg(src->name, err);
}

#endif
